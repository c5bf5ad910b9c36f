import { accumulate, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";

// kernels/conv2d_direct.wgsl: forward, backward_input, backward_weight_partial,
// backward_weight_finish.
const WG = 256;
/** Output pixels per slice of the weight gradient's first pass (as batchnorm.ts's statistics). */
/** The kernel's MAX_W4 (vec4s of weights in its uniform buffer) and MAX_TAPS. */
const MAX_W4 = 1024;
const MAX_TAPS = 25;

/** Whether the direct kernel can take this weight [KH, KW, C, F] (its uniform and tap limits). */
export function directApplies([kh, kw, c, f]: readonly number[]): boolean {
  return kh * kw <= MAX_TAPS && kh * kw * c * Math.ceil(f / 4) <= MAX_W4;
}

/** The convolution's geometry, as conv2d.ts resolves it from its options. */
export interface DirectGeometry {
  stride: number;
  pad: number;
  oh: number;
  ow: number;
}

/**
 * conv2d computed directly, without im2col's patch matrix: x [B, H, W, C], weight [KH, KW, C, F]
 * (conv2d's layout), bias [F] → [B, OH, OW, F]. Meant for few input channels (a network's first
 * layer), where im2col's matmul has K = KH·KW·C = 9 and mostly moves data; correct for any shape.
 * The weight gradient is a two-pass reduction over the B·OH·OW output pixels; the input gradient
 * (only when x requires it) a gather of dy·w over the windows covering each input element.
 */
export function conv2dDirect(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  { stride, pad, oh, ow }: DirectGeometry,
): Tensor {
  const [batch, h, w, c] = x.shape;
  const [kh, kw, , f] = weight.shape;
  const g = gpu();
  const f4 = Math.ceil(f / 4);
  const aligned = f % 4 === 0;
  const taps = kh * kw * c;
  const pixels = batch * oh * ow;
  // Each forward invocation computes 4 output pixels × 4 filter quadruples: every weight
  // quadruple it loads serves 4 pixels, every input value 4 quadruples (on llvmpipe each load is
  // a gather, whatever its index). On llvmpipe at conv1's shape (1 → 32, batch 128) this ran
  // ~1.3× faster than 1 pixel × 8 quadruples or 8 × 1; 4 × 8 spills registers (bench/conv1_probe.ts).
  const qpi = Math.min(f4, 4);
  const ppi = 4;
  const geometry = {
    H: h,
    W: w,
    C: c,
    OH: oh,
    OW: ow,
    KH: kh,
    KW: kw,
    STRIDE: stride,
    PAD: pad,
    F: f,
    HAS_BIAS: bias ? 1 : 0,
  };
  const pipe = (entry: string, constants: Record<string, number>) =>
    g.pipeline("ops/conv2d/direct", entry, { ...geometry, ...constants });
  // Writable bindings may not alias one another or a read-only one (WebGPU's usage scope), so
  // those a dispatch does not write (FALIGNED picks scalar or vec4 views) each get a spare buffer.
  const spare = () => Tensor.empty([4]).buffer;
  const outputs = (t: Tensor) =>
    aligned ? { 7: spare(), 8: t.buffer } : { 7: t.buffer, 8: spare() };

  const out = Tensor.empty([batch, oh, ow, f]);
  const n = Math.ceil(pixels / ppi) * Math.ceil(f4 / qpi);
  const { groups, row } = grid1d(n, WG);
  const xT = g.inputTextures([x.buffer], Math.ceil(x.size / 4) * 4);
  const wu = g.uniformCopy(weight.buffer, weight.size * 4, MAX_W4 * 16);
  g.dispatch(
    pipe("forward", { WG, QPI: qpi, PPI: ppi, TEXTURES: xT.TEXTURES }),
    [n, row, pixels, 0, 0],
    {
      1: x.buffer,
      2: wu,
      4: bias?.buffer ?? x.buffer, // unread without a bias
      ...outputs(out),
      12: xT.bindings[0],
    },
    groups,
  );
  xT.release();
  g.releaseUniformCopy(wu);

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    // Both as textures or neither (the kernel has one TEXTURES switch).
    const both = g.fitsTexture(Math.ceil(Math.max(x.size, dy.size) / 4) * 4);
    const xTextures = g.inputTextures([x.buffer], Math.ceil(x.size / 4) * 4, both);
    const dyTextures = g.inputTextures([dy.buffer], Math.ceil(dy.size / 4) * 4, both);
    const [xTex, dyTex] = [xTextures.bindings[0], dyTextures.bindings[0]];
    const TEXTURES = dyTextures.TEXTURES;
    const dyReads = { 5: dy.buffer, 6: dy.buffer, 13: dyTex };
    if (weight.requiresGrad || bias?.requiresGrad) {
      const slices = Math.ceil(pixels / g.profile.rowsPerSlice);
      const partial = Tensor.empty([slices, taps + 1, f4 * 4]);
      // llvmpipe runs 8 lanes at a time, and a slice has only C·F/4 invocations of work (8 for
      // conv1); a real GPU wants fuller workgroups.
      const wg = g.profile.reductionWorkgroup;
      const params = [0, 0, pixels, g.profile.rowsPerSlice, slices];
      g.dispatch(
        pipe("backward_weight_partial", { WG: wg, TEXTURES }),
        params,
        { 1: x.buffer, ...dyReads, 9: partial.buffer, 12: xTex },
        [Math.ceil((c * f4) / wg), slices],
      );
      const lanes = (taps + (bias ? 1 : 0)) * f4;
      const dw = Tensor.empty(weight.shape);
      const db = bias ? Tensor.empty([f]) : null;
      const dbBindings = !db
        ? { 10: spare(), 11: spare() }
        : aligned
        ? { 10: spare(), 11: db.buffer }
        : { 10: db.buffer, 11: spare() };
      g.dispatch(
        pipe("backward_weight_finish", { WG: wg }),
        params,
        { ...outputs(dw), 9: partial.buffer, ...dbBindings },
        [Math.ceil(lanes / wg)],
      );
      accumulate(weight, dw);
      if (bias && db) accumulate(bias, db);
    }
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      const { groups, row } = grid1d(dx.size, WG);
      const wu = g.uniformCopy(weight.buffer, weight.size * 4, MAX_W4 * 16);
      g.dispatch(
        pipe("backward_input", { WG, TEXTURES }),
        [dx.size, row, pixels, 0, 0],
        { 2: wu, ...dyReads, 7: dx.buffer },
        groups,
      );
      g.releaseUniformCopy(wu);
      accumulate(x, dx);
    }
    xTextures.release();
    dyTextures.release();
  });
}
