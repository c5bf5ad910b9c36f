// The report's sections and pages from results already measured: shared by `deno task evaluate`
// (build.ts, right after predicting) and by a rebuild from a results folder alone (rebuild.ts),
// so both write the same page.
import { join } from "node:path";
import type { Architecture } from "../nn/zoo.ts";
import type { EpochRecord } from "../train/types.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import * as charts from "./charts.ts";
import { architectureSvg } from "./diagram.ts";
import { experimentsBlocks, withExperimentsHtml, withExperimentsMarkdown } from "./experiments.ts";
import {
  type Figure,
  indexHtml,
  type ModelResult,
  type Report,
  reportMarkdown,
  type Section,
  SECTION_TEXT,
} from "./html.ts";
import { type TopLevelSpec, writeChart } from "./vega.ts";

export type SectionId = keyof typeof SECTION_TEXT;

/** The sections' order on the page and in report.md. */
export const SECTION_ORDER: readonly SectionId[] = [
  "accuracy",
  "perClassF1",
  "confusion",
  "trainingCurves",
  "learningCurve",
  "accuracyVsTime",
  "classDistribution",
  "pixelHistogram",
  "meanImages",
  "inference",
  "misclassified",
  "weights",
  "architectures",
  "filters",
  "featureMaps",
];

/** Minimum column widths (CSS px) of the small multiples: a confusion panel at 100% zoom. */
const GRID_MIN: Partial<Record<SectionId, number>> = {
  confusion: 330,
  misclassified: 440,
  featureMaps: 440,
};

/** Minimum column widths (CSS px) of figures flowed into columns (diagrams of any height). */
const COLUMN_MIN: Partial<Record<SectionId, number>> = { architectures: 370 };

/** Figures whose files are gone from a report folder (a stale page's leftovers). */
export const STALE_FILES = ["confusion.svg", "confusion.vl.json"];

/** One evaluated model, as metrics.json records it and the page shows it. */
export type ComposedModel = ModelResult & {
  /** Test-set counts m[true][predicted], classes in `classNames` order. */
  confusion: number[][];
  config: unknown;
};

export interface ComposeInput {
  dir: string;
  classNames: readonly string[];
  /** Full runs first, by accuracy (the order of the table and the charts). */
  models: ComposedModel[];
  /** Per-epoch histories of the networks that have one (history.json). */
  histories: { model: string; config: unknown; history: EpochRecord[] }[];
  learningCurve?: { model: string; trainSize: number; accuracy: number }[];
  /** Networks to draw, named by their saved folder (not their architecture's name). */
  architectures: { model: string; architecture: Architecture }[];
  /** Figures made elsewhere (from the data set, weights or predictions), already written. */
  figures: Partial<Record<SectionId, Figure[]>>;
}

/** The label smoothing ε a network's config.json records (hyperParameters.labelSmoothing). */
export function labelSmoothingOf(config: unknown): number {
  const hp = (config as { hyperParameters?: { labelSmoothing?: unknown } } | null)
    ?.hyperParameters;
  const eps = Number(hp?.labelSmoothing ?? 0);
  return Number.isFinite(eps) && eps > 0 ? eps : 0;
}

/**
 * Writes the charts and architecture diagrams that come from metrics and histories into
 * `c.dir` (name.vl.json + name.svg each) and returns every section in `SECTION_ORDER`, the
 * `c.figures` ones included. Sections without figures are left out.
 */
export async function composeSections(c: ComposeInput): Promise<Section[]> {
  const { dir, models } = c;
  const made: Partial<Record<SectionId, Figure[]>> = {};
  const chart = async (name: string, spec: TopLevelSpec, alt: string, caption?: string) => ({
    file: `${name}.svg`,
    alt,
    ...(caption ? { caption } : {}),
    svg: await writeChart(dir, name, spec),
  });
  if (models.length) {
    made.accuracy = [
      await chart(
        "accuracy",
        charts.accuracyByModel(
          models.map((r) => ({ model: r.model, accuracy: r.report.accuracy })),
          { width: 280 },
        ),
        "test accuracy by model",
      ),
    ];
    made.perClassF1 = [
      await chart(
        "per_class_f1",
        charts.perClassF1(
          models.flatMap((r) =>
            r.report.classes.map((s, k) => ({
              model: r.model,
              className: c.classNames[k],
              f1: s.f1,
            }))
          ),
        ),
        "F1 per class and model",
      ),
    ];
    // Small multiples: one complete panel per model, errors on one shared scale.
    const scaleTop = charts.confusionScaleTop(models.map((r) => r.confusion));
    made.confusion = await Promise.all(models.map((r) =>
      chart(
        `confusion_${r.model}`,
        charts.confusionMatrix(r.model, r.confusion, c.classNames, { scaleTop }),
        `confusion matrix of ${r.model}`,
      )
    ));
  }
  const curves = c.histories.flatMap(({ model, history }) =>
    history.flatMap((h) => [
      {
        model,
        epoch: h.epoch,
        split: "train" as const,
        // Without label smoothing where the run recorded it, the definition validation uses.
        loss: h.trainCrossEntropy ?? h.trainLoss,
        accuracy: h.trainAccuracy,
      },
      ...(h.valLoss === null || h.valAccuracy === null ? [] : [{
        model,
        epoch: h.epoch,
        split: "validation" as const,
        loss: h.valLoss,
        accuracy: h.valAccuracy,
      }]),
    ])
  );
  if (curves.length) {
    const smoothedTrainLoss = Object.fromEntries(
      c.histories
        // A history whose every epoch has trainCrossEntropy draws that: nothing to leave out.
        .filter((h) => !h.history.every((e) => e.trainCrossEntropy !== undefined))
        .map((h) => [h.model, labelSmoothingOf(h.config)]).filter(([, e]) => e),
    );
    made.trainingCurves = [
      await chart(
        "training_curves",
        charts.trainingCurves(curves, { smoothedTrainLoss }),
        "training curves",
      ),
    ];
  }
  if (c.learningCurve?.length) {
    // The saved models' full runs extend each curve to its largest size (60,000 where feasible).
    const rows = [...c.learningCurve];
    for (const r of models) {
      const known = rows.some((p) => p.model === r.model && p.trainSize === r.trainImages);
      if (r.trainImages > 0 && !known) {
        rows.push({ model: r.model, trainSize: r.trainImages, accuracy: r.report.accuracy });
      }
    }
    rows.sort((a, b) => a.model.localeCompare(b.model) || a.trainSize - b.trainSize);
    made.learningCurve = [
      await chart("learning_curve", charts.learningCurve(rows), "learning curve"),
    ];
  }
  const timed = models.filter((r) => r.trainSeconds > 0);
  if (timed.length) {
    made.accuracyVsTime = [
      await chart(
        "accuracy_vs_time",
        charts.accuracyVsTime(timed.map((r) => ({
          model: r.model,
          trainSeconds: r.trainSeconds,
          accuracy: r.report.accuracy,
        }))),
        "accuracy against training time",
      ),
    ];
  }
  const diagrams: Figure[] = [];
  for (const a of c.architectures) {
    const svg = architectureSvg(a.architecture, { model: a.model });
    const file = `architecture_${a.model}.svg`;
    await writeFileAtomic(join(dir, file), svg);
    diagrams.push({
      file,
      alt: `${a.model} architecture`,
      caption: a.model === a.architecture.name
        ? a.model
        : `${a.model} (architecture ${a.architecture.name})`,
      svg,
    });
  }
  if (diagrams.length) made.architectures = diagrams;
  for (const f of STALE_FILES) await Deno.remove(join(dir, f)).catch(() => {});

  const sections: Section[] = [];
  for (const id of SECTION_ORDER) {
    const figures = made[id] ?? c.figures[id] ?? [];
    if (!figures.length) continue;
    sections.push({
      id,
      ...SECTION_TEXT[id],
      figures,
      ...(GRID_MIN[id] ? { gridMin: GRID_MIN[id] } : {}),
      ...(COLUMN_MIN[id] ? { columnMin: COLUMN_MIN[id] } : {}),
      ...(id === "confusion"
        ? {
          legend: {
            title: "Errors, share of the true class",
            stops: charts.CONFUSION_COLOURS.map((colour, i) => ({
              colour,
              at: [0, charts.CONFUSION_MIDPOINT, 1][i],
            })),
            from: "0%",
            to: `${(charts.confusionScaleTop(models.map((r) => r.confusion)) * 100).toFixed(1)}%`,
            swatch: { colour: charts.CONFUSION_DIAGONAL, label: "correct (diagonal)" },
          },
        }
        : {}),
    });
  }
  return sections;
}

/** Writes report.md and index.html (with the experiments' section when its results are there). */
export async function writePages(dir: string, report: Report): Promise<void> {
  const experiments = experimentsBlocks(dir);
  await writeFileAtomic(
    join(dir, "report.md"),
    withExperimentsMarkdown(reportMarkdown(report), experiments?.markdown ?? null),
  );
  await writeFileAtomic(
    join(dir, "index.html"),
    withExperimentsHtml(indexHtml(report), experiments?.html ?? null),
  );
}

export const REPORT_TITLE = "Fashion-MNIST: a CNN against flattened-pixel models";

/** The paragraph under the summary: where the figures come from. */
export function introText(testImages: number, source: string, adapter: unknown): string {
  return `Every model below was evaluated on the same ${
    testImages.toLocaleString("en")
  } Fashion-MNIST test images. ` +
    `Training sizes and times are each model's own (see the table); figures come from ` +
    `${source}, evaluated on ${describeAdapter(adapter)}.`;
}

export function describeAdapter(adapter: unknown): string {
  const a = adapter as { description?: string; backend?: string } | undefined;
  return a?.description ? `${a.description} (${a.backend})` : "the default WebGPU adapter";
}
