import assert from "node:assert/strict";
import { assertClose, checkGradients, gpuTestBothInputs, randn } from "../helpers.ts";
import { backward, endStep, Tensor } from "../../src/autograd/tensor.ts";
import { batchNorm } from "../../src/ops/batchnorm/batchnorm.ts";
import { batchNormMaxPool } from "../../src/ops/batchnorm/batchnorm_maxpool.ts";
import { batchNormRef } from "../../src/ops/batchnorm/reference.ts";
import { maxPool2d } from "../../src/ops/maxpool/maxpool.ts";
import { maxPoolRef } from "../../src/ops/maxpool/reference.ts";

const EPS = 1e-5;

function state(c: number) {
  const init = new Float32Array(2 * c).fill(1, c);
  return { running: Tensor.from(init, [2, c], { persistent: true }), eps: EPS, momentum: 0.1 };
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

// Odd H and W (floor mode leaves the last row and column out of every window), overlapping
// windows (stride < size), a stride larger than the window, C = 4 (one quadruple) and 12.
const CASES: [number[], number, number][] = [
  [[3, 7, 7, 4], 2, 2],
  [[3, 9, 9, 12], 2, 2],
  [[3, 7, 9, 4], 3, 2],
  [[2, 9, 7, 12], 2, 1],
  [[2, 9, 9, 4], 2, 3],
];

/** Inputs with per-channel offsets and scales (so the statistics matter) and β of both signs. */
function inputs(shape: number[], seed: number) {
  const c = shape[3];
  return {
    x: randn(size(shape), seed, 2).map((v, i) => v + (i % c) * 0.5),
    gamma: randn(c, seed + 1).map((v) => 1 + 0.3 * v),
    beta: randn(c, seed + 2),
  };
}

gpuTestBothInputs("batchNormMaxPool forward (training, ± ReLU) matches the CPU", async () => {
  for (const [shape, k, s] of CASES) {
    const c = shape[3];
    const { x, gamma, beta } = inputs(shape, k + s);
    for (const relu of [true, false]) {
      const y = batchNormMaxPool(
        Tensor.from(x, shape),
        Tensor.from(gamma, [c]),
        Tensor.from(beta, [c]),
        state(c),
        true,
        relu,
        k,
        s,
      );
      const bn = batchNormRef(x, c, gamma, beta, EPS).out.map((v) => relu ? Math.max(v, 0) : v);
      const what = `bn${relu ? "+relu" : ""}+maxpool ${shape} k${k} s${s}`;
      assertClose(await y.read(), maxPoolRef(bn, shape, k, s), 1e-4, what);
      endStep();
    }
  }
});

gpuTestBothInputs("batchNormMaxPool eval mode uses the running statistics", async () => {
  const shape = [3, 9, 7, 8];
  const c = 8;
  const { x, gamma, beta } = inputs(shape, 5);
  const running = Float32Array.from({ length: 2 * c }, (_, i) => i < c ? i * 0.5 : 0.5 + i / c);
  for (const relu of [true, false]) {
    const s = state(c);
    s.running.write(running);
    const y = await batchNormMaxPool(
      Tensor.from(x, shape),
      Tensor.from(gamma, [c]),
      Tensor.from(beta, [c]),
      s,
      false,
      relu,
    ).read();
    const bn = x.map((v, i) => {
      const j = i % c;
      const out = (v - running[j]) / Math.sqrt(running[c + j] + EPS) * gamma[j] + beta[j];
      return relu ? Math.max(out, 0) : out;
    });
    assertClose(y, maxPoolRef(bn, shape, 2, 2), 1e-4, `eval relu=${relu}`);
    assert.deepEqual(await s.running.read(), running);
    endStep();
  }
});

for (const [shape, k, s] of CASES) {
  for (const relu of [true, false]) {
    gpuTestBothInputs(
      `batchNorm${relu ? "+ReLU" : ""}+maxpool backward by finite differences, ` +
        `[${shape}] k${k} s${s}`,
      async () => {
        const c = shape[3];
        const { x, gamma, beta } = inputs(shape, 11);
        await checkGradients(
          ([a, g, b]) => batchNormMaxPool(a, g, b, state(c), true, relu, k, s),
          [{ data: x, shape }, { data: gamma, shape: [c] }, { data: beta, shape: [c] }],
          // Small steps, so few values cross the ReLU's kink (many do at 1e-3 with overlapping
          // windows) or swap places in a window.
          { h: 3e-4, tol: 3e-2 },
        );
      },
    );
  }
}

/**
 * Output, gradients (x, γ, β, from the same upstream gradient) and running statistics of
 * `f` in training mode.
 */
async function run(
  f: (x: Tensor, g: Tensor, b: Tensor, s: ReturnType<typeof state>) => Tensor,
  shape: number[],
  data: { x: Float32Array; gamma: Float32Array; beta: Float32Array },
  seed: Float32Array | null,
) {
  const c = shape[3];
  const s = state(c);
  const leaves = [
    Tensor.from(new Float32Array(data.x), shape, { requiresGrad: true }),
    Tensor.from(new Float32Array(data.gamma), [c], { requiresGrad: true }),
    Tensor.from(new Float32Array(data.beta), [c], { requiresGrad: true }),
  ];
  const y = f(leaves[0], leaves[1], leaves[2], s);
  const dy = seed ?? randn(y.size, 99);
  backward(y, Tensor.from(new Float32Array(dy), y.shape));
  const [out, running, ...grads] = await Promise.all([
    y.read(),
    s.running.read(),
    ...leaves.map((t) => t.grad!.read()),
  ]);
  endStep();
  return { out, running, grads, dy };
}

gpuTestBothInputs("batchNormMaxPool equals maxPool2d(batchNorm(...)), ties included", async () => {
  for (const [shape, k, s] of CASES) {
    const rnd = inputs(shape, 31);
    // Few distinct values, so windows hold ties (first position wins); with β of both signs the
    // ReLU makes whole windows of zeros too.
    const tied = { ...rnd, x: rnd.x.map((v) => Math.round(v)) };
    for (const data of [rnd, tied]) {
      for (const relu of [true, false]) {
        const what = `${shape} k${k} s${s} relu=${relu} ${data === tied ? "ties" : "random"}`;
        const fused = await run(
          (x, g, b, st) => batchNormMaxPool(x, g, b, st, true, relu, k, s),
          shape,
          data,
          null,
        );
        const apart = await run(
          (x, g, b, st) => maxPool2d(batchNorm(x, g, b, st, true, relu), k, s),
          shape,
          data,
          fused.dy,
        );
        // The same statistics passes and the same float operations: bit for bit.
        assert.deepEqual(fused.out, apart.out, `output ${what}`);
        assert.deepEqual(fused.running, apart.running, `running statistics ${what}`);
        // The per-channel sums run in another order (over pooled positions): rounding only.
        ["x", "gamma", "beta"].forEach((name, i) =>
          assertClose(fused.grads[i], apart.grads[i], 1e-5, `d${name} ${what}`)
        );
      }
    }
  }
});
