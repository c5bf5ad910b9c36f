import { gpu, noGrad, Tensor } from "../autograd/tensor.ts";
import {
  buildLayers,
  type ForwardContext,
  type Layer,
  type LayerPlan,
  planLayers,
  size,
} from "./layers.ts";
import { findLayerType } from "./layers/mod.ts";
import type { Architecture } from "./zoo.ts";
import type { Param } from "../optim/optimizer.ts";
import { Rng } from "../util/random.ts";

/** One row of a Keras-style summary; a residual block's rows follow it, one level deeper. */
export interface SummaryRow {
  /** The layer's unique name ("4.residual.body.0.conv2d"). */
  layer: string;
  type: string;
  /** 0 for the network's own layers, +1 inside each residual block. */
  depth: number;
  /** Which branch of the enclosing residual block a nested row belongs to. */
  branch?: "body" | "shortcut";
  output: number[];
  /** Trained parameters (a residual block's row: all of its branches'). */
  params: number;
  /** Forward FLOPs per example (a residual block's row: branches, add and ReLU). */
  flops: number;
}

/** A network's plan, checked end to end, without touching the GPU. */
export interface ArchitecturePlan {
  layers: LayerPlan[];
  parameters: number;
  /** Forward FLOPs per example. */
  flops: number;
}

/** Plans every layer of `architecture` and checks that it ends in [classes]. */
export function planArchitecture(architecture: Architecture): ArchitecturePlan {
  const layers = planLayers(architecture.layers, architecture.input);
  const shape = layers.at(-1)?.outputShape ?? architecture.input;
  if (shape.length !== 1 || shape[0] !== architecture.classes) {
    throw new Error(
      `${architecture.name}: last layer gives [${shape}], not [${architecture.classes}]`,
    );
  }
  return {
    layers,
    parameters: layers.reduce((n, l) => n + countParams(l), 0),
    flops: layers.reduce((n, l) => n + l.flops, 0),
  };
}

/**
 * The largest buffer, in floats per example, that one kernel binds for these layers: an
 * activation, or what a layer type's `scratch` says (a convolution's patch matrix, OH·OW × KH·KW·C,
 * also its gradient's size).
 */
export function largestPerExample(plans: readonly LayerPlan[]): number {
  let most = 0;
  for (const l of plans) {
    most = Math.max(most, size(l.inputShape), size(l.outputShape));
    const scratch = findLayerType(l.spec.type)?.scratch?.(l);
    if (scratch !== undefined) most = Math.max(most, scratch);
    if (l.children) {
      most = Math.max(
        most,
        largestPerExample(l.children.body),
        largestPerExample(l.children.shortcut),
      );
    }
  }
  return most;
}

function countParams(plan: LayerPlan): number {
  return plan.params.reduce((n, t) => n + size(t.shape), 0);
}

/** Keras-style rows for planned layers, residual blocks followed by their branches' rows. */
export function summaryRows(plans: readonly LayerPlan[], depth = 0): SummaryRow[] {
  return plans.flatMap((l) => {
    const row: SummaryRow = {
      layer: l.name,
      type: l.spec.type,
      depth,
      output: l.outputShape,
      params: countParams(l),
      flops: l.flops,
    };
    if (!l.children) return [row];
    const nested = (branch: "body" | "shortcut") =>
      summaryRows(l.children![branch], depth + 1).map((r) =>
        r.depth === depth + 1 ? { ...r, branch } : r
      );
    return [row, ...nested("body"), ...nested("shortcut")];
  });
}

/**
 * A network built from an Architecture, with seeded initial weights. Layers run one after the
 * other; a residual layer runs its two branches inside its own forward.
 */
export class Sequential {
  readonly plan: ArchitecturePlan;
  readonly layers: Layer[];
  constructor(readonly architecture: Architecture, seed = 0) {
    this.plan = planArchitecture(architecture);
    this.layers = buildLayers(this.plan.layers, new Rng(seed));
  }

  /** Logits [B, classes] for a batch x [B, H, W, C]. */
  forward(x: Tensor, ctx: ForwardContext): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, ctx);
    return h;
  }

  /** Inference logits (eval mode, nothing recorded). */
  predict(x: Tensor): Tensor {
    return noGrad(() => this.forward(x, { training: false, seed: 0 }));
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params);
  }

  /**
   * The largest batch whose buffers each fit in one binding of the device (its
   * maxStorageBufferBindingSize; 128 MiB on the software adapter, where cnn-deep's patch matrices allow 297).
   */
  maxBatch(): number {
    const bytes = gpu().device.limits.maxStorageBufferBindingSize;
    return Math.max(1, Math.floor(bytes / (4 * largestPerExample(this.plan.layers))));
  }

  /** Everything saved in a checkpoint: trained parameters and running statistics. */
  stateTensors(): Param[] {
    return this.layers.flatMap((l) => [...l.params, ...l.buffers]);
  }

  parameterCount(): number {
    return this.params().reduce((n, p) => n + p.value.size, 0);
  }

  /**
   * Frees the GPU buffers of the parameters and running statistics at once (parameters that
   * are views into an optimizer's flat buffer leave it to the optimizer's `dispose()`), rather than when
   * the garbage collector gets to them (a page that swaps models would otherwise hold every one
   * it has opened). The network cannot run afterwards; a second call does nothing. Work already
   * submitted still completes (WebGPU defers a destroyed buffer's release until then).
   */
  dispose(): void {
    for (const t of this.stateTensors()) t.value.destroy();
  }

  /** Forward FLOPs per example (a training step costs about three times this). */
  flops(): number {
    return this.plan.flops;
  }

  /** Keras-style rows: layer, output shape, parameters, FLOPs; residual blocks nested. */
  summary(): SummaryRow[] {
    return summaryRows(this.plan.layers);
  }
}
