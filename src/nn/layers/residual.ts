// residual: a skip connection, body(x) + shortcut(x) (src/ops/elementwise add), then a ReLU when
// `relu`. Its branches are layers of their own, planned, built and laid out through the registry.
import type { Tensor } from "../../autograd/tensor.ts";
import { add, relu } from "../../ops/elementwise/elementwise.ts";
import { f32 } from "../../quant/scheme.ts";
import type { ResidualQOp } from "../../quant/types.ts";
import { size } from "./common.ts";
import type { ForwardContext, LayerOf, LayerType, SpecBase } from "./types.ts";

/**
 * A skip connection: the output is body(x) + shortcut(x) (identity when there is no shortcut),
 * then a ReLU when `relu`. Both branches see the block's input and must give the same shape.
 * `L` is the branches' layer spec (src/nn/layers/mod.ts's LayerSpec).
 */
export interface ResidualSpec<L extends SpecBase = SpecBase> {
  type: "residual";
  body: L[];
  shortcut?: L[];
  relu?: boolean;
}

export const residualLayer: LayerType<ResidualSpec, ResidualQOp> = {
  type: "residual",

  check(f) {
    f.layers("body");
    f.layers("shortcut", { optional: true });
    f.boolean("relu", { optional: true });
  },

  plan(spec, input, p) {
    const body = p.planLayers(spec.body, input, `${p.name}.body.`);
    const shortcut = p.planLayers(spec.shortcut ?? [], input, `${p.name}.shortcut.`);
    const bodyOut = body.at(-1)?.outputShape ?? input;
    const shortcutOut = shortcut.at(-1)?.outputShape ?? input;
    if (bodyOut.join() !== shortcutOut.join()) {
      throw new Error(
        `${p.name}: body gives [${bodyOut}] but the shortcut [${shortcutOut}]; ` +
          `a stride or channel change needs a projection shortcut`,
      );
    }
    const branches = [...body, ...shortcut];
    return {
      outputShape: bodyOut,
      flops: branches.reduce((n, l) => n + l.flops, 0) + size(bodyOut) * (spec.relu ? 2 : 1),
      params: branches.flatMap((l) => l.params),
      buffers: branches.flatMap((l) => l.buffers),
      children: { body, shortcut },
    };
  },

  build(plan, b) {
    const { spec } = plan;
    const body = b.buildLayers(plan.children!.body);
    const shortcut = b.buildLayers(plan.children!.shortcut);
    const branches = [...body, ...shortcut];
    const run = (layers: LayerOf[], x: Tensor, ctx: ForwardContext) =>
      layers.reduce((h, l) => l.forward(h, ctx), x);
    return {
      params: branches.flatMap((l) => l.params),
      buffers: branches.flatMap((l) => l.buffers),
      children: { body, shortcut },
      forward: (x, ctx) => {
        const sum = add(run(body, x, ctx), run(shortcut, x, ctx));
        return spec.relu ? relu(sum) : sum;
      },
    };
  },

  describe: (spec) =>
    `${spec.shortcut?.length ? "projection" : "identity"} shortcut${
      spec.relu ? ", add + ReLU" : ", add"
    }`,

  /** A module with `body` and `shortcut` Sequentials; PyTorch registers body before shortcut. */
  torch(plan, t) {
    // Both branches see the block's input.
    const out = t.walk(plan.children!.body, t.flat);
    t.walk(plan.children!.shortcut, t.flat);
    t.flat = out;
  },

  /**
   * ResidualOp: both branches as int8 ops, then a = round(f32(qa − za) · ma),
   * b = round(f32(qb − zb) · mb), ma = 256·s_a/s_out, out = clamp(((a + b + 128) >> 8) + zOut).
   */
  int8: {
    group(plans, i, g) {
      const p = plans[i];
      const body = g.group(p.children!.body);
      const shortcut = g.group(p.children!.shortcut);
      if (!body.length) g.refuse(p, "a residual block with an empty body");
      const op: ResidualQOp = {
        type: "residual",
        name: p.name,
        inShape: p.inputShape,
        outShape: p.outputShape,
        body,
        shortcut,
        relu: (p.spec as ResidualSpec).relu ?? false,
      };
      return { op, last: i };
    },
    compile(op, c) {
      const body = c.compile(op.body, c.input);
      const shortcut = c.compile(op.shortcut, c.input);
      const a = c.outputOf(op.body, c.input);
      const b = c.outputOf(op.shortcut, c.input);
      return {
        type: "residual",
        name: op.name,
        count: size(op.outShape),
        body,
        shortcut,
        za: a.zeroPoint,
        ma: f32(256 * a.scale / c.output.scale),
        zb: b.zeroPoint,
        mb: f32(256 * b.scale / c.output.scale),
        zOut: c.output.zeroPoint,
        lo: op.relu ? c.output.zeroPoint : -128,
      };
    },
  },
};
