/**
 * conv2d as implicit GEMM: the three products of im2col.ts (forward, input gradient, weight
 * gradient) computed by the workgroup-tiled GEMM skeleton (src/ops/matmul/tiled.ts: 64×64 output
 * blocks in workgroup memory, 4×4 outputs per invocation) with the patch matrix computed on the
 * fly as the tiles are filled (implicit_gemm.wgsl), so no patch buffer is written or read back:
 *   forward:  y = patches(x) · W + bias                 [B·OH·OW, KH·KW·C]·[KH·KW·C, F]
 *   backward: dx = gather(dy) · W'                     [B·H·W, KH·KW·F]·[KH·KW·F, C]
 *             dW = patches(x)ᵀ · dy  (K-chunks, summed)  [KH·KW·C, B·OH·OW]·[B·OH·OW, F]
 *             db = column sums of dy
 * (Chetlur et al., "cuDNN: Efficient Primitives for Deep Learning", 2014). Any kernel size,
 * stride and padding. The strategy real GPUs are meant to run; chosen where the autotuner
 * measured it fastest (src/gpu/tune.ts) or when asked for (conv2d.ts `algorithm`).
 */
import { accumulate, gpu, gradientOutput, record, Tensor } from "../../autograd/tensor.ts";
import { defineKernel } from "../../gpu/kernel.ts";
import { GEMM_BLOCK, generateTiledGemm } from "../matmul/tiled.ts";
import { sumRows, sumRowsInto } from "../reduce/reduce.ts";
import type { Conv2dGeometry } from "./geometry.ts";

/**
 * implicit_gemm.wgsl under the tiled skeleton: entries forward, backward_input and
 * backward_weight; params M (rows of A), K (the reduction's length, read by backward_weight),
 * kChunk (backward_weight's chunk of output pixels) and flags (bit0: add bias).
 */
export const implicitGemmKernel = defineKernel({
  source: () =>
    generateTiledGemm([
      { name: "forward", aAlongK: "true", bAlongK: "false" },
      { name: "backward_input", aAlongK: "true", bAlongK: "true" },
      { name: "backward_weight", aAlongK: "false", bAlongK: "false" },
    ], 4) + "// #include ops/conv2d/implicit_gemm\n",
  label: "ops/conv2d/implicit_gemm",
  params: { M: "u32", K: "u32", kChunk: "u32", flags: "u32" },
  bindings: {
    /** x [B, H, W, C]. */
    x: "read array<f32>",
    /** The weight [KH, KW, C, F]. */
    w: "read array<f32>",
    /** dy [B, OH, OW, F]. */
    dy: "read array<f32>",
    /** bias [F] (unread without one). */
    bias: "read array<f32>",
    /** y, dx, or the weight gradient's partial sums [chunks, KH·KW·C, F]. */
    out: "read_write array<f32>",
  },
  entries: {
    forward: ["p", "x", "w", "bias", "out"],
    backward_input: ["p", "dy", "w", "out"],
    backward_weight: ["p", "x", "dy", "out"],
  },
});

/**
 * How many chunks of output pixels the weight gradient's reduction is cut into: its few 64×64
 * blocks (KH·KW·C × F: 5 for a 3×3 layer of 32 → 64 channels) times the chunks should give a GPU
 * ~256 workgroups, each chunk at least 256 pixels (a multiple of the skeleton's K step, 16).
 * Returns the chunk length and count.
 */
export function weightGradientChunks(
  pixels: number,
  rows: number,
  cols: number,
): { chunk: number; chunks: number } {
  const blocks = Math.ceil(rows / GEMM_BLOCK) * Math.ceil(cols / GEMM_BLOCK);
  const wanted = Math.max(1, Math.min(Math.ceil(256 / blocks), Math.floor(pixels / 256)));
  const chunk = Math.ceil(pixels / wanted / 16) * 16;
  return { chunk, chunks: Math.ceil(pixels / chunk) };
}

/**
 * conv2d by implicit GEMM: x [B, H, W, C], weight [KH, KW, C, F], bias [F] → y [B, OH, OW, F], all
 * NHWC; `geometry` as conv2d.ts resolves it. Any shape.
 */
export function conv2dImplicitGemm(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  geometry: Conv2dGeometry,
): Tensor {
  const batch = x.shape[0];
  const [kh, kw, c, f] = weight.shape;
  const { H: h, W: w, OH: oh, OW: ow } = geometry;
  const g = gpu();
  const constants = { ...geometry, F: f };
  const pixels = batch * oh * ow;
  const taps = kh * kw * c;
  const out = Tensor.empty([batch, oh, ow, f]);
  g.run(implicitGemmKernel, "forward", {
    constants,
    params: { M: pixels, K: taps, kChunk: 0, flags: bias ? 1 : 0 },
    bindings: { x: x.binding, w: weight.binding, bias: bias?.binding ?? g.dummy, out: out.binding },
  }, [Math.ceil(f / GEMM_BLOCK), Math.ceil(pixels / GEMM_BLOCK), 1]);

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    if (weight.requiresGrad) {
      const { chunk, chunks } = weightGradientChunks(pixels, taps, f);
      const dw = gradientOutput(weight);
      const partial = chunks > 1 ? Tensor.empty([chunks, taps * f]) : dw;
      g.run(implicitGemmKernel, "backward_weight", {
        constants,
        params: { M: taps, K: pixels, kChunk: chunk, flags: 0 },
        bindings: { x: x.binding, dy: dy.binding, out: partial.binding },
      }, [Math.ceil(f / GEMM_BLOCK), Math.ceil(taps / GEMM_BLOCK), chunks]);
      if (chunks > 1) sumRowsInto(partial, chunks, taps * f, dw);
      accumulate(weight, dw);
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, pixels, f, gradientOutput(bias)));
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      const rows = batch * h * w;
      g.run(implicitGemmKernel, "backward_input", {
        constants,
        params: { M: rows, K: kh * kw * f, kChunk: 0, flags: 0 },
        bindings: { dy: dy.binding, w: weight.binding, out: dx.binding },
      }, [Math.ceil(c / GEMM_BLOCK), Math.ceil(rows / GEMM_BLOCK), 1]);
      accumulate(x, dx);
    }
  });
}
