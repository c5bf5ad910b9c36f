/**
 * Readable names for a network's layers, for people rather than for code: "conv 1 after ReLU,
 * 32 maps 28×28" where the code says "2.relu". The page labels its feature maps with them.
 */
import type { Architecture } from "../nn/zoo.ts";
import { type LayerPlan, planLayers } from "../nn/layers.ts";

/** One top-level layer: its code name (as `Layer.name` and the weights' keys) and its title. */
export interface LayerTitle {
  /** `${index}.${type}`, e.g. "2.relu" (what web/engine.ts's feature maps call `layer`). */
  name: string;
  /** E.g. "conv 1 after ReLU, 32 maps 28×28", "dense 2 (output), 10 class scores". */
  title: string;
  /** Output shape per example: [H, W, C] for maps, [N] for vectors. */
  outputShape: number[];
}

/** "32 maps 28×28" for [28, 28, 32], "128 values" for [128]. */
function shapeWords(shape: number[], unit = "values"): string {
  if (shape.length === 3) return `${shape[2]} maps ${shape[0]}×${shape[1]}`;
  return `${shape.reduce((a, b) => a * b, 1)} ${unit}`;
}

/** What an elementwise or pooling layer does to the output of the layer before it. */
const AFTER: Record<string, string> = {
  batchnorm: "batch norm",
  relu: "ReLU",
  maxpool: "max pool",
  dropout: "dropout (off when predicting)",
};

/**
 * The title of every top-level layer of `architecture` (config.json's `architecture`), in
 * order. Convolutions (`conv2d`, `depthwise_conv2d`), dense layers and residual blocks are
 * counted from 1; a batch norm, ReLU, max pool or dropout is named after the counted layer
 * before it ("conv 1 after ReLU, 32 maps 28×28"); the last dense layer is "(output)", giving
 * `classes` class scores. Throws (as `planLayers`) for layers that do not fit their input.
 */
export function layerTitles(architecture: Architecture): LayerTitle[] {
  const plans: LayerPlan[] = planLayers(architecture.layers, architecture.input);
  const counts = { conv: 0, depthwise: 0, dense: 0, block: 0 };
  const lastDense = plans.findLastIndex((p) => p.spec.type === "dense");
  let current = "input";
  return plans.map((p, i): LayerTitle => {
    const shape = p.outputShape;
    const spec = p.spec as { type: string; filters?: number; kernel?: number; stride?: number };
    let title: string;
    switch (spec.type) {
      case "conv2d":
        current = `conv ${++counts.conv}`;
        title = `${current} (${spec.filters} filters ${spec.kernel}×${spec.kernel}` +
          `${(spec.stride ?? 1) > 1 ? `, stride ${spec.stride}` : ""}), ${shapeWords(shape)}`;
        break;
      case "depthwise_conv2d":
        current = `depthwise conv ${++counts.depthwise}`;
        title = `${current} (${spec.kernel}×${spec.kernel} per map` +
          `${(spec.stride ?? 1) > 1 ? `, stride ${spec.stride}` : ""}), ${shapeWords(shape)}`;
        break;
      case "dense":
        current = `dense ${++counts.dense}`;
        title = i === lastDense && shape.length === 1 && shape[0] === architecture.classes
          ? `${current} (output), ${shape[0]} class scores`
          : `${current}, ${shapeWords(shape, "units")}`;
        break;
      case "residual":
        current = `residual block ${++counts.block}`;
        title = `${current} (its ReLU output), ${shapeWords(shape)}`;
        break;
      case "flatten":
        title = `${current} flattened, ${shapeWords(shape)}`;
        break;
      case "global_avgpool":
        title = `${current} averaged over the image (global average pool), ${shapeWords(shape)}`;
        break;
      default: {
        const what = AFTER[spec.type] ?? spec.type;
        const unit = current.startsWith("dense") ? "units" : "values";
        title = `${current} after ${what}, ${shapeWords(shape, unit)}`;
      }
    }
    return { name: p.name, title, outputShape: shape };
  });
}
