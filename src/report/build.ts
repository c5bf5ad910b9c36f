// `deno task evaluate`: every saved model on the same 10,000 test images, into results/.
import { join } from "node:path";
import type { Classifier } from "../baselines/classifier.ts";
import { loadClassifier } from "../baselines/registry.ts";
import { NetworkClassifier } from "../baselines/network.ts";
import { CLASS_NAMES, type Dataset } from "../data/dataset.ts";
import { classificationReport, confusionMatrix } from "../eval/metrics.ts";
import type { EpochRecord } from "../train/fit.ts";
import { noGrad, Tensor } from "../autograd/tensor.ts";
import { architectureSvg } from "./diagram.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import * as charts from "./charts.ts";
import { type TopLevelSpec, writeChart } from "./vega.ts";
import { featureMaps, filterGrid, inferenceGrid, misclassifiedGrid, weightMaps } from "./grids.ts";
import {
  type Figure,
  indexHtml,
  type ModelResult,
  reportMarkdown,
  type Section,
  SECTION_TEXT,
} from "./html.ts";
import { Rng } from "../util/random.ts";

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
      const config = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
      const classifier = await loadSavedModel(dir, config);
      let history: EpochRecord[] | null = null;
      try {
        history = JSON.parse(await Deno.readTextFile(join(dir, "history.json")));
      } catch { /* baselines have none */ }
      models.push({ name: e.name, dir, classifier, config, history });
    } catch (err) {
      skipped.push({ dir, reason: (err as Error).message.split("\n")[0] });
    }
  }
  return { models, skipped };
}

/** A saved network or baseline, by the `kind` in its config.json. */
export function loadSavedModel(dir: string, config: { kind?: unknown }): Promise<Classifier> {
  return config.kind === "network" ? NetworkClassifier.load(dir) : loadClassifier(dir);
}

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
}

/** Predicts, measures, charts and writes metrics.json, report.md, index.html and figures. */
export async function buildReport(o: BuildOptions) {
  const log = o.log ?? (() => {});
  const { models, skipped } = await loadSavedModels(o.modelsDir);
  for (const s of skipped) log(`skipped ${s.dir}: ${s.reason}`);
  const n = o.test.count;
  const x = new Float32Array(o.test.images.length);
  for (let i = 0; i < x.length; i++) x[i] = o.test.images[i] / 255;
  const truth = o.test.labels;

  const results: (ModelResult & {
    predictions: Uint8Array;
    engine: string;
    config: unknown;
    tta: boolean;
  })[] = [];
  for (const m of models) {
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
      trainImages: Number(
        m.config.trainImages ?? (m.config.data as { train?: number })?.train ?? 0,
      ),
      trainSeconds: Number(
        m.config.trainSeconds ?? (m.config.timings as { trainSeconds?: number })?.trainSeconds ?? 0,
      ),
      imagesPerSecond: n / seconds,
      parameters: m.classifier.parameterCount(),
      predictions,
      engine: m.classifier.engine,
      config: m.config,
      tta,
    });
  }
  results.sort((a, b) => b.report.accuracy - a.report.accuracy);

  const dir = o.resultsDir;
  const sections: Section[] = [];
  const chart = async (name: string, spec: TopLevelSpec, alt: string): Promise<Figure> => ({
    file: `${name}.svg`,
    alt,
    svg: await writeChart(dir, name, spec),
  });
  const png = async (name: string, bytes: Uint8Array, alt: string): Promise<Figure> => {
    await writeFileAtomic(join(dir, `${name}.png`), bytes);
    return { file: `${name}.png`, alt, png: bytes };
  };
  const section = (id: keyof typeof SECTION_TEXT, figures: Figure[]) => {
    if (figures.length) sections.push({ id, ...SECTION_TEXT[id], figures });
  };

  if (results.length) {
    section("accuracy", [
      await chart(
        "accuracy",
        charts.accuracyByModel(
          results.map((r) => ({ model: r.model, accuracy: r.report.accuracy })),
        ),
        "test accuracy by model",
      ),
    ]);
    section("perClassF1", [
      await chart(
        "per_class_f1",
        charts.perClassF1(
          results.flatMap((r) =>
            r.report.classes.map((s, c) => ({
              model: r.model,
              className: CLASS_NAMES[c],
              f1: s.f1,
            }))
          ),
        ),
        "F1 per class and model",
      ),
    ]);
    section("confusion", [
      await chart(
        "confusion",
        charts.confusionMatrices(
          results.flatMap((r) =>
            confusionMatrix(truth, r.predictions, CLASS_NAMES.length).flatMap((row, t) =>
              row.map((count, p) => ({
                model: r.model,
                truth: CLASS_NAMES[t],
                predicted: CLASS_NAMES[p],
                count,
              }))
            )
          ),
        ),
        "confusion matrices",
      ),
    ]);
  }
  const curves = models.flatMap((m) =>
    (m.history ?? []).flatMap((h) => [
      {
        model: m.name,
        epoch: h.epoch,
        split: "train" as const,
        loss: h.trainLoss,
        accuracy: h.trainAccuracy,
      },
      ...(h.valLoss === null || h.valAccuracy === null ? [] : [{
        model: m.name,
        epoch: h.epoch,
        split: "validation" as const,
        loss: h.valLoss,
        accuracy: h.valAccuracy,
      }]),
    ])
  );
  if (curves.length) {
    section("trainingCurves", [
      await chart("training_curves", charts.trainingCurves(curves), "training curves"),
    ]);
  }
  if (o.learningCurve?.length) {
    // The saved models' full runs extend each curve to its largest size (60,000 where feasible).
    const rows = [...o.learningCurve];
    for (const r of results) {
      const known = rows.some((p) => p.model === r.model && p.trainSize === r.trainImages);
      if (r.trainImages > 0 && !known) {
        rows.push({ model: r.model, trainSize: r.trainImages, accuracy: r.report.accuracy });
      }
    }
    rows.sort((a, b) => a.model.localeCompare(b.model) || a.trainSize - b.trainSize);
    section("learningCurve", [
      await chart("learning_curve", charts.learningCurve(rows), "learning curve"),
    ]);
  }
  const timed = results.filter((r) => r.trainSeconds > 0);
  if (timed.length) {
    section("accuracyVsTime", [
      await chart(
        "accuracy_vs_time",
        charts.accuracyVsTime(timed.map((r) => ({
          model: r.model,
          trainSeconds: r.trainSeconds,
          accuracy: r.report.accuracy,
        }))),
        "accuracy against training time",
      ),
    ]);
  }
  section("classDistribution", [
    await chart(
      "class_distribution",
      charts.classDistribution(o.train.labels, o.test.labels),
      "images per class",
    ),
  ]);
  section("pixelHistogram", [
    await chart("pixel_histogram", charts.pixelHistogram(o.train.images), "pixel intensities"),
  ]);
  section("meanImages", [
    await chart(
      "mean_images",
      charts.meanImages(o.train.images, o.train.labels, o.train.count),
      "mean image per class",
    ),
  ]);

  if (results.length) {
    const best = results[0];
    const rng = new Rng(o.seed ?? 1);
    const picks = Array.from({ length: 32 }, () => rng.int(n));
    section("inference", [
      await png(
        "inference_grid",
        inferenceGrid(o.test.images, truth, best.predictions, picks, CLASS_NAMES, {
          title: `${best.model}: predicted / true; red: wrong`,
        }),
        `random test images with ${best.model}'s predictions`,
      ),
    ]);
    section(
      "misclassified",
      await Promise.all(results.map((r) =>
        png(
          `misclassified_${r.model}`,
          misclassifiedGrid(o.test.images, truth, r.predictions, CLASS_NAMES, {
            title: `${r.model}: first wrong predictions (predicted / true)`,
          }),
          `${r.model}'s misclassified test images`,
        )
      )),
    );
  }
  const networks = models.filter((m) => m.classifier instanceof NetworkClassifier)
    .map((m) => ({ name: m.name, net: m.classifier as NetworkClassifier }));
  const linear = networks.find((m) => m.name === "softmax") ??
    networks.find((m) => m.net.model.layers.length === 2);
  if (linear) {
    const dense = linear.net.model.params().find((p) => p.name.endsWith("dense.weight"))!;
    section("weights", [
      await png(
        "linear_weights",
        weightMaps(await dense.value.read(), CLASS_NAMES, {
          title:
            `${linear.name}: weight per pixel and class (red raises the score, blue lowers it)`,
        }),
        "linear model weights per class",
      ),
    ]);
  }
  const diagrams: Figure[] = [];
  for (const m of networks) {
    const svg = architectureSvg(m.net.model.architecture);
    await writeFileAtomic(join(dir, `architecture_${m.name}.svg`), svg);
    diagrams.push({ file: `architecture_${m.name}.svg`, alt: `${m.name} architecture`, svg });
  }
  section("architectures", diagrams);
  const cnn = networks.find((m) => m.name === "cnn") ??
    networks.find((m) => m.net.model.layers.some((l) => l.spec.type === "conv2d"));
  if (cnn) {
    const layers = cnn.net.model.layers;
    const first = layers.find((l) => l.spec.type === "conv2d")!;
    const w = first.params[0].value;
    section("filters", [
      await png(
        "cnn_filters",
        filterGrid(await w.read(), w.shape as [number, number, number, number]),
        "first-layer filters",
      ),
    ]);
    section("featureMaps", await cnnFeatureMaps(cnn.name, cnn.net, o.test, png));
  }

  const metrics = {
    createdAt: new Date().toISOString(),
    testImages: n,
    adapter: o.adapter ?? null,
    skipped,
    models: results.map((r) => ({
      model: r.model,
      engine: r.engine,
      accuracy: r.report.accuracy,
      macro: r.report.macro,
      weighted: r.report.weighted,
      perClass: r.report.classes.map((s, c) => ({ className: CLASS_NAMES[c], ...s })),
      trainImages: r.trainImages,
      trainSeconds: r.trainSeconds,
      inferenceImagesPerSecond: r.imagesPerSecond,
      parameters: r.parameters,
      testTimeAugmentation: r.tta,
      config: r.config,
    })),
  };
  const report = {
    title: "Fashion-MNIST: a CNN against flattened-pixel models",
    intro: `Every model below was evaluated on the same ${n} Fashion-MNIST test images. ` +
      `Training sizes and times are each model's own (see the table); figures come from the ` +
      `saved models in ${o.modelsDir}, evaluated on ${describeAdapter(o.adapter)}.`,
    classNames: CLASS_NAMES,
    models: results,
    sections,
  };
  await writeJsonAtomic(join(dir, "metrics.json"), metrics);
  await writeFileAtomic(join(dir, "report.md"), reportMarkdown(report));
  await writeFileAtomic(join(dir, "index.html"), indexHtml(report));
  return { metrics, skipped };
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
    h = noGrad(() => layers[i].forward(h, { training: false, seed: 0 }));
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

function describeAdapter(adapter: unknown): string {
  const a = adapter as { description?: string; backend?: string } | undefined;
  return a?.description ? `${a.description} (${a.backend})` : "the default WebGPU adapter";
}
