import assert from "node:assert/strict";
import { assertClose, checkGradients, gpuTest, randn } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { globalAvgPool } from "../../src/ops/global_avg_pool/global_avg_pool.ts";
import { globalAvgPoolRef } from "../../src/ops/global_avg_pool/reference.ts";

// Odd sizes; 67 channels × 3 images is more (b, c) pairs than one 64-wide workgroup; C % 4 == 0
// takes the channel-quadruple entries (68 × 5 images: more quadruples than one workgroup).
const SHAPES = [[2, 3, 5, 7], [3, 7, 7, 67], [1, 1, 1, 3], [2, 3, 5, 8], [5, 3, 3, 68], [
  1,
  1,
  1,
  4,
]];

gpuTest("globalAvgPool forward matches the per-channel mean over pixels", async () => {
  for (const shape of SHAPES) {
    const x = randn(shape.reduce((a, b) => a * b), 1);
    const y = globalAvgPool(Tensor.from(x, shape));
    assert.deepEqual(y.shape, [shape[0], shape[3]]);
    assertClose(await y.read(), globalAvgPoolRef(x, shape), 1e-5, `gap ${shape}`);
  }
});

gpuTest("globalAvgPool backward by finite differences", async () => {
  for (const shape of [...SHAPES.slice(0, 2), ...SHAPES.slice(3, 5)]) {
    await checkGradients(([x]) => globalAvgPool(x), [
      { data: randn(shape.reduce((a, b) => a * b), 2), shape },
    ]);
  }
});
