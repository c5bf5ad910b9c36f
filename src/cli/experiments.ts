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
import { UserError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { acquireFolderLock, FolderLockedError } from "../util/lock.ts";

const EXPERIMENTS = ["permutation", "translation", "occlusion"] as const;
type Experiment = typeof EXPERIMENTS[number];

/** Kept in step with src/experiments/run.ts's PERMUTATION_MODELS (this file loads no model code
 * before its flags are read, so --help needs no package). */
const PERMUTATION_DEFAULT =
  "cnn, mlp, softmax, linear-svm, logistic-regression, svm-rbf, svm-rbf-ovr, random-forest, " +
  "histogram-forest";

const HELP = `deno task experiments [flags]

Why a CNN beats models that read an image as a flat list of pixels, measured on the comparison's
saved models:

  permutation   one fixed random permutation of the 784 pixels applied to every training and
                test image; each model retrained on permuted images with its comparison recipe
                and training size. Flattened-pixel models cannot see neighbourhoods, so their
                accuracy should not change; the CNN's should fall.
  translation   every model on the test images shifted 0..4 pixels right, down and diagonally
                (zero fill); and the reference cnn retrained with shift augmentation.
  occlusion     where the CNN looks: the drop of its true-class probability when a patch of each
                of 2 test images per class is blacked out (Zeiler & Fergus 2014), beside the
                linear model's weight maps.

Writes OUT/experiments/{permutation,translation,occlusion}.json with Vega-Lite charts
(*.vl.json + *.svg) and occlusion.png, and adds an "Experiments" section to OUT/index.html and
OUT/report.md when they exist. Networks are trained with "deno task train" (checkpointed every
epoch; an interrupted training resumes when the command runs again) into --train-dir; a model
already trained there is reused.

  --only LIST          comma-separated experiments to run (default all: ${EXPERIMENTS.join(",")})
  --models DIR         the comparison's saved models (default models/comparison, else
                       models/, where train and baselines save)
  --train-dir DIR      where the experiments' own models are trained (default models/experiments)
  --out DIR            the report folder (default results); results go to DIR/experiments/
  --no-train           train nothing: models not yet trained are left out (and said so)
  --permute-seed N     seed of the pixel permutation (default 1)
  --permutation-models LIST
                       comparison models retrained on permuted pixels (default
                       ${PERMUTATION_DEFAULT})
  --max-shift N        largest test shift in pixels (default 4)
  --augment-shift N    training-time shift (pixels) of the augmented cnn (default 4: the test's
                       whole range)
  --occlusion-model NAME
                       the network mapped (default cnn)
  --linear-model NAME  the linear model whose weights stand beside it (default softmax)
  --per-class N        test images per class for occlusion maps (default 2)
  --patch N            occluding patch side in pixels (default 6)
  --stride N           distance between patch positions in pixels (default 2)
  --data-dir DIR       dataset directory (default: see deno task train --help)
  --quiet              no training progress bars
  --json               print the results as JSON on stdout`;

await runCli(async () => {
  const flags = parseFlags("experiments", {
    only: { type: "string" },
    models: { type: "string" },
    "train-dir": { type: "string" },
    out: { type: "string" },
    "no-train": { type: "boolean" },
    "permute-seed": { type: "string" },
    "permutation-models": { type: "string" },
    "max-shift": { type: "string" },
    "augment-shift": { type: "string" },
    "occlusion-model": { type: "string" },
    "linear-model": { type: "string" },
    "per-class": { type: "string" },
    patch: { type: "string" },
    stride: { type: "string" },
    "data-dir": { type: "string" },
    quiet: { type: "boolean" },
    json: { type: "boolean" },
  }, HELP);
  const only = flags.only === undefined
    ? [...EXPERIMENTS]
    : flags.only.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = only.filter((e) => !EXPERIMENTS.includes(e as Experiment));
  if (bad.length || !only.length) {
    throw new UserError(
      `--only: ${bad.length ? `unknown ${bad.join(", ")}` : "empty"}; choose from ${
        EXPERIMENTS.join(", ")
      }`,
      USAGE,
    );
  }
  const permutationModels = flags["permutation-models"]?.split(",").map((s) => s.trim())
    .filter(Boolean);
  if (permutationModels && !permutationModels.length) {
    throw new UserError("--permutation-models: empty list", USAGE);
  }
  const maxShift = intFlag("max-shift", flags["max-shift"], 4, 1);
  if (maxShift > 14) throw new UserError(`--max-shift must be at most 14, got ${maxShift}`, USAGE);
  const augmentShift = intFlag("augment-shift", flags["augment-shift"], 4, 1);
  if (augmentShift > 14) {
    throw new UserError(`--augment-shift must be at most 14, got ${augmentShift}`, USAGE);
  }
  const patch = intFlag("patch", flags.patch, 6, 1);
  if (patch > 28) throw new UserError(`--patch must be at most 28, got ${patch}`, USAGE);
  const stride = intFlag("stride", flags.stride, 2, 1);
  const perClass = intFlag("per-class", flags["per-class"], 2, 1);
  if (perClass > 10) throw new UserError(`--per-class must be at most 10, got ${perClass}`, USAGE);
  const seed = intFlag("permute-seed", flags["permute-seed"], 1, 0);

  // The comparison's folder when there is one, else where train and baselines save by default.
  const comparison = projectPath("models", "comparison");
  const modelsDir = flags.models !== undefined
    ? userPath(flags.models)
    : (await exists(comparison))
    ? comparison
    : projectPath("models");
  const trainDir = flags["train-dir"] === undefined
    ? projectPath("models", "experiments")
    : userPath(flags["train-dir"]);
  const reportDir = flags.out === undefined ? projectPath("results") : userPath(flags.out);
  const outDir = join(reportDir, "experiments");
  // Before the data, the GPU and long trainings: both folders this run writes into.
  await checkWritableDir(outDir, "--out");
  await checkWritableDir(trainDir, "--train-dir");
  try {
    if (!Deno.statSync(modelsDir).isDirectory) throw new Error();
  } catch {
    throw new UserError(
      `--models ${modelsDir}: no such folder; train models first ("deno task train", ` +
        `"deno task baselines" save under models/) or point --models at the folder that has them`,
    );
  }
  // One writer per folder. The trainings it starts lock their own subfolders of --train-dir.
  // Permutation retrains CPU models in this process for minutes without yielding, when a signal
  // handler could not run: Ctrl-C keeps its immediate exit, the next run takes over the locks.
  using _outLock = acquireFolderLock(outDir, "--out", { releaseOnSignal: false });
  using _trainLock = acquireFolderLock(trainDir, "--train-dir", { releaseOnSignal: false });

  // Model, charting and image code loads only now: --help and usage errors need none of it.
  const { listSavedModels } = await import("../report/build.ts");
  if (!(await listSavedModels(modelsDir)).length) {
    throw new UserError(
      `no models in ${modelsDir} (no folder with a config.json): train the comparison first ` +
        `("deno task train", "deno task baselines") or point --models at the folder that has them`,
    );
  }
  const { loadFashionMnist } = await import("../data/mod.ts");
  const { Gpu } = await import("../gpu/gpu.ts");
  const { useGpu } = await import("../autograd/tensor.ts");
  const { info } = await import("../train/progress.ts");
  const run = await import("../experiments/run.ts");
  const { updateReportPages } = await import("../report/experiments.ts");

  const dataDir = flags["data-dir"] === undefined ? undefined : userPath(flags["data-dir"]);
  const data = await loadFashionMnist({ dataDir });
  const gpu = await Gpu.create();
  useGpu(gpu);
  info(`adapter: ${gpu.adapter.description} (${gpu.adapter.backend})`);
  const ctx = {
    modelsDir,
    trainDir,
    outDir,
    train: data.train,
    test: data.test,
    adapter: gpu.adapter,
    dataDir,
    allowTraining: !flags["no-train"],
    quiet: flags.quiet,
    log: info,
  };
  const results: Record<string, unknown> = {};
  // The quick ones first: permutation may train for an hour.
  const order: Experiment[] = ["occlusion", "translation", "permutation"];
  for (const experiment of order.filter((e) => only.includes(e))) {
    const start = performance.now();
    info(`== ${experiment}`);
    if (experiment === "translation") {
      results.translation = await run.runTranslation(ctx, { maxShift, augmentShift });
    } else if (experiment === "permutation") {
      results.permutation = await run.runPermutation(ctx, {
        seed,
        models: permutationModels ?? run.PERMUTATION_MODELS,
      });
    } else {
      results.occlusion = await run.runOcclusion(ctx, {
        model: flags["occlusion-model"] ?? "cnn",
        linear: flags["linear-model"] ?? "softmax",
        perClass,
        patch,
        stride,
      });
    }
    info(`${experiment}: ${((performance.now() - start) / 1000).toFixed(0)} s`);
  }
  // The report's pages are evaluate's: edited only while no other run writes that folder. When
  // one does, its pages are rebuilt with these results by "deno task evaluate".
  let pages: string[] = [];
  try {
    using _reportLock = acquireFolderLock(reportDir, "--out", { releaseOnSignal: false });
    pages = await updateReportPages(reportDir);
  } catch (e) {
    if (!(e instanceof FolderLockedError)) throw e;
    info(
      `note: the pages in ${reportDir} were not updated: another run${
        e.owner ? ` (PID ${e.owner.pid} on ${e.owner.hostname})` : ""
      } is writing there; "deno task evaluate" adds the Experiments section when it runs`,
    );
  }
  info(`wrote ${outDir}/` + (pages.length ? `; Experiments section in ${pages.join(", ")}` : ""));
  if (flags.json) console.log(JSON.stringify(results));
});
