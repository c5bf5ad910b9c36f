// Vega-Lite spec builders: each takes plain rows and returns a complete, titled spec whose data is
// small enough to keep beside the SVG (aggregates, never raw images).
import type { TopLevelSpec } from "vega-lite";
import { CLASS_NAMES } from "../data/mod.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const PIXELS = 28 * 28;
const pct = { format: ".0%" };

export function chart(
  title: string,
  description: string,
  body: Record<string, unknown>,
): TopLevelSpec {
  // The description is also the subtitle, so the SVG explains itself when opened alone.
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: description, anchor: "start" },
    description,
    background: "white",
    ...body,
  } as TopLevelSpec;
}

function countLabels(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

/** Test accuracy per model as horizontal bars, best first, each labelled with its value. */
export function accuracyByModel(rows: { model: string; accuracy: number }[]): TopLevelSpec {
  // An explicit order: sort "-x" across the two layers makes Vega-Lite warn and drop it.
  const order = rows.toSorted((a, b) => b.accuracy - a.accuracy).map((r) => r.model);
  return chart("Test accuracy by model", "Share of test images classified correctly", {
    data: { values: rows },
    width: 420,
    encoding: {
      y: { field: "model", type: "nominal", sort: order, title: "Model" },
      x: {
        field: "accuracy",
        type: "quantitative",
        title: "Test accuracy",
        axis: pct,
        scale: { domain: [0, 1] },
      },
    },
    layer: [
      { mark: { type: "bar", color: "#4c78a8" } },
      {
        mark: { type: "text", align: "right", dx: -4, color: "white", fontWeight: "bold" },
        encoding: { text: { field: "accuracy", type: "quantitative", format: ".2%" } },
      },
    ],
  });
}

/** Per-class F1 as a model × class heatmap with the values written in the cells. */
export function perClassF1(rows: { model: string; className: string; f1: number }[]): TopLevelSpec {
  const f1 = rows.map((r) => r.f1);
  // Text flips to white past the middle of the colour range, where the blue gets dark.
  const middle = (Math.min(...f1) + Math.max(...f1)) / 2;
  return chart("F1 score per class", "Darker is better; rows are models, columns classes", {
    data: { values: rows },
    width: { step: 52 },
    height: { step: 24 },
    encoding: {
      x: {
        field: "className",
        type: "nominal",
        sort: null,
        title: "Class",
        axis: { labelAngle: -40 },
      },
      y: { field: "model", type: "nominal", sort: null, title: "Model" },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: { field: "f1", type: "quantitative", title: "F1", scale: { scheme: "blues" } },
        },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: {
          text: { field: "f1", type: "quantitative", format: ".2f" },
          color: { condition: { test: `datum.f1 > ${middle}`, value: "white" }, value: "black" },
        },
      },
    ],
  });
}

/**
 * One confusion matrix per model: counts in the cells, colour the share of the true class (the
 * row), so a dark off-diagonal cell is a frequent confusion whatever the class size.
 */
export function confusionMatrices(
  rows: { model: string; truth: string; predicted: string; count: number }[],
): TopLevelSpec {
  const classes = [...new Set(rows.flatMap((r) => [r.truth, r.predicted]))];
  const models = [...new Set(rows.map((r) => r.model))];
  return chart(
    "Confusion matrices",
    "Rows: true class, columns: predicted class; colour is the share of the row",
    {
      data: { values: rows },
      transform: [
        {
          joinaggregate: [{ op: "sum", field: "count", as: "rowTotal" }],
          groupby: ["model", "truth"],
        },
        { calculate: "datum.rowTotal ? datum.count / datum.rowTotal : 0", as: "share" },
      ],
      facet: {
        field: "model",
        type: "nominal",
        // Facets ignore `sort: null`; an explicit list keeps the caller's order.
        sort: models,
        title: null,
        header: { labelFontSize: 13, labelFontWeight: "bold" },
      },
      columns: 3,
      spec: {
        width: { step: 26 },
        height: { step: 22 },
        encoding: {
          x: {
            field: "predicted",
            type: "nominal",
            sort: classes,
            title: "Predicted class",
            axis: { labelAngle: -45 },
          },
          y: { field: "truth", type: "nominal", sort: classes, title: "True class" },
        },
        layer: [
          {
            mark: "rect",
            encoding: {
              color: {
                field: "share",
                type: "quantitative",
                title: "Share of true class",
                scale: { domain: [0, 1], range: ["white", "#08306b"], interpolate: "rgb" },
                legend: { format: ".0%" },
              },
            },
          },
          {
            transform: [{ filter: "datum.count > 0" }],
            mark: { type: "text", fontSize: 8 },
            encoding: {
              text: { field: "count", type: "quantitative" },
              color: { condition: { test: "datum.share > 0.5", value: "white" }, value: "black" },
            },
          },
        ],
      },
    },
  );
}

export type Split = "train" | "validation";

/** Loss and accuracy per epoch, one colour per model, solid for training, dashed for validation. */
export function trainingCurves(
  rows: { model: string; epoch: number; split: Split; loss: number; accuracy: number }[],
): TopLevelSpec {
  const panel = (field: string, title: string, axis = {}) => ({
    width: 320,
    height: 220,
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "epoch", type: "quantitative", title: "Epoch", axis: { tickMinStep: 1 } },
      y: { field, type: "quantitative", title, axis, scale: { zero: false } },
      color: { field: "model", type: "nominal", title: "Model" },
      strokeDash: {
        field: "split",
        type: "nominal",
        title: "Split",
        sort: ["train", "validation"],
        legend: { symbolType: "stroke" },
      },
    },
  });
  return chart(
    "Training curves",
    "Solid: training images, dashed: held-out validation images; a widening gap is overfitting",
    {
      data: { values: rows },
      hconcat: [panel("loss", "Loss (cross-entropy)"), panel("accuracy", "Accuracy", pct)],
    },
  );
}

/** Test accuracy against the number of training images, on a log axis. */
export function learningCurve(
  rows: { model: string; trainSize: number; accuracy: number }[],
): TopLevelSpec {
  return chart("Learning curve", "Test accuracy as the training set grows", {
    data: { values: rows },
    width: 420,
    height: 280,
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "trainSize",
        type: "quantitative",
        scale: { type: "log" },
        title: "Training images (log scale)",
      },
      y: {
        field: "accuracy",
        type: "quantitative",
        title: "Test accuracy",
        axis: pct,
        scale: { zero: false },
      },
      color: { field: "model", type: "nominal", title: "Model" },
    },
  });
}

/** Test accuracy against training time (seconds > 0, log axis), each point named. */
export function accuracyVsTime(
  rows: { model: string; trainSeconds: number; accuracy: number }[],
): TopLevelSpec {
  return chart("Accuracy against training time", "Up and to the left is better", {
    data: { values: rows },
    width: 420,
    height: 280,
    encoding: {
      x: {
        field: "trainSeconds",
        type: "quantitative",
        scale: { type: "log" },
        title: "Training time in seconds (log scale)",
      },
      y: {
        field: "accuracy",
        type: "quantitative",
        title: "Test accuracy",
        axis: pct,
        scale: { zero: false },
      },
    },
    layer: [
      {
        mark: { type: "point", filled: true, size: 70 },
        encoding: { color: { field: "model", type: "nominal", legend: null } },
      },
      {
        mark: { type: "text", align: "left", dx: 7, fontSize: 11 },
        encoding: { text: { field: "model", type: "nominal" } },
      },
    ],
  });
}

/** Images per class in the training and test labels, side by side. */
export function classDistribution(
  train: Uint8Array,
  test: Uint8Array,
  classNames: readonly string[] = CLASS_NAMES,
): TopLevelSpec {
  const splits = [["train", train], ["test", test]] as const;
  const values = splits.flatMap(([split, labels]) =>
    countLabels(labels, classNames.length).map((count, c) => ({
      className: classNames[c],
      split,
      count,
    }))
  );
  return chart("Images per class", "Training and test images of each class", {
    data: { values },
    height: 220,
    mark: "bar",
    encoding: {
      x: {
        field: "className",
        type: "nominal",
        sort: null,
        title: "Class",
        axis: { labelAngle: -40 },
      },
      xOffset: { field: "split", type: "nominal", sort: ["train", "test"] },
      y: { field: "count", type: "quantitative", title: "Images" },
      color: { field: "split", type: "nominal", sort: ["train", "test"], title: "Split" },
    },
  });
}

/** Histogram of pixel intensities (0–255, 32 bins of 8) on a log count axis. */
export function pixelHistogram(images: Uint8Array): TopLevelSpec {
  const width = 8;
  const counts = new Array<number>(256 / width).fill(0);
  for (const v of images) counts[v >> 3]++;
  // Empty bins are dropped: the count axis is logarithmic.
  const values = counts.map((count, i) => ({ from: i * width, to: (i + 1) * width, count }))
    .filter((d) => d.count > 0);
  return chart(
    "Pixel intensities",
    "Most pixels are background, in the first bin; the garment's shades spread over the rest",
    {
      data: { values },
      width: 420,
      height: 220,
      mark: "bar",
      encoding: {
        x: {
          field: "from",
          type: "quantitative",
          bin: { binned: true, step: width },
          scale: { domain: [0, 256] },
          title: "Pixel intensity (0 = background)",
        },
        x2: { field: "to" },
        y: {
          field: "count",
          type: "quantitative",
          scale: { type: "log" },
          title: "Pixels (log scale)",
        },
        // Bars start at 1: a log axis has no zero.
        y2: { datum: 1 },
      },
    },
  );
}

/** The mean image of each class, as 28×28 grey heatmaps (only the 10×784 means go in the spec). */
export function meanImages(
  images: Uint8Array,
  labels: Uint8Array,
  count: number,
  classNames: readonly string[] = CLASS_NAMES,
): TopLevelSpec {
  const sums = new Float64Array(classNames.length * PIXELS);
  const n = countLabels(labels.subarray(0, count), classNames.length);
  for (let i = 0; i < count; i++) {
    const base = labels[i] * PIXELS;
    for (let p = 0; p < PIXELS; p++) sums[base + p] += images[i * PIXELS + p];
  }
  const values = classNames.map((className, c) => ({
    className,
    pixels: Array.from(
      { length: PIXELS },
      (_, p) => Math.round(sums[c * PIXELS + p] / (n[c] || 1)),
    ),
  }));
  return chart("Mean image per class", "Average of every image of the class; dark is ink", {
    data: { values },
    transform: [
      { flatten: ["pixels"], as: ["value"] },
      { window: [{ op: "row_number", as: "i" }], groupby: ["className"] },
      { calculate: "(datum.i - 1) % 28", as: "x" },
      { calculate: "floor((datum.i - 1) / 28)", as: "y" },
    ],
    facet: { field: "className", type: "nominal", sort: [...classNames], title: null },
    columns: 5,
    spec: {
      width: 112,
      height: 112,
      // 7,840 cells: a per-cell screen-reader label would triple the SVG and say nothing useful.
      mark: { type: "rect", aria: false },
      encoding: {
        x: { field: "x", type: "ordinal", axis: null },
        y: { field: "y", type: "ordinal", axis: null },
        color: {
          field: "value",
          type: "quantitative",
          title: "Mean intensity",
          scale: { domain: [0, 255], range: ["white", "black"] },
        },
      },
    },
  });
}
