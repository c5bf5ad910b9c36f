import assert from "node:assert/strict";
import { HistogramForestBaseline } from "../../src/baselines/histogram_forest.ts";
import { Rng } from "../../src/util/random.ts";
import { corruptModelFails, fitSaveLoad, present } from "./_helpers.ts";

Deno.test({
  name: "histogram_forest: fits 300 real images, well above chance; save → load predicts the same",
  ignore: !present,
  fn: async () => {
    const dir = await fitSaveLoad(new HistogramForestBaseline({ nEstimators: 20 }), 0.65);
    await corruptModelFails(dir);
  },
});

/** Label c puts pixel 7 at exactly 25·c; every other pixel is noise. */
function banded(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 784);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 10;
    for (let j = 0; j < 784; j++) x[i * 784 + j] = rng.int(256) / 255;
    x[i * 784 + 7] = (25 * y[i]) / 255;
  }
  return { x, y, n };
}

Deno.test("histogram_forest: finds the one informative pixel through histogram and sorted search", async () => {
  // 3000 images: the top nodes take the 256-bin histogram path, the small ones the sorted path.
  const train = banded(3000, 1);
  const test = banded(500, 2);
  const clf = new HistogramForestBaseline({ nEstimators: 3, maxFeatures: 784 });
  await clf.fit(train.x, train.y, train.n);
  assert.deepEqual(await clf.predict(test.x, test.n), test.y);
  // Nine thresholds separate ten values: a pure tree needs 9 splits and 10 leaves.
  assert.equal(clf.parameterCount(), 3 * 19);
});
