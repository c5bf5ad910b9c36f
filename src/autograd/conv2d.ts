import { accumulate, gpu, record, Tensor } from "./tensor.ts";
import { grid1d } from "./dispatch.ts";
import { matmulInto } from "./matmul.ts";
import { sumRows } from "./reduce.ts";

// kernels/conv2d.wgsl: im2col, col2im (im2col4, col2im4 when C % 4 == 0); the arithmetic is
// kernels/matmul.wgsl.
const WG = 256;

export interface Conv2dOptions {
  stride?: number;
  /** Zero padding on each side; "same" keeps H×W at stride 1 for odd kernels. */
  pad?: number | "same";
}

export function conv2dOutputSize(size: number, kernel: number, stride: number, pad: number) {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/**
 * 2-D convolution of x [B, H, W, C] with weight [KH, KW, C, F] (flattened as the K×F matrix of
 * im2col order) and bias [F] → [B, OH, OW, F].
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, opts: Conv2dOptions = {}) {
  const [batch, h, w, c] = x.shape;
  const [kh, kw, wc, f] = weight.shape;
  if (wc !== c) throw new Error(`conv2d: input has ${c} channels, weight expects ${wc}`);
  const stride = opts.stride ?? 1;
  const pad = opts.pad === "same" ? (kh - 1) >> 1 : opts.pad ?? 0;
  const oh = conv2dOutputSize(h, kh, stride, pad);
  const ow = conv2dOutputSize(w, kw, stride, pad);
  const rows = batch * oh * ow;
  const k = kh * kw * c;
  const geometry = { H: h, W: w, C: c, OH: oh, OW: ow, KH: kh, KW: kw, STRIDE: stride, PAD: pad };

  const col = Tensor.empty([rows, k]);
  patches("im2col", geometry, x, col, col.size);
  const out = Tensor.empty([batch, oh, ow, f]);
  matmulInto(col, weight, out, { m: rows, n: f, k, bias });

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    if (weight.requiresGrad) {
      const dw = Tensor.empty(weight.shape);
      matmulInto(col, dy, dw, { m: k, n: f, k: rows, transA: true });
      accumulate(weight, dw);
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, rows, f));
    if (x.requiresGrad) {
      const dcol = Tensor.empty([rows, k]);
      matmulInto(dy, weight, dcol, { m: rows, n: k, k: f, transB: true });
      const dx = Tensor.empty(x.shape);
      patches("col2im", geometry, dcol, dx, dx.size);
      accumulate(x, dx);
    }
  });
}

function patches(
  entry: "im2col" | "col2im",
  geometry: Record<string, number>,
  src: Tensor,
  dst: Tensor,
  n: number,
) {
  const g = gpu();
  // Channel quadruples where they exist: vec4 views of the same buffers (bindings 3, 4).
  const quad = geometry.C % 4 === 0;
  const count = quad ? n / 4 : n;
  const { groups, row } = grid1d(count, WG);
  g.dispatch(
    g.pipeline("conv2d", quad ? `${entry}4` : entry, { WG, ...geometry }),
    [count, row],
    quad ? { 3: src.buffer, 4: dst.buffer } : { 1: src.buffer, 2: dst.buffer },
    groups,
  );
}
