import { Tensor } from "../autograd/tensor.ts";
import { conv2d, conv2dOutputSize } from "../autograd/conv2d.ts";
import { batchNorm } from "../autograd/batchnorm.ts";
import { maxPool2d } from "../autograd/maxpool.ts";
import { matmul } from "../autograd/matmul.ts";
import { dropout, relu } from "../autograd/elementwise.ts";
import type { Param } from "../optim/optimizer.ts";
import type { Rng } from "../util/random.ts";

/** A layer as saved in config.json: enough to rebuild it (weights come from safetensors). */
export type LayerSpec =
  | { type: "conv2d"; filters: number; kernel: number; stride?: number; padding?: "same" | number }
  | { type: "batchnorm"; momentum?: number; eps?: number }
  | { type: "relu" }
  | { type: "maxpool"; size: number; stride?: number }
  | { type: "flatten" }
  | { type: "dense"; units: number }
  | { type: "dropout"; rate: number };

export interface ForwardContext {
  training: boolean;
  /** Changes every step so dropout masks differ; the same seed reproduces the same masks. */
  seed: number;
}

/** A built layer: its parameters, its non-trained state (BN running stats) and its forward. */
export interface Layer {
  spec: LayerSpec;
  inputShape: number[];
  /** Per-example output shape ([H, W, C] or [features]). */
  outputShape: number[];
  params: Param[];
  /** Saved with the weights but not trained. */
  buffers: Param[];
  /** Multiply-adds ×2 per example in the forward pass. */
  flops: number;
  forward(x: Tensor, ctx: ForwardContext): Tensor;
}

function param(name: string, shape: number[], init: (i: number) => number): Param {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = init(i);
  return { name, value: Tensor.from(data, shape, { requiresGrad: true, persistent: true }) };
}

/** He (Kaiming) normal init: keeps activation variance steady through ReLU layers. */
function he(rng: Rng, fanIn: number) {
  const std = Math.sqrt(2 / fanIn);
  return () => rng.normal() * std;
}

/**
 * Builds layer `index` of a network for inputs of per-example shape `input`. With `fuseRelu`, a
 * batchnorm layer also applies the ReLU that follows it (the caller makes that ReLU a no-op).
 */
export function buildLayer(
  spec: LayerSpec,
  input: number[],
  index: number,
  rng: Rng,
  fuseRelu = false,
): Layer {
  const name = `${index}.${spec.type}`;
  const base = { spec, inputShape: input, params: [] as Param[], buffers: [] as Param[], flops: 0 };
  switch (spec.type) {
    case "conv2d": {
      const [h, w, c] = expectImage(input, name);
      const k = spec.kernel;
      const stride = spec.stride ?? 1;
      const pad = spec.padding === "same" ? (k - 1) >> 1 : spec.padding ?? 0;
      const oh = conv2dOutputSize(h, k, stride, pad);
      const ow = conv2dOutputSize(w, k, stride, pad);
      const weight = param(`${name}.weight`, [k, k, c, spec.filters], he(rng, k * k * c));
      const bias = param(`${name}.bias`, [spec.filters], () => 0);
      return {
        ...base,
        outputShape: [oh, ow, spec.filters],
        params: [weight, bias],
        flops: 2 * oh * ow * spec.filters * k * k * c,
        forward: (x) => conv2d(x, weight.value, bias.value, { stride, pad }),
      };
    }
    case "batchnorm": {
      const c = input[input.length - 1];
      const gamma = param(`${name}.gamma`, [c], () => 1);
      const beta = param(`${name}.beta`, [c], () => 0);
      const init = new Float32Array(2 * c).fill(1, c);
      const running = {
        name: `${name}.running`,
        value: Tensor.from(init, [2, c], { persistent: true }),
      };
      const state = {
        running: running.value,
        eps: spec.eps ?? 1e-5,
        momentum: spec.momentum ?? 0.1,
      };
      return {
        ...base,
        outputShape: input,
        params: [gamma, beta],
        buffers: [running],
        flops: 4 * size(input),
        forward: (x, ctx) => batchNorm(x, gamma.value, beta.value, state, ctx.training, fuseRelu),
      };
    }
    case "relu":
      return { ...base, outputShape: input, flops: size(input), forward: (x) => relu(x) };
    case "maxpool": {
      const [h, w, c] = expectImage(input, name);
      const s = spec.stride ?? spec.size;
      const oh = Math.floor((h - spec.size) / s) + 1;
      const ow = Math.floor((w - spec.size) / s) + 1;
      return {
        ...base,
        outputShape: [oh, ow, c],
        flops: oh * ow * c * spec.size * spec.size,
        forward: (x) => maxPool2d(x, spec.size, s),
      };
    }
    case "flatten":
      return {
        ...base,
        outputShape: [size(input)],
        forward: (x) => x.reshape([x.shape[0], size(input)]),
      };
    case "dense": {
      if (input.length !== 1) throw new Error(`${name}: needs flat input, got [${input}]`);
      const weight = param(`${name}.weight`, [input[0], spec.units], he(rng, input[0]));
      const bias = param(`${name}.bias`, [spec.units], () => 0);
      return {
        ...base,
        outputShape: [spec.units],
        params: [weight, bias],
        flops: 2 * input[0] * spec.units,
        forward: (x) => matmul(x, weight.value, bias.value),
      };
    }
    case "dropout":
      return {
        ...base,
        outputShape: input,
        forward: (x, ctx) =>
          ctx.training ? dropout(x, spec.rate, (ctx.seed * 1000003 + index) >>> 0) : x,
      };
  }
}

function size(shape: number[]) {
  return shape.reduce((a, b) => a * b, 1);
}

function expectImage(input: number[], name: string): [number, number, number] {
  if (input.length !== 3) throw new Error(`${name}: needs [H, W, C] input, got [${input}]`);
  return input as [number, number, number];
}
