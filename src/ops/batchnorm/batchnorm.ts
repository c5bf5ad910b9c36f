import { accumulate, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import { f32bits, type TextureInputs } from "../../gpu/gpu.ts";

// kernels/batchnorm.wgsl: stats_partial, stats_finish, eval_stats, normalize,
// backward_partial, backward_finish, backward_input; kernels/batchnorm_maxpool.wgsl (for
// batchNormMaxPool, which shares the statistics and backward_finish): forward,
// forward_inference, backward_partial, backward_input, backward_input_cells.
/** The kernel's ROWS (its default): rows per invocation of the aligned per-element passes. */
const ROWS_PER_INVOCATION = 8;

export interface BatchNormState {
  /** [mean(C), var(C)], updated in training mode with `momentum`. */
  running: Tensor;
  eps: number;
  momentum: number;
}

/**
 * Batch normalisation over all but the last (channel) axis of x (NHWC, or [B, C] for dense).
 * Training mode normalises with the batch's statistics and updates the running averages;
 * eval mode uses the running averages. `relu` fuses the ReLU that usually follows.
 */
export function batchNorm(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  state: BatchNormState,
  training: boolean,
  relu = false,
): Tensor {
  const g = gpu();
  const s = statistics(x, gamma, beta, state, training, relu);
  const { c, n4, params, pipe, partialGroups, slices } = s;
  const rows = x.size / c;
  // The kernel's ALIGNED path (C % 4 == 0): per-element passes run one invocation per channel
  // quadruple and 8 rows (kernels/batchnorm.wgsl).
  const aligned = c % 4 === 0;
  const { groups, row } = grid1d(
    aligned ? (c / 4) * Math.ceil(rows / ROWS_PER_INVOCATION) : n4,
    256,
  );
  params[4] = row; // the statistics passes, already recorded, do not read it
  const { stats, xT } = s;
  const out = Tensor.empty(x.shape);
  g.dispatch(pipe("normalize", xT), params, {
    12: x.buffer,
    15: stats.buffer,
    17: out.buffer,
    18: xT.bindings[0],
  }, groups);
  xT.release();

  return record(out, [x, gamma, beta], () => {
    if (!training) throw new Error("batchNorm backward in eval mode is not supported");
    const dy = out.grad!;
    const partial = Tensor.empty([slices, 2, c]);
    // The aligned passes recompute the ReLU's mask from x; the others read the forward output.
    const fwd = relu && !aligned ? out.buffer : null;
    const textures = g.inputTextures([x.buffer, dy.buffer, fwd], n4 * 4);
    const [xT, dyT, fwdT] = textures.bindings;
    const inputs = { 12: x.buffer, 13: dy.buffer, 18: xT, 19: dyT };
    g.dispatch(pipe("backward_partial", textures), params, {
      1: x.buffer,
      2: dy.buffer,
      3: fwd ?? g.dummy,
      4: stats.buffer,
      5: partial.buffer,
      ...inputs,
    }, partialGroups);
    const { dgamma, dbeta, coef } = finish(s, partial, params);
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      g.dispatch(pipe("backward_input", textures), params, {
        ...inputs,
        14: fwd ?? g.dummy,
        15: stats.buffer,
        16: coef.buffer,
        17: dx.buffer,
        20: fwdT,
      }, groups);
      accumulate(x, dx);
    }
    textures.release();
    accumulate(gamma, dgamma);
    accumulate(beta, dbeta);
  });
}

/**
 * maxPool2d(batchNorm(x, …, relu), k, s) in fewer passes: the statistics as batchNorm's, then
 * one pass that normalises, applies the ReLU and pools, writing only the pooled output [B, OH,
 * OW, C] (OH = ⌊(H − k) / s⌋ + 1, floor mode as maxPool2d) and, in training mode, each window's
 * winner (position and input value). The backward reduces over pooled positions and gathers the
 * pooled gradient per input element, so neither the full-size BN output nor its gradient is ever
 * written (kernels/batchnorm_maxpool.wgsl). Same floats out and the same ties rule as the two ops
 * apart; gradients equal theirs up to the order of the per-channel sums.
 * x: [B, H, W, C] NHWC with C % 4 == 0 (`fusesWithMaxPool`); gamma, beta: [C].
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
  const inGrid = grid1d(c4 * Math.ceil((cells ? cellCount : rows) / ROWS_PER_INVOCATION), 256);
  const params = (
    row: number,
  ) => [rows, pooled, g.profile.rowsPerSlice, pooledSlices, row, cellCount, 0, 0];
  const constants = { C: c, H: h, W: w, OH: oh, OW: ow, K: k, S: stride, RELU: relu ? 1 : 0 };
  const pipe = (entry: string, TEXTURES: number, more: Record<string, number> = {}) =>
    g.pipeline("ops/batchnorm/batchnorm_maxpool", entry, { ...constants, TEXTURES, ...more });

  const out = Tensor.empty([batch, oh, ow, c]);
  const argpos = training ? Tensor.empty(out.shape) : null;
  const xwin = training ? Tensor.empty(out.shape) : null;
  g.dispatch(pipe(training ? "forward" : "forward_inference", xT.TEXTURES), params(fwdGrid.row), {
    1: x.buffer,
    3: out.buffer,
    4: argpos?.buffer ?? null,
    5: xwin?.buffer ?? null,
    9: stats.buffer,
    10: xT.bindings[0],
  }, fwdGrid.groups);
  xT.release();

  return record(out, [x, gamma, beta], () => {
    if (!argpos || !xwin) {
      throw new Error("batchNormMaxPool backward in eval mode is not supported");
    }
    const dy = out.grad!;
    // x is full-size, the rest pooled: one TEXTURES decision for both (a pooled tensor fits
    // wherever x does).
    const big = g.inputTextures([x.buffer], s.n4 * 4);
    const small = g.inputTextures(
      [dy.buffer, argpos.buffer, xwin.buffer],
      pooled * c,
      big.TEXTURES === 1,
    );
    const [dyT, argposT, xwinT] = small.bindings;
    const partial = Tensor.empty([pooledSlices, 2, c]);
    g.dispatch(pipe("backward_partial", big.TEXTURES, { WG }), params(0), {
      2: stats.buffer,
      4: argpos.buffer,
      5: xwin.buffer,
      6: dy.buffer,
      7: partial.buffer,
      11: dyT,
      12: argposT,
      13: xwinT,
    }, [Math.ceil(c4 / WG), pooledSlices]);
    // backward_finish sums the pooled slices and divides by the input's rows.
    const finishParams = s.params.slice();
    finishParams[2] = pooledSlices;
    const { dgamma, dbeta, coef } = finish(s, partial, finishParams);
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      const entry = cells ? "backward_input_cells" : "backward_input";
      g.dispatch(pipe(entry, big.TEXTURES), params(inGrid.row), {
        1: x.buffer,
        3: dx.buffer,
        4: argpos.buffer,
        6: dy.buffer,
        8: coef.buffer,
        10: big.bindings[0],
        11: dyT,
        12: argposT,
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

/**
 * The forward's statistics passes (batch statistics and running averages in training mode,
 * running averages in eval mode) into stats = [mean, invstd, scale, shift] (each [C]), and x's
 * texture copy for the per-element pass that follows (its caller releases it).
 */
function statistics(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  state: BatchNormState,
  training: boolean,
  relu: boolean,
) {
  const c = x.shape[x.shape.length - 1];
  const rows = x.size / c;
  const g = gpu();
  const slices = Math.ceil(rows / g.profile.rowsPerSlice);
  const n4 = Math.ceil(x.size / 4);
  const aligned = c % 4 === 0;
  // llvmpipe runs 8 lanes at a time and the partial passes have only C/4 lanes of work per slice;
  // a real GPU wants a fuller workgroup.
  const WG = g.profile.reductionWorkgroup;
  const partialGroups: [number, number] = [Math.ceil((aligned ? c / 4 : c) / WG), slices];
  // params[4] (the per-element grid's row) is the caller's.
  const params = [
    rows,
    g.profile.rowsPerSlice,
    slices,
    n4,
    0,
    f32bits(state.eps),
    f32bits(state.momentum),
    0,
  ];
  const chGroups = Math.ceil(c / WG);
  const pipe = (entry: string, t?: TextureInputs) =>
    g.pipeline("ops/batchnorm/batchnorm", entry, {
      WG,
      C: c,
      RELU: relu ? 1 : 0,
      TEXTURES: t?.TEXTURES ?? 0,
    });
  // The vec4 passes read x, dy and the forward output as textures where the adapter profile says so
  // (llvmpipe); the buffers are padded to 16 bytes, so n4 vec4s are there to copy.

  const stats = Tensor.empty([4, c]);
  const xT = g.inputTextures([x.buffer], n4 * 4);
  if (training) {
    const partial = Tensor.empty([slices, 2, c]);
    g.dispatch(
      pipe("stats_partial", xT),
      params,
      { 1: x.buffer, 5: partial.buffer, 12: x.buffer, 18: xT.bindings[0] },
      partialGroups,
    );
    g.dispatch(pipe("stats_finish"), params, {
      4: stats.buffer,
      5: partial.buffer,
      6: state.running.buffer,
      7: gamma.buffer,
      8: beta.buffer,
    }, [chGroups]);
  } else {
    g.dispatch(pipe("eval_stats"), params, {
      4: stats.buffer,
      6: state.running.buffer,
      7: gamma.buffer,
      8: beta.buffer,
    }, [chGroups]);
  }
  return { c, n4, slices, WG, params, pipe, partialGroups, chGroups, stats, xT, gamma };
}

/** backward_finish: dgamma, dbeta [C] and the input gradient's coefficients [3, C]. */
function finish(s: ReturnType<typeof statistics>, partial: Tensor, params: number[]) {
  const { c, stats, gamma } = s;
  const dgamma = Tensor.empty([c]);
  const dbeta = Tensor.empty([c]);
  const coef = Tensor.empty([3, c]);
  gpu().dispatch(s.pipe("backward_finish"), params, {
    4: stats.buffer,
    5: partial.buffer,
    7: gamma.buffer,
    9: dgamma.buffer,
    10: dbeta.buffer,
    11: coef.buffer,
  }, [s.chGroups]);
  return { dgamma, dbeta, coef };
}
