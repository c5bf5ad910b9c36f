// batchnorm: per channel (the last axis), y = γ·(x − mean)/√(var + ε) + β, with the batch's
// statistics in training and the running ones (updated with `momentum`) at inference
// (src/ops/batchnorm). It runs the ReLU after it in its own kernel pass, and a max pool after that
// too when it can (`batchNormFusion`). In int8 it is folded into the convolution before it.
import { Tensor } from "../../autograd/tensor.ts";
import { batchNorm } from "../../ops/batchnorm/batchnorm.ts";
import { batchNormMaxPool, fusesWithMaxPool } from "../../ops/batchnorm/batchnorm_maxpool.ts";
import { size } from "./common.ts";
import { chwToHwc } from "./flatten.ts";
import type { MaxPoolSpec } from "./maxpool.ts";
import type { Fusion, LayerPlanOf, LayerType } from "./types.ts";

export interface BatchNormSpec {
  type: "batchnorm";
  momentum?: number;
  eps?: number;
}

/**
 * What the batch norm at `layers[i]` absorbs: the ReLU right after it, and a max pool right after
 * that (or after the batch norm) when its channels come in quadruples (`fusesWithMaxPool`).
 * buildLayers builds from this; anything that re-wires a built batch norm (src/train/freeze.ts)
 * reads it too.
 */
export function batchNormFusion(
  layers: readonly Pick<LayerPlanOf, "spec" | "inputShape">[],
  i: number,
): Fusion {
  const relu = layers[i + 1]?.spec.type === "relu";
  const index = i + (relu ? 2 : 1);
  const next = layers[index];
  const pool = next?.spec.type === "maxpool" && fusesWithMaxPool([1, ...layers[i].inputShape])
    ? {
      size: (next.spec as MaxPoolSpec).size,
      stride: (next.spec as MaxPoolSpec).stride ?? (next.spec as MaxPoolSpec).size,
      index,
    }
    : null;
  return { relu, pool };
}

export const batchNormLayer: LayerType<BatchNormSpec> = {
  type: "batchnorm",

  check(f) {
    f.number("momentum", 0, 1, { optional: true });
    f.number("eps", 0, 1, { optional: true });
    if (f.value("eps") === 0) f.refuse("eps", "must be above 0");
  },

  plan(_spec, input, p) {
    const c = input[input.length - 1];
    return {
      outputShape: input,
      flops: 4 * size(input),
      params: [p.tensor("gamma", [c]), p.tensor("beta", [c])],
      buffers: [p.tensor("running", [2, c])],
    };
  },

  fuses: batchNormFusion,

  /**
   * With `b.fuse.relu` it also applies the ReLU that follows it (buildLayers makes that ReLU a
   * no-op); with `b.fuse.pool`, also the max pool after that, unless the forward's context asks for
   * `layerOutputs` (buildLayers makes that max pool a no-op otherwise).
   */
  build(plan, b) {
    const { spec } = plan;
    const { relu: fuseRelu, pool: fusePool } = b.fuse;
    const gamma = b.param(plan.params[0], () => 1);
    const beta = b.param(plan.params[1], () => 0);
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
  },

  describe: () => "batch norm",

  /**
   * torch.nn.BatchNorm: γ, β → weight, bias; running [2, C] → running_mean, running_var; plus
   * PyTorch's num_batches_tracked counter (int64, shape []), which we do not keep: exported as 0,
   * ignored on import (PyTorch reads it only when BatchNorm's momentum is None).
   */
  torch(plan, t) {
    const [w, b] = plan.params;
    const c = w.shape[0];
    // Per-feature statistics of flattened features follow the flatten's order too.
    const perm = plan.inputShape.length === 1 && t.flat ? chwToHwc(t.flat) : null;
    const running = plan.buffers[0].name;
    t.add("weight", [c], w.name, perm);
    t.add("bias", [c], b.name, perm);
    t.add("running_mean", [c], running, perm, 0);
    t.add("running_var", [c], running, perm, c);
    t.add("num_batches_tracked", [], null, null, 0, "I64");
  },

  /** Folded into the convolution before it (conv2d.ts groupConv); alone it is refused. */
  int8: {
    group: (plans, i, g) =>
      g.refuse(plans[i], "a batch-norm that does not follow a convolution (it is folded into one)"),
  },
};
