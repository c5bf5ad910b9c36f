import { join } from "node:path";
import {
  checkWritableDir,
  intFlag,
  parseFlags,
  projectPath,
  runCli,
  USAGE,
  userPath,
} from "./common.ts";
import { Gpu } from "../gpu/gpu.ts";
import { useGpu } from "../autograd/tensor.ts";
import { loadFashionMnist } from "../data/mod.ts";
import {
  ALL_MODEL_NAMES,
  defaultTrainImages,
  MODEL_NAMES,
  type RunResult,
  trainAndTest,
} from "../baselines/run.ts";
import { info } from "../train/progress.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import { acquireFolderLock, type FolderLock } from "../util/lock.ts";

const HELP = `deno task baselines [flags]

Trains the comparison's flattened-pixel models, each on a stratified sample of the training set,
tests each on the 10,000 test images and saves it under --out/<name>/.

  --models LIST       comma-separated, from: ${ALL_MODEL_NAMES.join(", ")}
                      (default: all but the networks cnn and mlp; with --learning-curve: all)
  --train-size N      training images for every model (default: each model's own, chosen so
                      that it trains in about two minutes on 2 cores; 60,000 for the GPU ones)
  --learning-curve S  instead: train every model at each size in S (e.g. 1000,2000,5000,10000)
                      where its default allows, and write results/learning_curve.json
  --seed N            sample and model seed (default 1)
  --out DIR           models directory (default models)
  --results DIR       results directory for the learning curve (default results)
  --data-dir DIR      dataset directory
  --json              print the results as JSON on stdout`;

await runCli(async () => {
  const flags = parseFlags("baselines", {
    models: { type: "string" },
    "train-size": { type: "string" },
    "learning-curve": { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    results: { type: "string" },
    "data-dir": { type: "string" },
    json: { type: "boolean" },
  }, HELP);
  const names = flags.models
    ? flags.models.split(",").map((s) => s.trim())
    : flags["learning-curve"]
    ? ALL_MODEL_NAMES
    : MODEL_NAMES;
  const unknown = names.filter((n) => !ALL_MODEL_NAMES.includes(n));
  if (unknown.length) {
    throw new UserError(
      `--models: unknown ${unknown.join(", ")}; choose from ${ALL_MODEL_NAMES.join(", ")}`,
      USAGE,
    );
  }
  const seed = intFlag("seed", flags.seed, 1, 0);
  const size = flags["train-size"] === undefined
    ? undefined
    : intFlag("train-size", flags["train-size"], 0, 100);
  const curve = flags["learning-curve"]?.split(",").map((s, i) =>
    intFlag(`learning-curve[${i}]`, s.trim(), 0, 100)
  );
  const out = flags.out === undefined ? projectPath("models") : userPath(flags.out);
  const resultsDir = flags.results === undefined ? projectPath("results") : userPath(flags.results);
  // Before minutes of training: the folder this run writes into (models, or the curve's results).
  const [dir, flag] = curve ? [resultsDir, "--results"] : [out, "--out"];
  await checkWritableDir(dir, flag);
  // One writer per folder: a second baselines run into it is refused now, not after the data.
  // The CPU models train for minutes without yielding, when a signal handler could not run: a
  // Ctrl-C keeps its immediate exit, and the next run takes over the lock file it leaves.
  using _lock = acquireFolderLock(dir, flag, { releaseOnSignal: false });
  // Each model's own folder too: "deno task train --out models/cnn" writes the same files as
  // --models cnn here.
  const modelLocks: FolderLock[] = [];
  using _modelLocks = { [Symbol.dispose]: () => modelLocks.forEach((l) => l.release()) };
  if (!curve) {
    for (const n of names) {
      modelLocks.push(acquireFolderLock(join(out, n), "--out", { releaseOnSignal: false }));
    }
  }

  const data = await loadFashionMnist({
    dataDir: flags["data-dir"] === undefined ? undefined : userPath(flags["data-dir"]),
  });
  const gpu = await Gpu.create();
  useGpu(gpu);
  info(`adapter: ${gpu.adapter.description} (${gpu.adapter.backend})`);

  const results: RunResult[] = [];
  const run = async (name: string, trainImages: number, dir?: string) => {
    info(`${name}: training on ${trainImages} images ...`);
    const r = await trainAndTest(name, data.train, data.test, {
      trainImages,
      seed,
      dir,
      onProgress: (done, total) => info(`  ${name}: ${done}/${total}`),
    });
    info(
      `${name}: ${r.trainImages} images, ${r.trainSeconds.toFixed(1)} s training, ` +
        `${r.predictSeconds.toFixed(1)} s predicting, test accuracy ${
          (r.accuracy * 100).toFixed(2)
        }%`,
    );
    results.push(r);
  };
  if (curve) {
    // Each point is merged into the file as soon as it is measured (atomically), replacing the
    // same model and size: an interrupted curve keeps what it measured, and a rerun of some
    // models keeps the others'.
    const path = join(resultsDir, "learning_curve.json");
    let rows: CurvePoint[] = await readCurve(path);
    for (const name of names) {
      // A model's default size is the largest it trains in a few minutes; larger sizes are skipped.
      const most = Math.max(defaultTrainImages(name), Math.min(...curve));
      for (const n of curve.filter((n) => n <= most)) {
        await run(name, n);
        const r = results[results.length - 1];
        const point = { model: r.model, trainSize: r.trainImages, accuracy: r.accuracy };
        rows = [
          ...rows.filter((p) => p.model !== point.model || p.trainSize !== point.trainSize),
          point,
        ];
        await writeJsonAtomic(path, rows);
      }
    }
    info(`wrote ${path}`);
  } else {
    for (const name of names) await run(name, size ?? defaultTrainImages(name), out);
  }
  if (flags.json) console.log(JSON.stringify({ adapter: gpu.adapter, results }));
});

interface CurvePoint {
  model: string;
  trainSize: number;
  accuracy: number;
}

async function readCurve(path: string): Promise<CurvePoint[]> {
  let text;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  try {
    const rows = JSON.parse(text);
    if (!Array.isArray(rows)) throw new Error("not an array");
    return rows;
  } catch (e) {
    throw new UserError(
      `${path}: not a learning curve (${(e as Error).message}); delete it or pass --results DIR`,
    );
  }
}
