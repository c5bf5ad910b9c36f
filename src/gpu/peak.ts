import type { Gpu } from "./gpu.ts";

// kernels/peak.wgsl: fma_chains.
const WG = 64;
/** FLOPs of one invocation-iteration: 4 chains × vec4 × (multiply + add). */
const FLOPS_PER_ITERATION = 4 * 4 * 2;

/**
 * Dispatches the arithmetic-only yardstick kernel: `invocations` × `iterations` FMA rounds into
 * `out` (invocations vec4s). Returns the FLOPs it performs, to turn a timing into GFLOP/s.
 */
export function dispatchPeak(g: Gpu, out: GPUBuffer, invocations: number, iterations: number) {
  g.dispatch(
    g.pipeline("gpu/peak", "fma_chains", { WG }),
    [iterations, invocations],
    [out],
    [Math.ceil(invocations / WG)],
  );
  return invocations * iterations * FLOPS_PER_ITERATION;
}
