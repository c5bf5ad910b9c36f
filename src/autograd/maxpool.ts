import { accumulate, gpu, record, Tensor } from "./tensor.ts";
import { grid1d } from "./dispatch.ts";

// kernels/maxpool.wgsl: forward (with argmax), backward; forward4, backward4 when C % 4 == 0.
const WG = 256;

/** Max pooling of x [B, H, W, C] with a k×k window and stride s (no padding, floor mode). */
export function maxPool2d(x: Tensor, k = 2, s = k): Tensor {
  const [batch, h, w, c] = x.shape;
  const oh = Math.floor((h - k) / s) + 1;
  const ow = Math.floor((w - k) / s) + 1;
  if (oh < 1 || ow < 1) throw new Error(`maxPool2d: window ${k} larger than input ${h}×${w}`);
  const out = Tensor.empty([batch, oh, ow, c]);
  const argmax = Tensor.empty([batch, oh, ow, c], "u32");
  const g = gpu();
  const geometry = { WG, H: h, W: w, C: c, OH: oh, OW: ow, K: k, S: s };
  // Channel quadruples where they exist: the same bindings, as vec4 views (4, 5, 6).
  const quad = c % 4 === 0;
  const lanes = quad ? 4 : 1;
  const bind = (src: Tensor, dst: Tensor): Record<number, GPUBuffer> =>
    quad
      ? { 4: src.buffer, 5: argmax.buffer, 6: dst.buffer }
      : { 1: src.buffer, 2: argmax.buffer, 3: dst.buffer };
  const fwd = grid1d(out.size / lanes, WG);
  g.dispatch(
    g.pipeline("maxpool", quad ? "forward4" : "forward", geometry),
    [out.size / lanes, fwd.row],
    bind(x, out),
    fwd.groups,
  );
  return record(out, [x], () => {
    const dx = Tensor.empty(x.shape);
    const bwd = grid1d(x.size / lanes, WG);
    g.dispatch(
      g.pipeline("maxpool", quad ? "backward4" : "backward", geometry),
      [x.size / lanes, bwd.row],
      bind(out.grad!, dx),
      bwd.groups,
    );
    accumulate(x, dx);
  });
}
