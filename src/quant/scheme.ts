// The arithmetic of post-training int8 quantization (the scheme is described in quantize.ts):
// rounding, batch-norm folding, per-channel weights, activation parameters, and the constants of a
// linear op (convolution or dense) that every layer type's int8 form (src/nn/layers/) shares.
// quantize.ts re-exports what it used to define.

import type { FoldedInt8, QParams, QuantizedTensors } from "./types.ts";

export const f32 = Math.fround;

/** Round half to even, as WGSL's `round` does. */
export function roundEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * Folds eval-mode batch-norm into the layer before it (Jacob et al. 2018, §3.2). `weight` has the
 * output channel as its last axis ([KH, KW, C, N], [KH, KW, C] or [K, N]); `running` is [mean(N),
 * var(N)]. Returns new arrays: w' = w · γ/√(σ² + ε), b' = (b − μ) · γ/√(σ² + ε) + β.
 */
export function foldBatchNorm(
  weight: Float32Array,
  bias: Float32Array | null,
  bn: { gamma: Float32Array; beta: Float32Array; running: Float32Array; eps: number },
): { weight: Float32Array; bias: Float32Array } {
  const n = bn.gamma.length;
  const factor = new Float64Array(n);
  const b = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    factor[c] = bn.gamma[c] / Math.sqrt(bn.running[n + c] + bn.eps);
    b[c] = ((bias?.[c] ?? 0) - bn.running[c]) * factor[c] + bn.beta[c];
  }
  const w = new Float32Array(weight.length);
  for (let i = 0; i < w.length; i++) w[i] = weight[i] * factor[i % n];
  return { weight: w, bias: b };
}

/**
 * Symmetric per-output-channel int8 quantization of `weight` (output channel last, `n` channels):
 * s[c] = max|w[·, c]| / 127, q = round(w / s) ∈ [−127, 127] (−128 unused, as in TFLite, so that
 * −q never overflows). Returns q transposed to [n, K] (output channel first) and s [n]. An
 * all-zero channel gets s = 1.
 */
export function quantizePerChannel(
  weight: Float32Array,
  n: number,
): { q: Int8Array; scale: Float32Array } {
  const k = weight.length / n;
  const scale = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    let most = 0;
    for (let i = 0; i < k; i++) most = Math.max(most, Math.abs(weight[i * n + c]));
    scale[c] = most > 0 ? most / 127 : 1;
  }
  const q = new Int8Array(n * k);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < k; i++) {
      q[c * k + i] = clamp(roundEven(weight[i * n + c] / scale[c]), -127, 127);
    }
  }
  return { q, scale };
}

/**
 * Affine int8 parameters for values seen in [lo, hi] (PyTorch's MinMaxObserver for qint8): the
 * range is widened to include 0, s = (hi − lo) / 255, z = round(−128 − lo / s), so that 0 is
 * exactly representable (zero padding, ReLU as a clamp at z).
 */
export function activationQParams(lo: number, hi: number): QParams {
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 0);
  const scale = hi - lo > 1e-8 ? (hi - lo) / 255 : 1e-8 / 255;
  return { scale, zeroPoint: clamp(roundEven(-128 - lo / scale), -128, 127) };
}

/**
 * The network input's parameters: pixels are k/255 for bytes k, so s = 1/255 and z = −128 hold
 * them exactly (q = k − 128).
 */
export const INPUT_QPARAMS: QParams = { scale: 1 / 255, zeroPoint: -128 };

/**
 * A linear op's int8 tensors: `weight` (output channel last, `n` channels, batch-norm already
 * folded) per output channel to int8 ([n, K], output channel first), `bias` (f32 [n], or none)
 * to int32 with scale s_in · s_w[n] (z = 0), for an input quantized with `input`.
 */
export function quantizeLinear(
  weight: Float32Array,
  bias: Float32Array | null,
  n: number,
  input: QParams,
  weightShape: number[],
): QuantizedTensors {
  const { q, scale } = quantizePerChannel(weight, n);
  const b = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    b[c] = clamp(roundEven((bias?.[c] ?? 0) / (input.scale * scale[c])), -(2 ** 31), 2 ** 31 - 1);
  }
  return { weight: q, weightShape, weightScale: scale, bias: b };
}

/**
 * The kernel constants of a linear op with tensors `t` and `n` output channels (see GemmOp):
 * biasEff[n] = bias[n] − z_in · Σ_k w[n, k] (Jacob et al. eq. 7), mult[n] = s_in · s_w[n] / s_out
 * (s_in · s_w[n] for f32 `logits`), lo = z_out after a ReLU (else −128).
 */
export function linearConstants(
  t: QuantizedTensors,
  n: number,
  input: QParams,
  output: QParams,
  relu: boolean,
  logits: boolean,
): FoldedInt8 {
  const k = t.weight.length / n;
  const biasEff = new Int32Array(n);
  const mult = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    let sum = 0;
    for (let i = 0; i < k; i++) sum += t.weight[c * k + i];
    biasEff[c] = t.bias[c] - input.zeroPoint * sum;
    const real = input.scale * t.weightScale[c];
    mult[c] = logits ? real : real / output.scale;
  }
  return {
    weight: t.weight,
    biasEff,
    mult,
    zIn: input.zeroPoint,
    zOut: output.zeroPoint,
    lo: relu ? output.zeroPoint : -128,
  };
}
