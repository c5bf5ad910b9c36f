// maxpool: the maximum of each size×size window, moved by `stride` (default: the size), per channel
// of x [B, H, W, C] (src/ops/maxpool). Right after a batch norm (or its ReLU) it may run inside the
// batch norm's kernel (batchnorm.ts).
import { maxPool2d } from "../../ops/maxpool/maxpool.ts";
import type { MaxPoolQOp } from "../../quant/types.ts";
import { expectImage, strideNote } from "./common.ts";
import type { LayerType } from "./types.ts";

export interface MaxPoolSpec {
  type: "maxpool";
  size: number;
  stride?: number;
}

export const maxPoolLayer: LayerType<MaxPoolSpec, MaxPoolQOp> = {
  type: "maxpool",

  check(f) {
    f.integer("size", 1, 16);
    f.integer("stride", 1, 16, { optional: true });
  },

  plan(spec, input, p) {
    const [h, w, c] = expectImage(input, p.name);
    const s = spec.stride ?? spec.size;
    const oh = Math.floor((h - spec.size) / s) + 1;
    const ow = Math.floor((w - spec.size) / s) + 1;
    if (oh < 1 || ow < 1) throw new Error(`${p.name}: window ${spec.size} larger than [${input}]`);
    return { outputShape: [oh, ow, c], flops: oh * ow * c * spec.size * spec.size };
  },

  build(plan) {
    const { spec } = plan;
    return { forward: (x) => maxPool2d(x, spec.size, spec.stride ?? spec.size) };
  },

  describe: (spec) => `max pool ${spec.size}×${spec.size}${strideNote(spec.stride ?? spec.size)}`,

  /** On the int8 values (MaxPoolOp): a monotone map, the same scale in and out. */
  int8: {
    group(plans, i) {
      const p = plans[i] as typeof plans[number] & { spec: MaxPoolSpec };
      const op: MaxPoolQOp = {
        type: "maxpool",
        name: p.name,
        inShape: p.inputShape,
        outShape: p.outputShape,
        size: p.spec.size,
        stride: p.spec.stride ?? p.spec.size,
      };
      return { op, last: i };
    },
    ownScale: () => false,
    compile(op) {
      const [H, W, C] = op.inShape;
      const [OH, OW] = op.outShape;
      return {
        type: "maxpool",
        name: op.name,
        g: { H, W, C, OH, OW, N: C, KH: op.size, KW: op.size, S: op.stride, P: 0 },
      };
    },
  },
};
