// Time to accuracy: how long the default recipe (the README's `deno task train`, as
// src/train/recipe.ts holds it, seed 1) takes from
// the command's start to the end of the first epoch whose validation accuracy reaches 92%, 93%
// and 94%, and the same for PyTorch's CPU training of the same network and recipe on the same
// validation images (tools/torch_train.py, when a python3 with torch is found), in one run:
//
//   deno task tta-bench [--epochs N] [--limit N] [--targets 0.92,0.93,0.94] [--seed N]
//                       [--no-torch] [--threads N] [--out FILE] [--json]
//
// Ours: deno task train as a subprocess; each epoch's summary line on stderr ("epoch i/n ...
// val_acc X%", printed after that epoch's validation pass) is timestamped as it arrives, so a
// time includes start-up, data loading, kernel compilation and validation. PyTorch: its
// per-epoch JSON lines carry seconds since its process started (imports included). Both hold
// out the same 10% stratified validation split (src/data/split.ts, --seed). A target not reached
// in the run is null. Writes results/tta.json (or --out) and prints a table on stderr.
import { join } from "node:path";
import { intFlag, parseFlags, projectPath, runCli, USAGE, userPath } from "../src/cli/common.ts";
import { loadFashionMnist, stratifiedSplit } from "../src/data/mod.ts";
import { findTorchPython, SKIPPED } from "./_peer.ts";
import { writeJsonAtomic } from "../src/util/atomic.ts";
import { UserError } from "../src/util/errors.ts";
import { duration, info } from "../src/train/progress.ts";
import { DEFAULT_RECIPE } from "../src/train/recipe.ts";

const HELP = `deno task tta-bench [flags]

Time to 92%, 93% and 94% validation accuracy of the default recipe (deno task train), ours and
PyTorch's CPU training of the same network and recipe (tools/torch_train.py), in one run.

  --epochs N        epochs of both runs (default ${DEFAULT_RECIPE.epochs}, the default recipe's)
  --limit N         first N training images (quick checks; the figures need all 60,000)
  --targets LIST    validation accuracies to time (default 0.92,0.93,0.94)
  --seeds LIST      seeds to train with, one run each, e.g. 1,2,3 (each run's seed also draws its
                    validation split; default 1); the table adds each engine's mean and range
  --torch-seeds LIST
                    PyTorch's seeds, when fewer runs of it will do (default: --seeds)
  --threads N       PyTorch's CPU threads (default: all cores)
  --no-torch        ours only
  --out FILE        where to write the results (default results/tta.json; rewritten after every
                    run, so a stopped benchmark keeps what it measured; a --limit run needs its
                    own --out, as it does not stand for the figures)
  --json            print the results on stdout`;

const FLAGS = {
  epochs: { type: "string" },
  limit: { type: "string" },
  targets: { type: "string" },
  seeds: { type: "string" },
  "torch-seeds": { type: "string" },
  threads: { type: "string" },
  "no-torch": { type: "boolean" },
  out: { type: "string" },
  json: { type: "boolean" },
} as const;

const TRAIN = new URL("../src/cli/train.ts", import.meta.url).pathname;
const TORCH_TRAIN = new URL("../tools/torch_train.py", import.meta.url).pathname;
/**
 * The default recipe (src/train/recipe.ts, what deno task train uses when given no flags) as
 * tools/torch_train.py spells it. Its augmentations are none or flip; a default with any other
 * would have no PyTorch peer here, and is refused rather than compared unlike with unlike.
 */
export function torchRecipe(r = DEFAULT_RECIPE): string[] {
  if (r.augment !== "none" && r.augment !== "flip") {
    throw new Error(`tta: tools/torch_train.py has no "--augment ${r.augment}" (none or flip)`);
  }
  return [
    `--model=${r.model}`,
    `--optimizer=${r.optimizer}`,
    `--lr=${r.lr}`,
    `--weight-decay=${r.weightDecay}`,
    `--schedule=${r.schedule}`,
    `--label-smoothing=${r.labelSmoothing}`,
    `--batch-size=${r.batchSize}`,
    `--augment=${r.augment}`,
    ...(r.tta ? ["--tta"] : []),
  ];
}

/** The recipe in words, for the report. */
export function describeRecipe(r = DEFAULT_RECIPE): string {
  return `deno task train defaults: ${r.model}, ${r.optimizer} ${r.lr} ${r.schedule}, ` +
    `weight decay ${r.weightDecay}, label smoothing ${r.labelSmoothing}, batch ${r.batchSize}, ` +
    `augment ${r.augment}${r.tta ? ", flip TTA" : ""}, ${r.valSplit * 100}% validation`;
}

/** One epoch's end: its validation accuracy and seconds since the process started. */
interface EpochMark {
  epoch: number;
  valAccuracy: number;
  seconds: number;
}

export interface EngineResult {
  engine: string;
  seed: number;
  epochs: EpochMark[];
  /** target (as given) → seconds to the first epoch at or above it, or null. */
  timeTo: Record<string, number | null>;
  testAccuracy: number;
  totalSeconds: number;
  detail: Record<string, unknown>;
}

/**
 * An accuracy over `n` images as the exact fraction of the count it stands for: an older
 * tools/torch_train.py printed float32 means (5,640 of 6,000 as 0.93999999, under a 94% target).
 */
export function countFraction(accuracy: number, n: number): number {
  return Math.round(accuracy * n) / n;
}

/** Seconds to the first epoch whose validation accuracy is ≥ each target (null: not reached). */
export function timeTo(epochs: EpochMark[], targets: number[]): Record<string, number | null> {
  return Object.fromEntries(
    targets.map((t) => [String(t), epochs.find((e) => e.valAccuracy >= t)?.seconds ?? null]),
  );
}

/** Spawns a process, timestamps each stdout/stderr line (seconds since the spawn) to `onLine`. */
async function timedRun(
  cmd: string,
  args: string[],
  onLine: (line: string, seconds: number, stream: "stdout" | "stderr") => void,
) {
  const t0 = performance.now();
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", stdin: "null" })
    .spawn();
  const pump = async (s: ReadableStream<Uint8Array>, stream: "stdout" | "stderr") => {
    let rest = "";
    const decoder = new TextDecoder();
    for await (const bytes of s) {
      const lines = (rest + decoder.decode(bytes, { stream: true })).split(/\r?\n/);
      rest = lines.pop()!;
      for (const line of lines) onLine(line, (performance.now() - t0) / 1000, stream);
    }
    rest += decoder.decode();
    if (rest) onLine(rest, (performance.now() - t0) / 1000, stream);
  };
  const [status] = await Promise.all([
    child.status,
    pump(child.stdout, "stdout"),
    pump(child.stderr, "stderr"),
  ]);
  return { code: status.code, seconds: (performance.now() - t0) / 1000 };
}

async function ours(o: Options, seed: number): Promise<EngineResult> {
  const dir = await Deno.makeTempDir({ prefix: "tta-ours-" });
  const epochs: EpochMark[] = [];
  let summary: Record<string, unknown> | null = null;
  let lastError = "";
  const args = [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-net",
    "--allow-sys",
    TRAIN,
    `--seed=${seed}`,
    `--epochs=${o.epochs}`,
    ...(o.limit ? [`--limit=${o.limit}`] : []),
    `--out=${dir}`,
    "--overwrite",
    "--json",
  ];
  try {
    const r = await timedRun(Deno.execPath(), args, (line, seconds, stream) => {
      if (stream === "stdout") {
        if (line.startsWith("{")) summary = JSON.parse(line);
        return;
      }
      const m = /epoch (\d+)\/\d+ .*val_acc ([\d.]+)%/.exec(line);
      if (m) {
        epochs.push({ epoch: Number(m[1]), valAccuracy: Number(m[2]) / 100, seconds });
        info(`tta: ours   epoch ${m[1]}: ${m[2]}% validation at ${seconds.toFixed(1)} s`);
      }
      if (line.startsWith("error:")) lastError = line;
    });
    if (r.code !== 0 || !summary) {
      throw new UserError(`tta: deno task train failed (exit ${r.code}): ${lastError}`);
    }
    const s = summary as {
      test: { accuracy: number };
      adapter: { description: string };
      history: { valAccuracy: number }[];
    };
    if (epochs.length !== s.history.length) {
      throw new UserError(
        `tta: read ${epochs.length} epoch lines from train's progress, its history has ` +
          `${s.history.length}: the progress line's format changed (bench/tta.ts parses it)`,
      );
    }
    // The progress line rounds to 0.01%; the history holds the fraction itself.
    epochs.forEach((e, i) => e.valAccuracy = s.history[i].valAccuracy);
    return {
      engine: "ours (WebGPU)",
      seed,
      epochs,
      timeTo: timeTo(epochs, o.targets),
      testAccuracy: s.test.accuracy,
      totalSeconds: r.seconds,
      detail: {
        adapter: s.adapter.description,
        command: "deno task train " + args.slice(7).join(" "),
      },
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function torch(
  o: Options,
  seed: number,
  python: string,
  labels: Uint8Array,
): Promise<EngineResult> {
  // The split train makes (stratified, of the images it trains on, drawn with the seed).
  const split = stratifiedSplit(labels, DEFAULT_RECIPE.valSplit, seed);
  const valFile = await Deno.makeTempFile({ prefix: "tta-val-", suffix: ".json" });
  try {
    await Deno.writeTextFile(valFile, JSON.stringify(Array.from(split.val)));
    return await torchRun(o, seed, python, valFile, split.val.length);
  } finally {
    await Deno.remove(valFile);
  }
}

async function torchRun(
  o: Options,
  seed: number,
  python: string,
  valFile: string,
  validationCount: number,
): Promise<EngineResult> {
  const epochs: EpochMark[] = [];
  let summary: Record<string, unknown> | null = null;
  let lastLines: string[] = [];
  const args = [
    TORCH_TRAIN,
    ...torchRecipe(),
    `--epochs=${o.epochs}`,
    `--seed=${seed}`,
    ...(o.limit ? [`--limit=${o.limit}`] : []),
    ...(o.threads ? [`--threads=${o.threads}`] : []),
    `--val-indices=${valFile}`,
  ];
  const r = await timedRun(python, args, (line, _seconds, stream) => {
    if (stream === "stderr") {
      lastLines = [...lastLines, line].slice(-3);
      return;
    }
    const j = JSON.parse(line);
    if ("history" in j) summary = j;
    else {
      epochs.push({
        epoch: j.epoch,
        valAccuracy: countFraction(j.valAccuracy, validationCount),
        seconds: j.seconds,
      });
      info(
        `tta: torch  epoch ${j.epoch}: ${(j.valAccuracy * 100).toFixed(2)}% validation at ` +
          `${j.seconds.toFixed(1)} s`,
      );
    }
  });
  if (r.code !== 0 || !summary) {
    throw new UserError(
      `tta: tools/torch_train.py failed (exit ${r.code}): ${lastLines.join(" / ")}`,
    );
  }
  const s = summary as { testAccuracy: number; torch: string; threads: number };
  return {
    engine: "PyTorch (CPU)",
    seed,
    epochs,
    timeTo: timeTo(epochs, o.targets),
    testAccuracy: s.testAccuracy,
    totalSeconds: r.seconds,
    detail: { torch: s.torch, threads: s.threads, command: `${python} ${args.join(" ")}` },
  };
}

interface Options {
  epochs: number;
  limit: number | null;
  targets: number[];
  seeds: number[];
  torchSeeds: number[];
  threads: number | null;
}

/** min, max and mean of some figures (null where there are none). */
function range(xs: number[]) {
  return xs.length
    ? {
      mean: xs.reduce((a, b) => a + b, 0) / xs.length,
      min: Math.min(...xs),
      max: Math.max(...xs),
    }
    : null;
}

/**
 * Each engine's runs summed up: test accuracy, total seconds and, per target, the seconds of the
 * runs that reached it (`reached` of `runs`).
 */
export function summarize(results: EngineResult[], targets: number[]) {
  const engines = [...new Set(results.map((r) => r.engine))];
  return engines.map((engine) => {
    const runs = results.filter((r) => r.engine === engine);
    return {
      engine,
      runs: runs.length,
      seeds: runs.map((r) => r.seed),
      testAccuracy: range(runs.map((r) => r.testAccuracy)),
      totalSeconds: range(runs.map((r) => r.totalSeconds)),
      timeTo: Object.fromEntries(targets.map((t) => {
        const times = runs.map((r) => r.timeTo[String(t)]).filter((x): x is number => x !== null);
        return [String(t), { reached: times.length, seconds: range(times) }];
      })),
    };
  });
}

function table(results: EngineResult[], targets: number[]): string {
  const t = (s: number | null) => s === null ? "not reached" : duration(s);
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const rows = results.map((r) =>
    `| ${r.engine} | ${r.seed} | ${targets.map((x) => t(r.timeTo[String(x)])).join(" | ")} | ${
      pct(Math.max(...r.epochs.map((e) => e.valAccuracy)))
    } | ${pct(r.testAccuracy)} | ${t(r.totalSeconds)} |`
  );
  const span = (x: { mean: number; min: number; max: number } | null, f: (v: number) => string) =>
    x ? `${f(x.mean)} (${f(x.min)}–${f(x.max)})` : "not reached";
  for (const s of summarize(results, targets)) {
    if (s.runs < 2) continue;
    rows.push(
      `| ${s.engine}, mean (range) | ${s.seeds.join(",")} | ${
        targets.map((x) => {
          const r = s.timeTo[String(x)];
          const some = r.reached < s.runs ? `, ${r.reached} of ${s.runs} runs` : "";
          return r.seconds ? `${span(r.seconds, duration)}${some}` : "not reached";
        }).join(" | ")
      } | | ${span(s.testAccuracy, pct)} | ${span(s.totalSeconds, duration)} |`,
    );
  }
  return [
    `| engine | seed | ${
      targets.map((x) => `to ${(x * 100).toFixed(0)}%`).join(" | ")
    } | best val | test | total |`,
    `|${" --- |".repeat(targets.length + 5)}`,
    ...rows,
  ].join("\n");
}

/** Seeds from "1,2,3": distinct integers ≥ 0. */
function seedList(flag: string, value: string): number[] {
  const seeds = value.split(",").map((x) => intFlag(flag, x.trim(), 0, 0));
  if (new Set(seeds).size !== seeds.length) {
    throw new UserError(`--${flag}: each seed once, got ${value}`, USAGE);
  }
  return seeds;
}

if (import.meta.main) {
  await runCli(async () => {
    const flags = parseFlags("tta-bench", FLAGS, HELP);
    const targets = (flags.targets ?? "0.92,0.93,0.94").split(",").map(Number);
    if (!targets.length || targets.some((t) => !(t > 0 && t < 1))) {
      throw new UserError(
        `--targets: fractions in (0, 1), e.g. 0.92,0.93; got ${flags.targets}`,
        USAGE,
      );
    }
    const seeds = seedList("seeds", flags.seeds ?? "1");
    const o: Options = {
      epochs: intFlag("epochs", flags.epochs, DEFAULT_RECIPE.epochs),
      limit: flags.limit === undefined ? null : intFlag("limit", flags.limit, 0, 100),
      targets,
      seeds,
      torchSeeds: flags["torch-seeds"] === undefined
        ? seeds
        : seedList("torch-seeds", flags["torch-seeds"]),
      threads: flags.threads === undefined ? null : intFlag("threads", flags.threads, 1),
    };
    if (flags["no-torch"] && flags["torch-seeds"] !== undefined) {
      throw new UserError("--torch-seeds with --no-torch: give one of them", USAGE);
    }
    if (o.limit !== null && flags.out === undefined) {
      throw new UserError(
        "--limit: a quick run does not replace results/tta.json; give --out FILE",
        USAGE,
      );
    }
    const out = flags.out === undefined ? projectPath("results", "tta.json") : userPath(flags.out);
    const python = flags["no-torch"] ? null : await findTorchPython();
    if (!flags["no-torch"] && !python) info(`tta: PyTorch ${SKIPPED}`);
    const plan: [string, number][] = [
      ...o.seeds.map((s): [string, number] => ["ours", s]),
      ...(python ? o.torchSeeds.map((s): [string, number] => ["torch", s]) : []),
    ];
    // The training labels, read once: each PyTorch seed's validation split is drawn from them.
    const labels = python
      ? (await loadFashionMnist({ limit: o.limit ?? undefined })).train.labels
      : null;
    const results: EngineResult[] = [];
    const started = new Date().toISOString();
    const report = () => ({
      date: started,
      recipe: describeRecipe(),
      ...o,
      cores: navigator.hardwareConcurrency,
      /** Whether every planned run finished (the file is rewritten after each). */
      complete: results.length === plan.length,
      results,
      summary: summarize(results, targets),
    });
    await Deno.mkdir(join(out, ".."), { recursive: true });
    let written = report();
    for (const [engine, seed] of plan) {
      info(`tta: run ${results.length + 1}/${plan.length}: ${engine}, seed ${seed}`);
      const r = engine === "ours"
        ? await ours(o, seed)
        : await torch(o, seed, python!.python, labels!);
      r.detail.loadAverageAfter = Deno.loadavg();
      results.push(r);
      written = report();
      await writeJsonAtomic(out, written);
    }
    info(table(results, targets));
    info(`tta: wrote ${out}`);
    if (flags.json) console.log(JSON.stringify(written));
  });
}
