// Brings a tools/gpu/run.sh run home: the GPU adapter's bench figures into results/bench.json,
// each trained model into models/<name>-gpu/ (with its training state when gpu-states*.tar.gz
// came back: --resume works) and into the committed results/gpu-models/<name>/ (config.json,
// weights.safetensors, history.json), and the run's record into results/gpu/ (<name>_history.json,
// <name>_test.json, <name>_train.json, summary.md/json, adapter.json, log.txt, PyTorch's JSON).
// Prints the per-model table. A software adapter's run is refused; a model is not replaced by a
// run of it that scores lower (--force replaces anyway), and nothing is replaced by nothing.
//   deno run -A tools/gpu/merge.ts PATH [--force] [--results DIR] [--models DIR]
// PATH: gpu-results.tar.gz (gpu-states*.tar.gz beside it are read too), the folder they came back
// in ($OUT), or an unpacked run folder.
import { parseArgs } from "node:util";
import { basename, dirname, join } from "node:path";
import type { AdapterReport } from "../../src/gpu/device.ts";
import { adapterKey, mergeRun, readBenchFile } from "../../src/report/bench.ts";
import { writeFileAtomic, writeJsonAtomic } from "../../src/util/atomic.ts";
import { exists, nonEmpty, readJsonOrNull as readJson } from "../../src/util/fs.ts";
import { isSoftwareAdapter } from "../../src/gpu/device.ts";
import { summarize, type SummaryRow, summaryTable } from "./common.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    force: { type: "boolean" },
    results: { type: "string", default: "results" },
    models: { type: "string", default: "models" },
    // For testing the merge on a llvmpipe run (tools/gpu/run.sh's tiny mode) into scratch folders.
    "allow-software": { type: "boolean" },
  },
});
let tmp: string | null = null;
const fail = (message: string): never => {
  console.error(`merge: ${message}`);
  if (tmp) Deno.removeSync(tmp, { recursive: true });
  Deno.exit(1);
};
if (positionals.length !== 1) fail("usage: merge.ts PATH [--force] [--results DIR] [--models DIR]");
const RESULTS = values.results;
const MODELS = values.models;
const GPU_DIR = join(RESULTS, "gpu");
const GPU_MODELS = join(RESULTS, "gpu-models");

function untar(archive: string, into: string) {
  const r = new Deno.Command("tar", { args: ["xzf", archive, "-C", into], stderr: "piped" })
    .outputSync();
  if (!r.success) fail(`${archive}: tar failed: ${new TextDecoder().decode(r.stderr).trim()}`);
}

// The run folder: unpack the archive(s) into a temporary one unless given a folder of files.
const path = positionals[0];
let root = path;
if (!exists(path)) fail(`${path}: not found`);
tmp = Deno.makeTempDirSync({ prefix: "gpu-merge-" });
let statesDir: string | null = null;
if (Deno.statSync(path).isFile) {
  untar(path, tmp);
  root = tmp;
  statesDir = dirname(path);
} else if (exists(join(path, "gpu-results.tar.gz"))) {
  untar(join(path, "gpu-results.tar.gz"), tmp);
  root = tmp;
  statesDir = path;
}
// The training states came back in gpu-states.tar.gz, gpu-states-2.tar.gz, ...
if (statesDir) {
  for (const e of Deno.readDirSync(statesDir)) {
    if (/^gpu-states(-\d+)?\.tar\.gz$/.test(e.name)) untar(join(statesDir, e.name), root);
  }
}

// The adapter: the run's report, else what its models recorded.
let adapter = readJson<AdapterReport>(join(root, "adapter.json"));
if (!adapter) {
  for (const row of summarize(root)) {
    const c = readJson<{ adapter?: AdapterReport }>(join(root, "models", row.model, "config.json"));
    if (c?.adapter) {
      adapter = c.adapter;
      break;
    }
  }
}
if (!adapter) fail(`${path}: no adapter report (adapter.json) and no model in it; nothing merged`);
const gpu = adapter!;
if (isSoftwareAdapter(gpu) && !values["allow-software"]) {
  fail(`${path} was measured on "${gpu.description}", a software adapter, not a GPU: not merged`);
}
const key = adapterKey(gpu);
console.error(`merge: run of ${key} (${root})`);
let merged = 0;

// Bench figures: the run of this adapter, merged suite by suite (src/report/bench.ts).
const benchPath = join(root, "results", "bench.json");
if (exists(benchPath)) {
  const run = readBenchFile(benchPath).runs.find((r) => r.adapterKey === key);
  if (run?.figures.length) {
    const target = join(RESULTS, "bench.json");
    const file = mergeRun(readBenchFile(target), run);
    await writeJsonAtomic(target, file);
    const suites = [...new Set(run.figures.map((f) => f.suite))].join(", ");
    console.error(`merge: ${run.figures.length} bench figures (${suites}) → ${target}`);
    merged++;
  } else console.error(`merge: no bench figures of ${key} in the run`);
}
// Other result files of the run (PyTorch's JSON), as they are.
try {
  for (const e of Deno.readDirSync(join(root, "results"))) {
    const from = join(root, "results", e.name);
    if (e.isFile && e.name !== "bench.json" && nonEmpty(from)) {
      await writeFileAtomic(join(GPU_DIR, e.name), Deno.readFileSync(from));
      console.error(`merge: ${from} → ${join(GPU_DIR, e.name)}`);
    }
  }
} catch { /* no results folder */ }

// Models: each better than (or new to) what is here replaces it.
const score = (r: SummaryRow | undefined) =>
  r ? r.testAccuracyTta ?? r.testAccuracy ?? r.bestValAccuracy ?? -1 : -1;
const summaryPath = join(GPU_DIR, "summary.json");
const previous = readJson<SummaryRow[]>(summaryPath) ?? [];
const rows = new Map(previous.map((r) => [r.model, r]));
const copy = async (from: string, to: string) => {
  if (nonEmpty(from)) await writeFileAtomic(to, Deno.readFileSync(from));
};
for (const row of summarize(root)) {
  const dir = join(root, "models", row.model);
  if (!nonEmpty(join(dir, "weights.safetensors")) || !nonEmpty(join(dir, "config.json"))) {
    console.error(`merge: ${row.model}: no weights in the run; skipped`);
    continue;
  }
  const old = rows.get(row.model);
  if (old && score(old) > score(row) && !values.force) {
    console.error(
      `merge: ${row.model}: kept the earlier run (${(score(old) * 100).toFixed(2)}% > ${
        (score(row) * 100).toFixed(2)
      }%; --force replaces it)`,
    );
    continue;
  }
  const files = ["config.json", "weights.safetensors", "history.json"];
  for (const f of [...files, "training-state.safetensors"]) {
    await copy(join(dir, f), join(MODELS, `${row.model}-gpu`, f));
  }
  for (const f of files) await copy(join(dir, f), join(GPU_MODELS, row.model, f));
  await copy(join(dir, "history.json"), join(GPU_DIR, `${row.model}_history.json`));
  await copy(join(root, "eval", `${row.model}.json`), join(GPU_DIR, `${row.model}_test.json`));
  await copy(join(root, "train", `${row.model}.json`), join(GPU_DIR, `${row.model}_train.json`));
  await copy(
    join(root, "train", `${row.model}.meta.json`),
    join(GPU_DIR, `${row.model}_train_meta.json`),
  );
  rows.set(row.model, row);
  merged++;
  console.error(
    `merge: ${row.model} → ${join(MODELS, `${row.model}-gpu`)}, ${join(GPU_MODELS, row.model)}, ${
      join(GPU_DIR, `${row.model}_history.json`)
    }`,
  );
}

if (!merged) fail(`${path}: nothing to merge (no figures, no models)`);
const order = summarize(root).map((r) => r.model);
const all = [...rows.values()].sort((a, b) =>
  (order.indexOf(a.model) + 1 || 99) - (order.indexOf(b.model) + 1 || 99)
);
const table = summaryTable(all);
await writeJsonAtomic(summaryPath, all);
await writeFileAtomic(join(GPU_DIR, "summary.md"), table + "\n");
await copy(join(root, "adapter.json"), join(GPU_DIR, "adapter.json"));
await copy(join(root, "log.txt"), join(GPU_DIR, "log.txt"));
if (exists(join(dirname(path), "log.txt")) && basename(path).endsWith(".tar.gz")) {
  // The log beside the archive was written to the end; the archive's copy may stop earlier.
  await copy(join(dirname(path), "log.txt"), join(GPU_DIR, "log.txt"));
} else if (exists(join(path, "log.txt")) && root !== path) {
  await copy(join(path, "log.txt"), join(GPU_DIR, "log.txt"));
}
Deno.removeSync(tmp, { recursive: true });
console.log(table);
