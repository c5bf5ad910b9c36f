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
  // The vec4 entries read src as a texture where gpu.textureInputs says so (binding 7).
  const run = (entry: "forward" | "backward", src: Tensor, dst: Tensor, n: number) => {
    // Backward also reads the forward's window positions (same size as dy) as a texture.
    const inputs = entry === "backward" ? [src.buffer, argmax.buffer] : [src.buffer];
    const t = g.inputTextures(inputs, src.size, quad);
    const { groups, row } = grid1d(n / lanes, WG);
    g.dispatch(
      g.pipeline("maxpool", quad ? `${entry}4` : entry, { ...geometry, TEXTURES: t.TEXTURES }),
      [n / lanes, row],
      quad
        ? {
          4: src.buffer,
          5: argmax.buffer,
          6: dst.buffer,
          7: t.bindings[0],
          8: entry === "backward" ? t.bindings[1] : null,
        }
        : { 1: src.buffer, 2: argmax.buffer, 3: dst.buffer },
      groups,
    );
    t.release();
  };
  run("forward", x, out, out.size);
  return record(out, [x], () => {
    const dx = Tensor.empty(x.shape);
    run("backward", out.grad!, dx, x.size);
    accumulate(x, dx);
  });
}
