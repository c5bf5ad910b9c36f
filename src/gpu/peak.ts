import type { Gpu } from "./gpu.ts";
import { defineKernel } from "./kernel.ts";

/**
 * peak.wgsl: fma_chains, one invocation per vec4 of `out`, each running `iterations` rounds of
 * four independent vec4 FMA chains; only invocations below `n` store.
 */
export const peakKernel = defineKernel({
  source: "gpu/peak",
  workgroupSize: 64,
  params: { iterations: "u32", n: "u32" },
  bindings: { out: "read_write array<vec4f>" },
  entries: { fma_chains: ["p", "out"] },
});

const WG = 64;
const CONSTANTS = { WG };
/** FLOPs of one invocation-iteration: 4 chains × vec4 × (multiply + add). */
const FLOPS_PER_ITERATION = 4 * 4 * 2;

/**
 * Dispatches the arithmetic-only yardstick kernel: `invocations` × `iterations` FMA rounds into
 * `out` (`invocations` vec4s, 16 bytes each). Returns the FLOPs it performs, to turn a timing into
 * GFLOP/s.
 */
export function dispatchPeak(g: Gpu, out: GPUBuffer, invocations: number, iterations: number) {
  g.run(peakKernel, "fma_chains", {
    constants: CONSTANTS,
    params: { iterations, n: invocations },
    bindings: { out },
  }, [Math.ceil(invocations / WG)]);
  return invocations * iterations * FLOPS_PER_ITERATION;
}
