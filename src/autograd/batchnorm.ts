import { accumulate, gpu, record, Tensor } from "./tensor.ts";
import { grid1d } from "./dispatch.ts";
import { f32bits } from "../gpu/gpu.ts";

// kernels/batchnorm.wgsl: stats_partial, stats_finish, normalize,
// backward_partial, backward_finish, backward_input.
const WG = 64;
const ROWS_PER_SLICE = 256;

export interface BatchNormState {
  /** [mean(C), var(C)], updated in training mode with `momentum`. */
  running: Tensor;
  eps: number;
  momentum: number;
}

/**
 * Batch normalisation over all but the last (channel) axis of x (NHWC, or [B, C] for dense).
 * Training mode normalises with the batch's statistics and updates the running averages;
 * eval mode uses the running averages.
 */
export function batchNorm(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  state: BatchNormState,
  training: boolean,
): Tensor {
  const c = x.shape[x.shape.length - 1];
  const rows = x.size / c;
  const g = gpu();
  const slices = Math.ceil(rows / ROWS_PER_SLICE);
  const { groups, row } = grid1d(x.size, 256);
  const params = [
    rows,
    ROWS_PER_SLICE,
    slices,
    x.size,
    row,
    f32bits(state.eps),
    f32bits(state.momentum),
    0,
  ];
  const chGroups = Math.ceil(c / WG);
  const pipe = (entry: string) => g.pipeline("batchnorm", entry, { WG, C: c });

  const stats = Tensor.empty([4, c]);
  if (training) {
    const partial = Tensor.empty([slices, 2, c]);
    g.dispatch(pipe("stats_partial"), params, [x.buffer, null, null, partial.buffer], [
      chGroups,
      slices,
    ]);
    g.dispatch(pipe("stats_finish"), params, [
      null,
      null,
      stats.buffer,
      partial.buffer,
      state.running.buffer,
      gamma.buffer,
      beta.buffer,
    ], [chGroups]);
  } else {
    g.dispatch(pipe("eval_stats"), params, [
      null,
      null,
      stats.buffer,
      null,
      state.running.buffer,
      gamma.buffer,
      beta.buffer,
    ], [chGroups]);
  }
  const out = Tensor.empty(x.shape);
  g.dispatch(pipe("normalize"), params, [
    x.buffer,
    null,
    stats.buffer,
    null,
    null,
    null,
    null,
    out.buffer,
  ], groups);

  return record(out, [x, gamma, beta], () => {
    if (!training) throw new Error("batchNorm backward in eval mode is not supported");
    const dy = out.grad!;
    const partial = Tensor.empty([slices, 2, c]);
    g.dispatch(pipe("backward_partial"), params, [
      x.buffer,
      dy.buffer,
      stats.buffer,
      partial.buffer,
    ], [chGroups, slices]);
    const dgamma = Tensor.empty([c]);
    const dbeta = Tensor.empty([c]);
    const coef = Tensor.empty([3, c]);
    g.dispatch(pipe("backward_finish"), params, [
      null,
      null,
      stats.buffer,
      partial.buffer,
      null,
      gamma.buffer,
      null,
      dgamma.buffer,
      dbeta.buffer,
      coef.buffer,
    ], [chGroups]);
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      g.dispatch(pipe("backward_input"), params, [
        x.buffer,
        dy.buffer,
        null,
        null,
        null,
        null,
        null,
        dx.buffer,
        null,
        coef.buffer,
      ], groups);
      accumulate(x, dx);
    }
    accumulate(gamma, dgamma);
    accumulate(beta, dbeta);
  });
}
