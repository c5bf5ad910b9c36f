import assert from "node:assert/strict";
import { assertClose, checkGradients, gpuTest, gpuTestBothInputs, randn } from "../helpers.ts";
import { backward, Tensor } from "../../src/autograd/tensor.ts";
import { add, dropout, relu } from "../../src/ops/elementwise/elementwise.ts";
import { sumRows } from "../../src/ops/reduce/reduce.ts";

// Odd sizes: not a multiple of the 256-wide workgroup.
const N = 1037;

/** Values kept away from ReLU's kink so finite differences do not straddle it. */
function awayFromZero(n: number, seed: number) {
  return randn(n, seed).map((v) => (v >= 0 ? v + 0.2 : v - 0.2));
}

gpuTest("relu forward matches max(x, 0)", async () => {
  const x = randn(N, 1);
  const y = await relu(Tensor.from(x, [N])).read();
  assertClose(y, x.map((v) => Math.max(v, 0)), 0, "relu");
});

gpuTest("relu backward by finite differences", async () => {
  await checkGradients(([x]) => relu(x), [{ data: awayFromZero(37, 2), shape: [37] }]);
});

gpuTest("add forward and backward", async () => {
  const a = randn(N, 3);
  const b = randn(N, 4);
  const y = await add(Tensor.from(a, [N]), Tensor.from(b, [N])).read();
  assertClose(y, a.map((v, i) => v + b[i]), 1e-6, "add");
  await checkGradients(([p, q]) => add(p, q), [{ data: randn(29, 5), shape: [29] }, {
    data: randn(29, 6),
    shape: [29],
  }]);
});

// Past elementwise.ts's TEXTURE_MIN_FLOATS (3 · 2^19), where relu and add read texture copies
// under the software profile (src/gpu/profile.ts); odd, so the last vec4 runs into the buffers'
// padding.
const BIG = (3 << 19) + 13;

gpuTestBothInputs(
  "relu forward and backward, add, on tensors past the texture threshold",
  async () => {
    const a = randn(BIG, 11);
    const b = randn(BIG, 12);
    const sum = await add(Tensor.from(a, [BIG]), Tensor.from(b, [BIG])).read();
    assert.ok(sum.every((v, i) => v === Math.fround(a[i] + b[i])), "add");
    const x = Tensor.from(a, [BIG], { requiresGrad: true });
    const y = relu(x);
    assertClose(await y.read(), a.map((v) => Math.max(v, 0)), 0, "relu");
    backward(y, Tensor.from(b, [BIG]));
    assertClose(await x.grad!.read(), b.map((v, i) => (a[i] > 0 ? v : 0)), 0, "relu backward");
  },
);

gpuTest("add sums gradients when a tensor is used twice", async () => {
  await checkGradients(([p]) => add(relu(p), p), [{ data: awayFromZero(23, 7), shape: [23] }]);
});

gpuTest("dropout keeps about 1-rate, scales by 1/(1-rate), and is seeded", async () => {
  const x = new Float32Array(20001).fill(1);
  const rate = 0.3;
  const y = await dropout(Tensor.from(x, [x.length]), rate, 42).read();
  const kept = y.filter((v) => v !== 0);
  assert.ok(Math.abs(kept.length / x.length - (1 - rate)) < 0.02, `kept ${kept.length}`);
  assertClose(kept, new Float32Array(kept.length).fill(1 / (1 - rate)), 1e-6, "scale");
  const again = await dropout(Tensor.from(x, [x.length]), rate, 42).read();
  assert.deepEqual(again, y);
  const other = await dropout(Tensor.from(x, [x.length]), rate, 43).read();
  assert.notDeepEqual(other, y);
});

gpuTest("dropout backward by finite differences (same mask)", async () => {
  await checkGradients(([x]) => dropout(x, 0.4, 9), [{ data: randn(41, 8), shape: [41] }]);
});

gpuTestBothInputs("sumRows matches column sums (one and two passes)", async () => {
  // 5000×7: a texture of several 4,096-texel rows.
  // 1100×12 and 600×20: the column-quadruple entry.
  for (const [rows, cols] of [[7, 13], [1300, 3], [5000, 7], [1100, 12], [600, 20]]) {
    const x = randn(rows * cols, rows);
    const expected = new Float32Array(cols);
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) expected[j] += x[r * cols + j];
    const got = await sumRows(Tensor.from(x, [rows, cols]), rows, cols).read();
    assertClose(got, expected, 1e-4, `sumRows ${rows}x${cols}`);
  }
});
