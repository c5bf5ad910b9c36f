import assert from "node:assert/strict";
import { gpuTest } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { type Architecture, architecture } from "../../src/nn/zoo.ts";
import { Adam, Sgd } from "../../src/optim/optimizer.ts";
import { CHANCE_MARGIN, DivergedError, EXPLODED, fit } from "../../src/train/fit.ts";
import { evaluate } from "../../src/train/evaluate.ts";
import { type Dataset, loadFashionMnist, subset } from "../../src/data/mod.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { range, syntheticDataset, tinyNet } from "./_synthetic.ts";

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
  // The first step (kernel compilation) is timed apart from the epoch, once per run.
  assert.ok(history[0].compileSeconds! >= 0 && history[0].readySeconds! > 0);
  assert.ok(history.slice(1).every((h) => h.compileSeconds === undefined));
  // Its 32 images are left out of the rate with its time: 32 images over `seconds`.
  assert.ok(Math.abs(history[0].imagesPerSecond * history[0].seconds - 32) < 1e-6);
  const start = history[0].trainLoss;
  const end = history[history.length - 1].trainLoss;
  assert.ok(start > 1.5, `first epoch loss ${start}`);
  // An epoch that is its first step alone has no other step to time: its rate includes the
  // compile (not 0 images/s).
  const single = new Sequential(tiny, 1);
  const [only] = await fit(single, new Adam(single.params()), train, Uint32Array.of(0, 1, 2), {
    epochs: 1,
    batchSize: 32,
    seed: 1,
    quiet: true,
  });
  assert.ok(only.imagesPerSecond > 0 && only.seconds >= only.compileSeconds!);
  assert.ok(Math.abs(only.imagesPerSecond * only.seconds - 3) < 1e-6);
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

gpuTest(
  "the scheduler sets the learning rate before every step, counting steps over epochs",
  async () => {
    const ds = syntheticDataset(40);
    const model = new Sequential(tinyNet, 2);
    const optimizer = new Adam(model.params(), { lr: 1 });
    const asked: number[] = [];
    const valLosses: (number | null)[] = [];
    const history = await fit(model, optimizer, ds, range(0, 30), {
      epochs: 2,
      batchSize: 8, // 4 steps per epoch, the last one of 6 images
      seed: 1,
      quiet: true,
      valIndices: range(30, 40),
      scheduler: {
        lrAt: (step) => {
          asked.push(step);
          return 1e-3 * (step + 1);
        },
        endEpoch: (valLoss) => {
          valLosses.push(valLoss);
          return false;
        },
      },
    });
    assert.deepEqual(asked, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(optimizer.steps, 8);
    // Each epoch records the rate of its last step.
    assert.deepEqual(history.map((h) => h.lr), [4e-3, 8e-3]);
    assert.deepEqual(valLosses, history.map((h) => h.valLoss));

    // The rate reaches the update: at lr 0 the trained parameters do not move.
    const still = new Sequential(tinyNet, 2);
    const before = await Promise.all(still.params().map((p) => p.value.read()));
    await fit(still, new Adam(still.params()), ds, range(0, 30), {
      epochs: 1,
      batchSize: 8,
      seed: 1,
      quiet: true,
      scheduler: { lrAt: () => 0 },
    });
    const after = await Promise.all(still.params().map((p) => p.value.read()));
    assert.deepEqual(after, before);
  },
);

gpuTest(
  "augment transforms training batches only, once per step, with the step index",
  async () => {
    const ds = syntheticDataset(40);
    const run = async (augment?: (x: Tensor, step: number) => Tensor) => {
      const model = new Sequential(tinyNet, 4);
      await fit(model, new Adam(model.params(), { lr: 0.01 }), ds, range(0, 30), {
        epochs: 2,
        batchSize: 10,
        seed: 4,
        quiet: true,
        valIndices: range(30, 40),
        augment,
      });
      return await Promise.all(model.params().map((p) => p.value.read()));
    };
    const plain = await run();
    const steps: number[] = [];
    const identity = await run((x, step) => {
      steps.push(step);
      assert.deepEqual(x.shape.slice(1), [8, 8, 1]);
      return x;
    });
    // 3 steps per epoch; validation (10 images after each epoch) is not augmented.
    assert.deepEqual(steps, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(identity, plain, "an identity augmentation changes nothing");
    // The model trains on what augment returns: on all-zero images the first conv's weight
    // gradient is zero, so Adam leaves its weights at their initial values.
    const initial = await new Sequential(tinyNet, 4).params()[0].value.read();
    const zeroed = await run((x) => Tensor.from(new Float32Array(x.size), x.shape));
    assert.deepEqual(zeroed[0], initial);
    assert.notDeepEqual(plain[0], initial);
  },
);

gpuTest(
  "a loss that becomes NaN or infinite stops training at that readback, before the epoch's callbacks",
  async () => {
    const ds = syntheticDataset(200);
    const model = new Sequential(tinyNet, 3);
    const seen: string[] = [];
    const error = await fit(model, new Sgd(model.params(), { lr: 1e6 }), ds, range(0, 160), {
      epochs: 3,
      batchSize: 16, // 10 steps per epoch, read back every 4
      logEvery: 4,
      seed: 1,
      quiet: true,
      valIndices: range(160, 200),
      onEpoch: () => void seen.push("onEpoch"),
      callbacks: [{
        onEpochEnd: () => void seen.push("onEpochEnd"),
        onTrainEnd: () => void seen.push("onTrainEnd"),
      }],
    }).then(() => null, (e) => e);
    assert.ok(error instanceof DivergedError, `rejected with ${error}`);
    assert.match(
      error.reason,
      /^the loss became (NaN|-?Infinity) at epoch 1, step ([1-9]|10) of 10$/,
    );
    assert.equal(error.epoch, 1);
    assert.equal(error.exitCode, 1);
    assert.match(error.message, /^diverged: .*; lower the learning rate \(now 1000000\)$/);
    assert.deepEqual(seen, [], "nothing ran that could save the broken weights");
  },
);

gpuTest(
  "a model still at chance without an exploded loss (a rate too low to learn) is not diverged",
  async () => {
    const ds = syntheticDataset(120);
    const model = new Sequential(tinyNet, 3);
    // A constant rate of 1e-9 moves nothing: accuracy stays near chance for both epochs, with
    // the loss near a uniform guess's, so the run ends normally.
    const history = await fit(model, new Adam(model.params(), { lr: 1e-9 }), ds, range(0, 100), {
      epochs: 2,
      batchSize: 20,
      seed: 1,
      quiet: true,
      valIndices: range(100, 120),
    });
    assert.equal(history.length, 2);
    for (const h of history) {
      assert.ok(h.valAccuracy! <= 0.1 + CHANCE_MARGIN, `at chance: ${JSON.stringify(h)}`);
      assert.ok(h.trainLoss < EXPLODED * Math.log(10), `not exploded: ${JSON.stringify(h)}`);
    }
  },
);
