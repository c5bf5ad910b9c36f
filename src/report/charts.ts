// Vega-Lite spec builders: each takes plain rows and returns a complete, titled spec whose data is
// small enough to keep beside the SVG (aggregates, never raw images).
import type { TopLevelSpec } from "vega-lite";
import { CLASS_NAMES } from "../data/mod.ts";
import { estimateTextWidth, placeLabels } from "./labels.ts";
import { modelScales, modelStyles } from "./palette.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const PIXELS = 28 * 28;
// One decimal: zoomed accuracy axes tick every 0.5 or 1 point, and ".0%" printed 79.5% as "80%".

export function chart(
  title: string,
  description: string | string[],
  body: Record<string, unknown>,
): TopLevelSpec {
  // The description is also the subtitle (one line per entry when several), so the SVG explains
  // itself when opened alone.
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: description, anchor: "start" },
    description: typeof description === "string" ? description : description.join(" "),
    background: "white",
    ...body,
  } as TopLevelSpec;
}

function countLabels(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * An accuracy axis zoomed on the data, so that a gap of one point is visible: from a little below
 * the lowest value (rounded down to a multiple of 5%) to `top`, by default a little above the
 * highest (rounded up to a multiple of 5%, at most 100%).
 */
export function accuracyDomain(values: readonly number[], top?: number): [number, number] {
  if (!values.length) return [0, 1];
  const lo = Math.max(0, Math.floor((Math.min(...values) - 0.01) * 20) / 20);
  const hi = top ?? Math.min(1, Math.ceil((Math.max(...values) + 0.01) * 20) / 20);
  return [round2(lo), round2(hi)];
}

/**
 * A zoomed accuracy axis's ticks: every multiple of 5% (10% past a span of 50%) from `lo` to `hi`,
 * so that its first label is where the axis starts; Vega's own picks on such a domain land on
 * 76%, 84%, ... which reads as if the axis started elsewhere.
 */
export function accuracyAxis(lo: number, hi: number) {
  const step = hi - lo > 0.5 ? 10 : 5;
  const values: number[] = [];
  for (let p = Math.ceil(lo * 100 / step) * step; p <= Math.round(hi * 100); p += step) {
    values.push(p / 100);
  }
  return { format: ".0%", values };
}

/** "the axis starts at 70%" for a subtitle, where an axis does not start at 0. */
const startsAt = (lo: number) => lo > 0 ? `; the axis starts at ${Math.round(lo * 100)}%` : "";

/**
 * Test accuracy per model as a dot plot, best first, each dot in the model's colour and shape and
 * labelled with its value. The axis runs from a little below the worst model to 100%: bars from 0
 * would hide the one- and two-point gaps between models.
 */
export function accuracyByModel(
  rows: { model: string; accuracy: number }[],
  opts: { width?: number } = {},
): TopLevelSpec {
  // An explicit order: sort "-x" across the layers makes Vega-Lite warn and drop it.
  const order = rows.toSorted((a, b) => b.accuracy - a.accuracy).map((r) => r.model);
  const [lo, hi] = accuracyDomain(rows.map((r) => r.accuracy), 1);
  const scales = modelScales(order);
  return chart(
    "Test accuracy by model",
    `Share of test images classified correctly${startsAt(lo)}`,
    {
      data: { values: rows },
      width: opts.width ?? 420,
      height: { step: 22 },
      encoding: {
        y: { field: "model", type: "nominal", sort: order, title: "Model" },
        x: {
          field: "accuracy",
          type: "quantitative",
          title: "Test accuracy",
          axis: accuracyAxis(lo, hi),
          scale: { domain: [lo, hi], nice: false, zero: false },
        },
      },
      layer: [
        // A thin stem from the axis start: the eye follows each row to its dot.
        {
          mark: { type: "rule", color: "#cccccc" },
          encoding: { x: { datum: lo }, x2: { field: "accuracy" } },
        },
        {
          mark: { type: "point", filled: true, size: 90, opacity: 1 },
          encoding: {
            color: { field: "model", type: "nominal", scale: scales.color, legend: null },
            shape: { field: "model", type: "nominal", scale: scales.shape, legend: null },
          },
        },
        {
          mark: { type: "text", align: "left", dx: 9, fontSize: 11 },
          encoding: { text: { field: "accuracy", type: "quantitative", format: ".2%" } },
        },
      ],
    },
  );
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
 * The colours of `confusionMatrix`'s off-diagonal cells, from no images to the scale's top: a
 * sequential orange ramp (ColorBrewer "Oranges" 1, 5 and 9), interpolated in RGB so that a CSS
 * `linear-gradient` through the same stops draws the page's legend exactly.
 */
export const CONFUSION_COLOURS = ["#fff5eb", "#fd8d3c", "#7f2704"] as const;

/**
 * Where on the error scale (0 to its top) the middle colour sits: a third of the way, so that
 * the many 2–10% confusions get most of the ramp and the one worst cell does not wash them out.
 */
export const CONFUSION_MIDPOINT = 0.35;

/** The grey of a confusion matrix's diagonal (the correct answers), kept off the error scale. */
export const CONFUSION_DIAGONAL = "#e3e3e3";

/**
 * The largest off-diagonal share of its true class in any of `matrices` (`m[true][predicted]`
 * counts): the top of the error colour scale shared by every panel, so that panels compare.
 * At least 1%, so that a nearly perfect model's few errors are not painted as severe.
 */
export function confusionScaleTop(matrices: readonly (readonly (readonly number[])[])[]): number {
  let top = 0.01;
  for (const m of matrices) {
    m.forEach((row, t) => {
      const total = row.reduce((a, b) => a + b, 0);
      row.forEach((count, p) => {
        if (p !== t && total > 0) top = Math.max(top, count / total);
      });
    });
  }
  return top;
}

/**
 * One model's confusion matrix as a panel of small multiples, complete on its own: class names
 * on both axes, the count in every non-empty cell (11 px). The diagonal (correct answers) is
 * grey; off-diagonal cells are coloured by their share of the true class (the row) on a scale of
 * their own, 0 to `scaleTop` (`confusionScaleTop`, the same for every panel), so that a typical
 * confusion of 5–15% is dark instead of washed out by the diagonal's 90%.
 *
 * `matrix[t][p]`: test images of class t predicted as p, classes in `classNames` order.
 */
export function confusionMatrix(
  model: string,
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
  opts: { scaleTop: number; subtitle?: string },
): TopLevelSpec {
  const values = matrix.flatMap((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, p) => ({
      truth: classNames[t],
      predicted: classNames[p],
      count,
      share: total ? count / total : 0,
      diagonal: t === p,
    }));
  });
  const correct = matrix.reduce((n, row, t) => n + row[t], 0);
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const errors = total - correct;
  const top = opts.scaleTop;
  const axis = { labelFontSize: 11, titleFontSize: 11, titleFontWeight: "normal" };
  return {
    $schema: SCHEMA,
    title: {
      text: model,
      subtitle: opts.subtitle ??
        `${((correct / (total || 1)) * 100).toFixed(2)}% correct, ${
          errors.toLocaleString("en-US")
        } errors`,
      anchor: "start",
      fontSize: 14,
      subtitleFontSize: 11,
    },
    description: `Confusion matrix of ${model}: rows true class, columns predicted class`,
    background: "white",
    data: { values },
    width: { step: 25 },
    height: { step: 25 },
    encoding: {
      x: {
        field: "predicted",
        type: "nominal",
        sort: [...classNames],
        title: "Predicted class",
        axis: { ...axis, labelAngle: -45 },
      },
      y: { field: "truth", type: "nominal", sort: [...classNames], title: "True class", axis },
    },
    layer: [
      {
        transform: [{ filter: "datum.diagonal" }],
        mark: { type: "rect", color: CONFUSION_DIAGONAL },
      },
      {
        // Cells with no images stay white.
        transform: [{ filter: "!datum.diagonal && datum.count > 0" }],
        mark: "rect",
        encoding: {
          color: {
            field: "share",
            type: "quantitative",
            scale: {
              domain: [0, top * CONFUSION_MIDPOINT, top],
              range: [...CONFUSION_COLOURS],
              interpolate: "rgb",
              clamp: true,
            },
            legend: null,
          },
        },
      },
      {
        transform: [{ filter: "datum.diagonal && datum.count > 0" }],
        mark: { type: "text", fontSize: 11, fontWeight: "bold", color: "black" },
        encoding: { text: { field: "count", type: "quantitative" } },
      },
      {
        transform: [{ filter: "!datum.diagonal && datum.count > 0" }],
        mark: { type: "text", fontSize: 11 },
        encoding: {
          text: { field: "count", type: "quantitative" },
          // White on the darker half of the scale.
          color: {
            condition: { test: `datum.share > ${top * 0.55}`, value: "white" },
            value: "black",
          },
        },
      },
    ],
  } as TopLevelSpec;
}

export type Split = "train" | "validation";

/** One entry of a hand-made legend: a short line (solid or dashed) through a point shape. */
interface KeyEntry {
  label: string;
  colour: string;
  shape?: string;
  dashed?: boolean;
}

/**
 * A legend drawn as a small chart of its own, one row per entry: a line sample with the point
 * shape on it, then the label. Vega-Lite's legends show a line or a point, not both, and draw no
 * sample for a dash pattern on a chart that also has filled points.
 */
function lineKey(title: string, entries: KeyEntry[]) {
  const x = (at: number) => ({
    datum: at,
    type: "quantitative",
    scale: { domain: [0, 1] },
    axis: null,
  });
  const width = Math.max(60, ...entries.map((e) => estimateTextWidth(e.label, 11) + 34));
  const pixel = (at: number) => at / width;
  return {
    title: { text: title, fontSize: 11, anchor: "start" },
    width,
    height: { step: 18 },
    view: { stroke: null },
    data: { values: entries.map((e) => ({ ...e, dash: e.dashed ? [4, 3] : [1, 0] })) },
    encoding: {
      y: { field: "label", type: "nominal", sort: entries.map((e) => e.label), axis: null },
    },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 1.8 },
        encoding: {
          x: x(0),
          x2: { datum: pixel(24) },
          color: { field: "colour", type: "nominal", scale: null },
          strokeDash: { field: "dash", type: "nominal", scale: null },
        },
      },
      {
        transform: [{ filter: "datum.shape" }],
        mark: { type: "point", filled: true, size: 45, opacity: 1 },
        encoding: {
          x: x(pixel(12)),
          color: { field: "colour", type: "nominal", scale: null },
          shape: { field: "shape", type: "nominal", scale: null },
        },
      },
      {
        mark: { type: "text", align: "left", baseline: "middle", fontSize: 11 },
        encoding: { x: x(pixel(30)), text: { field: "label", type: "nominal" } },
      },
    ],
  };
}

/** The key of a chart whose lines are models: each model's colour and shape. */
export function modelKey(models: string[]) {
  const styles = modelStyles(models);
  return lineKey(
    "Model",
    models.map((m) => ({ label: m, colour: styles.get(m)!.colour, shape: styles.get(m)!.shape })),
  );
}

/**
 * Layers drawing one line with points per model, in the model's colour and shape (no legend:
 * `modelKey` is the legend); `dash` adds the split's dash pattern to the lines.
 */
export function modelLines(models: string[], dash?: Record<string, unknown>) {
  const scales = modelScales(models);
  const color = { field: "model", type: "nominal", scale: scales.color, legend: null };
  return [
    {
      mark: { type: "line", strokeWidth: 1.8 },
      encoding: { color, ...(dash ? { strokeDash: dash } : {}) },
    },
    {
      mark: { type: "point", filled: true, size: 45, opacity: 1 },
      encoding: {
        color,
        shape: { field: "model", type: "nominal", scale: scales.shape, legend: null },
        ...(dash ? { detail: { field: dash.field, type: "nominal" } } : {}),
      },
    },
  ];
}

/**
 * Loss and accuracy per epoch, one colour and point shape per model, solid for training, dashed
 * for validation; the accuracy axis zoomed on the data.
 *
 * One loss definition per chart: cross-entropy without label smoothing, as validation computes it
 * (src/train/evaluate.ts). A model in `smoothedTrainLoss` logged its training loss with label
 * smoothing (src/train/fit.ts passes `smoothing` to the loss), a larger quantity that cannot be
 * turned back into plain cross-entropy, so its training loss is left out of the loss panel (the
 * accuracy panel still has both splits) and the subtitle says so. Keys are model names, values
 * the smoothing ε.
 */
export function trainingCurves(
  rows: { model: string; epoch: number; split: Split; loss: number | null; accuracy: number }[],
  opts: { smoothedTrainLoss?: Record<string, number> } = {},
): TopLevelSpec {
  const smoothed = opts.smoothedTrainLoss ?? {};
  const values = rows.map((r) =>
    r.split === "train" && (smoothed[r.model] ?? 0) > 0 ? { ...r, loss: null } : r
  );
  const models = [...new Set(rows.map((r) => r.model))];
  const leftOut = models.filter((m) => (smoothed[m] ?? 0) > 0);
  const dash = {
    field: "split",
    type: "nominal",
    sort: ["train", "validation"],
    scale: { domain: ["train", "validation"], range: [[1, 0], [4, 3]] },
    legend: null,
  };
  const panel = (field: string, title: string, axis = {}, scale: object = { zero: false }) => ({
    width: 320,
    height: 220,
    transform: [{ filter: `isValid(datum.${field})` }],
    encoding: {
      x: { field: "epoch", type: "quantitative", title: "Epoch", axis: { tickMinStep: 1 } },
      y: { field, type: "quantitative", title, axis, scale },
    },
    layer: modelLines(models, dash),
  });
  const [lo, hi] = accuracyDomain(rows.map((r) => r.accuracy));
  const eps = [...new Set(leftOut.map((m) => smoothed[m]))].join(", ");
  const subtitle = [
    "Solid: training images, dashed: held-out validation images; a widening gap is overfitting.",
    leftOut.length === models.length
      ? `Loss is validation loss only: training loss was logged with label smoothing ${eps} ` +
        "and validation loss without, so they are not the same quantity."
      : leftOut.length
      ? `Training loss of ${list(leftOut)} left out: logged with label smoothing ${eps}, ` +
        "validation loss without."
      : "",
  ].filter(Boolean);
  const lossTitle = leftOut.length === models.length
    ? "Validation loss (cross-entropy, no smoothing)"
    : "Loss (cross-entropy, no label smoothing)";
  return chart("Training curves", subtitle, {
    data: { values },
    hconcat: [
      panel("loss", lossTitle),
      panel("accuracy", "Accuracy", accuracyAxis(lo, hi), {
        domain: [lo, hi],
        nice: false,
        zero: false,
      }),
      {
        vconcat: [
          modelKey(models),
          lineKey("Split", [
            { label: "train", colour: "#555555" },
            { label: "validation", colour: "#555555", dashed: true },
          ]),
        ],
      },
    ],
  });
}

const list = (items: string[]) =>
  items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

/** Test accuracy against the number of training images, on a log axis; accuracy axis zoomed. */
export function learningCurve(
  rows: { model: string; trainSize: number; accuracy: number }[],
): TopLevelSpec {
  const models = [...new Set(rows.map((r) => r.model))];
  const [lo, hi] = accuracyDomain(rows.map((r) => r.accuracy));
  return chart("Learning curve", `Test accuracy as the training set grows${startsAt(lo)}`, {
    data: { values: rows },
    hconcat: [{
      width: 420,
      height: 280,
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
          axis: accuracyAxis(lo, hi),
          scale: { domain: [lo, hi], nice: false, zero: false },
        },
      },
      layer: modelLines(models),
    }, modelKey(models)],
  });
}

const ACCURACY_VS_TIME = { width: 420, height: 300, fontSize: 11 };

/**
 * Test accuracy against training time (seconds > 0, log axis), each point in its model's colour
 * and shape and named. The names are placed here, not by Vega, so that none overlaps another or
 * a point (src/report/labels.ts); one moved away from its point gets a thin line to it.
 */
export function accuracyVsTime(
  rows: { model: string; trainSeconds: number; accuracy: number }[],
): TopLevelSpec {
  const { width, height, fontSize } = ACCURACY_VS_TIME;
  const timed = rows.filter((r) => r.trainSeconds > 0);
  const seconds = timed.map((r) => r.trainSeconds);
  const logLo = Math.floor(Math.log10(Math.min(...seconds, 10)));
  const logHi = Math.max(logLo + 1, Math.ceil(Math.log10(Math.max(...seconds, 1))));
  const [lo, hi] = accuracyDomain(timed.map((r) => r.accuracy));
  const px = (s: number) => ((Math.log10(s) - logLo) / (logHi - logLo)) * width;
  const py = (a: number) => (1 - (a - lo) / (hi - lo)) * height;
  const fromPx = (x: number) => 10 ** (logLo + (x / width) * (logHi - logLo));
  const fromPy = (y: number) => lo + (1 - y / height) * (hi - lo);
  const boxes = placeLabels(
    timed.map((r) => ({ x: px(r.trainSeconds), y: py(r.accuracy), label: r.model })),
    { width, height, fontSize },
  );
  const values = timed.map((r, i) => {
    const b = boxes[i];
    const [x, y] = [px(r.trainSeconds), py(r.accuracy)];
    // The leader ends on the label's nearest edge.
    const ex = Math.min(Math.max(x, b.x), b.x + b.width);
    const ey = Math.min(Math.max(y, b.y), b.y + b.height);
    return {
      ...r,
      labelSeconds: fromPx(b.x),
      labelAccuracy: fromPy(b.y + b.height / 2),
      leader: b.leader,
      leaderSeconds: fromPx(ex),
      leaderAccuracy: fromPy(ey),
    };
  });
  const scales = modelScales(timed.map((r) => r.model));
  const x = { type: "quantitative", scale: { type: "log", domain: [10 ** logLo, 10 ** logHi] } };
  const y = { type: "quantitative", scale: { domain: [lo, hi], nice: false, zero: false } };
  return chart("Accuracy against training time", `Up and to the left is better${startsAt(lo)}`, {
    data: { values },
    width,
    height,
    encoding: {
      x: { field: "trainSeconds", ...x, title: "Training time in seconds (log scale)" },
      y: { field: "accuracy", ...y, title: "Test accuracy", axis: accuracyAxis(lo, hi) },
    },
    layer: [
      {
        transform: [{ filter: "datum.leader" }],
        mark: { type: "rule", color: "#999999", strokeWidth: 0.8 },
        encoding: {
          x2: { field: "leaderSeconds" },
          y2: { field: "leaderAccuracy" },
        },
      },
      {
        mark: { type: "point", filled: true, size: 70, opacity: 1 },
        encoding: {
          color: { field: "model", type: "nominal", scale: scales.color, legend: null },
          shape: { field: "model", type: "nominal", scale: scales.shape, legend: null },
        },
      },
      {
        mark: { type: "text", align: "left", baseline: "middle", fontSize },
        encoding: {
          x: { field: "labelSeconds", ...x },
          y: { field: "labelAccuracy", ...y },
          text: { field: "model", type: "nominal" },
        },
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
