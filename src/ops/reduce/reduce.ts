import { gpu, Tensor } from "../../autograd/tensor.ts";
import { defineKernel } from "../../gpu/kernel.ts";

/**
 * reduce.wgsl: sum_rows (one invocation per column) and sum_rows4 (per column quadruple, when
 * cols % 4 == 0, on vec4 views of the same buffers), each reading x from a texture copy (xT)
 * where the adapter profile says so.
 */
export const reduceKernel = defineKernel({
  source: "ops/reduce/reduce",
  workgroupSize: 64,
  params: {
    /** Rows of x. */
    rows: "u32",
    cols: "u32",
    /** Rows each y slice of the dispatch sums. */
    rowsPerSlice: "u32",
  },
  bindings: {
    /** rows×cols, row-major. */
    x: "read array<f32>",
    /** [slices, cols]: each y slice's column sums. */
    out: "read_write array<f32>",
    x4: "read array<vec4f>",
    out4: "read_write array<vec4f>",
    xT: "texture",
  },
  entries: {
    sum_rows: ["p", "x", "out", "xT"],
    sum_rows4: ["p", "x4", "out4", "xT"],
  },
});

/**
 * Column sums of x, a rows×cols matrix (row-major; x may hold more): out [cols],
 * out[j] = Σ_i x[i·cols + j]. No autograd: used inside backward closures (bias gradients).
 */
export function sumRows(x: Tensor, rows: number, cols: number, out = Tensor.empty([cols])): Tensor {
  sumRowsInto(x, rows, cols, out);
  return out;
}

/**
 * Column sums of the rows×cols matrix x into `out` (at least cols long), as sumRows. Rows are
 * summed in slices of the adapter profile's sumRowsPerSlice, then the slices' sums, so f32 sums
 * stay short and every core has a slice.
 */
export function sumRowsInto(x: Tensor, rows: number, cols: number, out: Tensor) {
  const g = gpu();
  const { sumRowsPerSlice } = g.profile;
  const slices = Math.ceil(rows / sumRowsPerSlice);
  const quad = cols % 4 === 0;
  const entry = quad ? "sum_rows4" : "sum_rows";
  // The software adapter runs 8 lanes at a time, and bias gradients have few columns (32
  // quadruples at most in the CNN): small workgroups spread them over both cores. A real GPU
  // wants fuller ones.
  const WG = g.profile.reductionWorkgroup;
  const pass = (src: Tensor, n: number, rowsPerSlice: number, dst: Tensor, y: number) => {
    // Each pass reads its input as a texture where the adapter profile says so (buffers are
    // padded to 16 bytes, so the last vec4 is there to copy).
    const t = g.inputTextures([src.binding], Math.ceil(n / 4) * 4);
    g.run(reduceKernel, entry, {
      constants: { WG, TEXTURES: t.TEXTURES },
      params: { rows: n / cols, cols, rowsPerSlice },
      bindings: {
        x: src.binding,
        x4: src.binding,
        out: dst.binding,
        out4: dst.binding,
        xT: t.bindings[0],
      },
    }, [Math.ceil((quad ? cols / 4 : cols) / WG), y]);
    t.release();
  };
  if (slices === 1) {
    pass(x, rows * cols, rows, out, 1);
    return;
  }
  const partial = Tensor.empty([slices, cols]);
  pass(x, rows * cols, sumRowsPerSlice, partial, slices);
  pass(partial, slices * cols, slices, out, 1);
}
