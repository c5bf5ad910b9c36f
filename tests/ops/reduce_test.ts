import { assertClose, gpuTestBothInputs, randn, testGpu, withProfile } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { PROFILES } from "../../src/gpu/profile.ts";
import { sumRows, sumRowsInto } from "../../src/ops/reduce/reduce.ts";
import { sumRowsRef } from "../../src/ops/reduce/reference.ts";

// Odd shapes: columns not a multiple of any workgroup, rows not a multiple of the 512-row slice.
// 7×13, 1×5: one pass; 1300×3, 5000×7 (a texture of several 4,096-texel rows): two passes;
// 1100×12, 600×20, 3×4: the column-quadruple entry, in one or two passes.
const SHAPES = [[7, 13], [1, 5], [1300, 3], [5000, 7], [1100, 12], [600, 20], [3, 4]];

gpuTestBothInputs("sumRows matches the CPU's column sums (one and two passes)", async () => {
  for (const [rows, cols] of SHAPES) {
    const x = randn(rows * cols, rows + cols);
    const got = await sumRows(Tensor.from(x, [rows, cols]), rows, cols).read();
    assertClose(got, sumRowsRef(x, rows, cols), 1e-4, `sumRows ${rows}x${cols}`);
  }
});

gpuTestBothInputs("sumRows with the GPU profile's workgroup of 64", async () => {
  const g = await testGpu();
  await withProfile(g, { ...PROFILES.gpu, textureInputs: g.profile.textureInputs }, async () => {
    for (const [rows, cols] of [[1300, 3], [600, 20], [7, 132]]) {
      const x = randn(rows * cols, 3 * rows);
      const got = await sumRows(Tensor.from(x, [rows, cols]), rows, cols).read();
      assertClose(got, sumRowsRef(x, rows, cols), 1e-4, `sumRows ${rows}x${cols}`);
    }
  });
});

gpuTestBothInputs("sumRowsInto reads only the first rows×cols and writes only cols", async () => {
  const [rows, cols] = [700, 9];
  const x = randn(rows * cols + 50, 5);
  const out = Tensor.from(new Float32Array(cols + 3).fill(7), [cols + 3]);
  sumRowsInto(Tensor.from(x, [x.length]), rows, cols, out);
  const got = await out.read();
  assertClose(got.slice(0, cols), sumRowsRef(x, rows, cols), 1e-4, "sums");
  assertClose(got.slice(cols), [7, 7, 7], 0, "past cols");
});
