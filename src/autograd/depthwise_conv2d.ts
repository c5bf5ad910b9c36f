import { accumulate, gpu, record, Tensor } from "./tensor.ts";
import { grid1d } from "./dispatch.ts";
import { sumRows, sumRowsInto } from "./reduce.ts";
import { conv2dOutputSize } from "./conv2d.ts";

// kernels/depthwise_conv2d.wgsl: forward, backward_input, backward_weight (partial sums per row
// slice, finished by reduce.wgsl's sum_rows); their *4 twins on channel quadruples when C % 4 == 0.
const KERNEL = "depthwise_conv2d";
const WG = 64;
/**
 * Output pixels per slice of the weight gradient's first pass: with few taps × channels (9 × 32 =
 * 288 invocations), slicing the rows is what gives every core work; 256 keeps the partial-sum
 * buffer small (1/256 of dy) while a 128-image batch still has hundreds of slices.
 */
const ROWS_PER_SLICE = 256;

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
  const pipe = (entry: string, hasBias = 0) =>
    g.pipeline(KERNEL, entry, { WG, ...geometry, HAS_BIAS: hasBias });
  const rows = batch * oh * ow;
  // Channel quadruples where they exist: vec4 views of the same buffers (bindings 5–8).
  const quad = c % 4 === 0;
  const lanes = quad ? 4 : 1;
  const entry = (name: string) => quad ? `${name}4` : name;
  const bind = (slots: Record<number, GPUBuffer>): Record<number, GPUBuffer> =>
    quad ? Object.fromEntries(Object.entries(slots).map(([k, v]) => [Number(k) + 4, v])) : slots;

  const out = Tensor.empty([batch, oh, ow, c]);
  const fwd = grid1d(out.size / lanes, WG);
  g.dispatch(
    pipe(entry("forward"), bias ? 1 : 0),
    [out.size / lanes, fwd.row, 0, 0],
    bind({ 1: x.buffer, 2: weight.buffer, 3: bias ? bias.buffer : g.dummy, 4: out.buffer }),
    fwd.groups,
  );

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    if (weight.requiresGrad) {
      const taps = kh * kw * c;
      const slices = Math.ceil(rows / ROWS_PER_SLICE);
      const dw = Tensor.empty(weight.shape);
      const partial = slices === 1 ? dw : Tensor.empty([slices, taps]);
      g.dispatch(
        pipe(entry("backward_weight")),
        [0, 0, rows, ROWS_PER_SLICE],
        bind({ 1: dy.buffer, 2: x.buffer, 4: partial.buffer }),
        [Math.ceil(taps / lanes / WG), slices],
      );
      if (slices > 1) sumRowsInto(partial, slices, taps, dw);
      accumulate(weight, dw);
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, rows, c));
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      const bwd = grid1d(dx.size / lanes, WG);
      g.dispatch(
        pipe(entry("backward_input")),
        [dx.size / lanes, bwd.row, 0, 0],
        bind({ 1: dy.buffer, 2: weight.buffer, 4: dx.buffer }),
        bwd.groups,
      );
      accumulate(x, dx);
    }
  });
}
