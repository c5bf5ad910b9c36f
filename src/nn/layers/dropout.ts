// dropout: in training, each element is zeroed with probability `rate` and the others scaled by
// 1 / (1 − rate) (src/ops/elementwise); the identity at inference.
import { dropout } from "../../ops/elementwise/elementwise.ts";
import type { LayerType } from "./types.ts";
import { dropoutSeed } from "../../autograd/step_values.ts";

export interface DropoutSpec {
  type: "dropout";
  rate: number;
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

export const dropoutLayer: LayerType<DropoutSpec> = {
  type: "dropout",
  check(f) {
    f.number("rate", 0, 1);
    if (f.value("rate") === 1) f.refuse("rate", "must be below 1");
  },
  plan: (_spec, input) => ({ outputShape: input, flops: 0 }),
  build(plan) {
    const { spec } = plan;
    const salt = dropoutSalt(plan.name);
    return {
      forward: (x, ctx) => {
        if (!ctx.training) return x;
        if (ctx.stepValues) return dropout(x, spec.rate, salt, ctx.stepValues.seedsBinding);
        return dropout(x, spec.rate, dropoutSeed(ctx.seed, salt));
      },
    };
  },
  describe: (spec) => `dropout ${spec.rate}`,
  /** Vanishes: the identity at inference. */
  int8: { group: (_plans, i) => ({ op: null, last: i }) },
};
