// `deno task evaluate`: every saved model on the same 10,000 test images, into results/.
import { basename, isAbsolute, join, relative } from "node:path";
import type { Classifier } from "../baselines/classifier.ts";
import { loadSavedModel } from "../baselines/saved.ts";
import { checkModelFolder } from "../io/check_model.ts";
import { MODEL_FILE_LIMITS, readConfigFile, readFolderText } from "../io/model_folder.ts";
import { defaultTrainImages } from "../baselines/run.ts";
import { NetworkClassifier } from "../baselines/network.ts";
import { CLASS_NAMES, type Dataset } from "../data/dataset.ts";
import { classificationReport, confusionMatrix } from "../eval/metrics.ts";
import type { EpochRecord } from "../train/fit.ts";
import { noGrad, Tensor } from "../autograd/tensor.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import * as charts from "./charts.ts";
import { type TopLevelSpec, writeChart } from "./vega.ts";
import { featureMaps, filterGrid, inferenceGrid, misclassifiedGrid, weightMaps } from "./grids.ts";
import type { Figure, ModelResult } from "./html.ts";
import { composeSections, introText, REPORT_TITLE, type SectionId, writePages } from "./compose.ts";
import { Rng } from "../util/random.ts";
import { UserError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { headline } from "./headline.ts";
import { type RunInfo, runInfos, runLabel, type TrainingSummary, trainingSummary } from "./runs.ts";

export interface SavedModel {
  name: string;
  dir: string;
  classifier: Classifier;
  config: Record<string, unknown>;
  history: EpochRecord[] | null;
}

/**
 * Every model directory under `modelsDir` (one with a config.json). A missing or damaged model is
 * reported in `skipped` with its reason and left out; the others still load.
 */
export async function loadSavedModels(modelsDir: string) {
  const models: SavedModel[] = [];
  const skipped: { dir: string; reason: string }[] = [];
  let entries: Deno.DirEntry[] = [];
  try {
    entries = [...Deno.readDirSync(modelsDir)].filter((e) => e.isDirectory);
  } catch {
    return { models, skipped };
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const dir = join(modelsDir, e.name);
    try {
      // Checked as any shared folder is (size, JSON, fields, weights against the architecture).
      const { config } = await checkModelFolder(dir);
      if (Array.isArray(config.classes) && config.classes.length < CLASS_NAMES.length) {
        // Its accuracy over all ten classes would count classes it was never taught.
        throw new Error(
          `trained on ${config.classes.length} of the ${CLASS_NAMES.length} classes ` +
            `(train --classes): not comparable with the others; predict tests it on its classes`,
        );
      }
      const classifier = await loadSavedModel(dir, config);
      let history: EpochRecord[] | null = null;
      try {
        const parsed = JSON.parse(
          await readFolderText(dir, "history.json", MODEL_FILE_LIMITS.config, "none"),
        );
        if (Array.isArray(parsed)) history = parsed;
      } catch { /* baselines have none; a damaged one is left out of the curves */ }
      models.push({ name: e.name, dir, classifier, config, history });
    } catch (err) {
      skipped.push({ dir, reason: (err as Error).message.split("\n")[0] });
    }
  }
  return { models, skipped };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `dir/` however it was typed, for messages. */
const folder = (dir: string) => `${dir.replace(/\/+$/, "")}/`;

/**
 * The model folders under `modelsDir` whose config.json parses: what `loadSavedModels` will try,
 * found without loading any weights, so that evaluate can refuse before its expensive work.
 */
export async function listSavedModels(modelsDir: string): Promise<string[]> {
  const names: string[] = [];
  let entries: Deno.DirEntry[] = [];
  try {
    entries = [...Deno.readDirSync(modelsDir)].filter((e) => e.isDirectory);
  } catch {
    return names;
  }
  for (const e of entries) {
    try {
      await readConfigFile(join(modelsDir, e.name));
      names.push(e.name);
    } catch { /* not a model, or a damaged one: loadSavedModels reports it */ }
  }
  return names.sort((a, b) => a.localeCompare(b));
}

/**
 * Throws (a one-line UserError, exit 1) unless a report of `found` may be written into
 * `resultsDir`: there are models, and the report already there (its metrics.json) has none that
 * `found` lacks, since writing would drop them. `replace` allows it anyway. `damaged`: models
 * found but not loadable, named as such.
 */
export async function checkReportReplace(
  resultsDir: string,
  modelsDir: string,
  found: string[],
  opts: { replace?: boolean; damaged?: string[] } = {},
): Promise<void> {
  const damaged = opts.damaged ?? [];
  if (!found.length) {
    throw new UserError(
      damaged.length
        ? `no model in ${folder(modelsDir)} could be loaded (${damaged.join(", ")}: see the ` +
          `"skipped" lines above); nothing written`
        : !exists(modelsDir)
        ? `${folder(modelsDir)} does not exist: train models with "deno task train" or ` +
          `"deno task baselines", or point --models at the folder that has them; nothing written`
        : `no models in ${folder(modelsDir)} (no folder with a config.json): train some with ` +
          `"deno task train" or "deno task baselines", or point --models at them; nothing written`,
    );
  }
  if (opts.replace) return;
  const path = join(resultsDir, "metrics.json");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  let existing: string[];
  try {
    existing = (JSON.parse(text) as { models: { model: string }[] }).models.map((m) => m.model);
  } catch (e) {
    throw new UserError(
      `${path} cannot be read (${(e as Error).message.split("\n")[0]}), so a new report could ` +
        `replace one whose models are unknown; nothing written. Move it away, write elsewhere ` +
        `with --out OTHER_DIR, or replace it anyway with --replace`,
    );
  }
  const lacking = existing.filter((m) => !found.includes(m));
  if (!lacking.length) return;
  throw new UserError(
    `${folder(resultsDir)} holds a report of ${plural(existing.length, "model")}, and ` +
      `${lacking.length === 1 ? "one is" : `${lacking.length} are`} not in ${folder(modelsDir)}: ${
        lacking.map((m) => damaged.includes(m) ? `${m} (damaged)` : m).join(", ")
      }; nothing written. Train them into ${folder(modelsDir)}, point --models at the folder ` +
      `that has them, write elsewhere with --out OTHER_DIR, or replace the report anyway with ` +
      `--replace`,
  );
}

/** Training images a model's config.json records (baselines: trainImages; networks: data). */
function trainImagesOf(config: Record<string, unknown>): number {
  return Number(config.trainImages ?? (config.data as { train?: number })?.train ?? 0);
}

/** A baseline's default training size, when the name is one (`runs.ts` judges full runs by it). */
function defaultSize(name: string): number | undefined {
  try {
    return defaultTrainImages(name);
  } catch {
    return undefined;
  }
}

export { loadSavedModel };

export interface BuildOptions {
  modelsDir: string;
  resultsDir: string;
  train: Dataset;
  test: Dataset;
  /** Rows of results/learning_curve.json (from `deno task baselines --learning-curve`). */
  learningCurve?: { model: string; trainSize: number; accuracy: number }[];
  /** Adapter that ran the network predictions, recorded in metrics.json. */
  adapter?: unknown;
  log?: (line: string) => void;
  seed?: number;
  /** Flip test-time augmentation for the networks (recorded per model in metrics.json). */
  tta?: boolean;
  /** Write even over a report with models this run lacks (see `checkReportReplace`). */
  replace?: boolean;
}

/** Predicts, measures, charts and writes metrics.json, report.md, index.html and figures. */
export async function buildReport(o: BuildOptions) {
  const log = o.log ?? (() => {});
  const { models, skipped } = await loadSavedModels(o.modelsDir);
  for (const s of skipped) log(`skipped ${s.dir}: ${s.reason}`);
  // Before any prediction: refuse at once rather than after minutes of work.
  await checkReportReplace(o.resultsDir, o.modelsDir, models.map((m) => m.name), {
    replace: o.replace,
    damaged: skipped.map((s) => basename(s.dir)),
  });
  const runs = runInfos(
    models.map((m) => ({
      model: m.name,
      config: m.config,
      trainImages: trainImagesOf(m.config),
    })),
    defaultSize,
  );
  const n = o.test.count;
  const x = new Float32Array(o.test.images.length);
  for (let i = 0; i < x.length; i++) x[i] = o.test.images[i] / 255;
  const truth = o.test.labels;

  const results: (ModelResult & {
    predictions: Uint8Array;
    engine: string;
    config: unknown;
    tta: boolean;
    run: RunInfo;
    training: TrainingSummary;
    confusion: number[][];
  })[] = [];
  for (const [i, m] of models.entries()) {
    const start = performance.now();
    const tta = Boolean(o.tta && m.classifier.supportsTta);
    const predictions = await m.classifier.predict(x, n, { tta });
    const seconds = (performance.now() - start) / 1000;
    const report = classificationReport(truth, predictions, CLASS_NAMES.length);
    log(
      `${m.name}: accuracy ${(report.accuracy * 100).toFixed(2)}% (${
        (n / seconds).toFixed(0)
      } images/s)`,
    );
    results.push({
      model: m.name,
      report,
      trainImages: trainImagesOf(m.config),
      trainSeconds: trainSecondsOf(m.config, m.history),
      training: trainingSummary(m.config, m.history),
      imagesPerSecond: n / seconds,
      parameters: m.classifier.parameterCount(),
      predictions,
      engine: m.classifier.engine,
      config: m.config,
      tta,
      run: runs[i],
      confusion: confusionMatrix(truth, predictions, CLASS_NAMES.length),
    });
  }
  // Full runs first, by accuracy; subsets, smoke tests and interrupted runs after them.
  results.sort((a, b) =>
    Number(b.run.full) - Number(a.run.full) || b.report.accuracy - a.report.accuracy
  );

  const dir = o.resultsDir;
  const figures: Partial<Record<SectionId, Figure[]>> = {};
  const chart = async (name: string, spec: TopLevelSpec, alt: string): Promise<Figure> => ({
    file: `${name}.svg`,
    alt,
    svg: await writeChart(dir, name, spec),
  });
  const png = async (name: string, bytes: Uint8Array, alt: string): Promise<Figure> => {
    await writeFileAtomic(join(dir, `${name}.png`), bytes);
    return { file: `${name}.png`, alt, png: bytes };
  };
  // The figures that need the data set, the predictions or the weights; the charts of metrics
  // and histories are composeSections' (compose.ts), shared with a rebuild from results alone.
  figures.classDistribution = [
    await chart(
      "class_distribution",
      charts.classDistribution(o.train.labels, o.test.labels),
      "images per class",
    ),
  ];
  figures.pixelHistogram = [
    await chart("pixel_histogram", charts.pixelHistogram(o.train.images), "pixel intensities"),
  ];
  figures.meanImages = [
    await chart(
      "mean_images",
      charts.meanImages(o.train.images, o.train.labels, o.train.count),
      "mean image per class",
    ),
  ];

  if (results.length) {
    const best = results[0];
    const rng = new Rng(o.seed ?? 1);
    const picks = Array.from({ length: 32 }, () => rng.int(n));
    figures.inference = [
      await png(
        "inference_grid",
        inferenceGrid(o.test.images, truth, best.predictions, picks, CLASS_NAMES, {
          title: `${best.model}: predicted / true; red: wrong`,
        }),
        `random test images with ${best.model}'s predictions`,
      ),
    ];
    figures.misclassified = await Promise.all(results.map((r) =>
      png(
        `misclassified_${r.model}`,
        misclassifiedGrid(o.test.images, truth, r.predictions, CLASS_NAMES, {
          title: `${r.model}: first wrong predictions (predicted / true)`,
        }),
        `${r.model}'s misclassified test images`,
      )
    ));
  }
  const networks = models.filter((m) => m.classifier instanceof NetworkClassifier)
    .map((m) => ({ name: m.name, net: m.classifier as NetworkClassifier }));
  const linear = networks.find((m) => m.name === "softmax") ??
    networks.find((m) => m.net.model.layers.length === 2);
  if (linear) {
    const dense = linear.net.model.params().find((p) => p.name.endsWith("dense.weight"))!;
    figures.weights = [
      await png(
        "linear_weights",
        weightMaps(await dense.value.read(), CLASS_NAMES, {
          title:
            `${linear.name}: weight per pixel and class (red raises the score, blue lowers it)`,
        }),
        "linear model weights per class",
      ),
    ];
  }
  const cnn = networks.find((m) => m.name === "cnn") ??
    networks.find((m) => m.net.model.layers.some((l) => l.spec.type === "conv2d"));
  if (cnn) {
    const layers = cnn.net.model.layers;
    const first = layers.find((l) => l.spec.type === "conv2d")!;
    const w = first.params[0].value;
    figures.filters = [
      await png(
        "cnn_filters",
        filterGrid(await w.read(), w.shape as [number, number, number, number]),
        "first-layer filters",
      ),
    ];
    figures.featureMaps = await cnnFeatureMaps(cnn.name, cnn.net, o.test, png);
  }
  // Histories in the table's order.
  const byName = new Map(models.map((m) => [m.name, m]));
  const sections = await composeSections({
    dir,
    classNames: CLASS_NAMES,
    models: results,
    histories: results.map((r) => byName.get(r.model)!).filter((m) => m.history?.length)
      .map((m) => ({ model: m.name, config: m.config, history: m.history! })),
    learningCurve: o.learningCurve,
    architectures: networks.map((m) => ({ model: m.name, architecture: m.net.model.architecture })),
    figures,
  });

  const metrics = {
    createdAt: new Date().toISOString(),
    testImages: n,
    adapter: o.adapter ?? null,
    skipped,
    models: results.map((r) => ({
      model: r.model,
      // The table's name: the model, then how it was trained where that matters.
      label: runLabel(r.model, r.run),
      run: r.run,
      engine: r.engine,
      accuracy: r.report.accuracy,
      macro: r.report.macro,
      weighted: r.report.weighted,
      perClass: r.report.classes.map((s, c) => ({ className: CLASS_NAMES[c], ...s })),
      trainImages: r.trainImages,
      trainSeconds: r.trainSeconds,
      epochs: r.training.epochs,
      trainedWith: r.training.trainedWith,
      recipe: r.training.recipe,
      inferenceImagesPerSecond: r.imagesPerSecond,
      parameters: r.parameters,
      testTimeAugmentation: r.tta,
      /** Test-set counts m[true][predicted], classes in perClass order. */
      confusion: r.confusion,
      config: r.config,
    })),
  };
  const sentences = headline(metrics, CLASS_NAMES);
  const report = {
    title: REPORT_TITLE,
    headline: sentences,
    intro: introText(n, `the saved models in ${shownPath(o.modelsDir)}`, o.adapter),
    classNames: CLASS_NAMES,
    models: results,
    sections,
  };
  await writeJsonAtomic(join(dir, "metrics.json"), { ...metrics, headline: sentences });
  await writePages(dir, report);
  return { metrics: { ...metrics, headline: sentences }, skipped };
}

/** One test image's activations after each conv block of a network. */
async function cnnFeatureMaps(
  name: string,
  net: NetworkClassifier,
  test: Dataset,
  png: (name: string, bytes: Uint8Array, alt: string) => Promise<Figure>,
): Promise<Figure[]> {
  const layers = net.model.layers;
  const image = Float32Array.from(test.images.subarray(0, 784), (v) => v / 255);
  const captured: { index: number; maps: Float32Array; shape: [number, number, number] }[] = [];
  let h = Tensor.from(image, [1, 28, 28, 1]);
  for (let i = 0; i < layers.length; i++) {
    // Full-size ReLU outputs: no max pool fused into the batch norm before them.
    h = noGrad(() => layers[i].forward(h, { training: false, seed: 0, layerOutputs: true }));
    // After each conv block's activation (what the next block sees).
    const block = layers[i].spec.type === "relu" && layers.slice(0, i).some((l) =>
      l.spec.type === "conv2d"
    ) &&
      layers[i].outputShape.length === 3;
    if (block) {
      captured.push({
        index: i,
        maps: await h.read(),
        shape: layers[i].outputShape as [number, number, number],
      });
    }
  }
  return Promise.all(captured.map((c, k) =>
    png(
      `feature_maps_${k + 1}`,
      featureMaps(c.maps, c.shape, {
        title: `${name}, conv block ${k + 1}: ${c.shape[2]} channels ${c.shape[0]}x${c.shape[1]} ` +
          `for test image 0 (${CLASS_NAMES[test.labels[0]]})`,
      }),
      `feature maps after conv block ${k + 1}`,
    )
  ));
}

/**
 * Training seconds from config.json (`trainSeconds` of a baseline, `timings.trainSeconds` of a
 * network), else the sum of history.json's epoch times (a run copied from another machine
 * mid-way has no `timings`); 0 when neither says.
 */
function trainSecondsOf(config: Record<string, unknown>, history: EpochRecord[] | null): number {
  const recorded = config.trainSeconds ??
    (config.timings as { trainSeconds?: number } | undefined)?.trainSeconds;
  if (typeof recorded === "number") return recorded;
  const epochs = (history ?? []).map((e) => e.seconds).filter((t) => typeof t === "number");
  return epochs.reduce((a, b) => a + b, 0);
}

/** A folder as the user would type it: relative to where they ran the command when inside it. */
function shownPath(dir: string): string {
  const from = Deno.env.get("INIT_CWD") ?? Deno.cwd();
  const rel = relative(from, dir);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? dir : rel;
}
