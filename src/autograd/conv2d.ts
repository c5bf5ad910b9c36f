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
  // Patch rows padded to a multiple of 4 (conv1: 9 → 12) with zero columns, and the weight with
  // zero rows to match, so that every matmul gets vec4 rows (its fast kernels need them).
  const k = Math.ceil((kh * kw * c) / 4) * 4;
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
    KP: k,
  };

  const col = Tensor.empty([rows, k]);
  patches("im2col", geometry, x, col, col.size);
  const wk = paddedRows(weight, k);
  const out = Tensor.empty([batch, oh, ow, f]);
  matmulInto(col, wk, out, { m: rows, n: f, k, bias });

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    if (weight.requiresGrad) {
      const dw = Tensor.empty([k, f]);
      matmulInto(col, dy, dw, { m: k, n: f, k: rows, transA: true });
      // The gradient of the real rows is the first K·F floats of the padded one.
      accumulate(weight, new Tensor(weight.shape, dw.buffer));
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, rows, f));
    if (x.requiresGrad) {
      const dcol = Tensor.empty([rows, k]);
      matmulInto(dy, wk, dcol, { m: rows, n: k, k: f, transB: true });
      const dx = Tensor.empty(x.shape);
      patches("col2im", geometry, dcol, dx, dx.size);
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
  g.clear(padded.buffer, weight.size * 4, (k * f - weight.size) * 4);
  g.copy(weight.buffer, padded.buffer, weight.size * 4);
  return padded;
}

function patches(
  entry: "im2col" | "col2im",
  geometry: Record<string, number>,
  src: Tensor,
  dst: Tensor,
  n: number,
) {
  const g = gpu();
  // Channel quadruples where they exist: vec4 views of the same buffers (bindings 3, 4); the
  // source as a texture where gpu.textureInputs says so (binding 5; buffers are 16-byte padded).
  const quad = geometry.C % 4 === 0;
  const count = quad ? n / 4 : n;
  const { groups, row } = grid1d(count, WG);
  const t = g.inputTextures([src.buffer], Math.ceil(src.size / 4) * 4);
  g.dispatch(
    g.pipeline("conv2d", quad ? `${entry}4` : entry, {
      WG,
      ...geometry,
      TEXTURES: t.TEXTURES,
    }),
    [count, row],
    {
      ...(quad ? { 3: src.buffer, 4: dst.buffer } : { 1: src.buffer, 2: dst.buffer }),
      5: t.bindings[0],
    },
    groups,
  );
  t.release();
}
