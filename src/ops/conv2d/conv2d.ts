/**
 * 2-D convolution, the public op: the options, the shared geometry and the choice among its three
 * strategies, one file each (each with its kernel, forward and backward):
 * - winograd.ts: Winograd's F(2×2, 3×3) for 3×3, stride-1, padding-1 layers with channels in fours;
 * - direct.ts: a direct convolution for inputs with few channels (a network's first layer);
 * - im2col.ts: im2col + matmul, any shape.
 * Which one runs where several apply is the adapter profile's (src/gpu/profile.ts `winograd`,
 * `directMaxChannels`); all give the same result within float rounding
 * (tests/ops/conv2d_test.ts).
 */
import { engine, gpu, type Tensor } from "../../autograd/tensor.ts";
import { conv2dIm2col } from "./im2col.ts";
import { conv2dWinograd, winogradApplies } from "./winograd.ts";
import { conv2dDirect, directApplies } from "./direct.ts";
import type { Conv2dGeometry } from "./geometry.ts";

export type { Conv2dGeometry };

export interface Conv2dOptions {
  stride?: number;
  /** Zero padding on each side; "same" keeps H×W at stride 1 for odd kernels. */
  pad?: number | "same";
  /**
   * "winograd" where it applies (3×3, stride 1, padding 1, input and output channels multiples
   * of 4); "direct" (up to 25 kernel taps and KH·KW·C·⌈F/4⌉ ≤ 1024; fast only for few input
   * channels); else "im2col". By default ("auto") Winograd where it applies and the adapter
   * profile says so, direct for inputs of at most the profile's `directMaxChannels` channels when
   * no gradient is recorded (inference), else im2col.
   */
  algorithm?: "auto" | "im2col" | "winograd" | "direct";
}

/** Whether this call will be taped for backward (as `record` decides). */
function recordsGradient(...inputs: (Tensor | null)[]) {
  return engine.gradEnabled && inputs.some((t) => t?.requiresGrad);
}

/**
 * Output size along one axis of a convolution or pooling window: ⌊(size + 2·pad − kernel) /
 * stride⌋ + 1 (PyTorch's Conv2d formula, dilation 1). Below 1 when the window does not fit.
 */
export function conv2dOutputSize(size: number, kernel: number, stride: number, pad: number) {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/**
 * 2-D convolution (cross-correlation, as PyTorch's Conv2d) of x [B, H, W, C] with weight
 * [KH, KW, C, F] and bias [F] → y [B, OH, OW, F], all NHWC; OH, OW by `conv2dOutputSize`.
 * Throws when the weight's C differs from x's, or when `opts.algorithm` asks for a strategy that
 * cannot compute this convolution.
 */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  opts: Conv2dOptions = {},
): Tensor {
  const [, h, w, c] = x.shape;
  const [kh, kw, wc, f] = weight.shape;
  if (wc !== c) throw new Error(`conv2d: input has ${c} channels, weight expects ${wc}`);
  const stride = opts.stride ?? 1;
  const pad = opts.pad === "same" ? (kh - 1) >> 1 : opts.pad ?? 0;
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
  const geometry: Conv2dGeometry = {
    H: h,
    W: w,
    C: c,
    OH: conv2dOutputSize(h, kh, stride, pad),
    OW: conv2dOutputSize(w, kw, stride, pad),
    KH: kh,
    KW: kw,
    STRIDE: stride,
    PAD: pad,
  };
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
    return conv2dDirect(x, weight, bias, geometry);
  }
  return conv2dIm2col(x, weight, bias, geometry);
}
