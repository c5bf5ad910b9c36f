import { accumulate, gpu, gradientOutput, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import { defineKernel } from "../../gpu/kernel.ts";
import { sumRows, sumRowsInto } from "../reduce/reduce.ts";
import { conv2dOutputSize } from "../conv2d/conv2d.ts";

/**
 * depthwise_conv2d.wgsl: forward, backward_input, backward_weight (partial sums per slice of the
 * profile's rowsPerSlice output pixels, finished by reduce.wgsl's sum_rows); on channel quadruples
 * when C % 4 == 0 and the window fits (MAX_TAPS, MAX_SPAN; the stride divides PX), forward_px and
 * backward_input_px (PX pixels of a row per invocation) and backward_weight_taps (all taps per
 * invocation), the same sums in the same order, reading their big inputs from textures (aT, bT)
 * where the adapter profile says so.
 */
export const depthwiseKernel = defineKernel({
  source: "ops/depthwise_conv2d/depthwise_conv2d",
  workgroupSize: 64,
  /**
   * n, row: the elementwise grid (src/autograd/dispatch.ts grid1d); rows: B·OH·OW output pixels,
   * rowsPerSlice: the weight gradient's slice of them.
   */
  params: { n: "u32", row: "u32", rows: "u32", rowsPerSlice: "u32" },
  bindings: {
    /** forward: x; backward_input, backward_weight: dy. */
    a: "read array<f32>",
    /** forward, backward_input: the weight [KH, KW, C]; backward_weight: x. */
    b: "read array<f32>",
    /** bias [C] (unread without one). */
    bias: "read array<f32>",
    /** forward: y; backward_input: dx; backward_weight: partial sums [slices, KH·KW·C]. */
    out: "read_write array<f32>",
    a4: "read array<vec4f>",
    b4: "read array<vec4f>",
    bias4: "read array<vec4f>",
    out4: "read_write array<vec4f>",
    aT: "texture",
    bT: "texture",
  },
  entries: {
    forward: ["p", "a", "b", "bias", "out"],
    backward_input: ["p", "a", "b", "out"],
    backward_weight: ["p", "a", "b", "out"],
    forward_px: ["p", "a4", "b4", "bias4", "out4", "aT"],
    backward_input_px: ["p", "a4", "b4", "out4", "aT"],
    backward_weight_taps: ["p", "a4", "b4", "out4", "aT", "bT"],
  },
});

const WG = 64;
/**
 * The kernel's PX, MAX_TAPS and MAX_SPAN: pixels per invocation of the *_px entries, the taps and
 * the row's columns under a block's windows ((PX − 1)·stride + KW) that they hold.
 */
const PX = 4;
const MAX_TAPS = 25;
const MAX_SPAN = 16;
/**
 * backward_weight_taps has one invocation per channel quadruple and row slice: C/4 lanes of work
 * per slice, which a 64-wide workgroup would mostly leave idle; the software adapter runs 8 lanes
 * at a time.
 */
const TAPS_WG = 8;

/**
 * dW for both entry families: `dispatch` writes one partial sum per slice of the profile's
 * rowsPerSlice output rows into `partial` ([slices, KH·KW·C], or dW itself when there is one
 * slice), which are then summed into dW and accumulated into weight's gradient.
 */
function accumulateWeightGrad(
  weight: Tensor,
  rows: number,
  dispatch: (partial: Tensor, slices: number) => void,
): void {
  const slices = Math.ceil(rows / gpu().profile.rowsPerSlice);
  const dw = gradientOutput(weight);
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
 * Depthwise convolution (MobileNet's; Howard et al. 2017) of x [B, H, W, C] with one KH×KW filter
 * per channel, weight [KH, KW, C], and bias [C] → y [B, OH, OW, C], all NHWC; OH, OW as conv2d's
 * (`conv2dOutputSize`). Throws when the weight is not [KH, KW, C] for x's C, the bias not [C], or
 * the window larger than the padded input.
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
  // Channel quadruples where they exist: vec4 views of the same buffers (a4, b4, bias4, out4), big
  // inputs as texture copies where the adapter profile says so.
  if (
    c % 4 === 0 && kh * kw <= MAX_TAPS && PX % stride === 0 && (PX - 1) * stride + kw <= MAX_SPAN
  ) {
    return depthwiseQuad(x, weight, bias, geometry, rows);
  }
  const constants = (hasBias = 0) => ({ WG, ...geometry, HAS_BIAS: hasBias });

  const out = Tensor.empty([batch, oh, ow, c]);
  const fwd = grid1d(out.size, WG);
  g.run(depthwiseKernel, "forward", {
    constants: constants(bias ? 1 : 0),
    params: { n: out.size, row: fwd.row, rows: 0, rowsPerSlice: 0 },
    bindings: {
      a: x.binding,
      b: weight.binding,
      bias: bias ? bias.binding : g.dummy,
      out: out.binding,
    },
  }, fwd.groups);

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    if (weight.requiresGrad) {
      accumulateWeightGrad(
        weight,
        rows,
        (partial, slices) =>
          g.run(depthwiseKernel, "backward_weight", {
            constants: constants(),
            params: { n: 0, row: 0, rows, rowsPerSlice: gpu().profile.rowsPerSlice },
            bindings: { a: dy.binding, b: x.binding, out: partial.binding },
          }, [Math.ceil(weight.size / WG), slices]),
      );
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, rows, c, gradientOutput(bias)));
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      const bwd = grid1d(dx.size, WG);
      g.run(depthwiseKernel, "backward_input", {
        constants: constants(),
        params: { n: dx.size, row: bwd.row, rows: 0, rowsPerSlice: 0 },
        bindings: { a: dy.binding, b: weight.binding, out: dx.binding },
      }, bwd.groups);
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

  const out = Tensor.empty([batch, oh, ow, c]);
  const xT = g.inputTextures([x.binding], x.size);
  const fwdN = batch * oh * Math.ceil(ow / PX) * c4;
  const fwd = grid1d(fwdN, WG);
  g.run(depthwiseKernel, "forward_px", {
    constants: { WG, ...geometry, TEXTURES: xT.TEXTURES, HAS_BIAS: bias ? 1 : 0 },
    params: { n: fwdN, row: fwd.row, rows: 0, rowsPerSlice: 0 },
    bindings: {
      a4: x.binding,
      b4: weight.binding,
      bias4: bias ? bias.binding : g.dummy,
      out4: out.binding,
      aT: xT.bindings[0],
    },
  }, fwd.groups);
  xT.release();

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    // One TEXTURES decision for both inputs of backward_weight_taps.
    const xTex = weight.requiresGrad ? g.inputTextures([x.binding], x.size) : null;
    const dyTex = g.inputTextures([dy.binding], dy.size, xTex ? xTex.TEXTURES === 1 : true);
    const dyT = dyTex.bindings[0];
    if (weight.requiresGrad) {
      accumulateWeightGrad(
        weight,
        rows,
        (partial, slices) =>
          g.run(depthwiseKernel, "backward_weight_taps", {
            constants: { WG: TAPS_WG, ...geometry, TEXTURES: dyTex.TEXTURES },
            params: { n: 0, row: 0, rows, rowsPerSlice: gpu().profile.rowsPerSlice },
            bindings: {
              a4: dy.binding,
              b4: x.binding,
              out4: partial.binding,
              aT: dyT,
              bT: xTex!.bindings[0],
            },
          }, [Math.ceil(c4 / TAPS_WG), slices]),
      );
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, rows, c, gradientOutput(bias)));
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      const n = batch * h * Math.ceil(w / PX) * c4;
      const bwd = grid1d(n, WG);
      g.run(depthwiseKernel, "backward_input_px", {
        constants: { WG, ...geometry, TEXTURES: dyTex.TEXTURES },
        params: { n, row: bwd.row, rows: 0, rowsPerSlice: 0 },
        bindings: { a4: dy.binding, b4: weight.binding, out4: dx.binding, aT: dyT },
      }, bwd.groups);
      accumulate(x, dx);
    }
    xTex?.release();
    dyTex.release();
  });
}
