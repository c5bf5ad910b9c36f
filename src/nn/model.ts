import { noGrad, Tensor } from "../autograd/tensor.ts";
import { buildLayer, type ForwardContext, type Layer } from "./layers.ts";
import type { Architecture } from "./zoo.ts";
import type { Param } from "../optim/optimizer.ts";
import { Rng } from "../util/random.ts";

/** A sequential network built from an Architecture, with seeded initial weights. */
export class Sequential {
  readonly layers: Layer[] = [];
  constructor(readonly architecture: Architecture, seed = 0) {
    const rng = new Rng(seed);
    let shape = architecture.input;
    const specs = architecture.layers;
    specs.forEach((spec, i) => {
      // batchnorm → relu runs as one fused kernel pass; the relu layer then passes through.
      const fuse = spec.type === "batchnorm" && specs[i + 1]?.type === "relu";
      const layer = buildLayer(spec, shape, i, rng, fuse);
      if (spec.type === "relu" && specs[i - 1]?.type === "batchnorm") layer.forward = (x) => x;
      this.layers.push(layer);
      shape = layer.outputShape;
    });
    if (shape.length !== 1 || shape[0] !== architecture.classes) {
      throw new Error(
        `${architecture.name}: last layer gives [${shape}], not [${architecture.classes}]`,
      );
    }
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

  /** Everything saved in a checkpoint: trained parameters and running statistics. */
  stateTensors(): Param[] {
    return this.layers.flatMap((l) => [...l.params, ...l.buffers]);
  }

  parameterCount(): number {
    return this.params().reduce((n, p) => n + p.value.size, 0);
  }

  /** Forward FLOPs per example (a training step costs about three times this). */
  flops(): number {
    return this.layers.reduce((n, l) => n + l.flops, 0);
  }

  /** Keras-style rows: layer, output shape, parameters, FLOPs. */
  summary(): { layer: string; output: number[]; params: number; flops: number }[] {
    return this.layers.map((l, i) => ({
      layer: `${i}.${l.spec.type}`,
      output: l.outputShape,
      params: l.params.reduce((n, p) => n + p.value.size, 0),
      flops: l.flops,
    }));
  }
}
