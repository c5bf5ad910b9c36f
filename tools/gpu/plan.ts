// Chooses each model's epochs for tools/gpu/run.sh from the measured training speed: reads the
// `train <name> batch 128` images/s that the bench just recorded for this adapter (bench.json,
// matched by adapter), estimates seconds per epoch = 54,000 / rate × 1.3 (+ a fixed overhead per
// run) and splits the budget by share (src: tools/gpu/common.ts). Prints the first model's
// epochs on stdout ("probe" when its speed is unknown: measure it first), the plan on stderr,
// and the whole plan as JSON to --out.
//   deno run -A tools/gpu/plan.ts --bench results/bench.json --adapter adapter.json \
//     --budget 300 --models resnet,cnn [--overhead 20] [--slowdown 1] [--probe cnn=12.5|cnn=history.json]
//     [--out plan.json]
import { parseArgs } from "node:util";
import { type BenchRun, readBenchFile } from "../../src/report/bench.ts";
import type { AdapterReport } from "../../src/gpu/device.ts";
import { epochSecondsFromRate, findRun, planEpochs, trainRate } from "./common.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    bench: { type: "string" },
    adapter: { type: "string" },
    budget: { type: "string" },
    models: { type: "string" },
    overhead: { type: "string", default: "20" },
    // Jobs training side by side share the GPU: each epoch takes this many times as long.
    slowdown: { type: "string", default: "1" },
    probe: { type: "string", multiple: true, default: [] },
    out: { type: "string" },
  },
});
if (!values.budget || !values.models) {
  console.error("plan: --budget and --models are required");
  Deno.exit(2);
}
const budget = Number(values.budget);
const overhead = Number(values.overhead);
const slowdown = Number(values.slowdown);
const names = values.models.split(",").filter(Boolean);
// Seconds per epoch measured by a probe run, ahead of the bench's figure: name=SECONDS, or
// name=FILE, the probe's history.json (its first epoch's images/s).
const probed = new Map(values.probe.map((p) => {
  const [name, value] = p.split("=");
  if (!/\.json$/.test(value)) return [name, Number(value)] as const;
  try {
    const history = JSON.parse(Deno.readTextFileSync(value)) as { imagesPerSecond: number }[];
    return [name, epochSecondsFromRate(history[0].imagesPerSecond)] as const;
  } catch (e) {
    console.error(`plan: probe ${value}: ${(e as Error).message}`);
    return [name, NaN] as const;
  }
}));

let adapter: AdapterReport | null = null;
try {
  adapter = JSON.parse(Deno.readTextFileSync(values.adapter ?? "adapter.json"));
} catch {
  console.error(`plan: no adapter report (${values.adapter}); bench figures cannot be matched`);
}
let run: BenchRun | undefined;
try {
  run = adapter && values.bench ? findRun(readBenchFile(values.bench), adapter) : undefined;
} catch (e) {
  console.error(`plan: ${(e as Error).message}`);
}
if (adapter && !run) console.error(`plan: no bench run for "${adapter.description}"`);

const rates = new Map(names.map((n) => [n, trainRate(run, n)]));
const plan = planEpochs(
  names.map((name) => {
    const rate = rates.get(name);
    const s = probed.get(name) ?? (rate ? epochSecondsFromRate(rate) : null);
    return {
      name,
      epochSeconds: s && Number.isFinite(s) && s > 0 ? s * slowdown : null,
      overhead,
    };
  }),
  budget,
);
for (const r of plan) {
  console.error(
    `plan: ${r.name.padEnd(12)} ${
      r.epochSeconds === null ? "speed unknown" : `${r.epochSeconds.toFixed(1)} s/epoch`
    } (${rates.get(r.name) ? `${rates.get(r.name)} images/s` : "no bench figure"}), share ${
      r.share.toFixed(0)
    } s → ${r.epochs ?? "probe"} epochs (≈ ${r.estimate?.toFixed(0) ?? "?"} s)`,
  );
}
if (values.out) {
  Deno.writeTextFileSync(
    values.out,
    JSON.stringify({ budget, overhead, adapter: run?.adapterKey ?? null, plan }, null, 2) + "\n",
  );
}
console.log(plan[0]?.epochs ?? "probe");
