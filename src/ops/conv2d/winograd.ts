/**
 * conv2d by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms for
 * Convolutional Neural Networks", CVPR 2016): for 3×3 kernels, stride 1, padding 1, input and
 * output channels multiples of 4 (`winogradApplies`). Chosen where it applies and the adapter
 * profile's `winograd` is on (src/gpu/profile.ts: 1.3-4.5× faster than im2col on the software
 * adapter), or when asked for. Each 2×2 output tile is Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A over a 4×4 input
 * patch d; over a batch the ⊙-and-sum is 16 products [T, C]·[C, F] (T = B·⌈H/2⌉·⌈W/2⌉ tiles),
 * which replace im2col's [B·H·W, 9C]·[9C, F]: 2.25× fewer multiplies forward and in both
 * gradients. winograd.wgsl has the transforms, their adjoints and the layouts; src/ops/matmul
 * runs the products.
 */
import { accumulate, gpu, gradientOutput, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import { defineKernel } from "../../gpu/kernel.ts";
import {
  matmulBatchedInto,
  matmulBatchedSplitInto,
  weightGradientSplit,
} from "../matmul/matmul.ts";
import { sumRows } from "../reduce/reduce.ts";

/**
 * winograd.wgsl: the input, weight and output transforms and their adjoints, one invocation per
 * vec4 of output. The transforms of activations and their gradients read `src` as a texture
 * (srcT) where the adapter profile says so; the weight transforms read the buffer.
 */
export const winogradKernel = defineKernel({
  source: "ops/conv2d/winograd",
  workgroupSize: 256,
  /** n, row: the elementwise grid (src/autograd/dispatch.ts grid1d); t: the number of tiles T. */
  params: { n: "u32", row: "u32", t: "u32" },
  bindings: {
    /** What the entry transforms: x, the weight, M, dy, dU or dV (winograd.wgsl's layouts). */
    src: "read array<vec4f>",
    /** What it writes: V, U, Uᵀ, y, dM, dweight or dx. */
    dst: "read_write array<vec4f>",
    /** output_transform: bias [F] (unread without one). */
    bias: "read array<vec4f>",
    srcT: "texture",
  },
  entries: {
    input_transform: ["p", "src", "dst", "srcT"],
    output_transform: ["p", "src", "dst", "bias", "srcT"],
    output_transform_backward: ["p", "src", "dst", "srcT"],
    input_transform_backward: ["p", "src", "dst", "srcT"],
    weight_transform: ["p", "src", "dst"],
    weight_transform_t: ["p", "src", "dst"],
    weight_transform_backward: ["p", "src", "dst"],
  },
});

type WinogradEntry = keyof typeof winogradKernel.entries;

const WG = 256;

/**
 * Whether Winograd's F(2×2, 3×3) can compute this convolution: a 3×3 kernel, stride 1, padding
 * 1, and C input and F output channels multiples of 4.
 */
export function winogradApplies(
  kernel: [number, number],
  stride: number,
  pad: number,
  c: number,
  f: number,
) {
  return kernel[0] === 3 && kernel[1] === 3 && stride === 1 && pad === 1 && c % 4 === 0 &&
    f % 4 === 0;
}

/**
 * conv2d by Winograd F(2×2, 3×3): x [B, H, W, C], weight [3, 3, C, F], bias [F] → y [B, H, W, F],
 * all NHWC, stride 1 and padding 1 implied; C and F multiples of 4 (the caller checks
 * `winogradApplies`).
 */
export function conv2dWinograd(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const [batch, h, w, c] = x.shape;
  const f = weight.shape[3];
  const tiles = batch * Math.ceil(h / 2) * Math.ceil(w / 2);
  const geometry = { H: h, W: w, C4: c / 4, F4: f / 4 };
  const g = gpu();
  const run = (
    entry: WinogradEntry,
    src: Tensor,
    dst: Tensor,
    n: number,
    hasBias: Tensor | null = null,
    split = 1,
  ) => {
    const { groups, row } = grid1d(n, WG);
    // Activations and their gradients are read as textures where the adapter profile says so; the
    // weight transforms' C·F values from the buffer.
    const ofWeights = entry.startsWith("weight_");
    const t = g.inputTextures([src.binding], src.size, !ofWeights);
    g.run(winogradKernel, entry, {
      constants: {
        WG,
        ...geometry,
        HAS_BIAS: hasBias ? 1 : 0,
        ...(split > 1 ? { SPLIT: split } : {}),
        ...(ofWeights ? {} : { TEXTURES: t.TEXTURES }),
      },
      params: { n, row, t: tiles },
      // The bias is read by output_transform only, the texture by the activations' transforms.
      bindings: {
        src: src.binding,
        dst: dst.binding,
        bias: hasBias?.binding ?? g.dummy,
        srcT: t.bindings[0],
      },
    }, groups);
    t.release();
  };
  const v = Tensor.empty([16, tiles, c]);
  run("input_transform", x, v, tiles * c / 4);
  // The forward multiplies by Uᵀ stored [16, F, C] (weight_transform_t says why); dV by U.
  const ut = Tensor.empty([16, f, c]);
  run("weight_transform_t", weight, ut, c * f / 4);
  const m = Tensor.empty([16, tiles, f]);
  matmulBatchedInto(v, ut, m, { batch: 16, m: tiles, n: f, k: c, transB: true });
  const out = Tensor.empty([batch, h, w, f]);
  run("output_transform", m, out, tiles * f / 4, bias);

  return record(out, bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!;
    const dm = Tensor.empty([16, tiles, f]);
    run("output_transform_backward", dy, dm, tiles * f / 4);
    if (weight.requiresGrad) {
      // dU[e] = V[e]ᵀ·dM[e] has only C×F outputs over K = T tiles: K-chunks of all 16 products
      // run as one batch, and the weight transform's adjoint sums them as it reads dU.
      const split = weightGradientSplit(16, c, f, tiles);
      const du = Tensor.empty([16 * split, c, f]);
      matmulBatchedSplitInto(v, dm, du, { batch: 16, m: c, n: f, k: tiles, split });
      const dw = gradientOutput(weight);
      run("weight_transform_backward", du, dw, c * f / 4, null, split);
      accumulate(weight, dw);
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, batch * h * w, f, gradientOutput(bias)));
    if (x.requiresGrad) {
      const u = Tensor.empty([16, c, f]);
      run("weight_transform", weight, u, c * f / 4);
      const dv = Tensor.empty([16, tiles, c]);
      matmulBatchedInto(dm, u, dv, { batch: 16, m: tiles, n: c, k: f, transB: true });
      const dx = Tensor.empty(x.shape);
      run("input_transform_backward", dv, dx, tiles * c / 4);
      accumulate(x, dx);
    }
  });
}
