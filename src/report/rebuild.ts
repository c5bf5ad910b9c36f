// The report pages again from a results folder alone: metrics.json (what `deno task evaluate`
// measured), the networks' histories and the figures already there. Nothing is predicted or
// measured again, so a page whose layout changed can be rebuilt where the models are not (they
// are not in the repository) and in seconds instead of the test set's minutes per model.
//
//   deno run --allow-read --allow-write --allow-env src/report/rebuild.ts [RESULTS_DIR]
import { join } from "node:path";
import { CLASS_NAMES } from "../data/dataset.ts";
import type { ClassificationReport, Scores } from "../eval/metrics.ts";
import type { Architecture } from "../nn/zoo.ts";
import { planArchitecture } from "../nn/model.ts";
import type { EpochRecord } from "../train/types.ts";
import { UserError } from "../util/errors.ts";
import {
  type ComposedModel,
  composeSections,
  introText,
  REPORT_TITLE,
  type SectionId,
  writePages,
} from "./compose.ts";
import { headline } from "./headline.ts";
import type { Figure } from "./html.ts";
import type { RunInfo } from "./runs.ts";

/** One model of metrics.json, the fields the page reads. */
interface MetricsModel {
  model: string;
  run?: RunInfo;
  accuracy: number;
  macro: Scores;
  weighted: Scores;
  perClass: (Scores & { className: string })[];
  trainImages: number;
  trainSeconds: number;
  epochs?: number | null;
  trainedWith?: string;
  recipe?: string;
  inferenceImagesPerSecond: number;
  parameters: number;
  confusion: number[][];
  config: Record<string, unknown>;
}

interface Metrics {
  createdAt: string;
  testImages: number;
  adapter: unknown;
  models: MetricsModel[];
  headline?: string[];
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** metrics.json parsed and checked enough to draw from; a one-line UserError naming it if not. */
export async function readMetrics(path: string): Promise<Metrics> {
  let m: Metrics;
  try {
    m = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new UserError(
      `${path} cannot be read (${(e as Error).message.split("\n")[0]}): run "deno task ` +
        `evaluate" to measure the models first`,
    );
  }
  const k = CLASS_NAMES.length;
  const bad = (why: string) =>
    new UserError(`${path}: ${why}; write it again with "deno task evaluate"`);
  if (!m || !Array.isArray(m.models) || !m.models.length) throw bad("no models");
  if (!isNum(m.testImages)) throw bad("no testImages");
  for (const r of m.models) {
    const name = typeof r?.model === "string" ? r.model : "";
    if (!/^[\w.-]{1,100}$/.test(name)) throw bad("a model without a plain name");
    if (!isNum(r.accuracy) || !Array.isArray(r.perClass) || r.perClass.length !== k) {
      throw bad(`${name} lacks its accuracy or per-class scores`);
    }
    const square = Array.isArray(r.confusion) && r.confusion.length === k &&
      r.confusion.every((row) => Array.isArray(row) && row.length === k && row.every(isNum));
    if (!square) throw bad(`${name}'s confusion matrix is not ${k}×${k} counts`);
  }
  return m;
}

/** A network's history.json rows, or null when absent or not a list of epochs. */
async function readHistory(path: string): Promise<EpochRecord[] | null> {
  try {
    const h = JSON.parse(await Deno.readTextFile(path));
    return Array.isArray(h) && h.length && h.every((e) => isNum(e?.epoch) && isNum(e?.trainLoss))
      ? h
      : null;
  } catch {
    return null;
  }
}

/** An architecture from a config.json that plans (the layer registry accepts it), else null. */
function architectureOf(config: Record<string, unknown>): Architecture | null {
  const a = config.architecture as Architecture | undefined;
  if (!a || typeof a !== "object") return null;
  try {
    planArchitecture(a);
    return a;
  } catch {
    return null;
  }
}

/**
 * Rebuilds index.html and report.md in `resultsDir` from its metrics.json, the histories
 * `<model>_history.json` (or `modelsDir/<model>/history.json` when given and present), its
 * learning_curve.json, and the figures evaluate wrote from the data and the weights (read back
 * as they are; a missing one leaves its section out). Rewrites the charts drawn from metrics and
 * histories and the architecture diagrams. Returns the files written.
 */
export async function rebuildReport(
  resultsDir: string,
  opts: { modelsDir?: string; log?: (line: string) => void } = {},
): Promise<{ models: number; sections: string[] }> {
  const log = opts.log ?? (() => {});
  const metrics = await readMetrics(join(resultsDir, "metrics.json"));
  const models: ComposedModel[] = metrics.models.map((r) => {
    const report: ClassificationReport = {
      classes: r.perClass.map(({ className: _, ...s }) => s),
      accuracy: r.accuracy,
      macro: r.macro,
      weighted: r.weighted,
      total: metrics.testImages,
    };
    return {
      model: r.model,
      report,
      trainImages: r.trainImages,
      trainSeconds: r.trainSeconds,
      imagesPerSecond: r.inferenceImagesPerSecond,
      parameters: r.parameters,
      run: r.run,
      training: {
        epochs: r.epochs ?? null,
        trainedWith: r.trainedWith ?? "—",
        recipe: r.recipe ?? "—",
      },
      confusion: r.confusion,
      config: r.config,
    };
  });
  const histories: { model: string; config: unknown; history: EpochRecord[] }[] = [];
  for (const r of metrics.models) {
    const history = (opts.modelsDir &&
      await readHistory(join(opts.modelsDir, r.model, "history.json"))) ||
      await readHistory(join(resultsDir, `${r.model}_history.json`));
    if (history) histories.push({ model: r.model, config: r.config, history });
  }
  let learningCurve;
  try {
    learningCurve = JSON.parse(await Deno.readTextFile(join(resultsDir, "learning_curve.json")));
    if (!Array.isArray(learningCurve)) learningCurve = undefined;
  } catch { /* no learning curve measured */ }

  const figures: Partial<Record<SectionId, Figure[]>> = {};
  const file = async (name: string, alt: string): Promise<Figure | null> => {
    try {
      if (name.endsWith(".svg")) {
        return { file: name, alt, svg: await Deno.readTextFile(join(resultsDir, name)) };
      }
      return { file: name, alt, png: await Deno.readFile(join(resultsDir, name)) };
    } catch {
      log(`no ${join(resultsDir, name)}: its section is left out`);
      return null;
    }
  };
  const put = (id: SectionId, list: (Figure | null)[]) => {
    const found = list.filter((f): f is Figure => f !== null);
    if (found.length) figures[id] = found;
  };
  const best = metrics.models[0].model;
  put("classDistribution", [await file("class_distribution.svg", "images per class")]);
  put("pixelHistogram", [await file("pixel_histogram.svg", "pixel intensities")]);
  put("meanImages", [await file("mean_images.svg", "mean image per class")]);
  put("inference", [
    await file("inference_grid.png", `random test images with ${best}'s predictions`),
  ]);
  put(
    "misclassified",
    await Promise.all(
      metrics.models.map((r) =>
        file(`misclassified_${r.model}.png`, `${r.model}'s misclassified test images`)
      ),
    ),
  );
  put("weights", [await file("linear_weights.png", "linear model weights per class")]);
  put("filters", [await file("cnn_filters.png", "first-layer filters")]);
  const maps: (Figure | null)[] = [];
  for (let k = 1;; k++) {
    const name = `feature_maps_${k}.png`;
    try {
      await Deno.stat(join(resultsDir, name));
    } catch {
      break;
    }
    maps.push(await file(name, `feature maps after conv block ${k}`));
  }
  put("featureMaps", maps);

  const sections = await composeSections({
    dir: resultsDir,
    classNames: CLASS_NAMES,
    models,
    histories,
    learningCurve,
    architectures: metrics.models.flatMap((r) => {
      const architecture = architectureOf(r.config);
      return architecture ? [{ model: r.model, architecture }] : [];
    }),
    figures,
  });
  const sentences = metrics.headline?.length ? metrics.headline : headline(metrics, CLASS_NAMES);
  await writePages(resultsDir, {
    title: REPORT_TITLE,
    headline: sentences,
    intro: introText(
      metrics.testImages,
      `metrics.json of ${metrics.createdAt.slice(0, 10)} (deno task evaluate)`,
      metrics.adapter,
    ),
    classNames: CLASS_NAMES,
    models,
    sections,
  });
  return { models: models.length, sections: sections.map((s) => s.id) };
}

if (import.meta.main) {
  const dir = Deno.args[0] ?? new URL("../../results", import.meta.url).pathname;
  try {
    const r = await rebuildReport(dir, { log: (l) => console.error(l) });
    console.error(
      `wrote ${join(dir, "index.html")} and report.md: ${r.models} models, ` +
        `${r.sections.length} sections`,
    );
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    console.error(`error: ${e.message}`);
    Deno.exit(1);
  }
}
