import { choiceFlag, intFlag, parseFlags, runCli, USAGE } from "./common.ts";
import { ARCHITECTURES } from "../nn/zoo.ts";
import { UserError } from "../util/errors.ts";

const TIMINGS = ["auto", "timestamp-query", "replay"] as const;

const HELP = `deno task profile --model NAME [--batch N] [--steps N] [--json]

Where a training step's time goes (synthetic data; upload, forward, loss, backward, Adam, one
submit, as "deno task train" runs it). Per step after the first: JavaScript recording time,
dispatches, texture and buffer copies, clears, uploads, submits, waits, and GPU objects created
(buffers, textures, uniform buffers, bind groups, pipelines). Per kernel entry: GPU time of one
step, by timestamp queries where the adapter has them, else by replaying each command alone.
Progress and tables on stderr; docs/profile.md says what each figure means.

  --model NAME     a zoo architecture (${Object.keys(ARCHITECTURES).join(", ")})
  --batch N        images per step (default 128)
  --steps N        steps measured after the first, which compiles (default 3)
  --timing HOW     auto (default: timestamp-query where available, else replay),
                   timestamp-query or replay
  --repeat N       replay: times each command runs per timing submit (default 4)
  --layers         a row per layer (geometry constants, matmul sizes), not per kernel entry
  --top N          kernel rows printed (default 25; --json has them all)
  --json           the whole profile as one JSON object on stdout`;

await runCli(async () => {
  const flags = parseFlags("profile", {
    model: { type: "string" },
    batch: { type: "string" },
    steps: { type: "string" },
    timing: { type: "string" },
    repeat: { type: "string" },
    layers: { type: "boolean" },
    top: { type: "string" },
    json: { type: "boolean" },
  }, HELP);
  if (!flags.model) throw new UserError("profile: --model NAME is required; see --help", USAGE);
  if (!Object.hasOwn(ARCHITECTURES, flags.model)) {
    throw new UserError(
      `--model must be one of ${Object.keys(ARCHITECTURES).join(", ")}, got "${flags.model}"`,
      USAGE,
    );
  }
  const opts = {
    model: flags.model,
    batch: intFlag("batch", flags.batch, 128),
    steps: intFlag("steps", flags.steps, 3),
    timing: choiceFlag("timing", flags.timing, "auto", TIMINGS),
    repeat: intFlag("repeat", flags.repeat, 4),
    layers: flags.layers ?? false,
    progress: (line: string) => console.error(`profile: ${line}`),
  };
  const top = intFlag("top", flags.top, 25);
  // The GPU and the network modules load after the flags are checked.
  const { Gpu } = await import("../gpu/gpu.ts");
  const { useGpu } = await import("../autograd/tensor.ts");
  const { profileTraining, profileTable } = await import("../profile/profiler.ts");
  const g = await Gpu.create();
  useGpu(g);
  const profile = await profileTraining(g, opts);
  console.error(profileTable(profile, top));
  if (flags.json) console.log(JSON.stringify(profile));
  g.destroy();
});
