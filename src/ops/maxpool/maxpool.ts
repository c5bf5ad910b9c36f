import { accumulate, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import { defineKernel } from "../../gpu/kernel.ts";

/**
 * maxpool.wgsl: forward (with argmax) and backward, one invocation per element; forward4 and
 * backward4 on channel quadruples when C % 4 == 0, reading their input from a texture (xT,
 * argposT) where the adapter profile says so. The scalar pair keeps flat input indices in
 * `argmax`; the vec4 pair keeps, per output, the winner's position in its window (ky·K + kx) as an
 * f32 in `argpos4`: small integers are exact, and unlike u32 indices they can be read back
 * through a float texture without their bits passing for denormals.
 */
export const maxPoolKernel = defineKernel({
  source: "ops/maxpool/maxpool",
  workgroupSize: 256,
  params: { n: "u32", row: "u32" },
  bindings: {
    /** forward: the input; backward: dy. */
    x: "read array<f32>",
    argmax: "read_write array<u32>",
    /** forward: y; backward: dx. */
    out: "read_write array<f32>",
    x4: "read array<vec4f>",
    argpos4: "read_write array<vec4f>",
    out4: "read_write array<vec4f>",
    xT: "texture",
    argposT: "texture",
  },
  entries: {
    forward: ["p", "x", "argmax", "out"],
    backward: ["p", "x", "argmax", "out"],
    forward4: ["p", "x4", "argpos4", "out4", "xT"],
    backward4: ["p", "x4", "argpos4", "out4", "xT", "argposT"],
  },
});

const WG = 256;

/**
 * Max pooling of x [B, H, W, C] with a k×k window and stride s (no padding, floor mode:
 * OH = ⌊(H − k) / s⌋ + 1, as PyTorch's MaxPool2d). Backward routes dy to the first maximum of
 * each window. Throws when the window is larger than the input.
 */
export function maxPool2d(x: Tensor, k = 2, s = k): Tensor {
  const [batch, h, w, c] = x.shape;
  const oh = Math.floor((h - k) / s) + 1;
  const ow = Math.floor((w - k) / s) + 1;
  if (oh < 1 || ow < 1) throw new Error(`maxPool2d: window ${k} larger than input ${h}×${w}`);
  const out = Tensor.empty([batch, oh, ow, c]);
  const argmax = Tensor.empty([batch, oh, ow, c], "u32");
  const g = gpu();
  const geometry = { WG, H: h, W: w, C: c, OH: oh, OW: ow, K: k, S: s };
  // Channel quadruples where they exist: the same buffers, as vec4 views.
  const quad = c % 4 === 0;
  const lanes = quad ? 4 : 1;
  const run = (entry: "forward" | "backward", src: Tensor, dst: Tensor, n: number) => {
    // Backward also reads the forward's window positions (same size as dy) as a texture.
    const inputs = entry === "backward" ? [src.binding, argmax.binding] : [src.binding];
    const t = g.inputTextures(inputs, src.size, quad);
    const { groups, row } = grid1d(n / lanes, WG);
    g.run(maxPoolKernel, quad ? `${entry}4` : entry, {
      constants: { ...geometry, TEXTURES: t.TEXTURES },
      params: { n: n / lanes, row },
      bindings: quad
        ? {
          x4: src.binding,
          argpos4: argmax.binding,
          out4: dst.binding,
          xT: t.bindings[0],
          argposT: t.bindings[1],
        }
        : { x: src.binding, argmax: argmax.binding, out: dst.binding },
    }, groups);
    t.release();
  };
  run("forward", x, out, out.size);
  return record(out, [x], () => {
    const dx = Tensor.empty(x.shape);
    run("backward", out.grad!, dx, x.size);
    accumulate(x, dx);
  });
}
