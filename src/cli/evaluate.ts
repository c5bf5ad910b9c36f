import { join, relative } from "node:path";
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
import { acquireFolderLock } from "../util/lock.ts";
import { info } from "../train/progress.ts";
import { UserError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { checkModelFolder } from "../io/check_model.ts";
import {
  checkFolderHeaders,
  decodeImageFolder,
  listImageFolder,
  matchClassNames,
} from "../data/image_folder.ts";
import { sourceClassNames } from "../train/class_head.ts";
import { classificationReport, confusionMatrix, formatReport } from "../eval/metrics.ts";
import { CLASS_NAMES } from "../data/classes.ts";

const HELP = `deno task evaluate [flags]

Loads every model saved under --models (networks from "deno task train", int8 networks from
"deno task quantize", baselines from "deno task baselines"), predicts the same 10,000 test
images with each, and writes into --out: metrics.json, report.md, index.html (one offline page),
Vega-Lite charts (*.vl.json + *.svg) and PNG image grids. A missing or damaged model is
reported and skipped. A report already in --out that has models this run lacks is not replaced
(exit 1, nothing written) unless --replace; neither is anything written without models.

  --models DIR        where the models are (default models)
  --out DIR           where the results go (default results)
  --data-dir DIR      dataset directory (default: see deno task train --help)
  --tta               networks predict with flip test-time augmentation
  --replace           replace the report in --out even if it has models this run lacks
  --json              print metrics.json on stdout

deno task evaluate --images DIR --model MODEL [--tta] [--batch-size N] [--json]

Tests one model on labelled pictures of your own instead: DIR holds one folder of PNG/JPEG
pictures per class (as "deno task train --images" reads), each folder named after one of the
model's classes (matched by letters and digits, so "T-shirt_top" is "T-shirt/top"). Prints the
accuracy, precision, recall and F1 per class and the confusion matrix (--json: as one object);
writes nothing. The folder is checked before anything is decoded.`;

await runCli(async () => {
  const flags = parseFlags("evaluate", {
    models: { type: "string" },
    out: { type: "string" },
    "data-dir": { type: "string" },
    tta: { type: "boolean" },
    replace: { type: "boolean" },
    json: { type: "boolean" },
    images: { type: "string" },
    model: { type: "string" },
    "batch-size": { type: "string" },
  }, HELP);
  if (flags.images !== undefined || flags.model !== undefined) {
    const report = ["models", "out", "data-dir", "replace"].find((k) => k in flags);
    if (report) {
      throw new UserError(`--${report} applies to the report, not to --images/--model`, USAGE);
    }
    if (flags.images === undefined || flags.model === undefined) {
      throw new UserError(
        `--${flags.images === undefined ? "model" : "images"} needs --${
          flags.images === undefined ? "images DIR" : "model DIR"
        }: evaluate tests one model on a folder of labelled pictures; see --help`,
        USAGE,
      );
    }
    return await evaluateFolder(
      userPath(flags.images),
      userPath(flags.model),
      {
        tta: flags.tta,
        json: flags.json,
        batchSize: intFlag("batch-size", flags["batch-size"], 500),
      },
    );
  }
  if (flags["batch-size"] !== undefined) {
    throw new UserError("--batch-size applies to --images", USAGE);
  }
  // The report's charting and image packages load only now, so that --help and usage errors
  // need none of them (a fresh machine would download them first).
  const { buildReport, checkReportReplace, listSavedModels } = await import("../report/build.ts");
  const modelsDir = flags.models === undefined ? projectPath("models") : userPath(flags.models);
  const resultsDir = flags.out === undefined ? projectPath("results") : userPath(flags.out);
  await checkWritableDir(resultsDir, "--out");
  // One writer per folder: a second evaluate into the same --out is refused at once.
  using _lock = acquireFolderLock(resultsDir, "--out");
  // At once, before the data, the GPU and minutes of predictions (buildReport checks again
  // with the models it could load).
  await checkReportReplace(resultsDir, modelsDir, await listSavedModels(modelsDir), {
    replace: flags.replace,
  });
  const data = await loadFashionMnist({
    dataDir: flags["data-dir"] === undefined ? undefined : userPath(flags["data-dir"]),
  });
  const gpu = await Gpu.create();
  useGpu(gpu);
  info(`adapter: ${gpu.adapter.description} (${gpu.adapter.backend})`);
  let learningCurve;
  try {
    learningCurve = JSON.parse(await Deno.readTextFile(join(resultsDir, "learning_curve.json")));
  } catch {
    info(
      `no ${
        join(resultsDir, "learning_curve.json")
      } yet: run "deno task baselines --learning-curve"`,
    );
  }
  const { metrics } = await buildReport({
    modelsDir,
    resultsDir,
    train: data.train,
    test: data.test,
    learningCurve,
    tta: flags.tta,
    adapter: gpu.adapter,
    replace: flags.replace,
    log: info,
  });
  info(
    `wrote ${resultsDir}/index.html, report.md, metrics.json and figures (${metrics.models.length} model${
      metrics.models.length === 1 ? "" : "s"
    })`,
  );
  if (flags.json) console.log(JSON.stringify(metrics));
});

/**
 * `evaluate --images DIR --model MODEL`: the model's accuracy, per-class scores and confusion
 * matrix on labelled pictures (class folders). The model and the folder are checked before the
 * GPU starts and before anything is decoded.
 */
async function evaluateFolder(
  dir: string,
  modelDir: string,
  opts: { tta?: boolean; json?: boolean; batchSize: number },
) {
  if (!exists(modelDir)) {
    throw new UserError(
      `--model ${modelDir}: no such folder; give a folder written by "deno task train"`,
      USAGE,
    );
  }
  const { config } = await checkModelFolder(modelDir);
  const outputs = (config.architecture as { classes?: number } | undefined)?.classes ??
    CLASS_NAMES.length;
  // A model trained on some Fashion-MNIST classes (train --classes) answers in the dataset's
  // numbering; one trained on its own pictures in its classNames'.
  const fashionLabels = Array.isArray(config.classes) && !Array.isArray(config.classNames);
  const names = fashionLabels ? [...CLASS_NAMES] : sourceClassNames(config, outputs);
  if (!names) {
    throw new UserError(
      `--model ${modelDir}: its ${outputs} classes have no names in its config.json (classNames), ` +
        "so its outputs cannot be matched to class folders",
    );
  }
  const listing = await listImageFolder(dir, { flag: "--images" });
  const map = matchClassNames(listing.classNames, names);
  const unknown = listing.classNames.filter((_, i) => map[i] < 0);
  if (unknown.length) {
    throw new UserError(
      `--images ${join(dir, unknown[0])}: ${
        unknown.length > 1
          ? `${unknown.length} class folders (${unknown.join(", ")}) are`
          : "a class folder"
      } not one of ${modelDir}'s classes (${names.join(", ")}); remove ${
        unknown.length > 1 ? "them" : "it"
      } or evaluate a model trained on ${unknown.length > 1 ? "them" : "it"}`,
    );
  }
  await checkFolderHeaders(listing);
  const gpu = await Gpu.create();
  useGpu(gpu);
  info(`adapter: ${gpu.adapter.description} (${gpu.adapter.backend})`);
  const { loadSavedModel } = await import("../baselines/saved.ts");
  const classifier = await loadSavedModel(modelDir, config);
  if (opts.tta && !classifier.supportsTta) {
    throw new UserError(`--tta applies to networks only; ${modelDir} is ${classifier.name}`, USAGE);
  }
  const folder = await decodeImageFolder(listing, { flag: "--images" });
  const n = folder.count;
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = folder.images[i] / 255;
  const started = performance.now();
  const predictions = await classifier.predict(x, n, { batchSize: opts.batchSize, tta: opts.tta });
  const seconds = (performance.now() - started) / 1000;
  const truth = Array.from(folder.labels, (l) => map[l]);
  const report = classificationReport(truth, predictions, names.length);
  // Rows and columns: the folder's classes, then any other class the model answered.
  const shown = [...new Set([...map, ...Array.from(predictions)])].sort((a, b) => a - b);
  const full = confusionMatrix(truth, predictions, names.length);
  const matrix = shown.map((t) => shown.map((p) => full[t][p]));
  const wrong = truth.flatMap((t, i) => (predictions[i] !== t ? [i] : []));
  if (opts.json) {
    console.log(JSON.stringify({
      model: modelDir,
      images: dir,
      count: n,
      accuracy: report.accuracy,
      perClass: shown.map((c) => ({ className: names[c], ...report.classes[c] })),
      macro: report.macro,
      confusion: { classes: shown.map((c) => names[c]), matrix },
      wrong: wrong.map((i) => ({
        file: relative(dir, folder.files[i]),
        true: names[truth[i]],
        predicted: names[predictions[i]],
      })),
      preprocessingWarnings: folder.warnings.length,
      skipped: folder.skipped.length,
      tta: Boolean(opts.tta),
      imagesPerSecond: n / seconds,
      adapter: gpu.adapter,
    }));
    return;
  }
  const sub = {
    ...report,
    classes: shown.map((c) => report.classes[c]),
  };
  console.log(formatReport(sub, shown.map((c) => names[c])));
  const width = Math.max(...shown.map((c) => names[c].length), 4);
  console.log("confusion matrix (rows: true class, columns: predicted)");
  console.log(" ".repeat(width) + shown.map((c) => ` ${String(c).padStart(5)}`).join(""));
  shown.forEach((c, r) => {
    console.log(
      `${names[c].padStart(width)}${matrix[r].map((v) => ` ${String(v).padStart(5)}`).join("")}`,
    );
  });
  console.log(
    `columns: ${shown.map((c) => `${c} ${names[c]}`).join(", ")}\n` +
      `accuracy ${(report.accuracy * 100).toFixed(2)}% on ${n} pictures of ${dir}` +
      (folder.warnings.length ? ` (${folder.warnings.length} with a preprocessing warning)` : ""),
  );
}
