// Precision@k of `deno task similar` on Fashion-MNIST: every test image is a query, the catalogue
// is the 60,000 training images, and a neighbour counts when its class is the query's. The
// training set's embeddings come from the cache `deno task similar` keeps (computed and cached
// when missing); the test set's are computed here.
//
//   deno run -A tools/similar_precision.ts [--model web/model] [--k 8] [--queries N]
//        [--cache DIR] [--json OUT]
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Gpu } from "../src/gpu/gpu.ts";
import { useGpu } from "../src/autograd/tensor.ts";
import { CLASS_NAMES, defaultCacheDir, loadFashionMnist } from "../src/data/mod.ts";
import { loadModel, WEIGHTS_FILE } from "../src/io/checkpoint.ts";
import { computeEmbeddings, embeddingSize, precisionAtK } from "../src/catalog/mod.ts";
import {
  cachePath,
  readEmbeddingCache,
  sha256,
  trainingSetKey,
  writeEmbeddingCache,
} from "../src/catalog/cache.ts";
import { writeJsonAtomic } from "../src/util/atomic.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    model: { type: "string", default: "web/model" },
    k: { type: "string", default: "8" },
    queries: { type: "string" },
    cache: { type: "string", default: join(defaultCacheDir(), "embeddings") },
    json: { type: "string" },
  },
});
const k = Number(values.k);
const gpu = await Gpu.create();
useGpu(gpu);
const model = await loadModel(values.model);
const dim = embeddingSize(model);
const { train, test } = await loadFashionMnist();
const weights = sha256(await Deno.readFile(join(values.model, WEIGHTS_FILE)));
const key = trainingSetKey(train.images, train.labels);
const path = cachePath(values.cache, weights, key);
const read = await readEmbeddingCache(path, { weights, catalogue: key, dim, count: train.count });
let catalogue: Float32Array;
const started = performance.now();
if ("cache" in read) {
  catalogue = read.cache.embeddings;
  console.error(`training embeddings: cache hit (${path})`);
} else {
  console.error(`training embeddings: ${read.miss}; computing`);
  catalogue = await computeEmbeddings(model, train.images, train.count);
  await writeEmbeddingCache(path, {
    weights,
    catalogue: key,
    count: train.count,
    dim,
    classNames: [...CLASS_NAMES],
    files: null,
    embeddings: catalogue,
    labels: train.labels,
    pixels: null,
  });
}
const n = values.queries === undefined ? test.count : Math.min(test.count, Number(values.queries));
const t0 = performance.now();
const queries = await computeEmbeddings(model, test.images.subarray(0, n * 784), n);
const embedSeconds = (performance.now() - t0) / 1000;
const t1 = performance.now();
const p = precisionAtK(
  catalogue,
  train.labels,
  queries,
  test.labels.subarray(0, n),
  dim,
  k,
  CLASS_NAMES.length,
  (done, total) => {
    if (done % 2048 === 0 || done === total) console.error(`queries ${done}/${total}`);
  },
);
const searchSeconds = (performance.now() - t1) / 1000;
const result = {
  date: new Date().toISOString().slice(0, 10),
  model: values.model,
  adapter: gpu.adapter,
  k,
  queries: n,
  catalogue: train.count,
  dim,
  mean: p.mean,
  perClass: CLASS_NAMES.map((name, c) => ({
    className: name,
    precision: p.perClass[c],
    queries: p.queries[c],
  })),
  seconds: {
    total: (performance.now() - started) / 1000,
    testEmbeddings: embedSeconds,
    search: searchSeconds,
  },
};
if (values.json) await writeJsonAtomic(values.json, result);
console.log(JSON.stringify(result, null, 2));
