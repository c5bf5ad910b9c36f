/**
 * Frozen layers for fine-tuning (`deno task train --freeze SPEC`): their parameters take no
 * updates (they need no gradient, and the optimizer never sees them; given to one anyway, they
 * get no gradient and it leaves their segments of its flat buffers alone) and their batch norms run
 * in inference mode — normalising with the saved running statistics, which stay as they are —
 * as Keras does for a BatchNormalization layer with trainable = False and as torchvision's
 * FrozenBatchNorm2d does. Gradients still flow through a frozen layer to trainable layers before
 * it.
 */
import { Tensor } from "../autograd/tensor.ts";
import { depthwiseConv2d } from "../ops/depthwise_conv2d/depthwise_conv2d.ts";
import { relu } from "../ops/elementwise/elementwise.ts";
import { maxPool2d } from "../ops/maxpool/maxpool.ts";
import { type BatchNormFusion, batchNormFusion, type Layer, type LayerPlan } from "../nn/layers.ts";
import type { Sequential } from "../nn/model.ts";
import type { Param } from "../optim/optimizer.ts";
import { UserError } from "../util/errors.ts";

function allPlans(plans: readonly LayerPlan[]): LayerPlan[] {
  return plans.flatMap((p) =>
    p.children ? [p, ...allPlans(p.children.body), ...allPlans(p.children.shortcut)] : [p]
  );
}

/**
 * The layers (names, nested ones included) that `spec` freezes in a network planned as `plans`.
 * `spec` is a comma-separated list of: top-level layer numbers and ranges as
 * `deno task summary` numbers them ("0-7", "4"), layer names ("4.conv2d",
 * "4.residual.body.0.conv2d"), or "features" (every layer before the last dense layer, the head).
 * Freezing a residual block freezes its branches. Throws a usage UserError naming `--freeze`.
 */
export function parseFreeze(spec: string, plans: readonly LayerPlan[]): Set<string> {
  const fail = (why: string): never => {
    throw new UserError(
      `--freeze ${spec}: ${why}; give layer numbers 0-${plans.length - 1} or ranges (as ` +
        `"deno task summary" numbers them, e.g. 0-7), layer names like ${plans[0].name}, or ` +
        `"features" (all but the last dense layer)`,
      2,
    );
  };
  const frozen = new Set<string>();
  const freeze = (p: LayerPlan) => allPlans([p]).forEach((q) => frozen.add(q.name));
  const every = allPlans(plans);
  for (const item of spec.split(",").map((s) => s.trim())) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (item === "features") {
      const head = plans.findLastIndex((p) => p.spec.type === "dense");
      if (head < 0) fail("the network has no dense head");
      plans.slice(0, head).forEach(freeze);
    } else if (range) {
      const [from, to] = [Number(range[1]), Number(range[2] ?? range[1])];
      if (to < from) fail(`range "${item}" runs backwards`);
      if (to >= plans.length) fail(`there is no layer ${to}`);
      plans.slice(from, to + 1).forEach(freeze);
    } else {
      const plan = every.find((p) => p.name === item);
      if (!plan) fail(`no layer "${item}"`);
      freeze(plan!);
    }
  }
  const trainable = every.some((p) => !frozen.has(p.name) && p.params.length);
  if (!trainable) fail("it leaves nothing to train");
  return frozen;
}

/**
 * A frozen batch norm as the per-channel affine map y = x·scale + shift (then the ReLU and max
 * pool it absorbs).
 */
interface FrozenNorm {
  layer: Layer;
  fusion: BatchNormFusion;
  scale: Tensor | null;
  shift: Tensor | null;
}

/**
 * Freezes the named layers of `model` (from `parseFreeze`): their parameters stop requiring
 * gradients, and their batch norms run in inference mode. Call before building the optimizer
 * (give it `trainableParams(model)`), and call `ready()` once the weights are in place (after
 * `--init` or a resumed state): it reads the frozen batch norms' statistics.
 */
export class Freezer {
  readonly frozen: Param[] = [];
  /** Layers frozen, in network order (a residual block before its branches' layers). */
  readonly layers: string[] = [];
  private readonly norms: FrozenNorm[] = [];

  constructor(model: Sequential, readonly names: Set<string>) {
    const visit = (layers: Layer[]) =>
      layers.forEach((layer, i) => {
        if (names.has(layer.name)) {
          this.layers.push(layer.name);
          for (const p of layer.params) {
            p.value.requiresGrad = false;
            this.frozen.push(p);
          }
          if (layer.spec.type === "batchnorm") {
            // As buildLayers decides: a batch norm applies the ReLU (and max pool) after it.
            const fusion = batchNormFusion(layers, i);
            this.norms.push({ layer, fusion, scale: null, shift: null });
          }
        }
        if (layer.children) {
          visit(layer.children.body);
          visit(layer.children.shortcut);
        }
      });
    visit(model.layers);
    for (const norm of this.norms) this.wrap(norm);
  }

  private wrap(norm: FrozenNorm) {
    const inference = norm.layer.forward;
    norm.layer.forward = (x, ctx) => {
      // Nothing before it trains: the inference kernel, which records no backward.
      if (!ctx.training || !x.requiresGrad) return inference(x, { ...ctx, training: false });
      if (!norm.scale || !norm.shift) throw new Error("Freezer.ready() was not awaited");
      // Trainable layers before it need dx = dy·scale: the same affine map as a 1×1 depthwise
      // convolution with fixed weights, whose backward gives exactly that.
      const c = x.shape[x.shape.length - 1];
      const image = x.shape.length === 4 ? x : x.reshape([x.size / c, 1, 1, c]);
      let y = depthwiseConv2d(image, norm.scale, norm.shift, { stride: 1, pad: 0 });
      if (norm.fusion.relu) y = relu(y);
      const pool = norm.fusion.pool;
      if (pool && !ctx.layerOutputs) return maxPool2d(y, pool.size, pool.stride);
      return y.reshape(x.shape);
    };
  }

  /**
   * Reads each frozen batch norm's γ, β and running statistics and prepares its affine map:
   * scale = γ / √(var + ε), shift = β − mean·scale (the kernel's inference formula).
   */
  async ready(): Promise<void> {
    for (const norm of this.norms) {
      const [gamma, beta] = await Promise.all(norm.layer.params.map((p) => p.value.read()));
      const running = await norm.layer.buffers[0].value.read();
      const spec = norm.layer.spec as { eps?: number };
      const eps = spec.eps ?? 1e-5;
      const c = gamma.length;
      const scale = new Float32Array(c);
      const shift = new Float32Array(c);
      for (let i = 0; i < c; i++) {
        scale[i] = gamma[i] / Math.sqrt(running[c + i] + eps);
        shift[i] = beta[i] - running[i] * scale[i];
      }
      norm.scale = Tensor.from(scale, [1, 1, c], { persistent: true });
      norm.shift = Tensor.from(shift, [c], { persistent: true });
    }
  }
}

/** The parameters an optimizer should update: those still requiring gradients. */
export function trainableParams(model: Sequential): Param[] {
  return model.params().filter((p) => p.value.requiresGrad);
}
