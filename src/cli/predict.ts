import { dirname } from "node:path";
import {
  checkWritableDir,
  intFlag,
  parseFlags,
  projectPath,
  runCli,
  USAGE,
  userPath,
} from "./common.ts";
import { Gpu } from "../gpu/gpu.ts";
import { useGpu } from "../autograd/tensor.ts";
import {
  CLASS_NAMES,
  LIGHT_BORDER_MEAN,
  lightBackgrounds,
  loadFashionMnist,
  loadImagesFile,
} from "../data/mod.ts";
import { checkModelFolder } from "../io/check_model.ts";
import { info } from "../train/progress.ts";
import { UserError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { MAX_PICTURE_BYTES, MAX_PIXELS } from "../image/limits.ts";
import { MAX_DATA_BYTES } from "../data/idx.ts";

// The limits of src/image/limits.ts and src/data/idx.ts, for --help.
const PICTURE_LIMIT = `${MAX_PIXELS / 1e6} megapixels and ${MAX_PICTURE_BYTES / 1e6} MB`;
const DATA_LIMIT = `${MAX_DATA_BYTES / 1e6} MB`;

const HELP = `deno task predict --model DIR [flags]

Predicts classes with a model saved by "deno task train", "deno task baselines" or
"deno task quantize" (int8).

  --model DIR         model directory (config.json + weights.safetensors, or an int8 model's
                      weights-int8.safetensors)
  --images FILE|DIR   IDX images (raw or .gz) or CSV; default: the Fashion-MNIST test set. A CSV's
                      header names its label column (label, class, target, y; first or last),
                      or none (784 pixel columns: accuracy null); a pandas index is skipped.
                      Or pictures: a PNG or JPEG file, or a folder of them (any size, colour),
                      converted as the dataset was made: light backgrounds negated, grayscale,
                      trimmed to the garment, fitted and centred on 28×28. Each must be a
                      regular file of at most ${PICTURE_LIMIT} (a picture) or
                      ${DATA_LIMIT} (IDX or CSV, also once gunzipped), checked before decoding
  --save-inputs DIR   pictures: also write the 28×28 image each became, as DIR/<name>.28x28.png
  --labels FILE       IDX labels for --images (a CSV with a label column carries its own)
  --no-invert         keep images with a light background as they are (by default they are
                      inverted to Fashion-MNIST's black background; either way stderr says so)
  --data-dir DIR      dataset directory for the default test set
  --batch-size N      images per GPU batch (default 500)
  --limit N           predict only the first N images
  --tta               test-time augmentation: average each image's and its mirror image's
                      probabilities (networks only; helps models trained with --augment flip)
  --csv OUT           write one row per picture (or image) to OUT, streaming a batch at a time
                      (thousands of files in the memory of one batch): file, class, name,
                      confidence, top2, top2_confidence, top3, top3_confidence, note (the
                      preprocessing's warning) and error (a picture that could not be read is
                      listed, not fatal). RFC 4180 quoting, CRLF lines; OUT is written to a
                      temporary file renamed at the end (never half-written)
  --force             replace an existing --csv OUT (otherwise refused)
  --explain [DIR]     pictures: also write why, per picture: an occlusion saliency map (6×6
                      black patches, stride 2) of the predicted class over the 28×28 input
                      (DIR/<name>.saliency-28x28.png) and carried back through the crop onto
                      the picture (DIR/<name>.saliency.png); red: evidence for the class, blue:
                      against. Networks only. Default DIR: results/explain
  --json              one JSON object on stdout: predictions (class index per image, in file
                      order), accuracy where labels are known, and the adapter; with --csv a
                      summary (count, notes, errors); pictures carry their preprocessing note

Pictures whose background is not one colour (a photo lit unevenly) have it modelled and the
largest object cropped; when no object can be separated, stderr warns, --json and the CSV's
note say so (see docs/photos.md).`;

/** Where --explain without a folder writes. */
const EXPLAIN_DEFAULT = "results/explain";

/** `--explain` may come without a folder: then the default (given as --explain=DIR). */
function explainArgs(args: string[]): string[] {
  return args.map((a, i) =>
    a === "--explain" && (i + 1 === args.length || args[i + 1].startsWith("--"))
      ? `--explain=${projectPath(EXPLAIN_DEFAULT)}`
      : a
  );
}

await runCli(async () => {
  const flags = parseFlags(
    "predict",
    {
      csv: { type: "string" },
      force: { type: "boolean" },
      explain: { type: "string" },
      model: { type: "string" },
      images: { type: "string" },
      labels: { type: "string" },
      "data-dir": { type: "string" },
      "batch-size": { type: "string" },
      limit: { type: "string" },
      tta: { type: "boolean" },
      json: { type: "boolean" },
      "no-invert": { type: "boolean" },
      "save-inputs": { type: "string" },
    },
    HELP,
    explainArgs(Deno.args),
  );
  if (!flags.model) throw new UserError("predict: --model DIR is required; see --help", USAGE);
  if (flags.labels && !flags.images) {
    throw new UserError("predict: --labels needs --images; see --help", USAGE);
  }
  // Paths are the user's: relative to the directory they ran the command from, then absolute.
  for (
    const k of ["model", "images", "labels", "data-dir", "save-inputs", "csv", "explain"] as const
  ) {
    if (flags[k] !== undefined) flags[k] = userPath(flags[k]);
  }
  if (flags["save-inputs"] !== undefined) {
    if (!flags.images) throw new UserError("predict: --save-inputs needs --images", USAGE);
    await checkWritableDir(flags["save-inputs"], "--save-inputs");
  }
  if (flags.force && flags.csv === undefined) {
    throw new UserError("predict: --force applies to --csv OUT", USAGE);
  }
  if (flags.csv !== undefined) {
    const there = await Deno.stat(flags.csv).catch(() => null);
    if (there?.isDirectory) {
      throw new UserError(`predict: --csv ${flags.csv} is a folder; give a file name`, USAGE);
    }
    if (there && !flags.force) {
      throw new UserError(
        `predict: --csv ${flags.csv} exists; add --force to replace it, or choose another name`,
        USAGE,
      );
    }
    await checkWritableDir(dirname(flags.csv), "--csv");
  }
  if (flags.explain !== undefined) {
    if (!flags.images) throw new UserError("predict: --explain needs --images (pictures)", USAGE);
    await checkWritableDir(flags.explain, "--explain");
  }
  const batchSize = intFlag("batch-size", flags["batch-size"], 500);
  const limit = flags.limit === undefined ? undefined : intFlag("limit", flags.limit, 1);

  // Before the GPU: a path that is not there is a usage error naming its flag.
  for (const k of ["model", "images"] as const) {
    if (flags[k] !== undefined && !(await exists(flags[k]!))) {
      const fix = k === "model"
        ? 'give a folder written by "deno task train", "deno task baselines" or "deno task quantize"'
        : "check the path (relative to where you run the command)";
      throw new UserError(`predict: --${k} ${flags[k]}: no such file or folder; ${fix}`, USAGE);
    }
  }
  // The whole folder is checked before the GPU starts: a shared model can't make us build a
  // network of a billion parameters or read outside its folder.
  const { config } = await checkModelFolder(flags.model!);
  const gpu = await Gpu.create();
  useGpu(gpu);
  info(`adapter: ${gpu.adapter.description} (${gpu.adapter.backend})`);
  // Loaded here, not at the top: the baselines' npm packages are needed for a saved baseline
  // only, and --help or a usage error needs none.
  const { loadSavedModel } = await import("../baselines/saved.ts");
  const classifier = await loadSavedModel(flags.model, config);
  if (flags.tta && !classifier.supportsTta) {
    throw new UserError(
      `predict: --tta applies to networks only; ${flags.model} is ${classifier.name}`,
      USAGE,
    );
  }

  let images;
  let source: string;
  // Pictures (PNG/JPEG files or a folder of them) go through src/image/, loaded only here: its
  // npm decoders are needed for pictures alone.
  const pictureInput = flags.images
    ? await import("../image/files.ts").then(async (m) =>
      await m.isPictureInput(flags.images!) ? m : null
    )
    : null;
  let pictures: import("../image/files.ts").PictureSet | null = null;
  // What each output means (class number and name): Fashion-MNIST's, a subset's, or a folder's.
  const { outputClasses } = await import("../explain/probabilities.ts");
  const outputs = outputClasses(config, outputCount(config), CLASS_NAMES);
  const nameOf = (c: number) => outputs.find((o) => o.index === c)?.name ?? CLASS_NAMES[c];
  const streaming = flags.csv !== undefined || flags.explain !== undefined;
  const { streamPredict } = streaming
    ? await import("./predict_stream.ts")
    : { streamPredict: null };
  if (flags.images && pictureInput) {
    if (flags.labels) {
      throw new UserError("predict: --labels applies to IDX or CSV images, not pictures", USAGE);
    }
    if (streamPredict) {
      await streamPredict({
        classifier,
        outputs,
        images: flags.images,
        csv: flags.csv,
        explain: flags.explain,
        saveInputs: flags["save-inputs"],
        invert: flags["no-invert"] ? "never" : "auto",
        batchSize,
        limit,
        tta: Boolean(flags.tta),
        json: Boolean(flags.json),
      });
      return;
    }
    pictures = await pictureInput.loadPictures(flags.images, {
      invert: flags["no-invert"] ? "never" : "auto",
      saveDir: flags["save-inputs"],
    });
    images = pictures;
    source = flags.images;
    if (pictures.skipped.length) {
      info(`${source}: left out ${pictures.skipped.length} file(s) that are not pictures`);
    }
    for (const p of pictures.pictures) {
      info(`${p.file}: ${p.preprocessed.description}${p.saved ? `; saved ${p.saved}` : ""}`);
    }
    for (const p of pictures.pictures) {
      if (p.preprocessed.note) info(`warning: ${p.file}: ${p.preprocessed.note}`);
    }
  } else if (flags.explain !== undefined) {
    throw new UserError("predict: --explain applies to pictures (PNG or JPEG)", USAGE);
  } else if (flags["save-inputs"] !== undefined) {
    throw new UserError("predict: --save-inputs applies to pictures (PNG or JPEG)", USAGE);
  } else if (flags.images) {
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
  if ("layout" in images && images.layout) info(`${source}: CSV, ${images.layout}`);
  // A model trained on some classes (train --classes) answers only those: labeled images of the
  // others would count as errors it can never avoid, so they are left out, as train's test does.
  const known = (classifier as { classes?: number[] | null }).classes ?? null;
  if (known) {
    const names = known.map((c) => CLASS_NAMES[c]).join(", ");
    if (images.labels != null && !pictures) {
      const keep: number[] = [];
      for (let i = 0; i < images.count; i++) if (known.includes(images.labels[i])) keep.push(i);
      if (!keep.length) {
        throw new UserError(`${source}: no images of this model's classes (${names})`);
      }
      const all = { images: images.images as Uint8Array, labels: images.labels as Uint8Array };
      const picked = new Uint8Array(keep.length * 784);
      keep.forEach((i, k) => picked.set(all.images.subarray(i * 784, (i + 1) * 784), k * 784));
      images = {
        ...images,
        images: picked,
        labels: Uint8Array.from(keep, (i) => all.labels[i]),
        count: keep.length,
      };
      info(
        `${flags.model}: trained on ${known.length} classes (${names}); predicting the ` +
          `${keep.length} images of those classes`,
      );
    } else {
      info(
        `${flags.model}: trained on ${known.length} classes only (${names}); it answers one of them`,
      );
    }
  }
  const count = Math.min(images.count, limit ?? Infinity);
  // The loaders refuse empty files; no accuracy is ever computed over zero images.
  if (count === 0) throw new UserError(`${source}: no images to predict`);
  // Pictures had their background level handled by src/image/preprocess.ts.
  const light = pictures
    ? pictures.pictures.flatMap((p, i) => p.preprocessed.inverted ? [i] : [])
    : lightBackgrounds(images.images, count, 28, 28);
  const invert = light.length > 0 && !flags["no-invert"];
  if (light.length && !pictures) info(polarityLine(source, light, count, invert));
  const inverted = new Uint8Array(count);
  if (invert && !pictures) { for (const i of light) inverted[i] = 1; }
  const x = new Float32Array(count * 784);
  for (let i = 0; i < x.length; i++) {
    const v = images.images[i];
    x[i] = (inverted[Math.floor(i / 784)] ? 255 - v : v) / 255;
  }
  if (streamPredict) {
    await streamPredict({
      classifier,
      outputs,
      dataset: { x, count, labels: images.labels as Uint8Array | null },
      csv: flags.csv,
      invert: "never",
      batchSize,
      tta: Boolean(flags.tta),
      json: Boolean(flags.json),
    });
    return;
  }
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
      inverted: invert ? light : [],
      lightBackground: light,
      ...(pictures
        ? {
          pictures: pictures.pictures.map((p) => ({
            file: p.file,
            inverted: p.preprocessed.inverted,
            crop: p.preprocessed.crop,
            placed: p.preprocessed.placed,
            background: p.preprocessed.background,
            separated: p.preprocessed.separated,
            note: p.preprocessed.note,
            description: p.preprocessed.description,
            saved: p.saved ?? null,
          })),
          skipped: pictures.skipped,
        }
        : {}),
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
    const truth = labeled ? `  (true: ${nameOf(images.labels![i])})` : "";
    const what = pictures ? pictures.pictures[i].file : String(i).padStart(5);
    console.log(`${what}  ${nameOf(p)}${truth}`);
  }
  if (count > shown) console.log(`  ... ${count - shown} more (use --json for all)`);
  const rate = (count / result.seconds).toFixed(0);
  console.log(
    labeled
      ? `accuracy ${(result.accuracy * 100).toFixed(2)}% on ${count} images (${rate} images/s)`
      : `${count} image${count === 1 ? "" : "s"} predicted (${rate} images/s)`,
  );
});

/** The number of outputs a saved model's config.json declares (10 when it names none). */
function outputCount(config: Record<string, unknown>): number {
  const arch = config.architecture as { classes?: unknown } | undefined;
  const q = config.quantization as { classes?: unknown } | undefined;
  const n = Number(arch?.classes ?? q?.classes ?? CLASS_NAMES.length);
  return Number.isInteger(n) && n >= 1 ? n : CLASS_NAMES.length;
}

/** The stderr line about images with a light background, inverted or (--no-invert) not. */
function polarityLine(source: string, light: number[], count: number, inverted: boolean): string {
  const which = light.length === count
    ? `all ${count} images`
    : `${light.length} of ${count} images (${light.length <= 10 ? "" : "first: "}${
      light.slice(0, 10).join(", ")
    })`;
  const why = `the mean of their border pixels is above ${LIGHT_BORDER_MEAN}, where ` +
    "Fashion-MNIST's backgrounds are black";
  return inverted
    ? `${source}: ${which} have a light background (${why}): inverted them (255 − p) before ` +
      "predicting; --no-invert keeps them as they are"
    : `warning: ${source}: ${which} have a light background (${why}): kept as they are ` +
      "(--no-invert), so expect wrong predictions for them";
}
