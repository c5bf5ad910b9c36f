import { accumulate, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import { sumRows, sumRowsInto } from "../reduce/reduce.ts";
import { conv2dOutputSize } from "../conv2d/conv2d.ts";

// kernels/depthwise_conv2d.wgsl: forward, backward_input, backward_weight (partial sums per row
// slice, finished by reduce.wgsl's sum_rows); on channel quadruples when C % 4 == 0 and the window
// fits (MAX_TAPS, MAX_SPAN; the stride divides PX), forward_px and backward_input_px (PX pixels
// of a row per invocation) and backward_weight_taps (all taps per invocation), the same sums in
// the same order.
const KERNEL = "ops/depthwise_conv2d/depthwise_conv2d";
const WG = 64;
/**
 * Output pixels per slice of the weight gradient's first pass: with few taps × channels (9 × 32 =
 * 288 invocations), slicing the rows is what gives every core work; 256 keeps the partial-sum
 * buffer small (1/256 of dy) while a 128-image batch still has hundreds of slices.
 */
/**
 * The kernel's PX, MAX_TAPS and MAX_SPAN: pixels per invocation of the *_px entries, the taps and
 * the row's columns under a block's windows ((PX − 1)·stride + KW) that they hold.
 */
const PX = 4;
const MAX_TAPS = 25;
const MAX_SPAN = 16;
/**
 * backward_weight_taps has one invocation per channel quadruple and row slice: C/4 lanes of work
 * per slice, which a 64-wide workgroup would mostly leave idle; llvmpipe runs 8 lanes at a time.
 */
const TAPS_WG = 8;

/**
 * dW for both entry families: `dispatch` writes one partial sum per slice of the profile's rowsPerSlice
 * output rows into `partial` ([slices, KH·KW·C], or dW itself when there is one slice), which
 * are then summed into dW and accumulated into weight's gradient.
 */
function accumulateWeightGrad(
  weight: Tensor,
  rows: number,
  dispatch: (partial: Tensor, slices: number) => void,
): void {
  const slices = Math.ceil(rows / gpu().profile.rowsPerSlice);
  const dw = Tensor.empty(weight.shape);
  const partial = slices === 1 ? dw : Tensor.empty([slices, weight.size]);
  dispatch(partial, slices);
  if (slices > 1) sumRowsInto(partial, slices, weight.size, dw);
  accumulate(weight, dw);
}

export interface DepthwiseConv2dOptions {
  stride?: number;
  /** Zero padding on each side; "same" keeps H×W at stride 1 for odd kernels. */
  pad?: number | "same";
}

/**
 * Depthwise convolution of x [B, H, W, C] with one KH×KW filter per channel, weight [KH, KW, C],
 * and bias [C] → [B, OH, OW, C].
 */
export function depthwiseConv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  opts: DepthwiseConv2dOptions = {},
): Tensor {
  const [batch, h, w, c] = x.shape;
  const [kh, kw, wc] = weight.shape;
  if (weight.shape.length !== 3 || wc !== c) {
    throw new Error(`depthwiseConv2d: input has ${c} channels, weight is [${weight.shape}]`);
  }
  if (bias && bias.size !== c) throw new Error(`depthwiseConv2d: bias [${bias.shape}] for ${c}`);
  const stride = opts.stride ?? 1;
  const pad = opts.pad === "same" ? (kh - 1) >> 1 : opts.pad ?? 0;
  const oh = conv2dOutputSize(h, kh, stride, pad);
  const ow = conv2dOutputSize(w, kw, stride, pad);
  if (oh < 1 || ow < 1) throw new Error(`depthwiseConv2d: ${kh}×${kw} window larger than input`);
  const geometry = { H: h, W: w, C: c, OH: oh, OW: ow, KH: kh, KW: kw, STRIDE: stride, PAD: pad };
  const g = gpu();
  const rows = batch * oh * ow;
  // Channel quadruples where they exist: vec4 views of the same buffers (bindings 5–8), big
  // inputs as texture copies where the adapter profile says so (llvmpipe).
  if (
    c % 4 === 0 && kh * kw <= MAX_TAPS && PX % stride === 0 && (PX - 1) * stride + kw <= MAX_SPAN
  ) {
    return depthwiseQuad(x, weight, bias, geometry, rows);
  }
  const pipe = (entry: string, hasBias = 0) =>
    g.pipeline(KERNEL, entry, { WG, ...geometry, HAS_BIAS: hasBias });

  const out = Tensor.empty([batch, oh, ow, c]);
  const fwd = grid1d(out.size, WG);
  g.dispatch(
    pipe("forward", bias ? 1 : 0),
    [out.size, fwd.row, 0, 0],
    { 1: x.buffer, 2: weight.buffer, 3: bias ? bias.buffer : g.dummy, 4: out.buffer },
    fwd.groups,
  );

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    if (weight.requiresGrad) {
      accumulateWeightGrad(weight, rows, (partial, slices) =>
        g.dispatch(
          pipe("backward_weight"),
          [0, 0, rows, gpu().profile.rowsPerSlice],
          { 1: dy.buffer, 2: x.buffer, 4: partial.buffer },
          [Math.ceil(weight.size / WG), slices],
        ));
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, rows, c));
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      const bwd = grid1d(dx.size, WG);
      g.dispatch(
        pipe("backward_input"),
        [dx.size, bwd.row, 0, 0],
        { 1: dy.buffer, 2: weight.buffer, 4: dx.buffer },
        bwd.groups,
      );
      accumulate(x, dx);
    }
  });
}

/** depthwiseConv2d for C % 4 == 0 and at most MAX_TAPS taps: the kernel's *_px and *_taps entries. */
function depthwiseQuad(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  geometry: Record<string, number>,
  rows: number,
): Tensor {
  const { H: h, W: w, C: c, OH: oh, OW: ow } = geometry;
  const batch = x.shape[0];
  const c4 = c / 4;
  const g = gpu();
  const pipe = (entry: string, TEXTURES: number, more: Record<string, number> = {}) =>
    g.pipeline(KERNEL, entry, { WG, ...geometry, TEXTURES, ...more });

  const out = Tensor.empty([batch, oh, ow, c]);
  const xT = g.inputTextures([x.buffer], x.size);
  const fwdN = batch * oh * Math.ceil(ow / PX) * c4;
  const fwd = grid1d(fwdN, WG);
  g.dispatch(pipe("forward_px", xT.TEXTURES, { HAS_BIAS: bias ? 1 : 0 }), [fwdN, fwd.row, 0, 0], {
    5: x.buffer,
    6: weight.buffer,
    7: bias ? bias.buffer : g.dummy,
    8: out.buffer,
    9: xT.bindings[0],
  }, fwd.groups);
  xT.release();

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    // One TEXTURES decision for both inputs of backward_weight_taps.
    const xTex = weight.requiresGrad ? g.inputTextures([x.buffer], x.size) : null;
    const dyTex = g.inputTextures([dy.buffer], dy.size, xTex ? xTex.TEXTURES === 1 : true);
    const dyT = dyTex.bindings[0];
    if (weight.requiresGrad) {
      accumulateWeightGrad(weight, rows, (partial, slices) =>
        g.dispatch(
          pipe("backward_weight_taps", dyTex.TEXTURES, { WG: TAPS_WG }),
          [0, 0, rows, gpu().profile.rowsPerSlice],
          { 5: dy.buffer, 6: x.buffer, 8: partial.buffer, 9: dyT, 10: xTex!.bindings[0] },
          [Math.ceil(c4 / TAPS_WG), slices],
        ));
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, rows, c));
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      const n = batch * h * Math.ceil(w / PX) * c4;
      const bwd = grid1d(n, WG);
      g.dispatch(
        pipe("backward_input_px", dyTex.TEXTURES),
        [n, bwd.row, 0, 0],
        { 5: dy.buffer, 6: weight.buffer, 8: dx.buffer, 9: dyT },
        bwd.groups,
      );
      accumulate(x, dx);
    }
    xTex?.release();
    dyTex.release();
  });
}
