import assert from "node:assert/strict";
import { gpuTest } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { type Architecture, architecture } from "../../src/nn/zoo.ts";
import { Adam } from "../../src/optim/optimizer.ts";
import { fit } from "../../src/train/fit.ts";
import { evaluate } from "../../src/train/evaluate.ts";
import { type Dataset, loadFashionMnist, subset } from "../../src/data/mod.ts";

const data = loadFashionMnist();

const tiny: Architecture = {
  name: "tiny",
  input: [28, 28, 1],
  classes: 10,
  layers: [
    { type: "conv2d", filters: 8, kernel: 3, padding: "same" },
    { type: "batchnorm" },
    { type: "relu" },
    { type: "maxpool", size: 2 },
    { type: "flatten" },
    { type: "dense", units: 10 },
  ],
};

function first(ds: Dataset, n: number) {
  return subset(ds, Uint32Array.from({ length: n }, (_, i) => i));
}

gpuTest("a small subset is overfit: loss falls far below its start", async () => {
  const train = first((await data).train, 64);
  const model = new Sequential(tiny, 1);
  const history = await fit(
    model,
    new Adam(model.params(), { lr: 0.01 }),
    train,
    Uint32Array.from({ length: 64 }, (_, i) => i),
    {
      epochs: 40,
      batchSize: 32,
      seed: 1,
      quiet: true,
    },
  );
  const start = history[0].trainLoss;
  const end = history[history.length - 1].trainLoss;
  assert.ok(start > 1.5, `first epoch loss ${start}`);
  assert.ok(end < 0.15 * start, `loss went from ${start} to ${end}`);
  assert.ok(history[history.length - 1].trainAccuracy > 0.95);
  const evaluated = await evaluate(model, train);
  assert.ok(evaluated.accuracy > 0.95, `memorised accuracy ${evaluated.accuracy}`);
});

gpuTest("the same seed gives the same training run", async () => {
  const train = first((await data).train, 96);
  const run = async () => {
    const model = new Sequential(architecture("cnn"), 7);
    const h = await fit(
      model,
      new Adam(model.params()),
      train,
      Uint32Array.from({ length: 96 }, (_, i) => i),
      {
        epochs: 1,
        batchSize: 32,
        seed: 7,
        quiet: true,
      },
    );
    return { loss: h[0].trainLoss, weights: await model.params()[0].value.read() };
  };
  const a = await run();
  const b = await run();
  assert.equal(a.loss, b.loss);
  assert.deepEqual(a.weights, b.weights);
});

gpuTest(
  "the reference CNN trained on 3,000 images is far above chance on held-out images",
  async () => {
    const { train, test } = await data;
    const n = 3000;
    const model = new Sequential(architecture("cnn"), 1);
    const history = await fit(
      model,
      new Adam(model.params()),
      first(train, n),
      Uint32Array.from({ length: n }, (_, i) => i),
      {
        epochs: 1,
        batchSize: 64,
        seed: 1,
        quiet: true,
      },
    );
    assert.ok(Number.isFinite(history[0].trainLoss));
    const held = await evaluate(model, first(test, 1000));
    assert.ok(held.accuracy > 0.6, `held-out accuracy ${held.accuracy} (chance is 0.1)`);
  },
);
