import { accumulate, gpu, record, Tensor } from "./tensor.ts";
import { grid1d } from "./dispatch.ts";
import { f32bits, type TextureInputs } from "../gpu/gpu.ts";
import { isLlvmpipe } from "../gpu/device.ts";

// kernels/batchnorm.wgsl: stats_partial, stats_finish, eval_stats, normalize,
// backward_partial, backward_finish, backward_input.
const ROWS_PER_SLICE = 256;
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
  const c = x.shape[x.shape.length - 1];
  const rows = x.size / c;
  const g = gpu();
  const slices = Math.ceil(rows / ROWS_PER_SLICE);
  const n4 = Math.ceil(x.size / 4);
  // The kernel's ALIGNED path (C % 4 == 0): per-element passes run one invocation per channel
  // quadruple and 8 rows, the partial passes one per quadruple and slice (kernels/batchnorm.wgsl).
  const aligned = c % 4 === 0;
  const { groups, row } = grid1d(
    aligned ? (c / 4) * Math.ceil(rows / ROWS_PER_INVOCATION) : n4,
    256,
  );
  // llvmpipe runs 8 lanes at a time and the partial passes have only C/4 lanes of work per slice;
  // a real GPU wants a fuller workgroup.
  const WG = isLlvmpipe(g.adapter) ? 8 : 64;
  const partialGroups: [number, number] = [Math.ceil((aligned ? c / 4 : c) / WG), slices];
  const params = [
    rows,
    ROWS_PER_SLICE,
    slices,
    n4,
    row,
    f32bits(state.eps),
    f32bits(state.momentum),
    0,
  ];
  const chGroups = Math.ceil(c / WG);
  const pipe = (entry: string, t?: TextureInputs) =>
    g.pipeline("batchnorm", entry, { WG, C: c, RELU: relu ? 1 : 0, TEXTURES: t?.TEXTURES ?? 0 });
  // The vec4 passes read x, dy and the forward output as textures where gpu.textureInputs says so
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
    const textures = g.inputTextures([x.buffer, dy.buffer, relu ? out.buffer : null], n4 * 4);
    const [xT, dyT, fwdT] = textures.bindings;
    const inputs = {
      12: x.buffer,
      13: dy.buffer,
      14: relu ? out.buffer : g.dummy,
      18: xT,
      19: dyT,
      20: fwdT,
    };
    g.dispatch(pipe("backward_partial", textures), params, {
      1: x.buffer,
      2: dy.buffer,
      3: relu ? out.buffer : g.dummy,
      4: stats.buffer,
      5: partial.buffer,
      ...inputs,
    }, partialGroups);
    const dgamma = Tensor.empty([c]);
    const dbeta = Tensor.empty([c]);
    const coef = Tensor.empty([3, c]);
    g.dispatch(pipe("backward_finish"), params, {
      4: stats.buffer,
      5: partial.buffer,
      7: gamma.buffer,
      9: dgamma.buffer,
      10: dbeta.buffer,
      11: coef.buffer,
    }, [chGroups]);
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      g.dispatch(pipe("backward_input", textures), params, {
        ...inputs,
        16: coef.buffer,
        17: dx.buffer,
      }, groups);
      accumulate(x, dx);
    }
    textures.release();
    accumulate(gamma, dgamma);
    accumulate(beta, dbeta);
  });
}
