import assert from "node:assert/strict";
import { gpuTest } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { type Architecture, architecture } from "../../src/nn/zoo.ts";
import { Adam, Sgd } from "../../src/optim/optimizer.ts";
import { CHANCE_MARGIN, DivergedError, EXPLODED, fit } from "../../src/train/fit.ts";
import { evaluate } from "../../src/train/evaluate.ts";
import { type Dataset, loadFashionMnist, subset } from "../../src/data/mod.ts";
import { endStep, Tensor } from "../../src/autograd/tensor.ts";
import { lossByName } from "../../src/ops/loss/loss.ts";
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
      batchSize: 16, // 10 steps per epoch, in loss windows of 4; read back at the epoch's end
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

/**
 * Counts every wait on the GPU while `fn` runs: buffer maps (readbacks) and waits for submitted
 * work (syncs), however they are reached. `marks` gives the count at moments `fn` chooses.
 */
async function countingWaits<T>(fn: (count: () => number) => Promise<T>): Promise<T> {
  const map = GPUBuffer.prototype.mapAsync;
  const done = GPUQueue.prototype.onSubmittedWorkDone;
  let waits = 0;
  GPUBuffer.prototype.mapAsync = function (...args) {
    waits++;
    return map.apply(this, args);
  };
  GPUQueue.prototype.onSubmittedWorkDone = function () {
    waits++;
    return done.apply(this);
  };
  try {
    return await fn(() => waits);
  } finally {
    GPUBuffer.prototype.mapAsync = map;
    GPUQueue.prototype.onSubmittedWorkDone = done;
  }
}

gpuTest(
  "an epoch waits on the GPU once per second of steps at most, plus once per validation pass, with the numbers of a readback every 20 steps",
  async () => {
    // As `train --model mlp --limit 3000 --batch-size 32`: 2,700 training images (85 steps)
    // and 300 for validation.
    const ds = first((await data).train, 3000);
    const run = async (readbackSeconds?: number) => {
      const model = new Sequential(architecture("mlp"), 1);
      return await countingWaits(async (count) => {
        const t0 = performance.now();
        const progress: { waits: number; counted: number; seconds: number; seen: number }[] = [];
        let validation = -1;
        const [record] = await fit(model, new Adam(model.params()), ds, range(0, 2700), {
          epochs: 1,
          batchSize: 32,
          seed: 1,
          quiet: true,
          readbackSeconds,
          valIndices: range(2700, 3000),
          onProgress: (p) =>
            progress.push({
              waits: p.waits,
              counted: count(),
              seconds: (performance.now() - t0) / 1000,
              seen: p.seen,
            }),
          onEpoch: () => void (validation = count() - progress[progress.length - 1].counted),
        });
        return { record, progress, validation };
      });
    };
    const fixed = await run(0); // the old schedule: a readback every 20 steps
    const timed = await run(); // the default: a readback per second of measured GPU work
    const often = await run(0.2); // a readback per 0.2 s: mid-epoch readbacks on this adapter
    // The old schedule: the first step's sync and readbacks after steps 20, 40, 60, 80 and 85.
    assert.deepEqual(fixed.progress.map((p) => p.waits), [2, 3, 4, 5, 6]);
    for (const [r, seconds] of [[timed, 1], [often, 0.2]] as const) {
      const last = r.progress[r.progress.length - 1];
      assert.equal(last.seen, 2700);
      // Every wait of the epoch's training is one fit counts (a readback, or the first step's
      // sync), and there are at most one per `seconds` of the epoch's wall time, plus two.
      assert.deepEqual(r.progress.map((p) => p.waits), r.progress.map((p) => p.counted));
      assert.ok(
        last.waits <= last.seconds / seconds + 2,
        `${last.waits} waits in ${last.seconds.toFixed(2)} s at one per ${seconds} s`,
      );
      // One readback per validation pass.
      assert.equal(r.validation, 1);
      // The same numbers as the readback every 20 steps gave.
      assert.equal(r.record.trainLoss, fixed.record.trainLoss);
      assert.equal(r.record.trainAccuracy, fixed.record.trainAccuracy);
      assert.equal(r.record.valLoss, fixed.record.valLoss);
      assert.equal(r.record.valAccuracy, fixed.record.valAccuracy);
    }
  },
);

gpuTest("evaluate reads back once per pass, with the figures of a readback per batch", async () => {
  const { test } = await data;
  const ds = first(test, 1234);
  const model = new Sequential(tiny, 1);
  const lossFn = lossByName(tiny.loss);
  // The old pass: a batch's logits and [mean loss, hits] read back after each batch.
  let lossSum = 0;
  let hits = 0;
  const predictions: number[] = [];
  for (let at = 0; at < ds.count; at += 500) {
    const n = Math.min(500, ds.count - at);
    const x = new Float32Array(n * 784);
    for (let i = 0; i < n * 784; i++) x[i] = ds.images[at * 784 + i] / 255;
    const logits = model.predict(Tensor.from(x, [n, 28, 28, 1]));
    const labels = Uint32Array.from(ds.labels.subarray(at, at + n));
    const stats = lossFn(logits, Tensor.from(labels, [n]));
    const [values, s] = await Promise.all([logits.read(), stats.read()]);
    endStep();
    lossSum += s[0] * n;
    hits += s[1];
    for (let i = 0; i < n; i++) {
      const row = values.subarray(i * 10, (i + 1) * 10);
      predictions.push(row.indexOf(Math.max(...row)));
    }
  }
  const result = await countingWaits(async (count) => ({
    e: await evaluate(model, ds),
    waits: count(),
  }));
  assert.equal(result.e.readbacks, 1);
  assert.equal(result.waits, 1);
  assert.equal(result.e.loss, lossSum / ds.count);
  assert.equal(result.e.accuracy, hits / ds.count);
  assert.deepEqual([...result.e.predictions], predictions);
  // Unlabeled images: predictions only, the same ones.
  const unlabeled = await evaluate(model, { ...ds, labels: null });
  assert.deepEqual([...unlabeled.predictions], predictions);
  assert.ok(Number.isNaN(unlabeled.loss));
});

gpuTest(
  "with label smoothing, an epoch also records its loss without it, as evaluate measures loss",
  async () => {
    // No batch norm or dropout and a zero learning rate: training and evaluation see one function.
    const plainNet: Architecture = {
      name: "plain",
      input: [8, 8, 1],
      classes: 10,
      layers: [{ type: "flatten" }, { type: "dense", units: 16 }, { type: "relu" }, {
        type: "dense",
        units: 10,
      }],
    };
    const train = syntheticDataset(40);
    const model = new Sequential(plainNet, 3);
    const opts = { epochs: 1, batchSize: 16, seed: 1, quiet: true };
    const [smoothed] = await fit(model, new Sgd(model.params(), { lr: 0 }), train, range(0, 40), {
      ...opts,
      smoothing: 0.2,
    });
    const evaluated = await evaluate(model, train);
    assert.ok(smoothed.trainCrossEntropy !== undefined);
    assert.ok(
      Math.abs(smoothed.trainCrossEntropy - evaluated.loss) < 1e-4,
      `${smoothed.trainCrossEntropy} against ${evaluated.loss}`,
    );
    assert.ok(Math.abs(smoothed.trainLoss - smoothed.trainCrossEntropy) > 1e-3);
    const [plain] = await fit(model, new Sgd(model.params(), { lr: 0 }), train, range(0, 40), opts);
    assert.equal(plain.trainCrossEntropy, undefined);
    assert.ok(Math.abs(plain.trainLoss - evaluated.loss) < 1e-4);
  },
);
