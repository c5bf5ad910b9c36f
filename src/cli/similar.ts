import { basename, join, relative } from "node:path";
import { checkWritableDir, intFlag, parseFlags, runCli, USAGE, userPath } from "./common.ts";
import { Gpu } from "../gpu/gpu.ts";
import { useGpu } from "../autograd/tensor.ts";
import { CLASS_NAMES, defaultCacheDir, loadFashionMnist } from "../data/mod.ts";
import { checkModelFolder } from "../io/check_model.ts";
import { loadModel, WEIGHTS_FILE } from "../io/checkpoint.ts";
import { MODEL_FILE_LIMITS } from "../io/model_folder.ts";
import { readRegularFile } from "../data/idx.ts";
import {
  checkFolderHeaders,
  decodeImageFolder,
  type FolderListing,
  listImageFolder,
} from "../data/image_folder.ts";
import { computeEmbeddings, embeddingSize } from "../catalog/embeddings.ts";
import { nearestNeighboursBatch } from "../catalog/neighbours.ts";
import {
  cachePath,
  type EmbeddingCache,
  readEmbeddingCache,
  sha256,
  trainingSetKey,
  writeEmbeddingCache,
} from "../catalog/cache.ts";
import { sourceClassNames } from "../train/class_head.ts";
import { evaluate } from "../train/evaluate.ts";
import { info, ProgressBar } from "../train/progress.ts";
import { clip, UserError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { writeFileAtomic } from "../util/atomic.ts";

const HELP = `deno task similar --model DIR --images FILE|DIR [flags]

Finds the catalogue images most like a picture: by cosine similarity of the embeddings a trained
network gives (the output of its penultimate layer, the input of its last dense layer: 128 values
for cnn), computed on the GPU in batches. The catalogue's embeddings are cached per model and
catalogue (--cache), so only the first search with a model computes them.

  --model DIR        a network saved by "deno task train" (config.json + weights.safetensors)
  --images FILE|DIR  the query: a PNG or JPEG picture, or a folder of them (one row each),
                     converted to 28×28 as predict converts them
  --k N              neighbours per query (default 8, at most 100)
  --catalog DIR      search these pictures instead of the Fashion-MNIST training set: one folder
                     of PNG/JPEG pictures per class (as "deno task train --images" reads), checked
                     before anything is decoded
  --out FILE.png     also draw a grid: each query (as the model saw it) then its neighbours, with
                     class and similarity
  --json             one JSON object on stdout: per query its neighbours (catalogue index, file
                     for a folder, class, similarity)
  --cache DIR        where cached embeddings are kept (default ${
  join(defaultCacheDir(), "embeddings")
}); a
                     damaged or stale cache file is recomputed and replaced
  --no-cache         compute the catalogue's embeddings without reading or writing the cache
  --data-dir DIR     dataset directory for the default catalogue (see deno task train --help)
  --batch-size N     images per GPU batch (default 500)
  --quiet            no progress bar`;

const FLAGS = {
  model: { type: "string" },
  images: { type: "string" },
  k: { type: "string" },
  catalog: { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
  cache: { type: "string" },
  "no-cache": { type: "boolean" },
  "data-dir": { type: "string" },
  "batch-size": { type: "string" },
  quiet: { type: "boolean" },
} as const;

/** The catalogue searched: its pixels may come later (a folder's from the cache or decoding). */
interface Catalogue {
  key: string;
  name: string;
  classNames: string[];
  count: number;
  /** Fashion-MNIST's training set: in memory already. */
  dataset?: { images: Uint8Array; labels: Uint8Array };
  /** A folder: listed and checked, not decoded. */
  listing?: FolderListing;
}

await runCli(async () => {
  const flags = parseFlags("similar", FLAGS, HELP);
  for (const k of ["model", "images"] as const) {
    if (flags[k] === undefined) {
      throw new UserError(`similar: --${k} is required; see --help`, USAGE);
    }
  }
  const k = intFlag("k", flags.k, 8);
  if (k > 100) throw new UserError(`--k must be at most 100, got "${flags.k}"`, USAGE);
  const batchSize = intFlag("batch-size", flags["batch-size"], 500);
  if (flags.catalog !== undefined && flags["data-dir"] !== undefined) {
    throw new UserError("--data-dir applies to the default catalogue, not to --catalog", USAGE);
  }
  if (flags.cache !== undefined && flags["no-cache"]) {
    throw new UserError("--cache and --no-cache contradict each other; give one", USAGE);
  }
  const modelDir = userPath(flags.model!);
  const images = userPath(flags.images!);
  const out = flags.out === undefined ? null : userPath(flags.out);
  for (const [flag, path] of [["--model", modelDir], ["--images", images]]) {
    if (!exists(path)) {
      throw new UserError(`similar: ${flag} ${path}: no such file or folder`, USAGE);
    }
  }
  if (out) {
    if (!out.toLowerCase().endsWith(".png")) {
      throw new UserError(
        `--out ${out}: the grid is a PNG; give a file name ending in .png`,
        USAGE,
      );
    }
    await checkWritableDir(join(out, ".."), "--out");
  }
  const cacheDir = flags["no-cache"]
    ? null
    : flags.cache === undefined
    ? join(defaultCacheDir(), "embeddings")
    : userPath(flags.cache);
  if (cacheDir) await checkWritableDir(cacheDir, "--cache");

  // The model, checked whole before the GPU: a network ending in a dense head.
  const { kind, config } = await checkModelFolder(modelDir);
  const arch = config.architecture as { classes: number; layers: { type: string }[] } | undefined;
  if (kind !== "network" || arch?.layers.at(-1)?.type !== "dense") {
    throw new UserError(
      `--model ${modelDir}: ${
        kind === "int8"
          ? "an int8 model"
          : kind === "network"
          ? "a network without a dense head"
          : "a baseline"
      }; similar needs a float network from "deno task train" (its penultimate layer's output)`,
      USAGE,
    );
  }
  const modelNames = sourceClassNames(config, arch.classes) ?? [];
  const weights = sha256(
    await readRegularFile(
      join(modelDir, WEIGHTS_FILE),
      MODEL_FILE_LIMITS.weights,
      "check the model",
    ),
  );

  // The queries: pictures, converted as predict converts them.
  const { isPictureInput, loadPictures } = await import("../image/files.ts");
  if (!(await isPictureInput(images))) {
    throw new UserError(
      `--images ${images}: not a picture; give a PNG or JPEG file, or a folder of them`,
      USAGE,
    );
  }
  const queries = await loadPictures(images);

  // The catalogue: listed and checked (a folder), or the training set.
  let catalogue: Catalogue;
  if (flags.catalog !== undefined) {
    const dir = userPath(flags.catalog);
    const listing = await listImageFolder(dir, { flag: "--catalog" });
    await checkFolderHeaders(listing);
    const stats = await Promise.all(listing.pictures.map((p) => Deno.stat(p.path)));
    // The folder's identity: its class names and every picture's path, size and time.
    const key = sha256([
      "folder",
      ...listing.classNames,
      ...listing.pictures.map((p, i) =>
        `${relative(dir, p.file)}\t${p.label}\t${p.bytes}\t${stats[i].mtime?.getTime() ?? 0}`
      ),
    ]);
    catalogue = {
      key,
      name: dir,
      classNames: listing.classNames,
      count: listing.pictures.length,
      listing,
    };
  } else {
    const data = await loadFashionMnist({
      dataDir: flags["data-dir"] === undefined ? undefined : userPath(flags["data-dir"]),
    });
    const t = data.train;
    catalogue = {
      key: trainingSetKey(t.images, t.labels),
      name: `${data.dir} (training set)`,
      classNames: [...CLASS_NAMES],
      count: t.count,
      dataset: { images: t.images, labels: t.labels },
    };
  }

  const gpu = await Gpu.create();
  useGpu(gpu);
  info(`adapter: ${gpu.adapter.description} (${gpu.adapter.backend})`);
  const model = await loadModel(modelDir, undefined, config as never);
  const dim = embeddingSize(model);
  const quiet = flags.quiet ?? false;

  const path = cacheDir ? cachePath(cacheDir, weights, catalogue.key) : null;
  let cached: EmbeddingCache | null = null;
  let cacheNote = "not used (--no-cache)";
  if (path) {
    const read = await readEmbeddingCache(path, {
      weights,
      catalogue: catalogue.key,
      dim,
      count: catalogue.count,
    });
    if ("cache" in read) {
      cached = read.cache;
      cacheNote = `hit (${path})`;
    } else {
      cacheNote = `miss: ${read.miss} (${path})`;
      if (read.miss !== "no cache yet") {
        info(`warning: embedding cache ${path}: ${read.miss}; recomputed`);
      }
    }
  }
  info(`catalogue: ${clip(catalogue.name, 200)}, ${catalogue.count} images; cache ${cacheNote}`);
  if (!cached) {
    let pixels: Uint8Array;
    let labels: Uint8Array;
    let files: string[] | null = null;
    if (catalogue.listing) {
      const folder = await decodeImageFolder(catalogue.listing, { flag: "--catalog", quiet });
      pixels = folder.images;
      labels = folder.labels;
      files = folder.files.map((f) => relative(catalogue.listing!.dir, f));
    } else {
      pixels = catalogue.dataset!.images;
      labels = catalogue.dataset!.labels;
    }
    const bar = new ProgressBar("embeddings", catalogue.count, quiet);
    const started = performance.now();
    const embeddings = await computeEmbeddings(model, pixels, catalogue.count, {
      batchSize,
      progress: (done) => bar.update(done),
    });
    const seconds = (performance.now() - started) / 1000;
    bar.done(
      `embeddings: ${catalogue.count} images × ${dim} in ${seconds.toFixed(1)} s ` +
        `(${(catalogue.count / seconds).toFixed(0)} images/s)`,
    );
    cached = {
      weights,
      catalogue: catalogue.key,
      count: catalogue.count,
      dim,
      classNames: catalogue.classNames,
      files,
      embeddings,
      labels,
      pixels: catalogue.listing ? pixels : null,
    };
    if (path) {
      await writeEmbeddingCache(path, cached);
      info(`cached in ${path}`);
    }
  }
  const catalogPixels = cached.pixels ?? catalogue.dataset!.images;

  const q = await computeEmbeddings(model, queries.images, queries.count, { batchSize });
  const found = nearestNeighboursBatch(cached.embeddings, dim, q, k);
  // The query's own class by the model, for the grid and JSON.
  const { predictions: predicted } = await evaluate(model, { ...queries, labels: null }, {
    batchSize,
  });
  const results = queries.pictures.map((p, i) => ({
    file: p.file,
    predicted: modelNames[predicted[i]] ?? String(predicted[i]),
    preprocessing: p.preprocessed.description,
    neighbours: found[i].map((nb) => ({
      index: nb.index,
      ...(cached!.files ? { file: cached!.files[nb.index] } : {}),
      className: cached!.classNames[cached!.labels[nb.index]],
      similarity: nb.similarity,
    })),
  }));
  if (out) {
    const { similarGrid } = await import("../catalog/grid.ts");
    const rows = results.map((r, i) => [
      {
        pixels: queries.images.subarray(i * 784, (i + 1) * 784),
        title: basename(r.file),
        detail: `query: ${r.predicted}`,
      },
      ...r.neighbours.map((nb) => ({
        pixels: catalogPixels.subarray(nb.index * 784, (nb.index + 1) * 784),
        title: nb.className,
        detail: `${nb.similarity.toFixed(3)}${nb.file ? ` ${basename(nb.file)}` : ` #${nb.index}`}`,
      })),
    ]);
    await writeFileAtomic(out, similarGrid(rows));
    info(`wrote ${out}`);
  }
  if (flags.json) {
    console.log(JSON.stringify({
      model: modelDir,
      k,
      catalogue: { name: catalogue.name, count: catalogue.count, classNames: catalogue.classNames },
      embedding: { dim, layer: model.plan.layers.at(-2)?.name ?? null },
      cache: cacheNote,
      queries: results,
      skipped: queries.skipped,
      adapter: gpu.adapter,
    }));
    return;
  }
  for (const r of results) {
    console.log(`${r.file} (the model says ${r.predicted}):`);
    for (const [j, nb] of r.neighbours.entries()) {
      console.log(
        `  ${String(j + 1).padStart(2)}. ${nb.similarity.toFixed(3)}  ${nb.className}  ${
          "file" in nb ? nb.file : `training image ${nb.index}`
        }`,
      );
    }
  }
});
