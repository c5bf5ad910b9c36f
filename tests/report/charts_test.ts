import assert from "node:assert/strict";
import {
  accuracyByModel,
  accuracyVsTime,
  classDistribution,
  confusionMatrices,
  learningCurve,
  meanImages,
  perClassF1,
  pixelHistogram,
  trainingCurves,
} from "../../src/report/charts.ts";
import { renderSvg, type TopLevelSpec, writeChart } from "../../src/report/vega.ts";
import { CLASS_NAMES } from "../../src/data/mod.ts";

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

Deno.test("accuracyByModel renders labelled bars", async () => {
  const spec = accuracyByModel(MODELS.map((model, i) => ({ model, accuracy: 0.9 - i / 10 })));
  await renders(spec, "Test accuracy by model", "logistic-regression", "90.00%", "Test accuracy");
});

Deno.test("perClassF1 renders a model × class heatmap", async () => {
  const rows = MODELS.flatMap((model, m) =>
    CLASSES.map((className, c) => ({ model, className, f1: 0.5 + (m + c) / 20 }))
  );
  await renders(perClassF1(rows), "F1 score per class", "Trouser", "0.65");
});

Deno.test("confusionMatrices renders one matrix per model with counts", async () => {
  const rows = MODELS.slice(0, 2).flatMap((model) =>
    CLASSES.flatMap((truth, t) =>
      CLASSES.map((predicted, p) => ({ model, truth, predicted, count: t === p ? 97 : p }))
    )
  );
  await renders(confusionMatrices(rows), "Confusion matrices", "mlp", "97", "Predicted class");
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
  await renders(trainingCurves(rows), "Training curves", "Loss (cross-entropy)", "validation");
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
