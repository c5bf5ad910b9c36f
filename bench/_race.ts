// The probes' A/B timing (bench/winograd_probe.ts, bench/conv1_probe.ts): cases alternate within
// each round, so a round's ratio compares runs a second apart and holds on a busy machine where
// the times themselves do not.
import { endStep, type Gpu } from "../mod.ts";
import { median } from "../src/util/stats.ts";

/** Uniform random values in [-0.5, 0.5). */
export const rnd = (n: number) => Float32Array.from({ length: n }, () => Math.random() - 0.5);

/**
 * Median ms per call of each case over `rounds` rounds (each: one untimed call, then `calls`
 * calls in one submit), and the median of the per-round ratios first case / this case.
 */
export async function race(
  g: Gpu,
  rounds: number,
  cases: Record<string, () => void>,
  calls = 5,
): Promise<{ name: string; ms: number; ratio: number }[]> {
  const times: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, f] of Object.entries(cases)) {
      f();
      await g.sync();
      endStep();
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) f();
      await g.sync();
      endStep();
      (times[name] ??= []).push((performance.now() - t0) / calls);
    }
  }
  const first = Object.keys(times)[0];
  return Object.keys(times).map((name) => ({
    name,
    ms: median(times[name]),
    ratio: name === first ? 1 : median(times[first].map((t, i) => t / times[name][i])),
  }));
}
