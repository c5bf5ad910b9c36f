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
// The arithmetic is in scheme.ts, what each layer type becomes in its `int8` form
// (src/nn/layers/). `compile` turns a quantized network into the constants its kernels use; the
// CPU reference (reference.ts) and the GPU forward (forward.ts) both run from them, so both do the
// same maths.

import type { Architecture } from "../nn/zoo.ts";
import {
  flattenOps,
  hasOwnScale,
  INPUT,
  int8Form,
  planQuantized,
  type QOp,
  size,
} from "./graph.ts";
import { activationQParams, f32, INPUT_QPARAMS } from "./scheme.ts";
import type { Program, QParams, QuantizedTensors, RuntimeOp } from "./types.ts";
import { UserError } from "../util/errors.ts";

export {
  activationQParams,
  foldBatchNorm,
  INPUT_QPARAMS,
  quantizePerChannel,
  roundEven,
} from "./scheme.ts";
export type {
  ConvGeometry,
  DepthwiseOp,
  GapOp,
  GemmOp,
  MaxPoolOp,
  Program,
  QParams,
  QuantizedTensors,
  ReluOp,
  ResidualOp,
  RuntimeOp,
} from "./types.ts";

export interface QuantizedNetwork {
  architecture: Architecture;
  ops: QOp[];
  /** Activation parameters by op name (the op's output) and INPUT (the network's input). */
  activations: Record<string, QParams>;
  /** By op name, for conv2d, depthwise_conv2d and dense ops. */
  tensors: Map<string, QuantizedTensors>;
}

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
    // Convolutions and dense layers have tensors; the other ops none.
    const form = int8Form(op);
    if (form.quantize) out.set(op.name, form.quantize(op, get, input));
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
    const form = int8Form(op);
    if (!form.compile) throw new Error(`${op.name}: ${op.type} has no int8 kernels`);
    out.push(form.compile(op, {
      input: q,
      output: own,
      tensors: (name) => net.tensors.get(name)!,
      compile: (nested, from) => compileOps(net, nested, from),
      outputOf: (nested, from) => lastParams(net, nested, from),
    }));
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
