import { accumulate, gpu, record, Tensor } from "./tensor.ts";
import { grid1d } from "./dispatch.ts";

// kernels/global_avg_pool.wgsl: forward, backward.
const WG = 64;

/** Mean over the pixels of x [B, H, W, C] → [B, C] (the head of MobileNet and ResNet). */
export function globalAvgPool(x: Tensor): Tensor {
  if (x.shape.length !== 4) throw new Error(`globalAvgPool: needs [B, H, W, C], got [${x.shape}]`);
  const [batch, h, w, c] = x.shape;
  const g = gpu();
  const constants = { WG, HW: h * w, C: c };
  const out = Tensor.empty([batch, c]);
  const fwd = grid1d(out.size, WG);
  g.dispatch(g.pipeline("global_avg_pool", "forward", constants), [out.size, fwd.row], [
    x.buffer,
    out.buffer,
  ], fwd.groups);
  return record(out, [x], () => {
    const dx = Tensor.empty(x.shape);
    const bwd = grid1d(dx.size, WG);
    g.dispatch(g.pipeline("global_avg_pool", "backward", constants), [dx.size, bwd.row], [
      out.grad!.buffer,
      dx.buffer,
    ], bwd.groups);
    accumulate(x, dx);
  });
}
