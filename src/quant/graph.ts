// The int8 graph of a network: its layers grouped into the operations that int8 inference runs,
// each layer type saying how (its `int8` form in src/nn/layers/). Pure planning (no GPU, no
// weights), shared by quantization, loading and the CPU reference.

import type { Architecture } from "../nn/zoo.ts";
import { type LayerPlan, planLayers } from "../nn/layers.ts";
import { findLayerType, layerType } from "../nn/layers/mod.ts";
import type { GroupContext, Int8Form } from "../nn/layers/types.ts";
import { UserError } from "../util/errors.ts";
import type { QOp, QOpKind } from "./types.ts";

export type {
  ConvQOp,
  DenseQOp,
  GapQOp,
  MaxPoolQOp,
  QOp,
  QOpKind,
  ReluQOp,
  ResidualQOp,
} from "./types.ts";

/** Ops whose output gets its own calibrated activation scale (the others keep their input's). */
export function hasOwnScale(op: QOp): boolean {
  return int8Form(op).ownScale?.(op) ?? true;
}

/** The int8 form of the layer type that made `op` (an op's type is its first layer's). */
export function int8Form(op: QOpKind): Int8Form {
  return layerType(op.type, op.name).int8!;
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

function groupLayers(plans: readonly LayerPlan[], model: string): QOp[] {
  const ops: QOp[] = [];
  const g: GroupContext = {
    refuse: (p, why) => {
      throw new UserError(`${model}: layer ${p.name}: ${why}; int8 quantization does not cover it`);
    },
    group: (nested) => groupLayers(nested as LayerPlan[], model),
  };
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i];
    const form = findLayerType(p.spec.type)?.int8;
    if (!form) return g.refuse(p, `type "${p.spec.type}"`);
    // The op covers plans[i..last]; flatten and dropout give none.
    const { op, last } = form.group(plans, i, g);
    if (op) ops.push({ ...op, lastLayer: plans[last].name });
    i = last;
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
