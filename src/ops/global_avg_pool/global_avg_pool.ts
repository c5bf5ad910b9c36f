import { accumulate, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import { defineKernel } from "../../gpu/kernel.ts";

/**
 * global_avg_pool.wgsl: forward (one invocation per (b, c)) and backward (one per input element);
 * forward4 and backward4 do the same on channel quadruples when C % 4 == 0, through vec4 views
 * (src4, dst4) of the same buffers. `n` counts invocations (vec4s for the quadruple entries).
 */
export const globalAvgPoolKernel = defineKernel({
  source: "ops/global_avg_pool/global_avg_pool",
  workgroupSize: 64,
  params: { n: "u32", row: "u32" },
  bindings: {
    /** forward: x [B, H, W, C]; backward: dy [B, C]. */
    src: "read array<f32>",
    /** forward: y [B, C]; backward: dx [B, H, W, C]. */
    dst: "read_write array<f32>",
    src4: "read array<vec4f>",
    dst4: "read_write array<vec4f>",
  },
  entries: {
    forward: ["p", "src", "dst"],
    backward: ["p", "src", "dst"],
    forward4: ["p", "src4", "dst4"],
    backward4: ["p", "src4", "dst4"],
  },
});

const WG = 64;

/**
 * Mean over the pixels of x [B, H, W, C] (NHWC) → y [B, C] (the head of MobileNet and ResNet):
 * y[b, c] = (1 / HW) Σ_p x[b, p, c]. Backward spreads dy[b, c] / HW over every pixel. Throws when
 * x is not 4-D.
 */
export function globalAvgPool(x: Tensor): Tensor {
  if (x.shape.length !== 4) throw new Error(`globalAvgPool: needs [B, H, W, C], got [${x.shape}]`);
  const [batch, h, w, c] = x.shape;
  const g = gpu();
  const constants = { WG, HW: h * w, C: c };
  // Channel quadruples where they exist: the same buffers, as vec4 views.
  const quad = c % 4 === 0;
  const lanes = quad ? 4 : 1;
  const run = (entry: "forward" | "backward", src: Tensor, dst: Tensor) => {
    const { groups, row } = grid1d(dst.size / lanes, WG);
    g.run(globalAvgPoolKernel, quad ? `${entry}4` : entry, {
      constants,
      params: { n: dst.size / lanes, row },
      bindings: quad
        ? { src4: src.binding, dst4: dst.binding }
        : { src: src.binding, dst: dst.binding },
    }, groups);
  };
  const out = Tensor.empty([batch, c]);
  run("forward", x, out);
  return record(out, [x], () => {
    const dx = Tensor.empty(x.shape);
    run("backward", out.grad!, dx);
    accumulate(x, dx);
  });
}
