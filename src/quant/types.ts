// The int8 vocabulary: the ops of a network's int8 graph (QOp: what each layer type's int8 form
// in src/nn/layers/ groups its layers into), their compiled constants (RuntimeOp, Program: what
// the executors forward.ts and reference.ts run), activation parameters and quantized tensors.
// Types only; graph.ts and quantize.ts re-export them.

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

/** Fields every int8 op has. */
interface QOpBase {
  /** The op's first layer's name: the key of its tensors and of its output's activation scale. */
  name: string;
  /** Per-example input and output shapes ([H, W, C] or [features]). */
  inShape: number[];
  outShape: number[];
}

/**
 * A convolution, full or depthwise (its weights differ, its geometry does not), with the
 * batch-norm (folded into the weights) and the ReLU (a clamp at the output's zero point) after it.
 * Input [H, W, C], output [OH, OW, N].
 */
export interface ConvQOp extends QOpBase {
  type: "conv2d" | "depthwise_conv2d";
  kernel: number;
  stride: number;
  pad: number;
  bias: boolean;
  /** The folded batch-norm layer, if any: its name (the key of its tensors) and ε. */
  batchnorm: { name: string; eps: number } | null;
  relu: boolean;
}

/** A dense layer and the ReLU after it. */
export interface DenseQOp extends QOpBase {
  type: "dense";
  relu: boolean;
  /** The network's last op: gives f32 logits instead of int8. */
  logits: boolean;
}

export interface MaxPoolQOp extends QOpBase {
  type: "maxpool";
  size: number;
  stride: number;
}

export interface GapQOp extends QOpBase {
  type: "global_avgpool";
}

/** A ReLU that follows no convolution or dense layer. */
export interface ReluQOp extends QOpBase {
  type: "relu";
}

export interface ResidualQOp extends QOpBase {
  type: "residual";
  body: QOp[];
  shortcut: QOp[];
  relu: boolean;
}

/** An int8 op before calibration names its last layer (see QOp). */
export type QOpKind = ConvQOp | DenseQOp | MaxPoolQOp | GapQOp | ReluQOp | ResidualQOp;

/**
 * One operation of int8 inference. Convolutions and dense layers absorb the batch-norm and the
 * ReLU after them (batch-norm folded into the weights, ReLU a clamp at the output's zero point);
 * flatten and dropout vanish (NHWC flattening is a no-op on the packed bytes; dropout is the
 * identity at inference). `name` is the first layer's name: the key of the op's tensors and of
 * its output's activation scale.
 */
export type QOp = QOpKind & {
  /** The last f32 layer the op covers: its output is the op's (calibration reads it there). */
  lastLayer: string;
};

// The kernels' constants (quantize.ts compiles them from the ops).

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
 * An int8 layer's weights with batch norm and the zero points folded in (see GemmOp for what each
 * field means): what `linearConstants` in scheme.ts gives and the GPU kernels read.
 */
export interface FoldedInt8 {
  weight: Int8Array;
  biasEff: Int32Array;
  mult: Float32Array;
  zIn: number;
  zOut: number;
  lo: number;
}

/**
 * A matrix-product op (conv2d or dense): acc[m, n] = Σ_k w[n, k] · x[m, k] + biasEff[n], where
 * x[m, ·] is output pixel m's patch of input bytes (padding = the input's zero point, so it stands
 * for 0) and biasEff[n] = bias[n] − z_in · Σ_k w[n, k] moves the input's zero point out of the
 * product (Jacob et al. eq. 7). Then int8 out = clamp(round(f32(acc) · mult[n]) + zOut, lo, 127)
 * with mult[n] = s_in · s_w[n] / s_out and lo = zOut after a ReLU (else −128); or, for the
 * logits, f32 out = f32(acc) · mult[n] with mult[n] = s_in · s_w[n].
 */
export interface GemmOp extends FoldedInt8 {
  type: "gemm";
  name: string;
  g: ConvGeometry;
  /** Patch length KH·KW·C. */
  K: number;
  /** [N, K] int8. */
  weight: Int8Array;
  logits: boolean;
}

/** Depthwise conv: as GemmOp per channel, acc[·, c] = Σ_window w[c, ky, kx] · x + biasEff[c]. */
export interface DepthwiseOp extends FoldedInt8 {
  type: "depthwise";
  name: string;
  g: ConvGeometry;
  /** [C, KH·KW] int8. */
  weight: Int8Array;
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
