import { accumulate, gpu, gradientOutput, record, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import { defineKernel } from "../../gpu/kernel.ts";

/**
 * batchnorm.wgsl: the statistics (stats_partial, stats_finish in training mode; eval_stats in eval
 * mode), the per-element normalize, and the backward (backward_partial, backward_finish,
 * backward_input). batchNormMaxPool (batchnorm_maxpool.ts) runs the statistics and
 * backward_finish from here too. The partial and finish passes read scalar views (x, stats…),
 * the per-element passes vec4 views of the same buffers (x4, stats4…) and, where the adapter
 * profile says so, texture copies of their inputs (xT, dyT, fwdT).
 */
export const batchNormKernel = defineKernel({
  source: "ops/batchnorm/batchnorm",
  workgroupSize: 64,
  params: {
    /** Rows of the rows×C matrix (B·H·W for NHWC). */
    rows: "u32",
    /** Rows each invocation of the partial passes sums. */
    rowsPerSlice: "u32",
    /** Partial sums the finish passes add up: ⌈rows / rowsPerSlice⌉. */
    slices: "u32",
    /** vec4s of x: ⌈rows·C / 4⌉ (the per-element passes where C % 4 != 0). */
    n4: "u32",
    /** The per-element passes' invocations per grid row (grid1d). */
    row: "u32",
    /** ε added to the variance. */
    eps: "f32",
    /** Weight of the batch's statistics in the running averages' update. */
    momentum: "f32",
  },
  bindings: {
    /** The input, rows×C. */
    x: "read array<f32>",
    /** The output's gradient, rows×C. */
    dy: "read array<f32>",
    /** The forward output, rows×C: the fused ReLU's mask where C % 4 != 0. */
    fwd: "read array<f32>",
    /** [mean(C), invstd(C), scale(C), shift(C)]: normalize computes x·scale + shift. */
    stats: "read_write array<f32>",
    /** [slices, 2, C]: per slice, Σx and Σx² (statistics) or Σdy and Σdy·x̂ (backward). */
    partial: "read_write array<f32>",
    /** The running averages [mean(C), var(C)]. */
    running: "read_write array<f32>",
    gamma: "read array<f32>",
    beta: "read array<f32>",
    dgamma: "read_write array<f32>",
    dbeta: "read_write array<f32>",
    /** [a(C), b(C), c(C)]: backward_input computes dx = a·dy + b·x + c. */
    coef: "read_write array<f32>",
    x4: "read array<vec4f>",
    dy4: "read array<vec4f>",
    fwd4: "read array<vec4f>",
    stats4: "read array<vec4f>",
    coef4: "read array<vec4f>",
    /** normalize: y; backward_input: dx. */
    out4: "read_write array<vec4f>",
    xT: "texture",
    dyT: "texture",
    fwdT: "texture",
  },
  entries: {
    stats_partial: ["p", "x", "partial", "x4", "xT"],
    stats_finish: ["p", "stats", "partial", "running", "gamma", "beta"],
    eval_stats: ["p", "stats", "running", "gamma", "beta"],
    normalize: ["p", "x4", "stats4", "out4", "xT"],
    backward_partial: ["p", "x", "dy", "fwd", "stats", "partial", "x4", "dy4", "xT", "dyT"],
    backward_finish: ["p", "stats", "partial", "gamma", "dgamma", "dbeta", "coef"],
    backward_input: ["p", "x4", "dy4", "fwd4", "stats4", "coef4", "out4", "xT", "dyT", "fwdT"],
  },
});

/** The kernels' ROWS (their default): rows per invocation of the aligned per-element passes. */
export const ROWS_PER_INVOCATION = 8;

/** A batch-norm layer's running statistics and hyperparameters. */
export interface BatchNormState {
  /** [mean(C), var(C)] (the variance unbiased, as PyTorch keeps it), updated in training mode. */
  running: Tensor;
  /** ε added to the variance before its inverse square root. */
  eps: number;
  /** running ← (1 − momentum)·running + momentum·batch statistic (PyTorch's convention). */
  momentum: number;
}

/**
 * Batch normalisation (Ioffe & Szegedy, 2015) over all but the last (channel) axis of x: [B, H,
 * W, C] (NHWC) or [B, C] (dense); gamma, beta: [C]; returns y of x's shape,
 * y = γ·(x − mean)/√(var + ε) + β. Training mode normalises with the batch's statistics (biased
 * variance) and updates `state.running` with the unbiased one; eval mode uses the running
 * averages. `relu` fuses the ReLU that usually follows: y = max(…, 0). The backward throws in
 * eval mode (not supported).
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
  const { c, n4, constants, partialGroups, slices, stats, xT } = s;
  const rows = x.size / c;
  // The kernel's ALIGNED path (C % 4 == 0): per-element passes run one invocation per channel
  // quadruple and ROWS rows (batchnorm.wgsl).
  const aligned = c % 4 === 0;
  const { groups, row } = grid1d(
    aligned ? (c / 4) * Math.ceil(rows / ROWS_PER_INVOCATION) : n4,
    256,
  );
  // The statistics passes, already recorded, did not read `row`.
  const params = { ...s.params, row };
  const out = Tensor.empty(x.shape);
  g.run(batchNormKernel, "normalize", {
    constants: { ...constants, TEXTURES: xT.TEXTURES },
    params,
    bindings: { x4: x.binding, stats4: stats.binding, out4: out.binding, xT: xT.bindings[0] },
  }, groups);
  xT.release();

  return record(out, [x, gamma, beta], () => {
    if (!training) throw new Error("batchNorm backward in eval mode is not supported");
    const dy = out.grad!;
    const partial = Tensor.empty([slices, 2, c]);
    // The aligned passes recompute the ReLU's mask from x; the others read the forward output.
    const fwd = relu && !aligned ? out.binding : null;
    const textures = g.inputTextures([x.binding, dy.binding, fwd], n4 * 4);
    const [xT, dyT, fwdT] = textures.bindings;
    const textured = { ...constants, TEXTURES: textures.TEXTURES };
    // One record for both per-element passes; backward_input adds the coefficients and dx.
    const bindings = {
      x: x.binding,
      x4: x.binding,
      dy: dy.binding,
      dy4: dy.binding,
      fwd: fwd ?? g.dummy,
      fwd4: fwd ?? g.dummy,
      stats: stats.binding,
      stats4: stats.binding,
      partial: partial.binding,
      xT,
      dyT,
      fwdT,
    };
    g.run(
      batchNormKernel,
      "backward_partial",
      { constants: textured, params, bindings },
      partialGroups,
    );
    const { dgamma, dbeta, coef } = finish(s, partial, params, beta);
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      g.run(batchNormKernel, "backward_input", {
        constants: textured,
        params,
        bindings: { ...bindings, coef4: coef.binding, out4: dx.binding },
      }, groups);
      accumulate(x, dx);
    }
    textures.release();
    accumulate(gamma, dgamma);
    accumulate(beta, dbeta);
  });
}

/**
 * The forward's statistics passes (batch statistics and running averages in training mode,
 * running averages in eval mode) into stats = [mean, invstd, scale, shift] (each [C]), and x's
 * texture copy for the per-element pass that follows (its caller releases it). Returns what the
 * per-element and backward passes of batchNorm and batchNormMaxPool share: `params` (with row 0:
 * the caller's grid gives it) and `constants` (TEXTURES 0: the caller's textures give it).
 */
export function statistics(
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
  // The software adapter runs 8 lanes at a time and the partial passes have only C/4 lanes of
  // work per slice; a real GPU wants a fuller workgroup.
  const WG = g.profile.reductionWorkgroup;
  const partialGroups: [number, number] = [Math.ceil((aligned ? c / 4 : c) / WG), slices];
  const params = {
    rows,
    rowsPerSlice: g.profile.rowsPerSlice,
    slices,
    n4,
    row: 0,
    eps: state.eps,
    momentum: state.momentum,
  };
  const chGroups = Math.ceil(c / WG);
  const constants = { WG, C: c, RELU: relu ? 1 : 0, TEXTURES: 0 };
  // The vec4 passes read x, dy and the forward output as textures where the adapter profile says
  // so; the buffers are padded to 16 bytes, so n4 vec4s are there to copy.

  const stats = Tensor.empty([4, c]);
  const xT = g.inputTextures([x.binding], n4 * 4);
  const partial = training ? Tensor.empty([slices, 2, c]) : null;
  // One record for every statistics pass (each takes the names it uses).
  const bindings = {
    x: x.binding,
    x4: x.binding,
    xT: xT.bindings[0],
    partial: partial?.binding,
    stats: stats.binding,
    running: state.running.binding,
    gamma: gamma.binding,
    beta: beta.binding,
  };
  if (training) {
    g.run(batchNormKernel, "stats_partial", {
      constants: { ...constants, TEXTURES: xT.TEXTURES },
      params,
      bindings,
    }, partialGroups);
    g.run(batchNormKernel, "stats_finish", { constants, params, bindings }, [chGroups]);
  } else {
    g.run(batchNormKernel, "eval_stats", { constants, params, bindings }, [chGroups]);
  }
  return { c, n4, slices, WG, params, constants, partialGroups, chGroups, stats, xT, gamma };
}

/**
 * backward_finish: from the backward's partial sums [slices, 2, C], dgamma = Σ dy·x̂ and
 * dbeta = Σ dy ([C] each) and the input gradient's coefficients coef = [a, b, c] ([3, C]).
 * `params.slices` is how many partial sums there are, `params.rows` the rows they divide by.
 * dgamma and dbeta are written where `gradientOutput` of gamma and beta says.
 */
export function finish(
  s: ReturnType<typeof statistics>,
  partial: Tensor,
  params: ReturnType<typeof statistics>["params"],
  beta: Tensor,
) {
  const { c, stats, gamma } = s;
  const dgamma = gradientOutput(gamma);
  const dbeta = gradientOutput(beta);
  const coef = Tensor.empty([3, c]);
  gpu().run(batchNormKernel, "backward_finish", {
    constants: s.constants,
    params,
    bindings: {
      stats: stats.binding,
      partial: partial.binding,
      gamma: gamma.binding,
      dgamma: dgamma.binding,
      dbeta: dbeta.binding,
      coef: coef.binding,
    },
  }, [s.chGroups]);
  return { dgamma, dbeta, coef };
}
