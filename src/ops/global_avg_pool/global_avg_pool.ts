import { accumulate, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";

// kernels/global_avg_pool.wgsl: forward, backward; forward4, backward4 when C % 4 == 0.
const WG = 64;

/** Mean over the pixels of x [B, H, W, C] → [B, C] (the head of MobileNet and ResNet). */
export function globalAvgPool(x: Tensor): Tensor {
  if (x.shape.length !== 4) throw new Error(`globalAvgPool: needs [B, H, W, C], got [${x.shape}]`);
  const [batch, h, w, c] = x.shape;
  const g = gpu();
  const constants = { WG, HW: h * w, C: c };
  // Channel quadruples: vec4 views of the same buffers (bindings 3, 4).
  const lanes = c % 4 === 0 ? 4 : 1;
  const entry = (name: string) => lanes === 4 ? `${name}4` : name;
  const bind = (src: GPUBuffer, dst: GPUBuffer): Record<number, GPUBuffer> =>
    lanes === 4 ? { 3: src, 4: dst } : { 1: src, 2: dst };
  const out = Tensor.empty([batch, c]);
  const fwd = grid1d(out.size / lanes, WG);
  g.dispatch(
    g.pipeline("ops/global_avg_pool/global_avg_pool", entry("forward"), constants),
    [out.size / lanes, fwd.row],
    bind(x.buffer, out.buffer),
    fwd.groups,
  );
  return record(out, [x], () => {
    const dx = Tensor.empty(x.shape);
    const bwd = grid1d(dx.size / lanes, WG);
    g.dispatch(
      g.pipeline("ops/global_avg_pool/global_avg_pool", entry("backward"), constants),
      [dx.size / lanes, bwd.row],
      bind(out.grad!.buffer, dx.buffer),
      bwd.groups,
    );
    accumulate(x, dx);
  });
}
