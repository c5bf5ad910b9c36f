// Where a training step's GPU time goes, per layer: `deno task profile --layers` with this file's
// old defaults (cnn-deep, replay). The logic lives in src/profile/ (docs/profile.md): one step's
// commands are recorded, then each is replayed alone `--repeat` times in one submit and timed
// less an empty submit; `--timing auto` uses timestamp queries where the adapter's hold the work.
//
//   deno run -A bench/step_profile.ts [--model cnn-deep] [--batch 128] [--repeat 4] [--top 40]
//     [--timing replay|auto|timestamp-query]
import { parseArgs } from "node:util";
import { Gpu, useGpu } from "../mod.ts";
import { profileTable, profileTraining } from "../src/profile/profiler.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "cnn-deep" },
    batch: { type: "string", default: "128" },
    repeat: { type: "string", default: "4" },
    top: { type: "string", default: "40" },
    timing: { type: "string", default: "replay" },
  },
});
const g = await Gpu.create();
useGpu(g);
const profile = await profileTraining(g, {
  model: values.model!,
  batch: Number(values.batch),
  steps: 3,
  timing: values.timing as "auto" | "replay" | "timestamp-query",
  repeat: Number(values.repeat),
  layers: true,
  progress: (line) => console.error(line),
});
console.log(profileTable(profile, Number(values.top)));
g.destroy();
