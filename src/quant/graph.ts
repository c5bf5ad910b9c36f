// The int8 graph of a network: its layers grouped into the operations that int8 inference runs.
// Pure planning (no GPU, no weights), shared by quantization, loading and the CPU reference.

import type { Architecture } from "../nn/zoo.ts";
import { type LayerPlan, planLayers } from "../nn/layers.ts";
import { UserError } from "../util/errors.ts";

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

type QOpKind =
  | {
    /** A convolution, full or depthwise (its weights differ, its geometry does not). */
    type: "conv2d" | "depthwise_conv2d";
    name: string;
    /** Input [H, W, C], output [OH, OW, N]. */
    inShape: number[];
    outShape: number[];
    kernel: number;
    stride: number;
    pad: number;
    bias: boolean;
    /** The folded batch-norm layer, if any: its name (the key of its tensors) and ε. */
    batchnorm: { name: string; eps: number } | null;
    relu: boolean;
  }
  | {
    type: "dense";
    name: string;
    inShape: number[];
    outShape: number[];
    relu: boolean;
    /** The network's last op: gives f32 logits instead of int8. */
    logits: boolean;
  }
  | {
    type: "maxpool";
    name: string;
    inShape: number[];
    outShape: number[];
    size: number;
    stride: number;
  }
  | { type: "global_avgpool"; name: string; inShape: number[]; outShape: number[] }
  | { type: "relu"; name: string; inShape: number[]; outShape: number[] }
  | {
    type: "residual";
    name: string;
    inShape: number[];
    outShape: number[];
    body: QOp[];
    shortcut: QOp[];
    relu: boolean;
  };

/** Ops whose output gets its own calibrated activation scale (the others keep their input's). */
export function hasOwnScale(op: QOp): boolean {
  return op.type !== "maxpool" && op.type !== "relu" && !(op.type === "dense" && op.logits);
}

/** The key of the network input's activation scale. */
export const INPUT = "input";

/**
 * Groups a network's layers into int8 ops. Refuses (UserError naming the layer) what int8
 * inference does not cover: a batch-norm that does not follow a convolution, a network that does
 * not end in a dense layer, layer types it does not know.
 */
export function planQuantized(arch: Architecture): QOp[] {
  const plans = planLayers(arch.layers, arch.input);
  const ops = groupLayers(plans, arch.name);
  const last = ops.at(-1);
  if (!last || last.type !== "dense" || last.relu) {
    throw new UserError(
      `${arch.name}: int8 inference needs a network that ends in a dense layer (the logits); ` +
        `this one ends in ${last ? last.name : "nothing"}`,
    );
  }
  last.logits = true;
  return ops;
}

function groupLayers(plans: LayerPlan[], model: string): QOp[] {
  const ops: QOp[] = [];
  // Ops are pushed without lastLayer, which is set once their layers are consumed.
  const push = (op: QOpKind) => ops.push({ ...op, lastLayer: "" });
  const refuse = (p: LayerPlan, why: string): never => {
    throw new UserError(`${model}: layer ${p.name}: ${why}; int8 quantization does not cover it`);
  };
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i];
    const s = p.spec;
    const next = (type: string) => plans[i + 1]?.spec.type === type;
    switch (s.type) {
      case "conv2d":
      case "depthwise_conv2d": {
        const k = s.kernel;
        const pad = s.padding === "same" ? (k - 1) >> 1 : s.padding ?? 0;
        let batchnorm: { name: string; eps: number } | null = null;
        if (next("batchnorm")) {
          const bn = plans[++i];
          batchnorm = { name: bn.name, eps: (bn.spec as { eps?: number }).eps ?? 1e-5 };
        }
        const relu = next("relu");
        if (relu) i++;
        push({
          type: s.type,
          name: p.name,
          inShape: p.inputShape,
          outShape: p.outputShape,
          kernel: k,
          stride: s.stride ?? 1,
          pad,
          bias: s.bias !== false,
          batchnorm,
          relu,
        });
        break;
      }
      case "dense": {
        if (next("batchnorm")) refuse(plans[i + 1], "a batch-norm after a dense layer");
        const relu = next("relu");
        if (relu) i++;
        push({
          type: "dense",
          name: p.name,
          inShape: p.inputShape,
          outShape: p.outputShape,
          relu,
          logits: false,
        });
        break;
      }
      case "batchnorm":
        refuse(p, "a batch-norm that does not follow a convolution (it is folded into one)");
        break;
      case "relu":
        push({ type: "relu", name: p.name, inShape: p.inputShape, outShape: p.outputShape });
        break;
      case "maxpool":
        push({
          type: "maxpool",
          name: p.name,
          inShape: p.inputShape,
          outShape: p.outputShape,
          size: s.size,
          stride: s.stride ?? s.size,
        });
        break;
      case "global_avgpool":
        push({
          type: "global_avgpool",
          name: p.name,
          inShape: p.inputShape,
          outShape: p.outputShape,
        });
        break;
      case "flatten":
      case "dropout":
        break;
      case "residual": {
        const body = groupLayers(p.children!.body, model);
        const shortcut = groupLayers(p.children!.shortcut, model);
        if (!body.length) refuse(p, "a residual block with an empty body");
        push({
          type: "residual",
          name: p.name,
          inShape: p.inputShape,
          outShape: p.outputShape,
          body,
          shortcut,
          relu: s.relu ?? false,
        });
        break;
      }
      default:
        refuse(p, `type "${(s as { type: string }).type}"`);
    }
    const last = ops.at(-1);
    if (last && !last.lastLayer) last.lastLayer = plans[i].name;
  }
  return ops;
}

/** Every op, residual branches included, in execution order (body before shortcut). */
export function flattenOps(ops: readonly QOp[]): QOp[] {
  return ops.flatMap((op) =>
    op.type === "residual" ? [...flattenOps(op.body), ...flattenOps(op.shortcut), op] : [op]
  );
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
