import { Tensor } from "../autograd/tensor.ts";
import { conv2d, conv2dOutputSize } from "../ops/conv2d/conv2d.ts";
import { depthwiseConv2d } from "../ops/depthwise_conv2d/depthwise_conv2d.ts";
import { globalAvgPool } from "../ops/global_avg_pool/global_avg_pool.ts";
import { batchNorm } from "../ops/batchnorm/batchnorm.ts";
import { batchNormMaxPool, fusesWithMaxPool } from "../ops/batchnorm/batchnorm_maxpool.ts";
import { maxPool2d } from "../ops/maxpool/maxpool.ts";
import { matmul } from "../ops/matmul/matmul.ts";
import { add, dropout, relu } from "../ops/elementwise/elementwise.ts";
import type { Param } from "../optim/optimizer.ts";
import type { Rng } from "../util/random.ts";

/** A layer as saved in config.json: enough to rebuild it (weights come from safetensors). */
export type LayerSpec =
  | {
    type: "conv2d";
    filters: number;
    kernel: number;
    stride?: number;
    padding?: "same" | number;
    /** Default true; false before a batchnorm, whose β makes a bias redundant. */
    bias?: boolean;
  }
  | {
    /** One kernel×kernel filter per channel (channels in = channels out). */
    type: "depthwise_conv2d";
    kernel: number;
    stride?: number;
    padding?: "same" | number;
    bias?: boolean;
  }
  | { type: "batchnorm"; momentum?: number; eps?: number }
  | { type: "relu" }
  | { type: "maxpool"; size: number; stride?: number }
  /** Mean over the pixels of each channel: [H, W, C] → [C]. */
  | { type: "global_avgpool" }
  | { type: "flatten" }
  | { type: "dense"; units: number }
  | { type: "dropout"; rate: number }
  /**
   * A skip connection: the output is body(x) + shortcut(x) (identity when there is no
   * shortcut), then a ReLU when `relu`. Both branches see the block's input and must give the
   * same shape.
   */
  | { type: "residual"; body: LayerSpec[]; shortcut?: LayerSpec[]; relu?: boolean };

export interface ForwardContext {
  training: boolean;
  /** Changes every step so dropout masks differ; the same seed reproduces the same masks. */
  seed: number;
  /**
   * The caller reads layers' outputs between layers (feature maps, int8 calibration): a batch
   * norm then leaves the max pool it would absorb (`batchNormFusion`) to the max-pool layer, so
   * the layers between them give their own full-size outputs. The ReLU stays fused either way (its
   * layer's output is the batch norm's).
   */
  layerOutputs?: boolean;
}

/**
 * What a layer will be, known from its spec and input shape alone (no GPU): shapes, the names
 * and shapes of its tensors, its cost. Building, the summary table and the diagram all read this.
 */
export interface LayerPlan {
  /** Unique and stable within a network: "3.conv2d", "5.residual.body.0.conv2d". */
  name: string;
  spec: LayerSpec;
  inputShape: number[];
  /** Per-example output shape ([H, W, C] or [features]). */
  outputShape: number[];
  /** Trained tensors, in initialisation order, named `${name}.<role>` (checkpoint keys). */
  params: TensorPlan[];
  /** Saved with the weights but not trained (batchnorm's running statistics). */
  buffers: TensorPlan[];
  /** Multiply-adds ×2 (plus one per element for adds, ReLUs, pooling) per example, forward. */
  flops: number;
  /** A residual block's branches. */
  children?: { body: LayerPlan[]; shortcut: LayerPlan[] };
}

export interface TensorPlan {
  name: string;
  shape: number[];
}

/** A built layer: its plan, with GPU tensors for its parameters and state, and its forward. */
export interface Layer extends Omit<LayerPlan, "params" | "buffers" | "children"> {
  params: Param[];
  buffers: Param[];
  children?: { body: Layer[]; shortcut: Layer[] };
  forward(x: Tensor, ctx: ForwardContext): Tensor;
}

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
  const plan = (
    outputShape: number[],
    flops: number,
    params: [string, number[]][] = [],
    buffers: [string, number[]][] = [],
  ): LayerPlan => ({
    name,
    spec,
    inputShape: input,
    outputShape,
    params: params.map(([role, shape]) => ({ name: `${name}.${role}`, shape })),
    buffers: buffers.map(([role, shape]) => ({ name: `${name}.${role}`, shape })),
    flops,
  });
  switch (spec.type) {
    case "conv2d": {
      const { c, k, oh, ow } = convGeometry(spec, input, name);
      const params: [string, number[]][] = [["weight", [k, k, c, spec.filters]]];
      if (spec.bias !== false) params.push(["bias", [spec.filters]]);
      return plan([oh, ow, spec.filters], 2 * oh * ow * spec.filters * k * k * c, params);
    }
    case "depthwise_conv2d": {
      const { c, k, oh, ow } = convGeometry(spec, input, name);
      const params: [string, number[]][] = [["weight", [k, k, c]]];
      if (spec.bias !== false) params.push(["bias", [c]]);
      return plan([oh, ow, c], 2 * oh * ow * c * k * k, params);
    }
    case "batchnorm": {
      const c = input[input.length - 1];
      return plan(input, 4 * size(input), [["gamma", [c]], ["beta", [c]]], [["running", [2, c]]]);
    }
    case "relu":
      return plan(input, size(input));
    case "maxpool": {
      const [h, w, c] = expectImage(input, name);
      const s = spec.stride ?? spec.size;
      const oh = Math.floor((h - spec.size) / s) + 1;
      const ow = Math.floor((w - spec.size) / s) + 1;
      if (oh < 1 || ow < 1) throw new Error(`${name}: window ${spec.size} larger than [${input}]`);
      return plan([oh, ow, c], oh * ow * c * spec.size * spec.size);
    }
    case "global_avgpool": {
      const [, , c] = expectImage(input, name);
      return plan([c], size(input));
    }
    case "flatten":
      return plan([size(input)], 0);
    case "dense":
      if (input.length !== 1) throw new Error(`${name}: needs flat input, got [${input}]`);
      return plan([spec.units], 2 * input[0] * spec.units, [["weight", [input[0], spec.units]], [
        "bias",
        [spec.units],
      ]]);
    case "dropout":
      return plan(input, 0);
    case "residual": {
      const body = planLayers(spec.body, input, `${name}.body.`);
      const shortcut = planLayers(spec.shortcut ?? [], input, `${name}.shortcut.`);
      const bodyOut = body.at(-1)?.outputShape ?? input;
      const shortcutOut = shortcut.at(-1)?.outputShape ?? input;
      if (bodyOut.join() !== shortcutOut.join()) {
        throw new Error(
          `${name}: body gives [${bodyOut}] but the shortcut [${shortcutOut}]; ` +
            `a stride or channel change needs a projection shortcut`,
        );
      }
      const branches = [...body, ...shortcut];
      const flops = branches.reduce((n, l) => n + l.flops, 0) +
        size(bodyOut) * (spec.relu ? 2 : 1);
      return {
        ...plan(bodyOut, flops),
        params: branches.flatMap((l) => l.params),
        buffers: branches.flatMap((l) => l.buffers),
        children: { body, shortcut },
      };
    }
    default:
      throw new Error(`${name}: unknown layer type "${(spec as { type: string }).type}"`);
  }
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

/** The layers a batch norm absorbs (see `buildLayers`). */
export interface BatchNormFusion {
  /** The ReLU right after it. */
  relu: boolean;
  /** The max pool right after it (or after that ReLU), and that layer's index. */
  pool: { size: number; stride: number; index: number } | null;
}

/**
 * What the batch norm at `layers[i]` absorbs: the ReLU right after it, and a max pool right after
 * that (or after the batch norm) when its channels come in quadruples (`fusesWithMaxPool`).
 * buildLayers builds from this; anything that re-wires a built batch norm (src/train/freeze.ts)
 * reads it too.
 */
export function batchNormFusion(
  layers: readonly Pick<LayerPlan, "spec" | "inputShape">[],
  i: number,
): BatchNormFusion {
  const relu = layers[i + 1]?.spec.type === "relu";
  const index = i + (relu ? 2 : 1);
  const next = layers[index];
  const pool = next?.spec.type === "maxpool" && fusesWithMaxPool([1, ...layers[i].inputShape])
    ? { size: next.spec.size, stride: next.spec.stride ?? next.spec.size, index }
    : null;
  return { relu, pool };
}

/**
 * Builds planned layers in order, drawing initial weights from `rng`. A batchnorm followed by a
 * ReLU runs as one fused kernel pass; that ReLU layer then passes its input through. A max pool
 * right after them (or right after the batchnorm) joins the same op (batchNormMaxPool) and passes
 * its input through too, except when the caller asks for `layerOutputs`.
 */
export function buildLayers(plans: readonly LayerPlan[], rng: Rng): Layer[] {
  const pooled = new Set<number>();
  return plans.map((plan, i) => {
    const fusion = plan.spec.type === "batchnorm" ? batchNormFusion(plans, i) : null;
    if (fusion?.pool) pooled.add(fusion.pool.index);
    const layer = buildLayer(plan, rng, fusion?.relu, fusion?.pool);
    if (plan.spec.type === "relu" && plans[i - 1]?.spec.type === "batchnorm") {
      layer.forward = (x) => x;
    }
    if (pooled.has(i)) {
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
  const { spec } = plan;
  const base = { ...plan, params: [] as Param[], buffers: [] as Param[], children: undefined };
  const zeros = () => 0;
  switch (spec.type) {
    case "conv2d": {
      const [, , c] = plan.inputShape;
      const [weight, bias] = [
        makeParam(plan.params[0], he(rng, spec.kernel * spec.kernel * c)),
        plan.params[1] && makeParam(plan.params[1], zeros),
      ];
      const opts = { stride: spec.stride ?? 1, pad: spec.padding ?? 0 };
      return {
        ...base,
        params: bias ? [weight, bias] : [weight],
        forward: (x) => conv2d(x, weight.value, bias?.value ?? null, opts),
      };
    }
    case "depthwise_conv2d": {
      // Each output sees kernel² inputs of one channel: that is its fan-in.
      const weight = makeParam(plan.params[0], he(rng, spec.kernel * spec.kernel));
      const bias = plan.params[1] && makeParam(plan.params[1], zeros);
      const opts = { stride: spec.stride ?? 1, pad: spec.padding ?? 0 };
      return {
        ...base,
        params: bias ? [weight, bias] : [weight],
        forward: (x) => depthwiseConv2d(x, weight.value, bias?.value ?? null, opts),
      };
    }
    case "batchnorm": {
      const gamma = makeParam(plan.params[0], () => 1);
      const beta = makeParam(plan.params[1], zeros);
      const c = gamma.value.size;
      // Running mean 0, running variance 1.
      const running = {
        name: plan.buffers[0].name,
        value: Tensor.from(new Float32Array(2 * c).fill(1, c), [2, c], { persistent: true }),
      };
      const state = {
        running: running.value,
        eps: spec.eps ?? 1e-5,
        momentum: spec.momentum ?? 0.1,
      };
      return {
        ...base,
        params: [gamma, beta],
        buffers: [running],
        forward: (x, ctx) =>
          fusePool && !ctx.layerOutputs
            ? batchNormMaxPool(
              x,
              gamma.value,
              beta.value,
              state,
              ctx.training,
              fuseRelu,
              fusePool.size,
              fusePool.stride,
            )
            : batchNorm(x, gamma.value, beta.value, state, ctx.training, fuseRelu),
      };
    }
    case "relu":
      return { ...base, forward: (x) => relu(x) };
    case "maxpool":
      return { ...base, forward: (x) => maxPool2d(x, spec.size, spec.stride ?? spec.size) };
    case "global_avgpool":
      return { ...base, forward: (x) => globalAvgPool(x) };
    case "flatten": {
      const features = plan.outputShape[0];
      return { ...base, forward: (x) => x.reshape([x.shape[0], features]) };
    }
    case "dense": {
      const weight = makeParam(plan.params[0], he(rng, plan.inputShape[0]));
      const bias = makeParam(plan.params[1], zeros);
      return {
        ...base,
        params: [weight, bias],
        forward: (x) => matmul(x, weight.value, bias.value),
      };
    }
    case "dropout": {
      const salt = dropoutSalt(plan.name);
      return {
        ...base,
        forward: (x, ctx) =>
          ctx.training ? dropout(x, spec.rate, (ctx.seed * 1000003 + salt) >>> 0) : x,
      };
    }
    case "residual": {
      const body = buildLayers(plan.children!.body, rng);
      const shortcut = buildLayers(plan.children!.shortcut, rng);
      const branches = [...body, ...shortcut];
      const run = (layers: Layer[], x: Tensor, ctx: ForwardContext) =>
        layers.reduce((h, l) => l.forward(h, ctx), x);
      return {
        ...base,
        params: branches.flatMap((l) => l.params),
        buffers: branches.flatMap((l) => l.buffers),
        children: { body, shortcut },
        forward: (x, ctx) => {
          const sum = add(run(body, x, ctx), run(shortcut, x, ctx));
          return spec.relu ? relu(sum) : sum;
        },
      };
    }
  }
}

/**
 * Dropout masks are a hash of (step seed, salt). A top-level layer's salt is its index (as before
 * nesting existed, so old runs repeat); a nested one hashes its unique name (FNV-1a).
 */
function dropoutSalt(name: string): number {
  const top = /^(\d+)\.dropout$/.exec(name);
  if (top) return Number(top[1]);
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function size(shape: readonly number[]) {
  return shape.reduce((a, b) => a * b, 1);
}

/** Output size of a (depthwise) convolution layer; "same" padding is (k − 1) / 2. */
function convGeometry(
  spec: { kernel: number; stride?: number; padding?: "same" | number },
  input: number[],
  name: string,
) {
  const [h, w, c] = expectImage(input, name);
  const k = spec.kernel;
  const stride = spec.stride ?? 1;
  const pad = spec.padding === "same" ? (k - 1) >> 1 : spec.padding ?? 0;
  const oh = conv2dOutputSize(h, k, stride, pad);
  const ow = conv2dOutputSize(w, k, stride, pad);
  if (oh < 1 || ow < 1) throw new Error(`${name}: ${k}×${k} kernel larger than [${input}]`);
  return { c, k, stride, pad, oh, ow };
}

function expectImage(input: number[], name: string): [number, number, number] {
  if (input.length !== 3) throw new Error(`${name}: needs [H, W, C] input, got [${input}]`);
  return input as [number, number, number];
}

/** A short human description of a layer spec: "conv2d 3×3, 32 filters, stride 2". */
export function describeLayer(spec: LayerSpec): string {
  const stride = (s?: number) => (s && s !== 1 ? `, stride ${s}` : "");
  switch (spec.type) {
    case "conv2d":
      return `conv2d ${spec.kernel}×${spec.kernel}, ${spec.filters} filters${stride(spec.stride)}`;
    case "depthwise_conv2d":
      return `depthwise conv ${spec.kernel}×${spec.kernel}${stride(spec.stride)}`;
    case "batchnorm":
      return "batch norm";
    case "relu":
      return "ReLU";
    case "maxpool":
      return `max pool ${spec.size}×${spec.size}${stride(spec.stride ?? spec.size)}`;
    case "global_avgpool":
      return "global average pool";
    case "flatten":
      return "flatten";
    case "dense":
      return `dense ${spec.units}`;
    case "dropout":
      return `dropout ${spec.rate}`;
    case "residual":
      return `${spec.shortcut?.length ? "projection" : "identity"} shortcut${
        spec.relu ? ", add + ReLU" : ", add"
      }`;
  }
}
