import assert from "node:assert/strict";
import { assertClose, checkGradients, gpuTestBothInputs, randn } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { batchNorm } from "../../src/ops/batchnorm/batchnorm.ts";
import { batchNormRef } from "../../src/ops/batchnorm/reference.ts";

const EPS = 1e-5;

function state(c: number, momentum = 0.1) {
  const init = new Float32Array(2 * c).fill(1, c);
  return { running: Tensor.from(init, [2, c], { persistent: true }), eps: EPS, momentum };
}

gpuTestBothInputs("batchNorm training forward and running averages match the CPU", async () => {
  // rows = 2·17·5 = 170 is not a multiple of the 256-row slice; 600 rows take several slices.
  // [5, 9, 7, 12]: 315 rows, more than one 256-row slice on the aligned path.
  for (const shape of [[2, 17, 5, 3], [600, 7], [3, 7, 5, 8], [5, 9, 7, 12]]) {
    const c = shape[shape.length - 1];
    const n = shape.reduce((a, b) => a * b);
    const x = randn(n, c, 2).map((v, i) => v + (i % c));
    const gamma = randn(c, 1);
    const beta = randn(c, 2);
    const s = state(c);
    const y = batchNorm(
      Tensor.from(x, shape),
      Tensor.from(gamma, [c]),
      Tensor.from(beta, [c]),
      s,
      true,
    );
    const ref = batchNormRef(x, c, gamma, beta, EPS);
    assertClose(await y.read(), ref.out, 1e-4, `bn ${shape}`);
    const running = await s.running.read();
    const rows = n / c;
    for (let j = 0; j < c; j++) {
      assertClose([running[j]], [0.1 * ref.mean[j]], 1e-4, "running mean");
      assertClose(
        [running[c + j]],
        [0.9 + 0.1 * ref.variance[j] * rows / (rows - 1)],
        1e-4,
        "running var",
      );
    }
  }
});

gpuTestBothInputs("batchNorm eval mode uses the running statistics", async () => {
  const c = 3;
  const s = state(c);
  const running = new Float32Array([1, 2, 3, 4, 0.25, 9]);
  s.running.write(running);
  const x = randn(5 * c, 7);
  const y = await batchNorm(
    Tensor.from(x, [5, c]),
    Tensor.from(new Float32Array([1, 1, 1]), [c]),
    Tensor.from(new Float32Array(c), [c]),
    s,
    false,
  ).read();
  const expected = x.map((v, i) => (v - running[i % c]) / Math.sqrt(running[c + (i % c)] + EPS));
  assertClose(y, expected, 1e-4, "eval");
  assert.deepEqual(await s.running.read(), running);
});

// C = 8 takes the aligned vec4 path, C = 3 the per-component one; both with and without ReLU;
// [5, 9, 7, 12] has two row slices (without ReLU: with 315 rows per channel, a finite-difference
// step of beta moves several values across the ReLU's kink, so its estimate is off by ~5%).
for (
  const [shape, relu] of [
    [[3, 5, 3, 8], false],
    [[2, 5, 3, 3], false],
    [[3, 5, 3, 8], true],
    [[7, 3], true],
    [[5, 9, 7, 12], false],
  ] as [number[], boolean][]
) {
  gpuTestBothInputs(
    `batchNorm${relu ? "+ReLU" : ""} backward by finite differences, shape [${shape}]`,
    async () => {
      const c = shape[shape.length - 1];
      await checkGradients(
        ([x, g, b]) => batchNorm(x, g, b, state(c), true, relu),
        [
          { data: randn(shape.reduce((a, b) => a * b), 11), shape },
          { data: randn(c, 12).map((v) => 1 + 0.3 * v), shape: [c] },
          { data: randn(c, 13), shape: [c] },
        ],
        // Smaller steps with ReLU, so few outputs cross its kink.
        { h: relu ? 1e-3 : 1e-2, tol: 3e-2 },
      );
    },
  );
}

gpuTestBothInputs("batchNorm with fused ReLU equals max(batchNorm, 0)", async () => {
  for (const shape of [[2, 3, 5, 8], [11, 5]]) {
    const c = shape[shape.length - 1];
    const n = shape.reduce((a, b) => a * b);
    const x = randn(n, 21);
    const gamma = randn(c, 22);
    const beta = randn(c, 23);
    const y = batchNorm(
      Tensor.from(x, shape),
      Tensor.from(gamma, [c]),
      Tensor.from(beta, [c]),
      state(c),
      true,
      true,
    );
    const ref = batchNormRef(x, c, gamma, beta, EPS).out.map((v) => Math.max(v, 0));
    assertClose(await y.read(), ref, 1e-4, `bn+relu ${shape}`);
  }
});
