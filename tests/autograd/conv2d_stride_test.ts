import { assertClose, checkGradients, conv2dRef, gpuTest, randn } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { conv2d } from "../../src/autograd/conv2d.ts";

// Stride-2 convolutions as cnn-strided, mobilenet and resnet use them, on odd inputs (7×9: the
// last row and column are reached only by padding or not at all): 3×3 "same" (pad 1), 3×3 without
// padding, and the 1×1 projection shortcut (which skips every other pixel: their gradient is 0).
const CASES: [number[], number[], number, number][] = [
  [[2, 7, 9, 3], [3, 3, 3, 4], 2, 1],
  [[1, 7, 9, 2], [3, 3, 2, 3], 2, 0],
  [[2, 7, 9, 3], [1, 1, 3, 5], 2, 0],
  [[1, 9, 7, 2], [3, 3, 2, 2], 3, 1],
];

gpuTest("conv2d stride 2-3 forward on odd sizes matches a direct CPU convolution", async () => {
  for (const [xs, ws, stride, pad] of CASES) {
    const x = randn(xs.reduce((a, b) => a * b), 11);
    const w = randn(ws.reduce((a, b) => a * b), 12);
    const b = randn(ws[3], 13);
    const y = conv2d(Tensor.from(x, xs), Tensor.from(w, ws), Tensor.from(b, [ws[3]]), {
      stride,
      pad,
    });
    const ref = conv2dRef(x, xs, w, ws, b, stride, pad);
    assertClose(y.shape, ref.shape, 0, "shape");
    assertClose(await y.read(), ref.out, 1e-4, `conv ${xs} ${ws} s${stride} p${pad}`);
  }
});

gpuTest("conv2d stride 2-3 backward on odd sizes by finite differences", async () => {
  for (const [xs, ws, stride, pad] of CASES) {
    await checkGradients(
      ([x, w, b]) => conv2d(x, w, b, { stride, pad }),
      [
        { data: randn(xs.reduce((a, b) => a * b), 14), shape: xs },
        { data: randn(ws.reduce((a, b) => a * b), 15, 0.5), shape: ws },
        { data: randn(ws[3], 16), shape: [ws[3]] },
      ],
      { samples: 20 },
    );
  }
});
