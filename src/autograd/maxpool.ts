import { accumulate, gpu, record, Tensor } from "./tensor.ts";
import { grid1d } from "./dispatch.ts";

// kernels/maxpool.wgsl: forward (with argmax), backward.
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
  const fwd = grid1d(out.size, WG);
  g.dispatch(g.pipeline("maxpool", "forward", geometry), [out.size, fwd.row], [
    x.buffer,
    argmax.buffer,
    out.buffer,
  ], fwd.groups);
  return record(out, [x], () => {
    const dx = Tensor.empty(x.shape);
    const bwd = grid1d(x.size, WG);
    g.dispatch(g.pipeline("maxpool", "backward", geometry), [x.size, bwd.row], [
      out.grad!.buffer,
      argmax.buffer,
      dx.buffer,
    ], bwd.groups);
    accumulate(x, dx);
  });
}
