// conv2d: a full 2-D convolution of x [B, H, W, C] (NHWC) with weight [KH, KW, C, N] and bias
// [N] (src/ops/conv2d). A depthwise convolution (depthwise_conv2d.ts) shares its fields, geometry
// and int8 grouping, exported here.
import { conv2d, conv2dOutputSize } from "../../ops/conv2d/conv2d.ts";
import { foldBatchNorm, linearConstants, quantizeLinear } from "../../quant/scheme.ts";
import type { ConvGeometry, ConvQOp, QParams, QuantizedTensors } from "../../quant/types.ts";
import { expectImage, strideNote } from "./common.ts";
import type { LayerPlanOf, LayerType, SpecFields } from "./types.ts";

/** The fields of a convolution, full or depthwise. */
export interface ConvFields {
  kernel: number;
  stride?: number;
  padding?: "same" | number;
  /** Default true; false before a batchnorm, whose β makes a bias redundant. */
  bias?: boolean;
}

export interface Conv2dSpec extends ConvFields {
  type: "conv2d";
  filters: number;
}

/** Checks a convolution's kernel (1 to 16), stride (1 to 16), padding ("same" or 0 to 16), bias. */
export function checkConvFields(f: SpecFields) {
  f.integer("kernel", 1, 16);
  f.integer("stride", 1, 16, { optional: true });
  if (f.value("padding") !== "same") {
    f.integer("padding", 0, 16, { optional: true, or: `"same" or ` });
  }
  f.boolean("bias", { optional: true });
}

/** Zero padding on each side: "same" pads (k − 1) / 2, rounded down. */
export function convPad(spec: ConvFields): number {
  return spec.padding === "same" ? (spec.kernel - 1) >> 1 : spec.padding ?? 0;
}

/** Output size of a (depthwise) convolution layer; throws when the kernel is larger than the input. */
export function convGeometry(spec: ConvFields, input: number[], name: string) {
  const [h, w, c] = expectImage(input, name);
  const k = spec.kernel;
  const stride = spec.stride ?? 1;
  const pad = convPad(spec);
  const oh = conv2dOutputSize(h, k, stride, pad);
  const ow = conv2dOutputSize(w, k, stride, pad);
  if (oh < 1 || ow < 1) throw new Error(`${name}: ${k}×${k} kernel larger than [${input}]`);
  return { c, k, stride, pad, oh, ow };
}

/**
 * The int8 op of a convolution at `plans[i]`: it absorbs a batch norm right after it (folded into
 * its weights) and a ReLU after that (a clamp).
 */
export function groupConv(
  plans: readonly LayerPlanOf[],
  i: number,
): { op: ConvQOp; last: number } {
  const p = plans[i] as LayerPlanOf<ConvFields & { type: ConvQOp["type"] }>;
  const s = p.spec;
  const next = (type: string) => plans[i + 1]?.spec.type === type;
  let batchnorm: { name: string; eps: number } | null = null;
  if (next("batchnorm")) {
    const bn = plans[++i];
    batchnorm = { name: bn.name, eps: (bn.spec as { eps?: number }).eps ?? 1e-5 };
  }
  const relu = next("relu");
  if (relu) i++;
  const op: ConvQOp = {
    type: s.type,
    name: p.name,
    inShape: p.inputShape,
    outShape: p.outputShape,
    kernel: s.kernel,
    stride: s.stride ?? 1,
    pad: convPad(s),
    bias: s.bias !== false,
    batchnorm,
    relu,
  };
  return { op, last: i };
}

/**
 * A convolution's int8 tensors: its weight and bias, the batch norm after it folded in, quantized
 * per output channel (`weightShape`: the int8 weight's, output channel first).
 */
export function quantizeConv(
  op: ConvQOp,
  get: (name: string) => Float32Array,
  input: QParams,
  weightShape: number[],
): QuantizedTensors {
  let weight = get(`${op.name}.weight`);
  let bias: Float32Array | null = op.bias ? get(`${op.name}.bias`) : null;
  if (op.batchnorm) {
    const bn = op.batchnorm.name;
    ({ weight, bias } = foldBatchNorm(weight, bias, {
      gamma: get(`${bn}.gamma`),
      beta: get(`${bn}.beta`),
      running: get(`${bn}.running`),
      eps: op.batchnorm.eps,
    }));
  }
  return quantizeLinear(weight, bias, op.outShape.at(-1)!, input, weightShape);
}

/** The int8 kernels' geometry of a convolution op with `n` output channels. */
export function convOpGeometry(op: ConvQOp, n: number): ConvGeometry {
  const [H, W, C] = op.inShape;
  const [OH, OW] = op.outShape;
  return { H, W, C, OH, OW, N: n, KH: op.kernel, KW: op.kernel, S: op.stride, P: op.pad };
}

/** The int8 weight's shape: [N, KH, KW, C] (TFLite's OHWI). */
function conv2dWeightShape(op: ConvQOp): number[] {
  return [op.outShape.at(-1)!, op.kernel, op.kernel, op.inShape[2]];
}

export const conv2dLayer: LayerType<Conv2dSpec, ConvQOp> = {
  type: "conv2d",

  check(f) {
    f.integer("filters", 1, 8192);
    checkConvFields(f);
  },

  plan(spec, input, p) {
    const { c, k, oh, ow } = convGeometry(spec, input, p.name);
    const params = [p.tensor("weight", [k, k, c, spec.filters])];
    if (spec.bias !== false) params.push(p.tensor("bias", [spec.filters]));
    return {
      outputShape: [oh, ow, spec.filters],
      flops: 2 * oh * ow * spec.filters * k * k * c,
      params,
    };
  },

  /** The patch matrix: OH·OW × KH·KW·C (also its gradient's size). */
  scratch(plan) {
    const [oh, ow] = plan.outputShape;
    return oh * ow * plan.spec.kernel ** 2 * plan.inputShape[2];
  },

  build(plan, b) {
    const { spec } = plan;
    const [, , c] = plan.inputShape;
    const weight = b.param(plan.params[0], b.he(spec.kernel * spec.kernel * c));
    const bias = plan.params[1] && b.param(plan.params[1], () => 0);
    const opts = { stride: spec.stride ?? 1, pad: spec.padding ?? 0 };
    return {
      params: bias ? [weight, bias] : [weight],
      forward: (x) => conv2d(x, weight.value, bias?.value ?? null, opts),
    };
  },

  describe: (spec) =>
    `conv2d ${spec.kernel}×${spec.kernel}, ${spec.filters} filters${strideNote(spec.stride)}`,

  /** torch.nn.Conv2d: weight [KH, KW, C_in, C_out] → [C_out, C_in, KH, KW]. */
  torch(plan, t) {
    const [w, b] = plan.params;
    const [k, , c, f] = w.shape;
    const gather = new Uint32Array(f * c * k * k);
    for (let o = 0; o < f; o++) {
      for (let i = 0; i < c; i++) {
        for (let y = 0; y < k; y++) {
          for (let x = 0; x < k; x++) {
            gather[((o * c + i) * k + y) * k + x] = ((y * k + x) * c + i) * f + o;
          }
        }
      }
    }
    t.add("weight", [f, c, k, k], w.name, gather);
    if (b) t.add("bias", [f], b.name);
  },

  /** A matrix product over patches (GemmOp), weights [N, KH, KW, C] (TFLite's OHWI). */
  int8: {
    group: (plans, i) => groupConv(plans, i),
    quantize: (op, get, input) => quantizeConv(op, get, input, conv2dWeightShape(op)),
    weightShape: conv2dWeightShape,
    compile(op, c) {
      const n = op.outShape.at(-1)!;
      const constants = linearConstants(c.tensors(op.name), n, c.input, c.output, op.relu, false);
      const g = convOpGeometry(op, n);
      return {
        type: "gemm",
        name: op.name,
        ...constants,
        g,
        K: op.kernel * op.kernel * g.C,
        logits: false,
      };
    },
  },
};
