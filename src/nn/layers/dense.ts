// dense: a fully connected layer, x [B, K] · weight [K, N] + bias [N] (src/ops/matmul).
import { matmul } from "../../ops/matmul/matmul.ts";
import { linearConstants, quantizeLinear } from "../../quant/scheme.ts";
import type { DenseQOp } from "../../quant/types.ts";
import { chwToHwc } from "./flatten.ts";
import type { LayerType } from "./types.ts";

export interface DenseSpec {
  type: "dense";
  units: number;
}

/** The int8 weight's shape: [N, K] (PyTorch's Linear; K in our NHWC flattening order). */
function denseWeightShape(op: DenseQOp): number[] {
  return [op.outShape.at(-1)!, op.inShape[0]];
}

export const denseLayer: LayerType<DenseSpec, DenseQOp> = {
  type: "dense",

  check(f) {
    f.integer("units", 1, 1_000_000);
  },

  plan(spec, input, p) {
    if (input.length !== 1) throw new Error(`${p.name}: needs flat input, got [${input}]`);
    return {
      outputShape: [spec.units],
      flops: 2 * input[0] * spec.units,
      params: [p.tensor("weight", [input[0], spec.units]), p.tensor("bias", [spec.units])],
    };
  },

  build(plan, b) {
    const weight = b.param(plan.params[0], b.he(plan.inputShape[0]));
    const bias = b.param(plan.params[1], () => 0);
    return {
      params: [weight, bias],
      forward: (x) => matmul(x, weight.value, bias.value),
    };
  },

  describe: (spec) => `dense ${spec.units}`,

  /**
   * torch.nn.Linear: weight [in, out] → [out, in]. After a flatten of [H, W, C] its rows follow
   * PyTorch's channel-height-width order (see flatten.ts); its output is in the same order in both.
   */
  torch(plan, t) {
    const [w, b] = plan.params;
    const [n, units] = w.shape;
    const rows = t.flat ? chwToHwc(t.flat) : null;
    const gather = new Uint32Array(units * n);
    for (let o = 0; o < units; o++) {
      for (let j = 0; j < n; j++) gather[o * n + j] = (rows ? rows[j] : j) * units + o;
    }
    t.add("weight", [units, n], w.name, gather);
    t.add("bias", [units], b.name);
    t.flat = null;
  },

  /**
   * A matrix product (GemmOp: a 1×1 convolution of a 1×1 image with K channels) and the ReLU after
   * it; weights [N, K] (PyTorch's Linear; K in our NHWC flattening order). The network's last
   * dense layer gives f32 logits (planQuantized marks it).
   */
  int8: {
    group(plans, i, g) {
      const p = plans[i];
      const next = (type: string) => plans[i + 1]?.spec.type === type;
      if (next("batchnorm")) g.refuse(plans[i + 1], "a batch-norm after a dense layer");
      const relu = next("relu");
      if (relu) i++;
      const op: DenseQOp = {
        type: "dense",
        name: p.name,
        inShape: p.inputShape,
        outShape: p.outputShape,
        relu,
        logits: false,
      };
      return { op, last: i };
    },
    /** The logits are f32: they need no scale of their own. */
    ownScale: (op) => !op.logits,
    quantize(op, get, input) {
      const weight = get(`${op.name}.weight`);
      const bias = get(`${op.name}.bias`);
      return quantizeLinear(weight, bias, op.outShape.at(-1)!, input, denseWeightShape(op));
    },
    weightShape: denseWeightShape,
    compile(op, c) {
      const n = op.outShape.at(-1)!;
      const constants = linearConstants(
        c.tensors(op.name),
        n,
        c.input,
        c.output,
        op.relu,
        op.logits,
      );
      const [features] = op.inShape;
      return {
        type: "gemm",
        name: op.name,
        ...constants,
        g: { H: 1, W: 1, C: features, OH: 1, OW: 1, N: n, KH: 1, KW: 1, S: 1, P: 0 },
        K: features,
        logits: op.logits,
      };
    },
  },
};
