// Layers of a network: planned from their specs (shapes, tensors, FLOPs; no GPU), built (GPU
// tensors and a forward through the autograd ops) and described. What each layer type does is
// declared once in its own file under src/nn/layers/ (the registry: layers/mod.ts); this file
// walks a list of layers and asks each one's type.
import { Tensor } from "../autograd/tensor.ts";
import type { Param } from "../optim/optimizer.ts";
import type { Rng } from "../util/random.ts";
import { type LayerSpec, layerType } from "./layers/mod.ts";
import { size } from "./layers/common.ts";
import type { BuildContext, Fusion, LayerOf, LayerPlanOf, TensorPlan } from "./layers/types.ts";

export { batchNormFusion } from "./layers/batchnorm.ts";
export { LAYER_TYPES, type LayerSpec } from "./layers/mod.ts";
export type { ForwardContext, TensorPlan } from "./layers/types.ts";
export { size };

/**
 * What a layer will be, known from its spec and input shape alone (no GPU): shapes, the names
 * and shapes of its tensors, its cost. Building, the summary table and the diagram all read this.
 */
export type LayerPlan = LayerPlanOf<LayerSpec, LayerSpec>;

/** A built layer: its plan, with GPU tensors for its parameters and state, and its forward. */
export type Layer = LayerOf<LayerSpec, LayerSpec>;

/** The layers a batch norm absorbs (see `buildLayers`). */
export type BatchNormFusion = Fusion;

/**
 * Plans layers `specs` for per-example input shape `input`, naming them `${prefix}${i}.${type}`.
 * Throws on a spec that does not fit its input (a hand-edited config.json, a zoo mistake).
 */
export function planLayers(specs: readonly LayerSpec[], input: number[], prefix = ""): LayerPlan[] {
  const plans: LayerPlan[] = [];
  let shape = input;
  specs.forEach((spec, i) => {
    const plan = planLayer(spec, shape, `${prefix}${i}`);
    plans.push(plan);
    shape = plan.outputShape;
  });
  return plans;
}

function planLayer(spec: LayerSpec, input: number[], path: string): LayerPlan {
  const name = `${path}.${spec.type}`;
  const parts = layerType(spec.type, name).plan(spec, input, {
    name,
    tensor: (role, shape) => ({ name: `${name}.${role}`, shape }),
    planLayers: (specs, input, prefix) => planLayers(specs as LayerSpec[], input, prefix),
  });
  const plan: LayerPlan = {
    name,
    spec,
    inputShape: input,
    outputShape: parts.outputShape,
    params: parts.params ?? [],
    buffers: parts.buffers ?? [],
    flops: parts.flops,
  };
  if (parts.children) plan.children = parts.children as LayerPlan["children"];
  return plan;
}

function makeParam(t: TensorPlan, init: (i: number) => number): Param {
  const n = size(t.shape);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = init(i);
  return {
    name: t.name,
    value: Tensor.from(data, t.shape, { requiresGrad: true, persistent: true }),
  };
}

/** He (Kaiming) normal init: keeps activation variance steady through ReLU layers. */
function he(rng: Rng, fanIn: number) {
  const std = Math.sqrt(2 / fanIn);
  return () => rng.normal() * std;
}

/**
 * Builds planned layers in order, drawing initial weights from `rng`. A layer may run the layers
 * after it inside its own forward (`LayerType.fuses`): a batchnorm followed by a ReLU runs as one
 * fused kernel pass, and that ReLU layer then passes its input through. A max pool right after
 * them (or right after the batchnorm) joins the same op (batchNormMaxPool) and passes its input
 * through too, except when the caller asks for `layerOutputs`.
 */
export function buildLayers(plans: readonly LayerPlan[], rng: Rng): Layer[] {
  // Absorbed layers by index: whether each still runs its own forward for `layerOutputs`.
  const absorbed = new Map<number, boolean>();
  return plans.map((plan, i) => {
    const fusion = layerType(plan.spec.type, plan.name).fuses?.(plans, i) ?? null;
    if (fusion?.relu) absorbed.set(i + 1, false);
    if (fusion?.pool) absorbed.set(fusion.pool.index, true);
    const layer = buildLayer(plan, rng, fusion?.relu, fusion?.pool);
    const keepsOutput = absorbed.get(i);
    if (keepsOutput === false) layer.forward = (x) => x;
    if (keepsOutput === true) {
      const own = layer.forward;
      layer.forward = (x, ctx) => ctx.layerOutputs ? own(x, ctx) : x;
    }
    return layer;
  });
}

/**
 * Builds one planned layer. With `fuseRelu`, a batchnorm layer also applies the ReLU that
 * follows it (the caller makes that ReLU a no-op); with `fusePool`, also the max pool after
 * that, unless the forward's context asks for `layerOutputs` (the caller makes that max pool a
 * no-op otherwise).
 */
export function buildLayer(
  plan: LayerPlan,
  rng: Rng,
  fuseRelu = false,
  fusePool: { size: number; stride: number } | null = null,
): Layer {
  const context: BuildContext = {
    rng,
    fuse: { relu: fuseRelu, pool: fusePool },
    param: makeParam,
    he: (fanIn) => he(rng, fanIn),
    buildLayers: (plans) => buildLayers(plans as LayerPlan[], rng),
  };
  const parts = layerType(plan.spec.type, plan.name).build(plan, context);
  return { ...plan, params: [], buffers: [], children: undefined, ...parts } as Layer;
}

/**
 * A short human description of a layer spec: "conv2d 3×3, 32 filters, stride 2". Throws on a
 * type that is not a layer type.
 */
export function describeLayer(spec: LayerSpec): string {
  return layerType(spec.type, "describeLayer").describe(spec);
}
