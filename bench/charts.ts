// Renders the bench charts from results/bench.json (and the latest evaluation's metrics.json for
// accuracy against training time). Run by the bench harness after each bench file; by hand:
//   deno run -A bench/charts.ts [RESULTS_DIR]
import { join } from "node:path";
import { readBenchFile } from "../src/report/bench.ts";
import { writeBenchCharts } from "../src/report/bench_charts.ts";
import { accuracyVsTime } from "../src/report/charts.ts";

const dir = Deno.args[0] ?? "results";
const file = readBenchFile(join(dir, "bench.json"));
let timed;
try {
  const metrics = JSON.parse(await Deno.readTextFile(join(dir, "metrics.json")));
  const rows = (metrics.models as { model: string; trainSeconds: number; accuracy: number }[])
    .filter((m) => m.trainSeconds > 0)
    .map(({ model, trainSeconds, accuracy }) => ({ model, trainSeconds, accuracy }));
  if (rows.length) timed = accuracyVsTime(rows);
} catch {
  console.error(`bench: no ${join(dir, "metrics.json")}; run "deno task evaluate" for that chart`);
}
const written = await writeBenchCharts(dir, file, timed);
console.error(`bench: charts ${written.join(", ")}`);
