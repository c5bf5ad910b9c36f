import { intFlag, parseFlags, runCli, USAGE, userPath } from "./common.ts";
import { Gpu } from "../gpu/gpu.ts";
import { useGpu } from "../autograd/tensor.ts";
import { CLASS_NAMES, loadFashionMnist, loadImagesFile } from "../data/mod.ts";
import { readConfig } from "../io/checkpoint.ts";
import { loadSavedModel } from "../report/build.ts";
import { info } from "../train/progress.ts";
import { UserError } from "../util/errors.ts";

const HELP = `deno task predict --model DIR [flags]

Predicts classes with a model saved by "deno task train" or "deno task baselines".

  --model DIR         model directory (config.json + weights.safetensors)
  --images FILE       IDX images (raw or .gz) or Kaggle CSV; default: the Fashion-MNIST test set
  --labels FILE       IDX labels for --images (CSV files carry their own)
  --data-dir DIR      dataset directory for the default test set
  --batch-size N      images per GPU batch (default 500)
  --limit N           predict only the first N images
  --tta               test-time augmentation: average each image's and its mirror image's
                      probabilities (networks only; helps models trained with --augment flip)
  --json              one JSON object on stdout: predictions (class index per image, in file
                      order), accuracy where labels are known, and the adapter`;

await runCli(async () => {
  const flags = parseFlags("predict", {
    model: { type: "string" },
    images: { type: "string" },
    labels: { type: "string" },
    "data-dir": { type: "string" },
    "batch-size": { type: "string" },
    limit: { type: "string" },
    tta: { type: "boolean" },
    json: { type: "boolean" },
  }, HELP);
  if (!flags.model) throw new UserError("predict: --model DIR is required; see --help", USAGE);
  if (flags.labels && !flags.images) {
    throw new UserError("predict: --labels needs --images; see --help", USAGE);
  }
  // Paths are the user's: relative to the directory they ran the command from, then absolute.
  for (const k of ["model", "images", "labels", "data-dir"] as const) {
    if (flags[k] !== undefined) flags[k] = userPath(flags[k]);
  }
  const batchSize = intFlag("batch-size", flags["batch-size"], 500);
  const limit = flags.limit === undefined ? undefined : intFlag("limit", flags.limit, 1);

  const gpu = await Gpu.create();
  useGpu(gpu);
  info(`adapter: ${gpu.adapter.description} (${gpu.adapter.backend})`);
  const config = await readConfig(flags.model);
  const classifier = await loadSavedModel(flags.model, config);
  if (flags.tta && !classifier.supportsTta) {
    throw new UserError(
      `predict: --tta applies to networks only; ${flags.model} is ${classifier.name}`,
      USAGE,
    );
  }

  let images;
  let source: string;
  if (flags.images) {
    images = await loadImagesFile(flags.images, flags.labels);
    source = flags.images;
  } else {
    const data = await loadFashionMnist({ dataDir: flags["data-dir"] });
    images = data.test;
    source = `${data.dir} (test set)`;
  }
  if (images.rows !== 28 || images.cols !== 28) {
    throw new UserError(
      `${source}: images are ${images.rows}×${images.cols}, the models expect 28×28`,
    );
  }
  const count = Math.min(images.count, limit ?? Infinity);
  const x = new Float32Array(count * 784);
  for (let i = 0; i < x.length; i++) x[i] = images.images[i] / 255;
  const start = performance.now();
  const predictions = await classifier.predict(x, count, { batchSize, tta: flags.tta });
  const seconds = (performance.now() - start) / 1000;
  const labeled = images.labels != null;
  let hits = 0;
  if (labeled) { for (let i = 0; i < count; i++) if (predictions[i] === images.labels![i]) hits++; }
  const result = { predictions, accuracy: hits / count, seconds };
  if (flags.json) {
    console.log(JSON.stringify({
      model: flags.model,
      images: source,
      count,
      predictions: Array.from(result.predictions),
      accuracy: labeled ? result.accuracy : null,
      engine: classifier.engine,
      tta: Boolean(flags.tta),
      imagesPerSecond: count / result.seconds,
      adapter: gpu.adapter,
    }));
    return;
  }
  const shown = Math.min(count, 20);
  for (let i = 0; i < shown; i++) {
    const p = result.predictions[i];
    const truth = labeled ? `  (true: ${CLASS_NAMES[images.labels![i]]})` : "";
    console.log(`${String(i).padStart(5)}  ${CLASS_NAMES[p]}${truth}`);
  }
  if (count > shown) console.log(`  ... ${count - shown} more (use --json for all)`);
  const rate = (count / result.seconds).toFixed(0);
  console.log(
    labeled
      ? `accuracy ${(result.accuracy * 100).toFixed(2)}% on ${count} images (${rate} images/s)`
      : `${count} images predicted (${rate} images/s)`,
  );
});
