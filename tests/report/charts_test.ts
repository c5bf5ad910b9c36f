import assert from "node:assert/strict";
import {
  accuracyAxis,
  accuracyByModel,
  accuracyDomain,
  accuracyVsTime,
  classDistribution,
  confusionMatrix,
  confusionScaleTop,
  learningCurve,
  meanImages,
  perClassF1,
  pixelHistogram,
  trainingCurves,
} from "../../src/report/charts.ts";
import { renderSvg, type TopLevelSpec, writeChart } from "../../src/report/vega.ts";
import { CLASS_NAMES } from "../../src/data/mod.ts";
import { modelStyle } from "../../src/report/palette.ts";
import { estimateTextWidth } from "../../src/report/labels.ts";

const MODELS = ["cnn", "mlp", "logistic-regression"];
const CLASSES = CLASS_NAMES.slice(0, 4);

/** Renders and checks the SVG carries the title and every given label. */
async function renders(spec: TopLevelSpec, title: string, ...texts: string[]) {
  const svg = await renderSvg(spec);
  assert.ok(svg.startsWith("<svg"), svg.slice(0, 80));
  for (const t of [title, ...texts]) assert.ok(svg.includes(t), `SVG lacks ${JSON.stringify(t)}`);
  assert.ok(!svg.includes("NaN"), "SVG has NaN coordinates");
  return svg;
}

Deno.test("accuracyByModel renders labelled dots", async () => {
  const spec = accuracyByModel(MODELS.map((model, i) => ({ model, accuracy: 0.9 - i / 10 })));
  await renders(spec, "Test accuracy by model", "logistic-regression", "90.00%", "Test accuracy");
});

Deno.test("perClassF1 renders a model × class heatmap", async () => {
  const rows = MODELS.flatMap((model, m) =>
    CLASSES.map((className, c) => ({ model, className, f1: 0.5 + (m + c) / 20 }))
  );
  await renders(perClassF1(rows), "F1 score per class", "Trouser", "0.65");
});

Deno.test("confusionMatrix: a complete panel, errors on their own shared scale", async () => {
  const m = CLASSES.map((_, t) => CLASSES.map((_, p) => t === p ? 97 : t === 3 && p === 0 ? 8 : p));
  const top = confusionScaleTop([m, [[1, 0], [0, 1]]]);
  assert.equal(top, 8 / (97 + 1 + 2 + 8)); // the largest off-diagonal share of a row
  assert.equal(confusionScaleTop([[[5, 0], [0, 5]]]), 0.01, "at least 1%");
  const spec = confusionMatrix("mlp", m, CLASSES, { scaleTop: top });
  const svg = await renders(spec, "mlp", "97", "Predicted class", "True class", CLASSES[3]);
  // Every class name on both axes of this one panel, numbers at 11 px.
  for (const c of CLASSES) assert.equal(svg.split(`>${c}</text>`).length - 1, 2, c);
  assert.match(svg, /font-size="11px"[^>]*>97</);
  // The diagonal is grey; the worst error takes the darkest colour, an empty cell none.
  const json = JSON.stringify(spec);
  assert.ok(json.includes('"domain":[0,' + top * 0.35 + "," + top + "]"), json.slice(0, 200));
  assert.match(svg, /fill="#e3e3e3"/);
  assert.match(svg, /fill="(#7f2704|rgb\(127, 39, 4\))"/);
  const total = m.flat().reduce((a, b) => a + b, 0);
  const errors = total - 4 * 97;
  assert.ok(svg.includes(`${((4 * 97 / total) * 100).toFixed(2)}% correct, ${errors} errors`));
});

Deno.test("trainingCurves renders loss and accuracy panels", async () => {
  const rows = MODELS.slice(0, 2).flatMap((model) =>
    (["train", "validation"] as const).flatMap((split) =>
      [1, 2, 3].map((epoch) => ({
        model,
        epoch,
        split,
        loss: 1 / epoch,
        accuracy: 1 - 0.3 / epoch,
      }))
    )
  );
  await renders(
    trainingCurves(rows),
    "Training curves",
    "Loss (cross-entropy, no label smoothing)",
    "validation",
  );
});

Deno.test("trainingCurves draws one loss: a label-smoothed training loss is left out", async () => {
  const rows = MODELS.slice(0, 2).flatMap((model) =>
    (["train", "validation"] as const).flatMap((split) =>
      [1, 2].map((epoch) => ({ model, epoch, split, loss: 2 / epoch, accuracy: 0.8 }))
    )
  );
  const mixed = trainingCurves(rows, { smoothedTrainLoss: { cnn: 0.1 } });
  const values = (mixed as { data: { values: typeof rows } }).data.values;
  for (const r of values) {
    const dropped = r.model === "cnn" && r.split === "train";
    assert.equal(r.loss === null, dropped, `${r.model} ${r.split}`);
  }
  const svg = await renders(
    mixed,
    "Training curves",
    "Loss (cross-entropy, no label smoothing)",
    "Training loss of cnn left out: logged with label smoothing 0.1, validation loss without.",
  );
  assert.ok(!svg.includes("NaN"));
  // Every model smoothed: the axis says it is validation loss only.
  const all = trainingCurves(rows, { smoothedTrainLoss: { cnn: 0.1, mlp: 0.1 } });
  await renders(all, "Training curves", "Validation loss (cross-entropy, no smoothing)");
  assert.match(
    JSON.stringify(all),
    /Loss is validation loss only: training loss was logged with label smoothing 0\.1/,
  );
});

Deno.test("learningCurve renders on a log axis", async () => {
  const rows = MODELS.flatMap((model) =>
    [1000, 10000, 60000].map((trainSize) => ({
      model,
      trainSize,
      accuracy: Math.log10(trainSize) / 5,
    }))
  );
  await renders(learningCurve(rows), "Learning curve", "Training images (log scale)");
});

Deno.test("accuracyVsTime renders named points", async () => {
  const rows = MODELS.map((model, i) => ({ model, trainSeconds: 10 ** i, accuracy: 0.9 - i / 20 }));
  await renders(accuracyVsTime(rows), "Accuracy against training time", "cnn", "mlp");
});

Deno.test("classDistribution counts labels per split", async () => {
  const spec = classDistribution(Uint8Array.from([0, 1, 1, 2]), Uint8Array.from([2]), CLASSES);
  const values = (spec as { data: { values: { split: string; count: number }[] } }).data.values;
  assert.deepEqual(values.map((v) => v.count), [1, 2, 1, 0, 0, 0, 1, 0]);
  await renders(spec, "Images per class", "Pullover", "Images");
});

Deno.test("pixelHistogram bins intensities by 8 and drops empty bins", async () => {
  const spec = pixelHistogram(Uint8Array.from([0, 0, 7, 8, 255]));
  const values = (spec as { data: { values: unknown[] } }).data.values;
  assert.deepEqual(values, [
    { from: 0, to: 8, count: 3 },
    { from: 8, to: 16, count: 1 },
    { from: 248, to: 256, count: 1 },
  ]);
  await renders(spec, "Pixel intensities", "Pixels (log scale)");
});

Deno.test("meanImages passes one 784-value mean per class and renders the grid", async () => {
  const images = new Uint8Array(3 * 784);
  images.fill(100, 0, 784);
  images.fill(200, 784, 2 * 784);
  images.fill(50, 2 * 784);
  const spec = meanImages(images, Uint8Array.from([0, 0, 1]), 3, CLASSES.slice(0, 2));
  const values = (spec as { data: { values: { pixels: number[] }[] } }).data.values;
  assert.equal(values.length, 2);
  assert.equal(values[0].pixels.length, 784);
  assert.equal(values[0].pixels[5], 150);
  assert.equal(values[1].pixels[783], 50);
  const svg = await renders(spec, "Mean image per class", "T-shirt/top", "Trouser");
  assert.equal(svg.match(/<path/g)!.length >= 2 * 784, true);
});

Deno.test("writeChart writes the spec and the SVG", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const spec = accuracyByModel([{ model: "cnn", accuracy: 0.9 }]);
    const svg = await writeChart(dir, "accuracy", spec);
    assert.equal(await Deno.readTextFile(`${dir}/accuracy.svg`), svg);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/accuracy.vl.json`)), spec);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// The 13 models of the committed report, with their training seconds and test accuracy.
const ZOO: [string, number, number][] = [
  ["cnn", 5335, 0.9037],
  ["resnet", 1977, 0.8906],
  ["cnn-strided", 975, 0.8876],
  ["svm-rbf", 411, 0.8872],
  ["mlp", 181, 0.8865],
  ["histogram-forest", 92, 0.8789],
  ["softmax", 52.5, 0.8444],
  ["linear-svm", 48.8, 0.8426],
  ["svm-rbf-ovr", 205, 0.8398],
  ["logistic-regression", 112, 0.8135],
  ["random-forest", 121, 0.7839],
  ["mobilenet", 273, 0.7737],
  ["cnn-deep", 415, 0.7354],
];

type Def = {
  field?: string;
  scale?: { domain?: unknown[]; range?: unknown[] } | null;
  axis?: { values?: number[] };
};

/** Every `channel` encoding of the spec and its sub-specs. */
function defs(spec: unknown, channel: string): Def[] {
  if (!spec || typeof spec !== "object") return [];
  const o = spec as Record<string, unknown>;
  const own = (o.encoding as Record<string, Def> | undefined)?.[channel];
  return [
    ...(own ? [own] : []),
    ...Object.entries(o).filter(([k]) => k !== "encoding").flatMap(([, v]) => defs(v, channel)),
  ];
}

function modelCharts(): [string, TopLevelSpec][] {
  const curves = ZOO.slice(0, 6).flatMap(([model], m) =>
    (["train", "validation"] as const).flatMap((split) =>
      [1, 2, 3].map((epoch) => ({
        model,
        epoch,
        split,
        loss: 1 / epoch,
        accuracy: 0.85 + m / 100 + epoch / 100,
      }))
    )
  );
  return [
    ["accuracy", accuracyByModel(ZOO.map(([model, , accuracy]) => ({ model, accuracy })))],
    ["training", trainingCurves(curves)],
    [
      "learning",
      learningCurve(
        ZOO.flatMap(([model, , a]) =>
          [1000, 10000].map((trainSize, i) => ({ model, trainSize, accuracy: a - 0.02 + i / 50 }))
        ),
      ),
    ],
    [
      "time",
      accuracyVsTime(
        ZOO.map(([model, trainSeconds, accuracy]) => ({ model, trainSeconds, accuracy })),
      ),
    ],
  ];
}

Deno.test("model charts take each model's colour and shape from the shared map", () => {
  for (const [name, spec] of modelCharts()) {
    const colours = defs(spec, "color").filter((d) => d.field === "model");
    const shapes = defs(spec, "shape").filter((d) => d.field === "model");
    assert.ok(colours.length > 0 && shapes.length > 0, `${name}: no model colour or shape`);
    for (const d of colours) {
      const { domain, range } = d.scale as { domain: string[]; range: string[] };
      assert.deepEqual(range, domain.map((m) => modelStyle(m).colour), name);
    }
    for (const d of shapes) {
      const { domain, range } = d.scale as { domain: string[]; range: string[] };
      assert.deepEqual(range, domain.map((m) => modelStyle(m).shape), name);
    }
  }
});

Deno.test("accuracy axes are zoomed on the data, never from 0", () => {
  const lowest = Math.min(...ZOO.map((z) => z[2]));
  for (const [name, spec] of modelCharts()) {
    const axes = [...defs(spec, "x"), ...defs(spec, "y")]
      .filter((d) => d.field === "accuracy" && d.scale?.domain);
    assert.ok(axes.length > 0, `${name}: no explicit accuracy domain`);
    for (const d of axes) {
      const [lo, hi] = d.scale!.domain as number[];
      assert.ok(lo > 0.5 && hi <= 1 && hi - lo <= 0.35, `${name}: [${lo}, ${hi}]`);
      // Labelled where the axis starts and ends, in whole 5% steps.
      const ticks = d.axis!.values!;
      assert.equal(ticks[0], lo, `${name}: first tick`);
      assert.equal(ticks.at(-1), hi, `${name}: last tick`);
    }
  }
  assert.deepEqual(accuracyAxis(0.75, 1).values, [0.75, 0.8, 0.85, 0.9, 0.95, 1]);
  assert.deepEqual(accuracyAxis(0.2, 0.95).values, [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  const [lo, hi] = accuracyDomain(ZOO.map((z) => z[2]), 1);
  assert.ok(lo <= lowest - 0.01 && lo >= lowest - 0.06 && hi === 1, `${lo} ${hi}`);
  assert.deepEqual(accuracyDomain([0.8444, 0.9037]), [0.8, 0.95]);
  assert.deepEqual(accuracyDomain([0.995]), [0.95, 1]);
  assert.deepEqual(accuracyDomain([]), [0, 1]);
});

Deno.test("accuracyVsTime places the names so that none overlaps another", async () => {
  const spec = modelCharts().find(([n]) => n === "time")![1] as unknown as {
    width: number;
    height: number;
    data: { values: { model: string; labelSeconds: number; labelAccuracy: number }[] };
    encoding: { x: Def; y: Def };
  };
  const [x0, x1] = spec.encoding.x.scale!.domain as number[];
  const [y0, y1] = spec.encoding.y.scale!.domain as number[];
  const boxes = spec.data.values.map((r) => {
    const x = (Math.log10(r.labelSeconds / x0) / Math.log10(x1 / x0)) * spec.width;
    const y = (1 - (r.labelAccuracy - y0) / (y1 - y0)) * spec.height;
    return { x, y: y - 6.5, width: estimateTextWidth(r.model, 11), height: 13, model: r.model };
  });
  for (const a of boxes) {
    assert.ok(a.x >= -0.5 && a.x + a.width <= spec.width + 0.5, `${a.model} outside`);
    for (const b of boxes) {
      if (a === b) continue;
      const apart = a.x + a.width <= b.x + 0.5 || b.x + b.width <= a.x + 0.5 ||
        a.y + a.height <= b.y + 0.5 || b.y + b.height <= a.y + 0.5;
      assert.ok(apart, `${a.model} overlaps ${b.model}`);
    }
  }
  const svg = await renderSvg(spec as unknown as TopLevelSpec);
  for (const [model] of ZOO) assert.ok(svg.includes(`>${model}</text>`), model);
});

Deno.test("trainingCurves' legend shows each model's line with its point, and the dashes", async () => {
  const spec = modelCharts().find(([n]) => n === "training")![1];
  const keys = JSON.stringify(spec).match(/"label":"[^"]+","colour":"#[0-9a-f]{6}"[^}]*/g)!;
  for (const [model] of ZOO.slice(0, 6)) {
    const style = modelStyle(model);
    assert.ok(
      keys.some((k) =>
        k.includes(`"label":"${model}"`) && k.includes(style.colour) && k.includes(style.shape)
      ),
      `no key entry for ${model}`,
    );
  }
  const svg = await renderSvg(spec);
  assert.match(svg, /stroke-dasharray="4,3"/);
  for (const t of [">train<", ">validation<", ">cnn-strided<"]) assert.ok(svg.includes(t), t);
});
