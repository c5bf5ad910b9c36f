/**
 * conv2d computed directly, without im2col's patch matrix: each invocation sums its output
 * pixels' windows by the definition (cross-correlation, as PyTorch's Conv2d),
 * y[b, oy, ox, f] = bias[f] + Σ_{ky, kx, c} x[b, oy·S + ky − P, ox·S + kx − P, c] · w[ky, kx, c, f]
 * (x = 0 outside the image). Meant for few input channels (a network's first layer on a grey
 * image), where im2col's matmul has K = KH·KW·C = 9 and mostly moves data; correct for any shape
 * within `directApplies`' limits.
 * Chosen for inputs of at most the adapter profile's `directMaxChannels` channels when no
 * gradient is recorded (src/gpu/profile.ts: its forward is faster than im2col's on the software
 * adapter, its weight gradient slower), or when asked for. The weight gradient is a two-pass
 * column reduction over the B·OH·OW output pixels as batch norm's statistics (partial sums per
 * slice of rows, then their sum); the input gradient a gather of dy·w over the windows covering
 * each input element, as col2im. direct.wgsl has the kernels.
 */
import { accumulate, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import { defineKernel } from "../../gpu/kernel.ts";
import type { Conv2dGeometry } from "./geometry.ts";

/**
 * direct.wgsl: forward, backward_input, and the weight gradient's two passes
 * (backward_weight_partial, backward_weight_finish). The weights are read from a uniform copy
 * (`w`): every invocation reads them at the same indices, which GPUs serve from a constant cache;
 * on the software adapter a storage load is a per-lane loop, a uniform one a gather at worst.
 */
export const directKernel = defineKernel({
  source: "ops/conv2d/direct",
  workgroupSize: 64,
  /**
   * n, row: the elementwise grid (src/autograd/dispatch.ts grid1d); pixels: B·OH·OW; rowsPerSlice,
   * slices: the weight gradient's slices of output pixels.
   */
  params: { n: "u32", row: "u32", pixels: "u32", rowsPerSlice: "u32", slices: "u32" },
  bindings: {
    x: "read array<f32>",
    /** The weight [KH, KW, C, F] as vec4s, copied into a uniform buffer (`Gpu.uniformCopy`). */
    w: "uniform array<vec4f, MAX_W4>",
    /** bias [F] (unread without one). */
    bias: "read array<f32>",
    dy: "read array<f32>",
    /** dy as vec4s, read when F % 4 == 0. */
    dy4: "read array<vec4f>",
    /** y (forward), dx (backward_input), dW (finish) when F % 4 != 0. */
    out: "read_write array<f32>",
    /** y, dW as vec4s when F % 4 == 0. */
    out4: "read_write array<vec4f>",
    /** The weight gradient's partial sums [slices, KH·KW·C + 1, ⌈F/4⌉] (the last row: db's). */
    partial: "read_write array<vec4f>",
    db: "read_write array<f32>",
    db4: "read_write array<vec4f>",
    xT: "texture",
    dyT: "texture",
  },
  entries: {
    forward: ["p", "x", "w", "bias", "out", "out4", "xT"],
    backward_input: ["p", "w", "dy", "dy4", "out", "dyT"],
    backward_weight_partial: ["p", "x", "dy", "dy4", "partial", "xT", "dyT"],
    backward_weight_finish: ["p", "out", "out4", "partial", "db", "db4"],
  },
});

const WG = 256;
/** The kernel's MAX_W4 (vec4s of weights in its uniform buffer) and MAX_TAPS. */
const MAX_W4 = 1024;
const MAX_TAPS = 25;

/**
 * Whether the direct kernel can take this weight [KH, KW, C, F]: at most 25 kernel taps (its
 * weight gradient's accumulators) and KH·KW·C·⌈F/4⌉ ≤ 1024 (its uniform buffer of vec4s).
 */
export function directApplies([kh, kw, c, f]: readonly number[]): boolean {
  return kh * kw <= MAX_TAPS && kh * kw * c * Math.ceil(f / 4) <= MAX_W4;
}

/**
 * conv2d computed directly: x [B, H, W, C], weight [KH, KW, C, F] (conv2d's layout), bias [F] →
 * y [B, OH, OW, F], all NHWC; `geometry` as conv2d.ts resolves it. The caller checks
 * `directApplies`.
 */
export function conv2dDirect(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  geometry: Conv2dGeometry,
): Tensor {
  const batch = x.shape[0];
  const [kh, kw, c, f] = weight.shape;
  const { OH: oh, OW: ow } = geometry;
  const g = gpu();
  const f4 = Math.ceil(f / 4);
  const aligned = f % 4 === 0;
  const taps = kh * kw * c;
  const pixels = batch * oh * ow;
  // Each forward invocation computes 4 output pixels × 4 filter quadruples: every weight
  // quadruple it loads serves 4 pixels, every input value 4 quadruples (on the software adapter
  // each load is a gather, whatever its index). There, at conv1's shape (1 → 32, batch 128), this
  // ran ~1.3× faster than 1 pixel × 8 quadruples or 8 × 1; 4 × 8 spills registers
  // (bench/conv1_probe.ts).
  const qpi = Math.min(f4, 4);
  const ppi = 4;
  const shape = { ...geometry, F: f, HAS_BIAS: bias ? 1 : 0 };
  // Writable bindings may not alias one another or a read-only one (WebGPU's usage scope), so
  // those a dispatch does not write (FALIGNED picks scalar or vec4 views) each get a spare buffer.
  const spare = () => Tensor.empty([4]).buffer;

  const out = Tensor.empty([batch, oh, ow, f]);
  const n = Math.ceil(pixels / ppi) * Math.ceil(f4 / qpi);
  const { groups, row } = grid1d(n, WG);
  const xT = g.inputTextures([x.binding], Math.ceil(x.size / 4) * 4);
  const wu = g.uniformCopy(weight.binding, weight.size * 4, MAX_W4 * 16);
  g.run(directKernel, "forward", {
    constants: { ...shape, WG, QPI: qpi, PPI: ppi, TEXTURES: xT.TEXTURES },
    params: { n, row, pixels, rowsPerSlice: 0, slices: 0 },
    bindings: {
      x: x.binding,
      w: wu,
      bias: bias?.binding ?? x.binding, // unread without a bias
      out: aligned ? spare() : out.binding,
      out4: aligned ? out.binding : spare(),
      xT: xT.bindings[0],
    },
  }, groups);
  xT.release();
  g.releaseUniformCopy(wu);

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    // Both as textures or neither (the kernel has one TEXTURES switch).
    const both = g.fitsTexture(Math.ceil(Math.max(x.size, dy.size) / 4) * 4);
    const xTextures = g.inputTextures([x.binding], Math.ceil(x.size / 4) * 4, both);
    const dyTextures = g.inputTextures([dy.binding], Math.ceil(dy.size / 4) * 4, both);
    const [xTex, dyTex] = [xTextures.bindings[0], dyTextures.bindings[0]];
    const TEXTURES = dyTextures.TEXTURES;
    if (weight.requiresGrad || bias?.requiresGrad) {
      const slices = Math.ceil(pixels / g.profile.rowsPerSlice);
      const partial = Tensor.empty([slices, taps + 1, f4 * 4]);
      // The software adapter runs 8 lanes at a time, and a slice has only C·F/4 invocations of
      // work (8 for conv1); a real GPU wants fuller workgroups.
      const wg = g.profile.reductionWorkgroup;
      const params = { n: 0, row: 0, pixels, rowsPerSlice: g.profile.rowsPerSlice, slices };
      g.run(directKernel, "backward_weight_partial", {
        constants: { ...shape, WG: wg, TEXTURES },
        params,
        bindings: {
          x: x.binding,
          dy: dy.binding,
          dy4: dy.binding,
          partial: partial.binding,
          xT: xTex,
          dyT: dyTex,
        },
      }, [Math.ceil((c * f4) / wg), slices]);
      const lanes = (taps + (bias ? 1 : 0)) * f4;
      const dw = Tensor.empty(weight.shape);
      const db = bias ? Tensor.empty([f]) : null;
      g.run(directKernel, "backward_weight_finish", {
        constants: { ...shape, WG: wg },
        params,
        bindings: {
          out: aligned ? spare() : dw.binding,
          out4: aligned ? dw.binding : spare(),
          partial: partial.binding,
          db: db && !aligned ? db.binding : spare(),
          db4: db && aligned ? db.binding : spare(),
        },
      }, [Math.ceil(lanes / wg)]);
      accumulate(weight, dw);
      if (bias && db) accumulate(bias, db);
    }
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      const { groups, row } = grid1d(dx.size, WG);
      const wu = g.uniformCopy(weight.binding, weight.size * 4, MAX_W4 * 16);
      g.run(directKernel, "backward_input", {
        constants: { ...shape, WG, TEXTURES },
        params: { n: dx.size, row, pixels, rowsPerSlice: 0, slices: 0 },
        bindings: { w: wu, dy: dy.binding, dy4: dy.binding, out: dx.binding, dyT: dyTex },
      }, groups);
      g.releaseUniformCopy(wu);
      accumulate(x, dx);
    }
    xTextures.release();
    dyTextures.release();
  });
}
