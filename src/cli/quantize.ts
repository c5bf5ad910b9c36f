import { join, resolve } from "node:path";
import { checkWritableDir, intFlag, parseFlags, runCli, USAGE, userPath } from "./common.ts";
import { Gpu } from "../gpu/gpu.ts";
import { useGpu } from "../autograd/tensor.ts";
import { loadFashionMnist } from "../data/mod.ts";
import { CONFIG_FILE, loadModel, WEIGHTS_FILE } from "../io/checkpoint.ts";
import { checkModelFolder } from "../io/check_model.ts";
import { acquireFolderLock } from "../util/lock.ts";
import { evaluate } from "../train/evaluate.ts";
import { info } from "../train/progress.ts";
import { UserError } from "../util/errors.ts";
import type { Architecture } from "../nn/zoo.ts";
import { calibrationIndices } from "../quant/calibrate.ts";
import { planQuantized } from "../quant/graph.ts";
import { QuantizedClassifier } from "../quant/classifier.ts";
import {
  isQuantizedConfig,
  QUANT_FORMAT,
  QUANT_WEIGHTS_FILE,
  type QuantizationInfo,
  saveQuantized,
} from "../quant/model.ts";
import { quantizeModel } from "../quant/mod.ts";

const HELP = `deno task quantize --model DIR [flags]

Post-training int8 quantization of a network saved by "deno task train": batch-norm folded into
the convolutions, int8 weights with one scale per output channel, int8 activations with scales
calibrated on training images, int32 biases. Writes a model folder (config.json +
${QUANT_WEIGHTS_FILE}) that "deno task predict" and "deno task evaluate" take like any other,
then reports both models' accuracy on the 10,000 test images.

  --model DIR         the float model (config.json + ${WEIGHTS_FILE})
  --out DIR           where the int8 model goes (default: DIR-int8 beside it)
  --calibration N     training images whose activations set the scales (default 500)
  --seed N            which training images calibrate (default 1)
  --data-dir DIR      dataset directory (default: see deno task train --help)
  --batch-size N      images per GPU batch for the test-set comparison (default 500)
  --no-test           skip the test-set comparison
  --json              one JSON object on stdout: files, sizes, accuracies, adapter`;

await runCli(async () => {
  const flags = parseFlags("quantize", {
    model: { type: "string" },
    out: { type: "string" },
    calibration: { type: "string" },
    seed: { type: "string" },
    "data-dir": { type: "string" },
    "batch-size": { type: "string" },
    "no-test": { type: "boolean" },
    json: { type: "boolean" },
  }, HELP);
  if (!flags.model) throw new UserError("quantize: --model DIR is required; see --help", USAGE);
  const modelDir = userPath(flags.model);
  const out = flags.out === undefined
    ? resolve(modelDir.replace(/\/+$/, "") + "-int8")
    : userPath(flags.out);
  if (resolve(out) === resolve(modelDir)) {
    throw new UserError(
      `quantize: --out ${out} is the float model's own folder; choose another --out`,
      USAGE,
    );
  }
  const calibration = intFlag("calibration", flags.calibration, 500, 10);
  const seed = intFlag("seed", flags.seed, 1, 0);
  const batchSize = intFlag("batch-size", flags["batch-size"], 500);

  // Everything that can be refused is, before the data, the GPU and the calibration.
  const { config } = await checkModelFolder(modelDir);
  if (isQuantizedConfig(config)) {
    const source = (config.quantization as QuantizationInfo).source?.dir;
    throw new UserError(
      `${modelDir} is already an int8 model${source ? ` (made from ${source})` : ""}; ` +
        `quantize its float model instead`,
    );
  }
  if (config.kind !== "network") {
    throw new UserError(
      `${join(modelDir, CONFIG_FILE)}: a ${
        config.kind ?? "non-network"
      } model ("${config.name}"); only networks from "deno task train" are quantized`,
    );
  }
  const architecture = config.architecture as Architecture;
  planQuantized(architecture);
  await checkWritableDir(out, "--out");
  // One writer per folder: a second quantize into the same --out is refused at once.
  using _lock = acquireFolderLock(out, "--out");
  // Another model's folder would be half replaced (config.json) and half left (its weights).
  const existing = await Deno.readTextFile(join(out, "config.json")).then(JSON.parse, () => null)
    .catch(() => ({}));
  if (existing && !isQuantizedConfig(existing)) {
    throw new UserError(
      `quantize: --out ${out} holds another model (its config.json); choose a new or an int8 ` +
        `model's folder`,
      USAGE,
    );
  }

  const data = await loadFashionMnist({
    dataDir: flags["data-dir"] === undefined ? undefined : userPath(flags["data-dir"]),
  });
  const gpu = await Gpu.create();
  useGpu(gpu);
  info(`adapter: ${gpu.adapter.description} (${gpu.adapter.backend})`);
  const model = await loadModel(modelDir);

  const indices = calibrationIndices(data.train.count, calibration, seed);
  const per = data.train.rows * data.train.cols;
  const x = new Float32Array(indices.length * per);
  indices.forEach((i, k) => {
    for (let j = 0; j < per; j++) x[k * per + j] = data.train.images[i * per + j] / 255;
  });
  info(
    `calibrating on ${indices.length} training images (seed ${seed})` +
      (indices.length < calibration ? `: all there are, not the ${calibration} asked for` : ""),
  );
  const start = performance.now();
  const net = await quantizeModel(model, x, indices.length);
  const seconds = (performance.now() - start) / 1000;

  const quantization: QuantizationInfo = {
    format: QUANT_FORMAT,
    weights: "int8, symmetric, one scale per output channel (max |w| / 127)",
    activations: "int8, affine, one scale per tensor (min/max on the calibration images)",
    batchnorm: "folded into the convolution before it",
    source: { dir: modelDir, test: config.test },
    calibration: { images: indices.length, seed, from: "training set" },
    createdAt: new Date().toISOString(),
  };
  const classifier = new QuantizedClassifier(net, { ...config, quantization });
  let test: { accuracy: number; floatAccuracy: number; agreement: number } | undefined;
  if (!flags["no-test"]) {
    info(`comparing both models on the ${data.test.count} test images`);
    const f32 = await evaluate(model, data.test, { batchSize });
    const xt = new Float32Array(data.test.images.length);
    for (let i = 0; i < xt.length; i++) xt[i] = data.test.images[i] / 255;
    const predictions = await classifier.predict(xt, data.test.count, { batchSize });
    let hits = 0;
    let same = 0;
    for (let i = 0; i < data.test.count; i++) {
      if (predictions[i] === data.test.labels[i]) hits++;
      if (predictions[i] === f32.predictions[i]) same++;
    }
    test = {
      accuracy: hits / data.test.count,
      floatAccuracy: f32.accuracy,
      agreement: same / data.test.count,
    };
  }
  const { test: _floatTest, ...rest } = config;
  const dot4 = classifier.gpuForward().kernels.dot4;
  const { weightsBytes } = await saveQuantized(out, net, {
    ...rest,
    // Its own name: reports tell models of one name apart by the adapter that trained them.
    name: `${config.name ?? architecture.name}-int8`,
    quantization,
    // The int8 model's own result, with the float model's on the same run for comparison.
    ...(test ? { test: { ...test, adapter: gpu.adapter.description, dot4 } } : {}),
  });
  const floatBytes = (await Deno.stat(join(modelDir, WEIGHTS_FILE))).size;
  const summary = {
    model: modelDir,
    out,
    files: { float: join(modelDir, WEIGHTS_FILE), int8: join(out, QUANT_WEIGHTS_FILE) },
    bytes: { float: floatBytes, int8: weightsBytes, ratio: floatBytes / weightsBytes },
    calibration: quantization.calibration,
    calibrationSeconds: seconds,
    test: test ?? null,
    dot4,
    adapter: gpu.adapter,
  };
  if (flags.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(
    `wrote ${out}: ${QUANT_WEIGHTS_FILE} ${kb(weightsBytes)} against ${kb(floatBytes)} in f32 ` +
      `(${summary.bytes.ratio.toFixed(2)}× smaller)`,
  );
  if (test) {
    const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
    console.log(
      `test accuracy: int8 ${pct(test.accuracy)}, f32 ${pct(test.floatAccuracy)} (${
        ((test.accuracy - test.floatAccuracy) * 100).toFixed(2)
      } points); the two agree on ${pct(test.agreement)} of the ${data.test.count} images`,
    );
  }
});
