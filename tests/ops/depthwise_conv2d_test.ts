import assert from "node:assert/strict";
import { assertClose, checkGradients, gpuTest, gpuTestBothInputs, randn } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { depthwiseConv2d } from "../../src/ops/depthwise_conv2d/depthwise_conv2d.ts";
import { depthwiseConv2dRef } from "../../src/ops/depthwise_conv2d/reference.ts";

// [batch, h, w, c], [kh, kw, c], stride, pad: odd sizes, stride 2 on odd and even sides, no
// padding, a 5×5 kernel, and one case with more output pixels (396) than a weight-gradient slice
// (256), so that the partial sums are finished by the second pass. C % 4 == 0 takes the
// channel-quadruple entries (pixel blocks of 4 that rows of 5, 7, 9, 11 do not fill; stride 2 on
// odd sides and without padding; a 5×5 window; two weight-gradient slices), except at stride 3,
// which does not divide the block and falls back to the scalar entries.
const CASES: [number[], number[], number, number][] = [
  [[2, 7, 9, 3], [3, 3, 3], 1, 1],
  [[1, 7, 9, 5], [3, 3, 5], 2, 1],
  [[2, 6, 5, 4], [3, 3, 4], 2, 1],
  [[3, 12, 11, 2], [3, 3, 2], 1, 1],
  [[1, 8, 7, 3], [3, 3, 3], 1, 0],
  [[1, 9, 7, 2], [5, 5, 2], 2, 2],
  [[2, 7, 9, 4], [3, 3, 4], 2, 1],
  [[3, 12, 11, 8], [3, 3, 8], 1, 1],
  [[1, 8, 11, 4], [3, 3, 4], 1, 0],
  [[2, 9, 7, 4], [5, 5, 4], 2, 2],
  [[2, 5, 6, 8], [3, 3, 8], 2, 0],
  [[1, 10, 7, 4], [3, 3, 4], 3, 1],
];

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

gpuTestBothInputs("depthwiseConv2d forward matches a direct CPU convolution", async () => {
  for (const [xs, ws, stride, pad] of CASES) {
    const x = randn(count(xs), 1);
    const w = randn(count(ws), 2);
    const b = randn(xs[3], 3);
    const y = depthwiseConv2d(Tensor.from(x, xs), Tensor.from(w, ws), Tensor.from(b, [xs[3]]), {
      stride,
      pad,
    });
    const ref = depthwiseConv2dRef(x, xs, w, ws, b, stride, pad);
    assert.deepEqual(y.shape, ref.shape);
    assertClose(await y.read(), ref.out, 1e-5, `depthwise ${xs} ${ws} s${stride} p${pad}`);
    const noBias = depthwiseConv2d(Tensor.from(x, xs), Tensor.from(w, ws), null, { stride, pad });
    assertClose(await noBias.read(), depthwiseConv2dRef(x, xs, w, ws, null, stride, pad).out, 1e-5);
  }
});

gpuTest(
  "depthwiseConv2d 'same' padding keeps H×W at stride 1 and halves it (rounding up) at 2",
  () => {
    const x = Tensor.from(randn(7 * 9 * 2, 1), [1, 7, 9, 2]);
    const w = Tensor.from(randn(18, 2), [3, 3, 2]);
    assert.deepEqual(depthwiseConv2d(x, w, null, { pad: "same" }).shape, [1, 7, 9, 2]);
    assert.deepEqual(depthwiseConv2d(x, w, null, { pad: "same", stride: 2 }).shape, [1, 4, 5, 2]);
    assert.throws(() => depthwiseConv2d(x, Tensor.from(randn(27, 3), [3, 3, 3]), null), /channels/);
    return Promise.resolve();
  },
);

gpuTestBothInputs(
  "depthwiseConv2d backward (input, weight, bias) by finite differences",
  async () => {
    for (
      const [xs, ws, stride, pad] of [CASES[0], CASES[1], CASES[3], CASES[5], ...CASES.slice(6)]
    ) {
      await checkGradients(
        ([x, w, b]) => depthwiseConv2d(x, w, b, { stride, pad }),
        [
          { data: randn(count(xs), 4), shape: xs },
          { data: randn(count(ws), 5, 0.5), shape: ws },
          { data: randn(xs[3], 6), shape: [xs[3]] },
        ],
      );
    }
  },
);
