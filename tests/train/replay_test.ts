// A replayed training step (src/train/step.ts: the first step of each batch size captured with
// Gpu.capture, later ones replayed) computes exactly what a step through the tape computes, and
// creates nothing on the GPU.
import assert from "node:assert/strict";
import { gpuTest, testGpu } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { Adam, Rmsprop, Sgd } from "../../src/optim/optimizer.ts";
import { fit } from "../../src/train/fit.ts";
import { TrainingStep } from "../../src/train/step.ts";
import { augmenter, parseAugment } from "../../src/augment/mod.ts";
import { range, syntheticDataset, tinyNet } from "./_synthetic.ts";
import { difference, snapshot } from "../../src/profile/step.ts";
import { Rng } from "../../src/util/random.ts";
import { setTuner, Tuner, tunerFor } from "../../src/gpu/tune.ts";

const data = syntheticDataset(90, 3);

/** Every parameter's and running statistic's values after `fit`, replayed or through the tape. */
async function train(replay: boolean, optimizer: "adam" | "sgd" | "rmsprop") {
  const g = await testGpu();
  const replaysBefore = g.counts.replays;
  const model = new Sequential(tinyNet, 5);
  const opt = optimizer === "adam"
    ? new Adam(model.params(), { lr: 0.01, weightDecay: 1e-3, decoupled: true })
    : optimizer === "sgd"
    ? new Sgd(model.params(), { lr: 0.05, nesterov: true, weightDecay: 1e-4 })
    : new Rmsprop(model.params(), { lr: 0.003, momentum: 0.5 });
  const history = await fit(model, opt, data, range(0, 77), {
    epochs: 2,
    batchSize: 16, // 77 = 4 × 16 + 13: two plans, the short last batch's too
    seed: 11,
    smoothing: 0.1,
    quiet: true,
    replay,
    augment: augmenter(parseAugment("flip=0.5,shift=1,erase=0.3"), 11),
    scheduler: { lrAt: (step) => 0.01 / (1 + step) },
    readbackSeconds: 0,
    logEvery: 2,
  });
  const values = [];
  for (const { name, value } of model.stateTensors()) {
    values.push({ name, data: await value.read() });
  }
  model.dispose();
  opt.dispose();
  // 2 epochs of 5 steps: per epoch, each batch size's first step is captured, 3 are replayed.
  assert.equal(g.counts.replays - replaysBefore, replay ? 6 : 0);
  return { history, values };
}

for (const optimizer of ["adam", "sgd", "rmsprop"] as const) {
  gpuTest(`replayed steps equal steps through the tape bit for bit (${optimizer})`, async () => {
    const tape = await train(false, optimizer);
    const replayed = await train(true, optimizer);
    for (let i = 0; i < tape.values.length; i++) {
      assert.equal(replayed.values[i].name, tape.values[i].name);
      assert.deepEqual(replayed.values[i].data, tape.values[i].data, tape.values[i].name);
    }
    const losses = (h: typeof tape.history) => h.map((e) => [e.trainLoss, e.trainAccuracy]);
    assert.deepEqual(losses(replayed.history), losses(tape.history));
  });
}

gpuTest("a replayed step creates no GPU object, uploads three times and submits once", async () => {
  const g = await testGpu();
  const model = new Sequential(tinyNet, 2);
  const optimizer = new Adam(model.params());
  const step = new TrainingStep(model, optimizer, {
    seed: 1,
    augment: augmenter(parseAugment("flip=0.5"), 1),
  });
  const rng = new Rng(4);
  const batch = {
    x: Float32Array.from({ length: 12 * 64 }, () => rng.next()),
    y: Uint32Array.from({ length: 12 }, () => rng.int(10)),
    size: 12,
  };
  try {
    step.run(batch, 0);
    step.run(batch, 1); // the caches are warm after a step through the tape and a capture
    await g.sync();
    for (let s = 2; s < 5; s++) {
      const before = snapshot(g.counts);
      step.run(batch, s);
      const d = difference(g.counts, before);
      for (
        const k of ["buffers", "textures", "uniformBuffers", "bindGroups", "pipelines"] as const
      ) {
        assert.equal(d[k], 0, `${k} created by a replayed step`);
      }
      assert.equal(d.replays, 1);
      assert.equal(d.submits, 1);
      assert.equal(d.waits, 0);
      assert.equal(d.uploads, 3, "the batch, its labels, the step values");
      assert.ok(d.dispatches > 10);
    }
    assert.equal(step.captured, 1);
    assert.equal(step.replayed, 4);
  } finally {
    step.dispose();
    model.dispose();
    optimizer.dispose();
  }
});

gpuTest(
  "a plain augmentation function turns replay off (its seeds cannot be written)",
  async () => {
    await testGpu();
    const model = new Sequential(tinyNet, 2);
    const optimizer = new Adam(model.params());
    const step = new TrainingStep(model, optimizer, { seed: 1, augment: (x) => x });
    assert.equal(step.replays, false);
    step.dispose();
    model.dispose();
    optimizer.dispose();
  },
);

gpuTest(
  "tuning before the first step measures the step's ops and leaves the model as it was",
  async () => {
    const g = await testGpu();
    const original = tunerFor(g);
    const tuner = new Tuner(g.adapter, {
      store: null,
      enabled: true,
      reps: 1,
      batchMs: 1,
      log: () => {},
    });
    setTuner(g, tuner);
    try {
      const model = new Sequential(tinyNet, 5);
      const opt = new Adam(model.params(), { lr: 0.01 });
      const before = [];
      for (const { value } of model.stateTensors()) before.push(await value.read());
      const step = new TrainingStep(model, opt, { seed: 1, smoothing: 0.1 });
      const rng = new Rng(2);
      const x = Float32Array.from({ length: 16 * 8 * 8 }, () => rng.next());
      const y = Uint32Array.from({ length: 16 }, (_, i) => i % 10);
      let announced = 0;
      const results = await step.tune({ x, y, size: 16 }, (n) => announced = n);
      assert.ok(
        results.length > 0 && announced > 0,
        "the step's matmuls and convolutions were measured",
      );
      assert.ok(
        results.some((r) => r.key.startsWith("conv2d:g")),
        "the backward's convolution too",
      );
      assert.ok(model.params().every((p) => p.value.grad === null), "no gradient left behind");
      const after = [];
      for (const { value } of model.stateTensors()) after.push(await value.read());
      // Parameters untouched (no optimizer update), running statistics copied back.
      assert.deepEqual(after, before);
      // The same shapes again: all cached, nothing measured.
      assert.deepEqual(await step.tune({ x, y, size: 16 }), []);
      step.dispose();
      opt.dispose();
      model.dispose();
    } finally {
      setTuner(g, original);
    }
  },
);
