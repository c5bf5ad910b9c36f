// Post-training int8 quantization (Jacob et al. 2018, "Quantization and Training of Neural
// Networks for Efficient Integer-Arithmetic-Only Inference", CVPR; the same scheme as TFLite's
// int8 specification and PyTorch's fbgemm/qnnpack backends):
//
// - a real value r is held as an int8 q with r = s · (q − z) (scale s > 0, zero point z);
// - weights: symmetric per output channel, z = 0, s = max|w| / 127, q ∈ [−127, 127];
// - activations: one (s, z) per tensor, asymmetric over the range seen on calibration images
//   (min/max, widened to include 0 so that zero padding and ReLU are exact: PyTorch's
//   MinMaxObserver), q ∈ [−128, 127];
// - biases: int32 with scale s_in · s_w[n] and z = 0, added to the int32 accumulator;
// - batch-norm is folded into the convolution before it first (Jacob et al. §3.2, PyTorch's
//   `fuse_modules`): w' = w · γ/√(σ² + ε), b' = (b − μ) · γ/√(σ² + ε) + β, per output channel.
//
// `compile` turns a quantized network into the constants its kernels use; the CPU reference
// (reference.ts) and the GPU forward (forward.ts) both run from them, so both do the same maths.

import type { Architecture } from "../nn/zoo.ts";
import { flattenOps, hasOwnScale, INPUT, planQuantized, type QOp, size } from "./graph.ts";
import { UserError } from "../util/errors.ts";

/** r = scale · (q − zeroPoint) for int8 q. */
export interface QParams {
  scale: number;
  zeroPoint: number;
}

/** One convolution's or dense layer's int8 tensors, batch-norm folded in. */
export interface QuantizedTensors {
  /**
   * int8 weights, output channel first: conv [N, KH, KW, C] (TFLite's OHWI), dense [N, K]
   * (PyTorch's Linear; K in our NHWC flattening order), depthwise [C, KH, KW].
   */
  weight: Int8Array;
  weightShape: number[];
  /** Per output channel, f32 [N]. */
  weightScale: Float32Array;
  /** int32 [N]: round(b / (s_in · s_w[n])). */
  bias: Int32Array;
}

export interface QuantizedNetwork {
  architecture: Architecture;
  ops: QOp[];
  /** Activation parameters by op name (the op's output) and INPUT (the network's input). */
  activations: Record<string, QParams>;
  /** By op name, for conv2d, depthwise_conv2d and dense ops. */
  tensors: Map<string, QuantizedTensors>;
}

const f32 = Math.fround;

/** Round half to even, as WGSL's `round` does. */
export function roundEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

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

/** The f32 tensors a layer reads, by checkpoint name ("0.conv2d.weight", "1.batchnorm.running"). */
export type FloatTensors = Map<string, Float32Array>;

/**
 * Quantizes a trained network: folds batch-norm, quantizes weights per output channel and biases
 * to int32, and takes each op's output parameters from `ranges` (op name → [min, max] seen on
 * calibration images; see calibrate.ts). Throws a UserError for layers int8 does not cover.
 */
export function quantizeNetwork(
  architecture: Architecture,
  tensors: FloatTensors,
  ranges: Record<string, [number, number]>,
): QuantizedNetwork {
  const ops = planQuantized(architecture);
  const activations: Record<string, QParams> = { [INPUT]: INPUT_QPARAMS };
  for (const op of flattenOps(ops)) {
    if (!hasOwnScale(op)) continue;
    const r = ranges[op.name];
    if (!r) throw new Error(`no calibrated range for ${op.name}`);
    activations[op.name] = activationQParams(r[0], r[1]);
  }
  const out = new Map<string, QuantizedTensors>();
  const get = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new UserError(`the model has no tensor ${name}; is it of this architecture?`);
    return t;
  };
  walk(ops, INPUT_QPARAMS, activations, (op, input) => {
    if (op.type !== "conv2d" && op.type !== "depthwise_conv2d" && op.type !== "dense") return;
    let weight = get(`${op.name}.weight`);
    let bias: Float32Array | null = op.type === "dense" || op.bias ? get(`${op.name}.bias`) : null;
    if (op.type !== "dense" && op.batchnorm) {
      const bn = op.batchnorm.name;
      ({ weight, bias } = foldBatchNorm(weight, bias, {
        gamma: get(`${bn}.gamma`),
        beta: get(`${bn}.beta`),
        running: get(`${bn}.running`),
        eps: op.batchnorm.eps,
      }));
    }
    const n = op.outShape.at(-1)!;
    const { q, scale } = quantizePerChannel(weight, n);
    const b = new Int32Array(n);
    for (let c = 0; c < n; c++) {
      b[c] = clamp(roundEven((bias?.[c] ?? 0) / (input.scale * scale[c])), -(2 ** 31), 2 ** 31 - 1);
    }
    const k = q.length / n;
    const weightShape = op.type === "conv2d"
      ? [n, op.kernel, op.kernel, op.inShape[2]]
      : op.type === "depthwise_conv2d"
      ? [n, op.kernel, op.kernel]
      : [n, k];
    out.set(op.name, { weight: q, weightShape, weightScale: scale, bias: b });
  });
  return { architecture, ops, activations, tensors: out };
}

/** Visits every op with the parameters of its input, in execution order. */
export function walk(
  ops: readonly QOp[],
  input: QParams,
  activations: Record<string, QParams>,
  visit: (op: QOp, input: QParams) => void,
): QParams {
  let q = input;
  for (const op of ops) {
    if (op.type === "residual") {
      walk(op.body, q, activations, visit);
      walk(op.shortcut, q, activations, visit);
    }
    visit(op, q);
    q = hasOwnScale(op) ? activations[op.name] : q;
  }
  return q;
}

// ---------------------------------------------------------------------------------------------
// The kernels' constants.

/** Convolution geometry; a dense layer is a 1×1 convolution of a 1×1 image with K channels. */
export interface ConvGeometry {
  H: number;
  W: number;
  C: number;
  OH: number;
  OW: number;
  /** Output channels (depthwise: = C). */
  N: number;
  KH: number;
  KW: number;
  S: number;
  P: number;
}

/**
 * A matrix-product op (conv2d or dense): acc[m, n] = Σ_k w[n, k] · x[m, k] + biasEff[n], where
 * x[m, ·] is output pixel m's patch of input bytes (padding = the input's zero point, so it stands
 * for 0) and biasEff[n] = bias[n] − z_in · Σ_k w[n, k] moves the input's zero point out of the
 * product (Jacob et al. eq. 7). Then int8 out = clamp(round(f32(acc) · mult[n]) + zOut, lo, 127)
 * with mult[n] = s_in · s_w[n] / s_out and lo = zOut after a ReLU (else −128); or, for the
 * logits, f32 out = f32(acc) · mult[n] with mult[n] = s_in · s_w[n].
 */
export interface GemmOp {
  type: "gemm";
  name: string;
  g: ConvGeometry;
  /** Patch length KH·KW·C. */
  K: number;
  /** [N, K] int8. */
  weight: Int8Array;
  biasEff: Int32Array;
  mult: Float32Array;
  zIn: number;
  zOut: number;
  lo: number;
  logits: boolean;
}

/** Depthwise conv: as GemmOp per channel, acc[·, c] = Σ_window w[c, ky, kx] · x + biasEff[c]. */
export interface DepthwiseOp {
  type: "depthwise";
  name: string;
  g: ConvGeometry;
  /** [C, KH·KW] int8. */
  weight: Int8Array;
  biasEff: Int32Array;
  mult: Float32Array;
  zIn: number;
  zOut: number;
  lo: number;
}

/** Max pooling on the int8 values (a monotone map: the same scale in and out). */
export interface MaxPoolOp {
  type: "maxpool";
  name: string;
  g: ConvGeometry;
}

/** Global average pooling: out = clamp(round(f32(Σ (x − zIn)) · mult) + zOut), mult = s_in/(HW·s_out). */
export interface GapOp {
  type: "gap";
  name: string;
  H: number;
  W: number;
  C: number;
  mult: number;
  zIn: number;
  zOut: number;
}

/** ReLU on int8 alone (not after a conv or dense): max(q, z). */
export interface ReluOp {
  type: "relu";
  name: string;
  count: number;
  z: number;
}

/**
 * Residual add: a = round(f32(qa − za) · ma), b = round(f32(qb − zb) · mb) with ma = 256·s_a/s_out
 * (8 fraction bits, so each term is one exact product and one rounding, however the compiler
 * fuses), out = clamp(((a + b + 128) >> 8) + zOut, lo, 127).
 */
export interface ResidualOp {
  type: "residual";
  name: string;
  count: number;
  body: RuntimeOp[];
  shortcut: RuntimeOp[];
  za: number;
  ma: number;
  zb: number;
  mb: number;
  zOut: number;
  lo: number;
}

export type RuntimeOp = GemmOp | DepthwiseOp | MaxPoolOp | GapOp | ReluOp | ResidualOp;

/** The whole forward: quantize the f32 input with `input`, run `ops`, the last gives logits. */
export interface Program {
  input: QParams;
  /** f32 multiplier of the input quantization: q = clamp(round(x · inv) + z). */
  inputInv: number;
  /** Per-example input elements and output classes. */
  inputSize: number;
  classes: number;
  ops: RuntimeOp[];
}

/** The constants every kernel needs, derived once from a quantized network. */
export function compile(net: QuantizedNetwork): Program {
  const input = net.activations[INPUT];
  return {
    input,
    inputInv: f32(1 / input.scale),
    inputSize: size(net.architecture.input),
    classes: net.architecture.classes,
    ops: compileOps(net, net.ops, input),
  };
}

function compileOps(net: QuantizedNetwork, ops: readonly QOp[], input: QParams): RuntimeOp[] {
  const out: RuntimeOp[] = [];
  let q = input;
  for (const op of ops) {
    const own = hasOwnScale(op) ? net.activations[op.name] : q;
    switch (op.type) {
      case "conv2d":
      case "depthwise_conv2d":
      case "dense": {
        const t = net.tensors.get(op.name)!;
        const n = op.outShape.at(-1)!;
        const k = t.weight.length / n;
        const biasEff = new Int32Array(n);
        const mult = new Float32Array(n);
        for (let c = 0; c < n; c++) {
          let sum = 0;
          for (let i = 0; i < k; i++) sum += t.weight[c * k + i];
          biasEff[c] = t.bias[c] - q.zeroPoint * sum;
          const real = q.scale * t.weightScale[c];
          mult[c] = op.type === "dense" && op.logits ? real : real / own.scale;
        }
        const relu = op.relu;
        const common = {
          name: op.name,
          weight: t.weight,
          biasEff,
          mult,
          zIn: q.zeroPoint,
          zOut: own.zeroPoint,
          lo: relu ? own.zeroPoint : -128,
        };
        if (op.type === "dense") {
          const [features] = op.inShape;
          out.push({
            type: "gemm",
            ...common,
            g: { H: 1, W: 1, C: features, OH: 1, OW: 1, N: n, KH: 1, KW: 1, S: 1, P: 0 },
            K: features,
            logits: op.logits,
          });
        } else {
          const [H, W, C] = op.inShape;
          const [OH, OW] = op.outShape;
          const g = {
            H,
            W,
            C,
            OH,
            OW,
            N: n,
            KH: op.kernel,
            KW: op.kernel,
            S: op.stride,
            P: op.pad,
          };
          out.push(
            op.type === "conv2d"
              ? { type: "gemm", ...common, g, K: op.kernel * op.kernel * C, logits: false }
              : { type: "depthwise", ...common, g },
          );
        }
        break;
      }
      case "maxpool": {
        const [H, W, C] = op.inShape;
        const [OH, OW] = op.outShape;
        out.push({
          type: "maxpool",
          name: op.name,
          g: { H, W, C, OH, OW, N: C, KH: op.size, KW: op.size, S: op.stride, P: 0 },
        });
        break;
      }
      case "global_avgpool": {
        const [H, W, C] = op.inShape;
        out.push({
          type: "gap",
          name: op.name,
          H,
          W,
          C,
          mult: f32(q.scale / (H * W * own.scale)),
          zIn: q.zeroPoint,
          zOut: own.zeroPoint,
        });
        break;
      }
      case "relu":
        out.push({ type: "relu", name: op.name, count: size(op.inShape), z: q.zeroPoint });
        break;
      case "residual": {
        const body = compileOps(net, op.body, q);
        const shortcut = compileOps(net, op.shortcut, q);
        const a = lastParams(net, op.body, q);
        const b = lastParams(net, op.shortcut, q);
        out.push({
          type: "residual",
          name: op.name,
          count: size(op.outShape),
          body,
          shortcut,
          za: a.zeroPoint,
          ma: f32(256 * a.scale / own.scale),
          zb: b.zeroPoint,
          mb: f32(256 * b.scale / own.scale),
          zOut: own.zeroPoint,
          lo: op.relu ? own.zeroPoint : -128,
        });
        break;
      }
    }
    q = own;
  }
  return out;
}

/** The parameters of what a branch gives (its input's when the branch is empty: identity). */
function lastParams(net: QuantizedNetwork, ops: readonly QOp[], input: QParams): QParams {
  let q = input;
  for (const op of ops) if (hasOwnScale(op)) q = net.activations[op.name];
  return q;
}
