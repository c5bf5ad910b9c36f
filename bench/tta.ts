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
  --seed N          seed of both runs and of the validation split (default 1)
  --threads N       PyTorch's CPU threads (default: all cores)
  --no-torch        ours only
  --out FILE        where to write the results (default results/tta.json)
  --json            print the results on stdout`;

const FLAGS = {
  epochs: { type: "string" },
  limit: { type: "string" },
  targets: { type: "string" },
  seed: { type: "string" },
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
  epochs: EpochMark[];
  /** target (as given) → seconds to the first epoch at or above it, or null. */
  timeTo: Record<string, number | null>;
  testAccuracy: number;
  totalSeconds: number;
  detail: Record<string, unknown>;
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
    for await (const chunk of s.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split(/\r?\n/);
      rest = lines.pop()!;
      for (const line of lines) onLine(line, (performance.now() - t0) / 1000, stream);
    }
    if (rest) onLine(rest, (performance.now() - t0) / 1000, stream);
  };
  const [status] = await Promise.all([
    child.status,
    pump(child.stdout, "stdout"),
    pump(child.stderr, "stderr"),
  ]);
  return { code: status.code, seconds: (performance.now() - t0) / 1000 };
}

async function ours(o: Options): Promise<EngineResult> {
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
    `--seed=${o.seed}`,
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
    return {
      engine: "ours (WebGPU)",
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

async function torch(o: Options, python: string, valFile: string): Promise<EngineResult> {
  const epochs: EpochMark[] = [];
  let summary: Record<string, unknown> | null = null;
  let lastLines: string[] = [];
  const args = [
    TORCH_TRAIN,
    ...torchRecipe(),
    `--epochs=${o.epochs}`,
    `--seed=${o.seed}`,
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
      epochs.push({ epoch: j.epoch, valAccuracy: j.valAccuracy, seconds: j.seconds });
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
  seed: number;
  threads: number | null;
}

function table(results: EngineResult[], targets: number[]): string {
  const t = (s: number | null) => s === null ? "not reached" : duration(s);
  return [
    `| engine | ${
      targets.map((x) => `to ${(x * 100).toFixed(0)}%`).join(" | ")
    } | best val | test | total |`,
    `|${" --- |".repeat(targets.length + 4)}`,
    ...results.map((r) =>
      `| ${r.engine} | ${targets.map((x) => t(r.timeTo[String(x)])).join(" | ")} | ${
        (Math.max(...r.epochs.map((e) => e.valAccuracy)) * 100).toFixed(2)
      }% | ${(r.testAccuracy * 100).toFixed(2)}% | ${t(r.totalSeconds)} |`
    ),
  ].join("\n");
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
    const o: Options = {
      epochs: intFlag("epochs", flags.epochs, DEFAULT_RECIPE.epochs),
      limit: flags.limit === undefined ? null : intFlag("limit", flags.limit, 0, 100),
      targets,
      seed: intFlag("seed", flags.seed, 1, 0),
      threads: flags.threads === undefined ? null : intFlag("threads", flags.threads, 1),
    };
    const out = flags.out === undefined ? projectPath("results", "tta.json") : userPath(flags.out);
    const python = flags["no-torch"] ? null : await findTorchPython();
    if (!flags["no-torch"] && !python) info(`tta: PyTorch ${SKIPPED}`);
    const results = [await ours(o)];
    if (python) {
      // The split train makes (10%, stratified, --seed) of the images it trains on.
      const data = await loadFashionMnist({ limit: o.limit ?? undefined });
      const split = stratifiedSplit(data.train.labels, DEFAULT_RECIPE.valSplit, o.seed);
      const valFile = await Deno.makeTempFile({ prefix: "tta-val-", suffix: ".json" });
      try {
        await Deno.writeTextFile(valFile, JSON.stringify(Array.from(split.val)));
        results.push(await torch(o, python.python, valFile));
      } finally {
        await Deno.remove(valFile);
      }
    }
    const report = {
      date: new Date().toISOString(),
      recipe: describeRecipe(),
      ...o,
      cores: navigator.hardwareConcurrency,
      loadAverage: Deno.loadavg(),
      results,
    };
    await Deno.mkdir(join(out, ".."), { recursive: true });
    await writeJsonAtomic(out, report);
    info(table(results, targets));
    info(`tta: wrote ${out}`);
    if (flags.json) console.log(JSON.stringify(report));
  });
}
