import { assertClose, checkGradients, conv2dRef, gpuTest, randn } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { conv2d } from "../../src/autograd/conv2d.ts";

// [batch, h, w, c], [kh, kw, c, f], stride, pad: odd sizes, stride 2, padding, 1×1.
const CASES: [number[], number[], number, number][] = [
  [[2, 7, 5, 3], [3, 3, 3, 4], 1, 1],
  [[1, 9, 8, 2], [3, 3, 2, 5], 2, 1],
  [[3, 6, 6, 1], [5, 5, 1, 3], 1, 2],
  [[2, 5, 7, 4], [1, 1, 4, 3], 1, 0],
  [[1, 8, 7, 3], [2, 3, 3, 2], 2, 0],
];

gpuTest("conv2d forward matches a direct CPU convolution", async () => {
  for (const [xs, ws, stride, pad] of CASES) {
    const x = randn(xs.reduce((a, b) => a * b), 1);
    const w = randn(ws.reduce((a, b) => a * b), 2);
    const b = randn(ws[3], 3);
    const y = conv2d(Tensor.from(x, xs), Tensor.from(w, ws), Tensor.from(b, [ws[3]]), {
      stride,
      pad,
    });
    const ref = conv2dRef(x, xs, w, ws, b, stride, pad);
    assertClose(y.shape, ref.shape, 0, "shape");
    assertClose(await y.read(), ref.out, 1e-4, `conv ${xs} ${ws} s${stride} p${pad}`);
  }
});

gpuTest("conv2d backward (input, weight, bias) by finite differences", async () => {
  for (const [xs, ws, stride, pad] of CASES.slice(0, 3)) {
    await checkGradients(
      ([x, w, b]) => conv2d(x, w, b, { stride, pad }),
      [
        { data: randn(xs.reduce((a, b) => a * b), 4), shape: xs },
        { data: randn(ws.reduce((a, b) => a * b), 5, 0.5), shape: ws },
        { data: randn(ws[3], 6), shape: [ws[3]] },
      ],
    );
  }
});
