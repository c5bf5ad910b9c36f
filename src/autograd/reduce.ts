import { gpu, Tensor } from "./tensor.ts";

// kernels/reduce.wgsl: sum_rows.
const WG = 64;
/** Rows per slice of the first pass: enough slices to keep every core busy for few columns. */
const ROWS_PER_SLICE = 512;

/** Column sums of a rows×cols matrix (no autograd: used inside backward closures). */
export function sumRows(x: Tensor, rows: number, cols: number): Tensor {
  const out = Tensor.empty([cols]);
  sumRowsInto(x, rows, cols, out);
  return out;
}

/** Column sums of a rows×cols matrix into `out` (at least cols long). */
export function sumRowsInto(x: Tensor, rows: number, cols: number, out: Tensor) {
  const g = gpu();
  const pipe = g.pipeline("reduce", "sum_rows", { WG });
  const slices = Math.ceil(rows / ROWS_PER_SLICE);
  if (slices === 1) {
    g.dispatch(pipe, [rows, cols, rows, 0], [x.buffer, out.buffer], [Math.ceil(cols / WG), 1]);
    return;
  }
  const partial = Tensor.empty([slices, cols]);
  g.dispatch(pipe, [rows, cols, ROWS_PER_SLICE, 0], [x.buffer, partial.buffer], [
    Math.ceil(cols / WG),
    slices,
  ]);
  g.dispatch(pipe, [slices, cols, slices, 0], [partial.buffer, out.buffer], [
    Math.ceil(cols / WG),
    1,
  ]);
}
