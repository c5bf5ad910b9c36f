/**
 * conv2d by im2col + matmul, the general strategy: any kernel size, stride and padding. Chosen
 * when neither Winograd nor the direct convolution is (conv2d.ts says when those are). The patch
 * matrix ("col", one row per output pixel, one column per kernel tap and input channel) turns the
 * convolution into one matrix product, as Caffe did (Jia et al. 2014; Chellapilla, Puri & Simard,
 * "High Performance Convolutional Neural Networks for Document Processing", 2006):
 *   forward:  col = im2col(x) [B·OH·OW, K];  y = col · W [K, F] + bias   (K = KH·KW·C)
 *   backward: dW = colᵀ · dy;  db = column sums of dy;  dx = col2im(dy · Wᵀ)
 * im2col.wgsl moves data between the layouts (col2im is a gather: no atomics, deterministic);
 * src/ops/matmul does the arithmetic.
 */
import { accumulate, gpu, gradientOutput, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import { defineKernel } from "../../gpu/kernel.ts";
import { matmulInto } from "../matmul/matmul.ts";
import { sumRows } from "../reduce/reduce.ts";
import type { Conv2dGeometry } from "./geometry.ts";

/**
 * im2col.wgsl: im2col and col2im, one invocation per output element; im2col4 and col2im4 on
 * channel quadruples when C % 4 == 0 (vec4 views of the same buffers), reading their source from
 * a texture (srcT) where the adapter profile says so; weight_t transposes and pads the weight.
 */
export const im2colKernel = defineKernel({
  source: "ops/conv2d/im2col",
  workgroupSize: 256,
  params: { n: "u32", row: "u32" },
  bindings: {
    /** im2col: x; col2im: dcol; weight_t: the weight [K, F]. */
    src: "read array<f32>",
    /** im2col: col [B·OH·OW, KP]; col2im: dx. */
    dst: "read_write array<f32>",
    src4: "read array<vec4f>",
    /** im2col4, col2im4 as dst; weight_t: Wᵀ [F, KP]. */
    dst4: "read_write array<vec4f>",
    srcT: "texture",
  },
  entries: {
    im2col: ["p", "src", "dst", "srcT"],
    col2im: ["p", "src", "dst", "srcT"],
    im2col4: ["p", "src4", "dst4", "srcT"],
    col2im4: ["p", "src4", "dst4", "srcT"],
    weight_t: ["p", "src", "dst4"],
  },
});

const WG = 256;

/**
 * conv2d by im2col: x [B, H, W, C], weight [KH, KW, C, F] (the K×F matrix of im2col order),
 * bias [F] → y [B, OH, OW, F], all NHWC; `geometry` as conv2d.ts resolves it. Any shape.
 */
export function conv2dIm2col(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  geometry: Conv2dGeometry,
): Tensor {
  const batch = x.shape[0];
  const [kh, kw, c, f] = weight.shape;
  const { OH: oh, OW: ow } = geometry;
  const rows = batch * oh * ow;
  // Patch rows padded to a multiple of 4 (conv1: 9 → 12) with zero columns, and the weight with
  // zero rows to match, so that every matmul gets vec4 rows (its fast kernels need them).
  const k = Math.ceil((kh * kw * c) / 4) * 4;

  const col = Tensor.empty([rows, k]);
  patches("im2col", geometry, k, x, col, col.size);
  // The forward multiplies by Wᵀ [F, K] (im2col.wgsl weight_t says why), dcol by W itself.
  const wt = Tensor.empty([f, k]);
  const g = gpu();
  const { groups, row } = grid1d(wt.size / 4, WG);
  g.run(im2colKernel, "weight_t", {
    constants: { WG, ...geometry, KP: k, F: f },
    params: { n: wt.size / 4, row },
    bindings: { src: weight.binding, dst4: wt.binding },
  }, groups);
  const out = Tensor.empty([batch, oh, ow, f]);
  matmulInto(col, wt, out, { m: rows, n: f, k, bias, transB: true });

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    if (weight.requiresGrad) {
      // The gradient of the real rows is the first K·F floats of the padded one.
      const exact = k * f === weight.size;
      const dw = exact ? gradientOutput(weight) : Tensor.empty([k, f]);
      matmulInto(col, dy, exact ? dw.reshape([k, f]) : dw, { m: k, n: f, k: rows, transA: true });
      accumulate(weight, exact ? dw : new Tensor(weight.shape, dw.buffer));
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, rows, f, gradientOutput(bias)));
    if (x.requiresGrad) {
      const wk = paddedRows(weight, k);
      const dcol = Tensor.empty([rows, k]);
      matmulInto(dy, wk, dcol, { m: rows, n: k, k: f, transB: true });
      const dx = Tensor.empty(x.shape);
      patches("col2im", geometry, k, dcol, dx, dx.size);
      accumulate(x, dx);
    }
  });
}

/** `weight` (K×F as a matrix) with zero rows appended up to `k` rows; itself when K = k. */
function paddedRows(weight: Tensor, k: number): Tensor {
  const f = weight.shape[weight.shape.length - 1];
  if (weight.size === k * f) return weight;
  const g = gpu();
  const padded = Tensor.empty([k, f]);
  g.clear(padded.buffer, padded.offset + weight.size * 4, (k * f - weight.size) * 4);
  g.copy(weight.buffer, padded.buffer, weight.size * 4, padded.offset, weight.offset);
  return padded;
}

/** Runs im2col (x → col) or col2im (dcol → dx) over `n` output floats; `kp`: col's row length. */
function patches(
  entry: "im2col" | "col2im",
  geometry: Conv2dGeometry,
  kp: number,
  src: Tensor,
  dst: Tensor,
  n: number,
) {
  const g = gpu();
  // Channel quadruples where they exist: vec4 views of the same buffers; the source as a texture
  // where the adapter profile says so (buffers are 16-byte padded).
  const quad = geometry.C % 4 === 0;
  const count = quad ? n / 4 : n;
  const { groups, row } = grid1d(count, WG);
  const t = g.inputTextures([src.binding], Math.ceil(src.size / 4) * 4);
  g.run(im2colKernel, quad ? `${entry}4` : entry, {
    constants: { WG, ...geometry, KP: kp, TEXTURES: t.TEXTURES },
    params: { n: count, row },
    bindings: quad
      ? { src4: src.binding, dst4: dst.binding, srcT: t.bindings[0] }
      : { src: src.binding, dst: dst.binding, srcT: t.bindings[0] },
  }, groups);
  t.release();
}
