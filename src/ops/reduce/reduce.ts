import { gpu, Tensor } from "../../autograd/tensor.ts";

// kernels/reduce.wgsl: sum_rows.
/**
 * llvmpipe runs 8 lanes at a time, and bias gradients have few columns (32 quadruples at most
 * in the CNN): small workgroups spread them over both cores. A real GPU wants fuller ones.
 */
const workgroupSize = () => gpu().profile.reductionWorkgroup;
/** Rows per slice of the first pass: enough slices to keep every core busy for few columns. */

/** Column sums of a rows×cols matrix (no autograd: used inside backward closures). */
export function sumRows(x: Tensor, rows: number, cols: number): Tensor {
  const out = Tensor.empty([cols]);
  sumRowsInto(x, rows, cols, out);
  return out;
}

/** Column sums of a rows×cols matrix into `out` (at least cols long). */
export function sumRowsInto(x: Tensor, rows: number, cols: number, out: Tensor) {
  const g = gpu();
  const slices = Math.ceil(rows / gpu().profile.sumRowsPerSlice);
  // The big first pass reads x as a texture where the adapter profile says so (buffers are padded
  // to 16 bytes, so the last vec4 is there to copy).
  const quad = cols % 4 === 0;
  const WG = workgroupSize();
  const pass = (src: Tensor, n: number, rowsPerSlice: number, dst: Tensor, y: number) => {
    const t = g.inputTextures([src.buffer], Math.ceil(n / 4) * 4);
    const pipe = g.pipeline("ops/reduce/reduce", quad ? "sum_rows4" : "sum_rows", {
      WG,
      TEXTURES: t.TEXTURES,
    });
    g.dispatch(pipe, [n / cols, cols, rowsPerSlice, 0], {
      ...(quad ? { 4: src.buffer, 5: dst.buffer } : { 1: src.buffer, 2: dst.buffer }),
      3: t.bindings[0],
    }, [Math.ceil((quad ? cols / 4 : cols) / WG), y]);
    t.release();
  };
  if (slices === 1) {
    pass(x, rows * cols, rows, out, 1);
    return;
  }
  const partial = Tensor.empty([slices, cols]);
  pass(x, rows * cols, gpu().profile.sumRowsPerSlice, partial, slices);
  pass(partial, slices * cols, slices, out, 1);
}
