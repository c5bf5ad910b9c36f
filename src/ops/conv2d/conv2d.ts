/**
 * 2-D convolution, the public op: the options, the shared geometry and the choice among its four
 * strategies, one file each (each with its kernel, forward and backward):
 * - winograd.ts: Winograd's F(2×2, 3×3) for 3×3, stride-1, padding-1 layers with channels in fours;
 * - direct.ts: a direct convolution for inputs with few channels (a network's first layer);
 * - im2col.ts: im2col + matmul, any shape;
 * - implicit_gemm.ts: the same products without the patch buffer, in workgroup-shared tiles (GPUs).
 * Which one runs where several apply is the autotuner's choice where it has measured the layer's
 * shape (src/gpu/tune.ts), else the adapter profile's (src/gpu/profile.ts `winograd`,
 * `directMaxChannels`); all give the same result within float rounding (tests/ops/conv2d_test.ts).
 */
import { backward, engine, gpu, Tensor } from "../../autograd/tensor.ts";
import { bucket, type TuneCase, tunerFor } from "../../gpu/tune.ts";
import { isolatedStep } from "../tune_case.ts";
import { conv2dIm2col } from "./im2col.ts";
import { conv2dImplicitGemm } from "./implicit_gemm.ts";
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
   * channels); "im2col" or "implicit_gemm" (any shape). By default ("auto") the autotuner's
   * measured choice for this layer's shape, or a strategy forced through it; without one,
   * Winograd where it applies and the adapter profile says so, direct for inputs of at most the
   * profile's `directMaxChannels` channels when no gradient is recorded (inference), else im2col.
   */
  algorithm?: "auto" | Conv2dAlgorithm;
}

/** conv2d's strategies (see the top of this file). */
export type Conv2dAlgorithm = "im2col" | "winograd" | "direct" | "implicit_gemm";

/** Every strategy, for tests and pages that run each one forced. */
export const CONV2D_ALGORITHMS: readonly Conv2dAlgorithm[] = [
  "im2col",
  "winograd",
  "direct",
  "implicit_gemm",
];

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
  const requested = opts.algorithm ?? "auto";
  const applies = winogradApplies([kh, kw], stride, pad, c, f);
  if (requested === "winograd" && !applies) {
    throw new Error(
      `conv2d: Winograd needs a 3×3 kernel, stride 1, padding 1 and channels in fours ` +
        `(got ${kh}×${kw}, stride ${stride}, padding ${pad}, ${c} → ${f} channels)`,
    );
  }
  if (requested === "direct" && !directApplies(weight.shape)) {
    throw new Error(
      `conv2d: the direct convolution takes up to 25 kernel taps and KH·KW·C·⌈F/4⌉ ≤ 1024 ` +
        `(got ${kh}×${kw}, ${c} → ${f} channels)`,
    );
  }
  const algorithm = requested === "auto"
    ? chooseAlgorithm(x, weight, bias, stride, pad, applies)
    : requested;
  if (algorithm === "winograd") return conv2dWinograd(x, weight, bias);
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
  if (algorithm === "direct") return conv2dDirect(x, weight, bias, geometry);
  if (algorithm === "implicit_gemm") return conv2dImplicitGemm(x, weight, bias, geometry);
  return conv2dIm2col(x, weight, bias, geometry);
}

/**
 * "auto": the profile's default (see `Conv2dOptions.algorithm`), unless the autotuner has
 * measured this layer's shape class (batch bucketed to a power of two, sizes, stride, padding,
 * which gradients are recorded) or a strategy is forced through it.
 */
function chooseAlgorithm(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  stride: number,
  pad: number,
  winograd: boolean,
): Conv2dAlgorithm {
  const g = gpu();
  const c = x.shape[3];
  const training = recordsGradient(x, weight, bias);
  const direct = directApplies(weight.shape);
  const fallback: Conv2dAlgorithm = winograd && g.profile.winograd
    ? "winograd"
    : c <= g.profile.directMaxChannels && !training && direct
    ? "direct"
    : "im2col";
  const t = tunerFor(g);
  if (!t.active && !t.force.conv2d) return fallback;
  const candidates: Conv2dAlgorithm[] = ["im2col", "implicit_gemm"];
  if (winograd) candidates.push("winograd");
  if (direct) candidates.push("direct");
  // Which gradients the step records: none, the weight's (and bias'), or the input's too.
  const grads = !training ? 0 : engine.gradEnabled && x.requiresGrad ? 2 : 1;
  const [batch, h, w] = x.shape;
  const key = `conv2d:g${grads}${bias ? "b" : ""}:${bucket(batch)}x${h}x${w}x${c}:` +
    `${weight.shape.join("x")}:s${stride}p${pad}`;
  const make = () => convCase(x.shape, weight.shape, !!bias, stride, pad, grads);
  return t.choose("conv2d", key, candidates, fallback, make);
}

/** One convolution (and its backward when `grads` > 0) on zeroed scratch tensors, for the tuner. */
function convCase(
  xs: readonly number[],
  ws: readonly number[],
  withBias: boolean,
  stride: number,
  pad: number,
  grads: number,
): TuneCase {
  return {
    run: (algorithm) =>
      isolatedStep(() => {
        const g = gpu();
        const x = Tensor.empty(xs);
        const w = Tensor.empty(ws);
        const b = withBias ? Tensor.empty([ws[3]]) : null;
        for (const t of b ? [x, w, b] : [x, w]) g.clear(t.buffer);
        x.requiresGrad = grads === 2;
        w.requiresGrad = grads > 0;
        if (b) b.requiresGrad = grads > 0;
        const y = conv2d(x, w, b, { stride, pad, algorithm: algorithm as Conv2dAlgorithm });
        if (grads > 0) {
          const dy = Tensor.empty(y.shape);
          g.clear(dy.buffer);
          backward(y, dy);
        }
      }),
  };
}
