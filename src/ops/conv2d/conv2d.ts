import { accumulate, engine, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import {
  matmulBatchedInto,
  matmulBatchedSplitInto,
  matmulInto,
  weightGradientSplit,
} from "../matmul/matmul.ts";
import { sumRows } from "../reduce/reduce.ts";
import { conv2dDirect, directApplies } from "./direct.ts";

// kernels/conv2d.wgsl: im2col, col2im (im2col4, col2im4 when C % 4 == 0); the arithmetic is
// kernels/matmul.wgsl. 3×3 stride-1 "same" convolutions with channels in fours take Winograd's
// F(2×2, 3×3) instead (kernels/winograd.wgsl: the transforms; matmulBatchedInto: 16 products).
// One input channel (a network's first layer) takes a direct convolution when no gradient is
// recorded (direct.wgsl; the adapter profile's directMaxChannels says when).
const WG = 256;

export interface Conv2dOptions {
  stride?: number;
  /** Zero padding on each side; "same" keeps H×W at stride 1 for odd kernels. */
  pad?: number | "same";
  /**
   * "winograd" where it applies (3×3, stride 1, padding 1, input and output channels multiples
   * of 4); "direct" (up to 25 kernel taps and KH·KW·C·⌈F/4⌉ ≤ 1024; fast only for few input
   * channels); else "im2col". By default ("auto") Winograd where it applies, direct for one input
   * channel when no gradient is recorded (inference), else im2col. All give the same result
   * within float rounding (tests/autograd/conv2d_test.ts).
   */
  algorithm?: "auto" | "im2col" | "winograd" | "direct";
}

/** Whether this call will be taped for backward (as `record` decides). */
function recordsGradient(...inputs: (Tensor | null)[]) {
  return engine.gradEnabled && inputs.some((t) => t?.requiresGrad);
}

/** Whether Winograd's F(2×2, 3×3) can compute this convolution (kernels/winograd.wgsl). */
export function winogradApplies(
  kernel: [number, number],
  stride: number,
  pad: number,
  c: number,
  f: number,
) {
  return kernel[0] === 3 && kernel[1] === 3 && stride === 1 && pad === 1 && c % 4 === 0 &&
    f % 4 === 0;
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
  const algorithm = opts.algorithm ?? "auto";
  const applies = winogradApplies([kh, kw], stride, pad, c, f);
  if (algorithm === "winograd" && !applies) {
    throw new Error(
      `conv2d: Winograd needs a 3×3 kernel, stride 1, padding 1 and channels in fours ` +
        `(got ${kh}×${kw}, stride ${stride}, padding ${pad}, ${c} → ${f} channels)`,
    );
  }
  if (applies && (algorithm === "winograd" || (algorithm === "auto" && gpu().profile.winograd))) {
    return conv2dWinograd(x, weight, bias);
  }
  if (algorithm === "direct" && !directApplies(weight.shape)) {
    throw new Error(
      `conv2d: the direct convolution takes up to 25 kernel taps and KH·KW·C·⌈F/4⌉ ≤ 1024 ` +
        `(got ${kh}×${kw}, ${c} → ${f} channels)`,
    );
  }
  if (
    algorithm === "direct" ||
    (algorithm === "auto" && c <= gpu().profile.directMaxChannels &&
      !recordsGradient(x, weight, bias) &&
      directApplies(weight.shape))
  ) {
    return conv2dDirect(x, weight, bias, { stride, pad, oh, ow });
  }
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
  // The forward multiplies by Wᵀ [F, K] (conv2d.wgsl weight_t says why), dcol by W itself.
  const wt = Tensor.empty([f, k]);
  const g = gpu();
  const { groups, row } = grid1d(wt.size / 4, WG);
  g.dispatch(
    g.pipeline("ops/conv2d/conv2d", "weight_t", { WG, ...geometry, F: f }),
    [wt.size / 4, row],
    { 1: weight.buffer, 4: wt.buffer },
    groups,
  );
  const out = Tensor.empty([batch, oh, ow, f]);
  matmulInto(col, wt, out, { m: rows, n: f, k, bias, transB: true });

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
      const wk = paddedRows(weight, k);
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
  // source as a texture where the adapter profile says so (binding 5; buffers are 16-byte padded).
  const quad = geometry.C % 4 === 0;
  const count = quad ? n / 4 : n;
  const { groups, row } = grid1d(count, WG);
  const t = g.inputTextures([src.buffer], Math.ceil(src.size / 4) * 4);
  g.dispatch(
    g.pipeline("ops/conv2d/conv2d", quad ? `${entry}4` : entry, {
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

/**
 * conv2d for 3×3 kernels, stride 1, padding 1, C and F multiples of 4, by Winograd's F(2×2, 3×3)
 * (Lavin & Gray 2016; kernels/winograd.wgsl has the transforms and layouts): x [B, H, W, C],
 * weight [3, 3, C, F], bias [F] → [B, H, W, F]. 16 products of [T, C]·[C, F] (T = B·⌈H/2⌉·⌈W/2⌉
 * tiles) replace im2col's [B·H·W, 9C]·[9C, F]: 2.25× fewer multiplies forward and in both
 * gradients.
 */
function conv2dWinograd(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const [batch, h, w, c] = x.shape;
  const f = weight.shape[3];
  const tiles = batch * Math.ceil(h / 2) * Math.ceil(w / 2);
  const geometry = { H: h, W: w, C4: c / 4, F4: f / 4 };
  const g = gpu();
  const run = (
    entry: string,
    src: Tensor,
    dst: Tensor,
    n: number,
    hasBias: Tensor | null = null,
    split = 1,
  ) => {
    const { groups, row } = grid1d(n, WG);
    // Activations and their gradients are read as textures where the adapter profile says so; the
    // weight transforms' C·F values from the buffer.
    const ofWeights = entry.startsWith("weight_");
    const t = g.inputTextures([src.buffer], src.size, !ofWeights);
    g.dispatch(
      g.pipeline("ops/conv2d/winograd", entry, {
        WG,
        ...geometry,
        HAS_BIAS: hasBias ? 1 : 0,
        ...(split > 1 ? { SPLIT: split } : {}),
        ...(ofWeights ? {} : { TEXTURES: t.TEXTURES }),
      }),
      [n, row, tiles],
      {
        1: src.buffer,
        2: dst.buffer,
        // Binding 3 (the bias) exists only in output_transform's layout, 4 not in the weights'.
        3: entry === "output_transform" ? hasBias?.buffer ?? g.dummy : null,
        4: ofWeights ? null : t.bindings[0],
      },
      groups,
    );
    t.release();
  };
  const v = Tensor.empty([16, tiles, c]);
  run("input_transform", x, v, tiles * c / 4);
  // The forward multiplies by Uᵀ stored [16, F, C] (weight_transform_t says why); dV by U.
  const ut = Tensor.empty([16, f, c]);
  run("weight_transform_t", weight, ut, c * f / 4);
  const m = Tensor.empty([16, tiles, f]);
  matmulBatchedInto(v, ut, m, { batch: 16, m: tiles, n: f, k: c, transB: true });
  const out = Tensor.empty([batch, h, w, f]);
  run("output_transform", m, out, tiles * f / 4, bias);

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    const dm = Tensor.empty([16, tiles, f]);
    run("output_transform_backward", dy, dm, tiles * f / 4);
    if (weight.requiresGrad) {
      // dU[e] = V[e]ᵀ·dM[e] has only C×F outputs over K = T tiles: K-chunks of all 16 products
      // run as one batch, and the weight transform's adjoint sums them as it reads dU.
      const split = weightGradientSplit(16, c, f, tiles);
      const du = Tensor.empty([16 * split, c, f]);
      matmulBatchedSplitInto(v, dm, du, { batch: 16, m: c, n: f, k: tiles, split });
      const dw = Tensor.empty(weight.shape);
      run("weight_transform_backward", du, dw, c * f / 4, null, split);
      accumulate(weight, dw);
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, batch * h * w, f));
    if (x.requiresGrad) {
      const u = Tensor.empty([16, c, f]);
      run("weight_transform", weight, u, c * f / 4);
      const dv = Tensor.empty([16, tiles, c]);
      matmulBatchedInto(dm, u, dv, { batch: 16, m: tiles, n: c, k: f, transB: true });
      const dx = Tensor.empty(x.shape);
      run("input_transform_backward", dv, dx, tiles * c / 4);
      accumulate(x, dx);
    }
  });
}
