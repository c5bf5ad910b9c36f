import { accumulate, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import { defineKernel } from "../../gpu/kernel.ts";
import { type BatchNormState, finish, ROWS_PER_INVOCATION, statistics } from "./batchnorm.ts";

/**
 * batchnorm_maxpool.wgsl: the passes of batchNormMaxPool that touch pooled tensors: forward
 * (forward_inference in eval mode), backward_partial, and backward_input or, where windows do not
 * overlap, backward_input_cells. Its statistics and backward_finish are batchnorm.wgsl's
 * (batchnorm.ts). Every input is read as a vec4 view and, where the adapter profile says so, as
 * a texture copy (xT, dyT, argposT, xwinT).
 */
export const batchNormMaxPoolKernel = defineKernel({
  source: "ops/batchnorm/batchnorm_maxpool",
  workgroupSize: 64,
  params: {
    /** Input rows: B·H·W. */
    rows: "u32",
    /** Pooled positions: B·OH·OW. */
    pooled: "u32",
    /** Pooled positions each invocation of backward_partial sums. */
    rowsPerSlice: "u32",
    /** backward_partial's slices: ⌈pooled / rowsPerSlice⌉. */
    slices: "u32",
    /** The per-element passes' invocations per grid row (grid1d). */
    row: "u32",
    /** backward_input_cells' S×S cells: B·⌈H / S⌉·⌈W / S⌉. */
    cells: "u32",
  },
  bindings: {
    /** The input [B, H, W, C]. */
    x4: "read array<vec4f>",
    /** [mean(C), invstd(C), scale(C), shift(C)] from batchnorm.wgsl's stats_finish or eval_stats. */
    stats: "read array<f32>",
    /** forward: y [B, OH, OW, C]; backward: dx [B, H, W, C]. */
    out4: "read_write array<vec4f>",
    /**
     * Per pooled output, the winner's window position ky·K + kx as an f32 (−1: masked by the
     * ReLU; small integers are exact and read back through a float texture).
     */
    argpos4: "read_write array<vec4f>",
    /** Per pooled output, the winner's input value. */
    xwin4: "read_write array<vec4f>",
    /** The pooled output's gradient [B, OH, OW, C]. */
    dy4: "read array<vec4f>",
    /** [slices, 2, C]: per slice, Σdy and Σdy·x̂ over its pooled positions. */
    partial: "read_write array<f32>",
    /** [a(C), b(C), c(C)] from batchnorm.wgsl's backward_finish: dx = a·g + b·x + c. */
    coef4: "read array<vec4f>",
    /** stats as vec4s. */
    stats4: "read array<vec4f>",
    xT: "texture",
    dyT: "texture",
    argposT: "texture",
    xwinT: "texture",
  },
  entries: {
    forward: ["p", "x4", "out4", "argpos4", "xwin4", "stats4", "xT"],
    forward_inference: ["p", "x4", "out4", "stats4", "xT"],
    backward_partial: [
      "p",
      "stats",
      "argpos4",
      "xwin4",
      "dy4",
      "partial",
      "dyT",
      "argposT",
      "xwinT",
    ],
    backward_input: ["p", "x4", "out4", "argpos4", "dy4", "coef4", "xT", "dyT", "argposT"],
    backward_input_cells: ["p", "x4", "out4", "argpos4", "dy4", "coef4", "xT", "dyT", "argposT"],
  },
});

/**
 * maxPool2d(batchNorm(x, …, relu), k, s) in fewer passes: the statistics as batchNorm's, then
 * one pass that normalises, applies the ReLU and pools, writing only the pooled output [B, OH,
 * OW, C] (OH = ⌊(H − k) / s⌋ + 1, floor mode as maxPool2d) and, in training mode, each window's
 * winner (position and input value). The backward reduces over pooled positions and gathers the
 * pooled gradient per input element, so neither the full-size BN output nor its gradient is ever
 * written (batchnorm_maxpool.wgsl). Same floats out and the same ties rule as the two ops apart;
 * gradients equal theirs up to the order of the per-channel sums.
 * x: [B, H, W, C] NHWC with C % 4 == 0 (`fusesWithMaxPool`); gamma, beta: [C]. Throws when x
 * does not fuse or the window is larger than the input; the backward throws in eval mode.
 */
export function batchNormMaxPool(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  state: BatchNormState,
  training: boolean,
  relu: boolean,
  k = 2,
  stride = k,
): Tensor {
  const [batch, h, w, c] = x.shape;
  if (!fusesWithMaxPool(x.shape)) {
    throw new Error(`batchNormMaxPool: needs [B, H, W, C] with C % 4 == 0, got [${x.shape}]`);
  }
  const oh = Math.floor((h - k) / stride) + 1;
  const ow = Math.floor((w - k) / stride) + 1;
  if (oh < 1 || ow < 1) throw new Error(`batchNormMaxPool: window ${k} larger than ${h}×${w}`);
  const g = gpu();
  const s = statistics(x, gamma, beta, state, training, relu);
  const { stats, xT, WG } = s;
  const rows = batch * h * w;
  const pooled = batch * oh * ow;
  const c4 = c / 4;
  const pooledSlices = Math.ceil(pooled / g.profile.rowsPerSlice);
  // backward_input_cells' S×S cells, where windows do not overlap.
  const cells = stride >= k;
  const cellCount = batch * Math.ceil(h / stride) * Math.ceil(w / stride);
  const fwdGrid = grid1d(c4 * Math.ceil(pooled / ROWS_PER_INVOCATION), 256);
  const params = {
    rows,
    pooled,
    rowsPerSlice: g.profile.rowsPerSlice,
    slices: pooledSlices,
    row: fwdGrid.row,
    cells: cellCount,
  };
  const geometry = { C: c, H: h, W: w, OH: oh, OW: ow, K: k, S: stride, RELU: relu ? 1 : 0 };

  const out = Tensor.empty([batch, oh, ow, c]);
  const argpos = training ? Tensor.empty(out.shape) : null;
  const xwin = training ? Tensor.empty(out.shape) : null;
  g.run(batchNormMaxPoolKernel, training ? "forward" : "forward_inference", {
    constants: { ...geometry, TEXTURES: xT.TEXTURES },
    params,
    bindings: {
      x4: x.binding,
      out4: out.binding,
      argpos4: argpos?.binding,
      xwin4: xwin?.binding,
      stats4: stats.binding,
      xT: xT.bindings[0],
    },
  }, fwdGrid.groups);
  xT.release();

  return record(out, [x, gamma, beta], () => {
    if (!argpos || !xwin) {
      throw new Error("batchNormMaxPool backward in eval mode is not supported");
    }
    const dy = out.grad!;
    // x is full-size, the rest pooled: one TEXTURES decision for both (a pooled tensor fits
    // wherever x does).
    const big = g.inputTextures([x.binding], s.n4 * 4);
    const small = g.inputTextures(
      [dy.binding, argpos.binding, xwin.binding],
      pooled * c,
      big.TEXTURES === 1,
    );
    const [dyT, argposT, xwinT] = small.bindings;
    const partial = Tensor.empty([pooledSlices, 2, c]);
    // One record for backward_partial and the input gradient's pass (each takes its names).
    const bindings = {
      x4: x.binding,
      stats: stats.binding,
      argpos4: argpos.binding,
      xwin4: xwin.binding,
      dy4: dy.binding,
      partial: partial.binding,
      xT: big.bindings[0],
      dyT,
      argposT,
      xwinT,
    };
    g.run(batchNormMaxPoolKernel, "backward_partial", {
      constants: { ...geometry, TEXTURES: big.TEXTURES, WG },
      params: { ...params, row: 0 },
      bindings,
    }, [Math.ceil(c4 / WG), pooledSlices]);
    // backward_finish sums the pooled slices and divides by the input's rows.
    const { dgamma, dbeta, coef } = finish(s, partial, { ...s.params, slices: pooledSlices }, beta);
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      const inGrid = grid1d(c4 * Math.ceil((cells ? cellCount : rows) / ROWS_PER_INVOCATION), 256);
      g.run(batchNormMaxPoolKernel, cells ? "backward_input_cells" : "backward_input", {
        constants: { ...geometry, TEXTURES: big.TEXTURES },
        params: { ...params, row: inGrid.row },
        bindings: { ...bindings, out4: dx.binding, coef4: coef.binding },
      }, inGrid.groups);
      accumulate(x, dx);
    }
    big.release();
    small.release();
    accumulate(gamma, dgamma);
    accumulate(beta, dbeta);
  });
}

/** Whether batchNormMaxPool takes an input of this shape: NHWC with whole channel quadruples. */
export function fusesWithMaxPool(shape: readonly number[]): boolean {
  return shape.length === 4 && shape[3] % 4 === 0;
}
