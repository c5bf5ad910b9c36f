// global_avgpool: the mean over the pixels of each channel, [H, W, C] → [C] per example
// (src/ops/global_avg_pool).
import { globalAvgPool } from "../../ops/global_avg_pool/global_avg_pool.ts";
import { f32 } from "../../quant/scheme.ts";
import type { GapQOp } from "../../quant/types.ts";
import { expectImage, size } from "./common.ts";
import type { LayerType } from "./types.ts";

/** Mean over the pixels of each channel: [H, W, C] → [C]. */
export interface GlobalAvgPoolSpec {
  type: "global_avgpool";
}

export const globalAvgPoolLayer: LayerType<GlobalAvgPoolSpec, GapQOp> = {
  type: "global_avgpool",
  check() {},
  plan(_spec, input, p) {
    const [, , c] = expectImage(input, p.name);
    return { outputShape: [c], flops: size(input) };
  },
  build: () => ({ forward: (x) => globalAvgPool(x) }),
  describe: () => "global average pool",
  /** No tensors; its [C] output is in the same order in PyTorch. */
  torch(_plan, t) {
    t.flat = null;
  },
  /** GapOp: out = clamp(round(f32(Σ (x − zIn)) · mult) + zOut), mult = s_in / (H·W·s_out). */
  int8: {
    group(plans, i) {
      const p = plans[i];
      return {
        op: {
          type: "global_avgpool",
          name: p.name,
          inShape: p.inputShape,
          outShape: p.outputShape,
        },
        last: i,
      };
    },
    compile(op, c) {
      const [H, W, C] = op.inShape;
      return {
        type: "gap",
        name: op.name,
        H,
        W,
        C,
        mult: f32(c.input.scale / (H * W * c.output.scale)),
        zIn: c.input.zeroPoint,
        zOut: c.output.zeroPoint,
      };
    },
  },
};
