import assert from "node:assert/strict";
import { join } from "node:path";
import { gpuTest } from "../helpers.ts";
import { endStep, type Tensor } from "../../src/autograd/tensor.ts";
import { Sequential } from "../../src/nn/model.ts";
import { Adam } from "../../src/optim/optimizer.ts";
import { learningRateSchedule, LrScheduler, ReduceLrOnPlateau } from "../../src/optim/schedule.ts";
import { type EpochRecord, fit } from "../../src/train/fit.ts";
import {
  EarlyStopping,
  type EpochContext,
  ModelCheckpoint,
  Monitor,
  readTraining,
  restoreTraining,
  TrainingCheckpoint,
} from "../../src/train/callbacks.ts";
import { loadModel, readTensors, saveModel, TRAINING_STATE_FILE } from "../../src/io/checkpoint.ts";
import type { NamedArray } from "../../src/io/safetensors.ts";
import { range, syntheticDataset, tinyNet } from "./_synthetic.ts";

function record(epoch: number, valLoss: number, valAccuracy = 0.5): EpochRecord {
  return {
    epoch,
    trainLoss: 1,
    trainAccuracy: 0.5,
    valLoss,
    valAccuracy,
    lr: 1e-3,
    seconds: 1,
    imagesPerSecond: 1,
  };
}

/** Runs a callback over epochs with these validation losses; before epoch e the model's first
 * parameter is filled with the value e, so that restored weights say which epoch they are. */
async function drive(
  model: Sequential,
  callback: { onEpochEnd(ctx: EpochContext): Promise<void> | void },
  losses: number[],
) {
  const history: EpochRecord[] = [];
  const first = model.params()[0].value;
  for (let i = 0; i < losses.length; i++) {
    const epoch = i + 1;
    first.write(new Float32Array(first.size).fill(epoch));
    history.push(record(epoch, losses[i]));
    const ctx: EpochContext = { record: history[i], history, step: epoch * 10, stop: false };
    await callback.onEpochEnd(ctx);
    if (ctx.stop) break;
  }
  return history;
}

const firstValue = async (model: Sequential) => (await model.params()[0].value.read())[0];

gpuTest(
  "EarlyStopping stops after `patience` epochs without improvement, restores the best",
  async () => {
    const model = new Sequential(tinyNet, 1);
    const stopper = new EarlyStopping(model, new Monitor("val_loss", 0.01), 2, true, true);
    // Epoch 3 improves by less than min delta 0.01: it counts as no improvement.
    const history = await drive(model, stopper, [1.0, 0.8, 0.795, 0.9, 0.5]);
    assert.equal(history.length, 4, "stopped after epoch 4, before seeing 0.5");
    assert.equal(stopper.bestEpoch, 2);
    assert.equal(stopper.best, 0.8);
    assert.equal(await firstValue(model), 4);
    stopper.onTrainEnd(history);
    assert.equal(await firstValue(model), 2, "weights of epoch 2 are back");

    // val_accuracy: higher is better.
    const acc = new EarlyStopping(model, new Monitor("val_accuracy"), 1, false, true);
    const ctx = (e: number, a: number): EpochContext => ({
      record: record(e, 1, a),
      history: [],
      step: 0,
      stop: false,
    });
    const up = ctx(1, 0.5);
    await acc.onEpochEnd(up);
    const better = ctx(2, 0.6);
    await acc.onEpochEnd(better);
    const worse = ctx(3, 0.55);
    await acc.onEpochEnd(worse);
    assert.deepEqual([up.stop, better.stop, worse.stop], [false, false, true]);
    assert.equal(acc.bestEpoch, 2);
  },
);

gpuTest(
  "ModelCheckpoint best keeps the best-validation model on disk and reloads it at the end",
  async () => {
    const dir = await Deno.makeTempDir();
    const model = new Sequential(tinyNet, 1);
    const saved: number[] = [];
    const checkpoint = new ModelCheckpoint(
      model,
      dir,
      "best",
      new Monitor("val_loss"),
      (history, bestEpoch) => {
        saved.push(history.length);
        return { kind: "network", architecture: tinyNet, bestEpoch };
      },
    );
    const history = await drive(model, checkpoint, [1.0, 0.7, 0.9, 0.6, 0.8]);
    assert.deepEqual(saved, [1, 2, 4], "written only when validation loss improved");
    assert.equal(await firstValue(await loadModel(dir)), 4);
    const onDisk = JSON.parse(await Deno.readTextFile(join(dir, "history.json")));
    assert.equal(onDisk.length, 5, "history.json is written after every epoch");
    assert.equal(await firstValue(model), 5);
    await checkpoint.onTrainEnd(history);
    assert.equal(await firstValue(model), 4, "the model in memory is the saved best one");
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(left, ["config.json", "history.json", "weights.safetensors"], "no temp files");

    const every = new ModelCheckpoint(model, dir, "last", null, () => ({
      kind: "network",
      architecture: tinyNet,
    }));
    await drive(model, every, [1.0, 2.0]);
    assert.equal(await firstValue(await loadModel(dir)), 2, "last: the latest epoch's weights");
    await Deno.remove(dir, { recursive: true });
  },
);

/**
 * Everything a run carries: Adam moments, batch-norm statistics, dropout, a warm-up + cosine
 * schedule scaled on plateaus, early stopping's best weights, the best-model checkpoint. The
 * plateau's min delta of 10 makes every epoch after the first a plateau (the rate halves each
 * time), and early stopping's min delta of 2 keeps epoch 1 as its best (so its snapshot must
 * survive the interruption and is put back at the end): both states then matter on resume.
 */
function buildRun(dir: string, modelSeed: number) {
  const model = new Sequential(tinyNet, modelSeed);
  const optimizer = new Adam(model.params(), { lr: 0.02 });
  const scheduler = new LrScheduler(
    learningRateSchedule({
      name: "cosine",
      lr: 0.02,
      epochs: 3,
      stepsPerEpoch: 4,
      warmupEpochs: 1,
    }),
    new ReduceLrOnPlateau(1, 0.5, 10),
  );
  const earlyStopping = new EarlyStopping(model, new Monitor("val_accuracy", 2), 5, true, true);
  const modelCheckpoint = new ModelCheckpoint(model, dir, "last", new Monitor("val_loss"), () => ({
    kind: "network",
    architecture: tinyNet,
  }));
  const parts = { model, optimizer, scheduler, earlyStopping, modelCheckpoint };
  const checkpoint = new TrainingCheckpoint(join(dir, TRAINING_STATE_FILE), parts, { note: "x" });
  // Weights at the end of each epoch, before early stopping puts epoch 1's back.
  const afterEpoch = new Map<number, NamedArray[]>();
  const spy = {
    onEpochEnd: async (ctx: EpochContext) => {
      afterEpoch.set(ctx.record.epoch, await readTensors(model.stateTensors()));
    },
  };
  return { ...parts, afterEpoch, callbacks: [earlyStopping, modelCheckpoint, checkpoint, spy] };
}

gpuTest(
  "a run interrupted in epoch 3 and resumed ends with the uninterrupted run's weights",
  async () => {
    const ds = syntheticDataset(60);
    const train = range(0, 30); // 4 steps per epoch of 8, 8, 8, 6
    const opts = (run: ReturnType<typeof buildRun>) => ({
      epochs: 3,
      batchSize: 8,
      seed: 5,
      quiet: true,
      valIndices: range(30, 60),
      scheduler: run.scheduler,
      callbacks: run.callbacks,
    });
    const straightDir = await Deno.makeTempDir();
    const straight = buildRun(straightDir, 5);
    const straightHistory = await fit(
      straight.model,
      straight.optimizer,
      ds,
      train,
      opts(straight),
    );
    assert.deepEqual(straight.scheduler.plateau!.scale, 0.25, "the plateau lowered the rate twice");

    // The same run, killed two steps into epoch 3 (after epoch 2's checkpoint was written).
    const dir = await Deno.makeTempDir();
    const doomed = buildRun(dir, 5);
    await assert.rejects(
      () =>
        fit(doomed.model, doomed.optimizer, ds, train, {
          ...opts(doomed),
          augment: (x: Tensor, step: number) => {
            if (step === 10) throw new Error("killed");
            return x;
          },
        }),
      /killed/,
    );
    endStep();

    // A fresh process: everything rebuilt (another init seed, so the weights must come from the
    // file), then the checkpoint put back.
    const path = join(dir, TRAINING_STATE_FILE);
    const saved = await readTraining<{ note: string }>(path);
    assert.equal(saved.state.epoch, 2);
    assert.equal(saved.state.step, 8);
    assert.deepEqual(saved.state.settings, { note: "x" });
    const resumed = buildRun(dir, 99);
    const resume = restoreTraining(saved, path, resumed);
    assert.equal(resumed.optimizer.steps, 8);
    const history = await fit(resumed.model, resumed.optimizer, ds, train, {
      ...opts(resumed),
      resume,
    });

    // Timings differ between runs (and a resumed session compiles again); the rest may not.
    const strip = (h: EpochRecord[]) =>
      h.map(({ seconds: _s, imagesPerSecond: _i, compileSeconds: _c, readySeconds: _r, ...rest }) =>
        rest
      );
    assert.deepEqual(strip(history), strip(straightHistory));
    assert.deepEqual(
      resumed.afterEpoch.get(3),
      straight.afterEpoch.get(3),
      "weights after training",
    );
    const final = async (run: ReturnType<typeof buildRun>) =>
      await readTensors(run.model.stateTensors());
    assert.deepEqual(await final(resumed), await final(straight));
    assert.deepEqual(
      await final(straight),
      straight.afterEpoch.get(1),
      "epoch 1's weights restored",
    );
    assert.deepEqual(
      await readTensors(resumed.optimizer.stateTensors()),
      await readTensors(straight.optimizer.stateTensors()),
      "optimizer moments",
    );
    assert.equal(resumed.optimizer.steps, straight.optimizer.steps);
    assert.deepEqual(resumed.scheduler.state(), straight.scheduler.state());
    assert.deepEqual(resumed.earlyStopping.state(), straight.earlyStopping.state());
    await Deno.remove(straightDir, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  },
);

gpuTest("a training state of another network, or no training state, is refused", async () => {
  const dir = await Deno.makeTempDir();
  const run = buildRun(dir, 1);
  const path = join(dir, TRAINING_STATE_FILE);
  await new TrainingCheckpoint(path, run, {}).onEpochEnd({
    record: record(1, 1),
    history: [record(1, 1)],
    step: 4,
    stop: false,
  });
  const saved = await readTraining(path);
  const wider = {
    ...tinyNet,
    layers: tinyNet.layers.map((l) =>
      l.type === "dense" && l.units === 16 ? { ...l, units: 12 } : l
    ),
  };
  const model = new Sequential(wider, 1);
  assert.throws(
    () => restoreTraining(saved, path, { model, optimizer: new Adam(model.params()) }),
    /training-state\.safetensors: checkpoint of another architecture/,
  );
  await assert.rejects(() => readTraining(join(dir, "missing.safetensors")), /not found; --resume/);
  // A model's weights file is not a training state.
  await saveModel(dir, run.model, { kind: "network", architecture: tinyNet });
  await assert.rejects(
    () => readTraining(join(dir, "weights.safetensors")),
    /weights\.safetensors: not a training state/,
  );
  await Deno.remove(dir, { recursive: true });
});
