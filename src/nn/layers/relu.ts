// relu: max(x, 0) elementwise (src/ops/elementwise). After a batch norm it runs inside the batch
// norm's kernel (batchnorm.ts); after a convolution or dense layer, inside their int8 op.
import { relu } from "../../ops/elementwise/elementwise.ts";
import type { ReluQOp } from "../../quant/types.ts";
import { size } from "./common.ts";
import type { LayerType } from "./types.ts";

export interface ReluSpec {
  type: "relu";
}

export const reluLayer: LayerType<ReluSpec, ReluQOp> = {
  type: "relu",
  check() {},
  plan: (_spec, input) => ({ outputShape: input, flops: size(input) }),
  build: () => ({ forward: (x) => relu(x) }),
  describe: () => "ReLU",
  /** One that follows no convolution or dense layer: max(q, z) on the int8 values (ReluOp). */
  int8: {
    group(plans, i) {
      const p = plans[i];
      return {
        op: { type: "relu", name: p.name, inShape: p.inputShape, outShape: p.outputShape },
        last: i,
      };
    },
    ownScale: () => false,
    compile: (op, c) => ({
      type: "relu",
      name: op.name,
      count: size(op.inShape),
      z: c.input.zeroPoint,
    }),
  },
};
