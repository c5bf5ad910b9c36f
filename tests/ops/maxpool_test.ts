import { assertClose, checkGradients, gpuTestBothInputs, randn } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { maxPool2d } from "../../src/ops/maxpool/maxpool.ts";
import { maxPoolRef } from "../../src/ops/maxpool/reference.ts";

// Odd sizes (floor mode drops the last row/column), and overlapping windows (stride < size);
// C = 4 and 8 take the channel-quadruple entries.
const CASES: [number[], number, number][] = [
  [[2, 7, 9, 3], 2, 2],
  [[1, 7, 7, 2], 3, 2],
  [[3, 5, 6, 5], 2, 1],
  [[2, 7, 9, 8], 2, 2],
  [[1, 7, 5, 4], 3, 2],
  [[2, 5, 6, 4], 2, 1],
];

gpuTestBothInputs("maxPool2d forward matches the CPU", async () => {
  for (const [shape, k, s] of CASES) {
    const x = randn(shape.reduce((a, b) => a * b), k + s);
    const y = await maxPool2d(Tensor.from(x, shape), k, s).read();
    assertClose(y, maxPoolRef(x, shape, k, s), 0, `maxpool ${shape} k${k} s${s}`);
  }
});

gpuTestBothInputs("maxPool2d backward by finite differences", async () => {
  for (const [shape, k, s] of CASES) {
    const data = randn(shape.reduce((a, b) => a * b), 10 + k);
    // h well below the gaps between distinct random values, so no argmax flips.
    await checkGradients(([x]) => maxPool2d(x, k, s), [{ data, shape }], { h: 1e-3 });
  }
});
