import { join } from "node:path";
import { choiceFlag, intFlag, numberFlag, parseFlags, runCli } from "./common.ts";
import { Gpu } from "../gpu/gpu.ts";
import { useGpu } from "../autograd/tensor.ts";
import { architecture, ARCHITECTURES } from "../nn/zoo.ts";
import { Sequential } from "../nn/model.ts";
import { Adam, type Optimizer, Sgd } from "../optim/optimizer.ts";
import { loadFashionMnist, stratifiedSplit } from "../data/mod.ts";
import { fit } from "../train/fit.ts";
import { evaluate } from "../train/evaluate.ts";
import { info } from "../train/progress.ts";
import { HISTORY_FILE, saveModel } from "../io/checkpoint.ts";
import { writeJsonAtomic } from "../util/atomic.ts";

const HELP = `deno task train [flags]

Trains a network on Fashion-MNIST with the project's WGSL kernels and saves it.

  --model NAME        architecture: ${Object.keys(ARCHITECTURES).join(", ")} (default cnn)
  --epochs N          passes over the training images (default 5)
  --batch-size N      images per step (default 128)
  --lr X              learning rate (default 0.001 for adam, 0.01 for sgd)
  --optimizer NAME    adam or sgd (momentum 0.9) (default adam)
  --seed N            seeds init, shuffling, split and dropout (default 1)
  --limit N           use only the first N training images (quick runs)
  --val-split X       fraction held out for validation, stratified (default 0.1; 0 = none)
  --out DIR           where to save config.json, weights.safetensors, history.json
                      (default models/<model>)
  --data-dir DIR      dataset directory (else $FASHION_MNIST_DIR, the cache,
                      /usr/share/datasets/fashion-mnist, then download)
  --test-every-epoch  also measure test accuracy after every epoch (for accuracy-vs-epochs
                      reports; model selection uses the validation split only)
  --json              print a JSON summary on stdout (progress stays on stderr)
  --quiet             no progress bar`;

await runCli(async () => {
  const flags = parseFlags("train", {
    model: { type: "string" },
    epochs: { type: "string" },
    "batch-size": { type: "string" },
    lr: { type: "string" },
    optimizer: { type: "string" },
    seed: { type: "string" },
    limit: { type: "string" },
    "val-split": { type: "string" },
    out: { type: "string" },
    "data-dir": { type: "string" },
    json: { type: "boolean" },
    quiet: { type: "boolean" },
    "test-every-epoch": { type: "boolean" },
  }, HELP);
  const modelName = choiceFlag("model", flags.model, "cnn", Object.keys(ARCHITECTURES));
  const epochs = intFlag("epochs", flags.epochs, 5);
  const batchSize = intFlag("batch-size", flags["batch-size"], 128);
  const optimizerName = choiceFlag("optimizer", flags.optimizer, "adam", ["adam", "sgd"] as const);
  const lr = numberFlag("lr", flags.lr, optimizerName === "adam" ? 1e-3 : 1e-2, [1e-8, 10]);
  const seed = intFlag("seed", flags.seed, 1, 0);
  const limit = flags.limit === undefined ? undefined : intFlag("limit", flags.limit, 0, 10);
  const valSplit = numberFlag("val-split", flags["val-split"], 0.1, [0, 0.5]);
  const out = flags.out ?? join("models", modelName);
  const quiet = flags.quiet ?? false;

  const data = await loadFashionMnist({ dataDir: flags["data-dir"], limit });
  info(
    `data: ${data.dir} (${data.source}); ${data.train.count} training, ${data.test.count} test images`,
  );
  const gpu = await Gpu.create();
  useGpu(gpu);
  info(`adapter: ${gpu.adapter.description} (${gpu.adapter.backend})`);
  const split = stratifiedSplit(data.train.labels, valSplit, seed);

  const arch = architecture(modelName);
  const model = new Sequential(arch, seed);
  const params = model.params();
  const optimizer: Optimizer = optimizerName === "adam"
    ? new Adam(params, { lr })
    : new Sgd(params, { lr, momentum: 0.9 });
  info(
    `model: ${modelName}, ${model.parameterCount().toLocaleString("en")} parameters, ` +
      `${(model.flops() / 1e6).toFixed(1)} MFLOP/image forward; ${split.train.length} train / ` +
      `${split.val.length} validation images, batch ${batchSize}, ${optimizerName} lr ${lr}`,
  );
  const hyperParameters = {
    epochs,
    batchSize,
    optimizer: optimizerName,
    lr,
    seed,
    limit: limit ?? null,
    valSplit,
  };
  const config = (extra: Record<string, unknown>) => ({
    kind: "network" as const,
    name: modelName,
    architecture: arch,
    parameters: model.parameterCount(),
    hyperParameters,
    adapter: gpu.adapter,
    deno: Deno.version.deno,
    data: {
      source: data.source,
      train: split.train.length,
      validation: split.val.length,
      test: data.test.count,
    },
    ...extra,
  });

  const started = performance.now();
  const history = await fit(model, optimizer, data.train, split.train, {
    epochs,
    batchSize,
    seed,
    valIndices: split.val,
    testSet: flags["test-every-epoch"] ? data.test : undefined,
    quiet,
    // Each epoch is checkpointed, so an interrupted run keeps what it finished.
    onEpoch: async (_record, history) => {
      await saveModel(out, model, config({ epochsCompleted: history.length }));
      await writeJsonAtomic(join(out, HISTORY_FILE), history);
    },
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const test = await evaluate(model, data.test);
  info(
    `test: accuracy ${(test.accuracy * 100).toFixed(2)}%, loss ${
      test.loss.toFixed(4)
    } on ${data.test.count} images`,
  );
  const summary = config({
    epochsCompleted: history.length,
    timings: {
      trainSeconds,
      secondsPerEpoch: history.map((h) => h.seconds),
      imagesPerSecond: history.map((h) => h.imagesPerSecond),
      testSeconds: test.seconds,
    },
    test: { accuracy: test.accuracy, loss: test.loss },
    createdAt: new Date().toISOString(),
  });
  await saveModel(out, model, summary);
  info(`saved ${out}/{config.json, weights.safetensors, history.json}`);
  if (flags.json) console.log(JSON.stringify({ out, ...summary, history }));
});
