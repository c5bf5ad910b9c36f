// The layer registry: every layer type config.json may name, each declared once in its own file
// (its spec, field checks, plan, build, description, PyTorch layout and int8 form: LayerType in
// types.ts). To add a layer type, write its file and add it to LAYER_TYPES below.
import { batchNormLayer, type BatchNormSpec } from "./batchnorm.ts";
import { conv2dLayer, type Conv2dSpec } from "./conv2d.ts";
import { denseLayer, type DenseSpec } from "./dense.ts";
import { depthwiseConv2dLayer, type DepthwiseConv2dSpec } from "./depthwise_conv2d.ts";
import { dropoutLayer, type DropoutSpec } from "./dropout.ts";
import { flattenLayer, type FlattenSpec } from "./flatten.ts";
import { globalAvgPoolLayer, type GlobalAvgPoolSpec } from "./global_avgpool.ts";
import { maxPoolLayer, type MaxPoolSpec } from "./maxpool.ts";
import { reluLayer, type ReluSpec } from "./relu.ts";
import { residualLayer, type ResidualSpec } from "./residual.ts";
import type { LayerType, SpecBase } from "./types.ts";

/** A layer as saved in config.json: enough to rebuild it (weights come from safetensors). */
export type LayerSpec =
  | Conv2dSpec
  | DepthwiseConv2dSpec
  | BatchNormSpec
  | ReluSpec
  | MaxPoolSpec
  | GlobalAvgPoolSpec
  | FlattenSpec
  | DenseSpec
  | DropoutSpec
  | ResidualSpec<LayerSpec>;

/**
 * Every layer type by config.json's `type`, in the order messages list them. A Map: a name such as
 * "constructor" or "__proto__" finds nothing.
 */
export const LAYER_TYPES: ReadonlyMap<string, LayerType<SpecBase>> = new Map(
  [
    conv2dLayer,
    depthwiseConv2dLayer,
    batchNormLayer,
    reluLayer,
    maxPoolLayer,
    globalAvgPoolLayer,
    flattenLayer,
    denseLayer,
    dropoutLayer,
    residualLayer,
  ].map((t): [string, LayerType<SpecBase>] => [t.type, t as LayerType<SpecBase>]),
);

/** The layer type named `type` (config.json's), or undefined when there is none. */
export function findLayerType(type: unknown): LayerType<SpecBase> | undefined {
  return typeof type === "string" ? LAYER_TYPES.get(type) : undefined;
}

/** The layer type named `type`; throws `${name}: unknown layer type "${type}"` when there is none. */
export function layerType(type: string, name: string): LayerType<SpecBase> {
  const found = findLayerType(type);
  if (!found) throw new Error(`${name}: unknown layer type "${type}"`);
  return found;
}

export type { LayerType, SpecBase } from "./types.ts";
