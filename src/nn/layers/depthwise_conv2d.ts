// depthwise_conv2d: one kernel×kernel filter per channel (channels in = channels out) of
// x [B, H, W, C] (NHWC), weight [KH, KW, C], bias [C] (src/ops/depthwise_conv2d). Its fields,
// geometry and int8 grouping are a full convolution's (conv2d.ts).
import { depthwiseConv2d } from "../../ops/depthwise_conv2d/depthwise_conv2d.ts";
import { linearConstants } from "../../quant/scheme.ts";
import type { ConvQOp } from "../../quant/types.ts";
import { strideNote } from "./common.ts";
import {
  checkConvFields,
  type ConvFields,
  convGeometry,
  convOpGeometry,
  groupConv,
  quantizeConv,
} from "./conv2d.ts";
import type { LayerType } from "./types.ts";

/** One kernel×kernel filter per channel (channels in = channels out). */
export interface DepthwiseConv2dSpec extends ConvFields {
  type: "depthwise_conv2d";
}

/** The int8 weight's shape: [C, KH, KW]. */
function depthwiseWeightShape(op: ConvQOp): number[] {
  return [op.outShape.at(-1)!, op.kernel, op.kernel];
}

export const depthwiseConv2dLayer: LayerType<DepthwiseConv2dSpec, ConvQOp> = {
  type: "depthwise_conv2d",

  check: checkConvFields,

  plan(spec, input, p) {
    const { c, k, oh, ow } = convGeometry(spec, input, p.name);
    const params = [p.tensor("weight", [k, k, c])];
    if (spec.bias !== false) params.push(p.tensor("bias", [c]));
    return { outputShape: [oh, ow, c], flops: 2 * oh * ow * c * k * k, params };
  },

  build(plan, b) {
    const { spec } = plan;
    // Each output sees kernel² inputs of one channel: that is its fan-in.
    const weight = b.param(plan.params[0], b.he(spec.kernel * spec.kernel));
    const bias = plan.params[1] && b.param(plan.params[1], () => 0);
    const opts = { stride: spec.stride ?? 1, pad: spec.padding ?? 0 };
    return {
      params: bias ? [weight, bias] : [weight],
      forward: (x) => depthwiseConv2d(x, weight.value, bias?.value ?? null, opts),
    };
  },

  describe: (spec) => `depthwise conv ${spec.kernel}×${spec.kernel}${strideNote(spec.stride)}`,

  /** torch.nn.Conv2d with groups = C: weight [KH, KW, C] → [C, 1, KH, KW]. */
  torch(plan, t) {
    const [w, b] = plan.params;
    const [k, , c] = w.shape;
    const gather = new Uint32Array(c * k * k);
    for (let i = 0; i < c; i++) {
      for (let s = 0; s < k * k; s++) gather[i * k * k + s] = s * c + i;
    }
    t.add("weight", [c, 1, k, k], w.name, gather);
    if (b) t.add("bias", [c], b.name);
  },

  /** Per channel (DepthwiseOp), weights [C, KH, KW]. */
  int8: {
    group: (plans, i) => groupConv(plans, i),
    quantize: (op, get, input) => quantizeConv(op, get, input, depthwiseWeightShape(op)),
    weightShape: depthwiseWeightShape,
    compile(op, c) {
      const n = op.outShape.at(-1)!;
      const constants = linearConstants(c.tensors(op.name), n, c.input, c.output, op.relu, false);
      return { type: "depthwise", name: op.name, ...constants, g: convOpGeometry(op, n) };
    },
  },
};
