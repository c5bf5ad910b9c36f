// A training step's cost on the CPU side (src/profile/step.ts), per model at batch 128: the
// JavaScript recording time and, from `Gpu.counts`, the dispatches, copies, submits, waits and
// GPU objects created per step after the first. Recorded in results/bench.json as the figure
// `step NAME batch 128` (images/s of the step, GPU included) whose detail holds
// recordMsPerStep, dispatchesPerStep, copiesPerStep, submitsPerStep, waitsPerStep,
// allocationsPerStep (creations of any GPU object) and creationsPerStep (by kind).
// `deno task profile` has the same figures and the GPU time per kernel.
//   deno bench -P bench/step_bench.ts      (BENCH_MODELS=cnn,resnet,... to choose)
import { measure } from "./_harness.ts";
import { CREATED, measureStep, type StepFigures, trainingStep } from "../src/profile/step.ts";

const SUITE = "step";
const BATCH = 128;
const names = Deno.env.get("BENCH_MODELS")?.split(",") ?? ["cnn", "resnet"];
const N = 5;

for (const name of names) {
  const step = trainingStep(name, BATCH);
  const calls: StepFigures[] = [];
  measure({
    suite: SUITE,
    name: `step ${name} batch ${BATCH}`,
    kind: "step",
    unit: "images/s",
    work: BATCH,
    n: N,
    detail: { model: name, batch: BATCH, parameters: step.parameters },
    run: () => void calls.push(measureStep(() => step.run())),
    finish: (figure) => {
      // The harness's warm-up call (the first step: compiles, fills the pools) is left out as
      // its timings are: the last N calls are the measured ones.
      const measured = calls.slice(-N);
      const mean = (k: keyof StepFigures) =>
        Number((measured.reduce((s, f) => s + f[k], 0) / measured.length).toFixed(2));
      return [{
        ...figure,
        detail: {
          ...figure.detail,
          recordMsPerStep: mean("recordMs"),
          // The least of the measured steps: on a software adapter the previous step's GPU work
          // runs on the same cores while a step records, which the mean includes.
          recordMsPerStepMin: Number(Math.min(...measured.map((f) => f.recordMs)).toFixed(2)),
          dispatchesPerStep: mean("dispatches"),
          copiesPerStep: Number(
            (mean("textureCopies") + mean("bufferCopies") + mean("clears")).toFixed(2),
          ),
          textureCopiesPerStep: mean("textureCopies"),
          bufferCopiesPerStep: mean("bufferCopies"),
          uploadsPerStep: mean("uploads"),
          submitsPerStep: mean("submits"),
          waitsPerStep: mean("waits"),
          allocationsPerStep: mean("creations"),
          creationsPerStep: Object.fromEntries(
            [...CREATED, "otherCreations" as const].map((k) => [k, mean(k)]),
          ),
        },
      }];
    },
  });
}
