// The training step every throughput bench times: upload, forward, loss, backward, Adam update
// and its submit, as `fit` runs it (src/train/step.ts: the first step planned, later ones
// replayed), on synthetic data (random pixels in [0, 1), random labels). Shared by
// bench/training_bench.ts and bench/peer_bench.ts so both time the same work.
import { trainingStep as fitStep } from "../src/profile/step.ts";
import type { Measure } from "./_harness.ts";

/** A `measure` entry for one architecture's training step at `batch`, figure `train NAME batch B`. */
export function trainingStep(suite: string, name: string, batch: number): Measure<void> {
  const step = fitStep(name, batch, 1, Deno.env.get("BENCH_REPLAY") !== "0");
  return {
    suite,
    name: `train ${name} batch ${batch}`,
    kind: "train",
    unit: "images/s",
    work: batch,
    // Small batches take several steps per timing so a submit's latency does not dominate.
    repeat: Math.max(1, Math.round(128 / batch)),
    detail: { model: name, batch, parameters: step.parameters, replay: step.replays },
    run: () => step.run(),
  };
}
