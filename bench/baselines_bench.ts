// The comparison's flattened-pixel models on a fixed subset: fit on 500 stratified training
// images (seed 1) and predict 2,000 test images, as images/s. The random forest of ml.js costs
// about n² per node, hence the small subset; `deno task baselines` has the full-size runs.
// Needs the dataset (see docs/commands.md, "The dataset").  deno bench -P bench/baselines_bench.ts
import { flatten, stratifiedSample } from "../src/baselines/common.ts";
import { createModel, MODEL_NAMES } from "../src/baselines/run.ts";
import type { Classifier } from "../src/baselines/classifier.ts";
import { loadFashionMnist, subset } from "../src/data/mod.ts";
import { measure } from "./_harness.ts";

const SUITE = "baselines";
const TRAIN = 500, TEST = 2000;
const { train: trainSet, test: testSet } = await loadFashionMnist();
const train = stratifiedSample(trainSet, TRAIN, 1);
const test = flatten(subset(testSet, Uint32Array.from({ length: TEST }, (_, i) => i)));
const only = Deno.env.get("BENCH_MODELS")?.split(",");

for (const name of only ?? MODEL_NAMES) {
  let fitted: Classifier | null = null;
  measure({
    suite: SUITE,
    name: `fit ${name} (${TRAIN} images)`,
    kind: "fit",
    unit: "images/s",
    work: train.n,
    n: 1,
    warmup: 0,
    detail: { model: name, images: train.n },
    prepare: () => createModel(name, 1),
    run: async (model) => {
      await model.fit(train.x, train.y, train.n);
      fitted = model;
    },
  });
  measure({
    suite: SUITE,
    name: `predict ${name} (${TEST} images)`,
    kind: "predict",
    unit: "images/s",
    work: test.n,
    n: 3,
    warmup: 1,
    detail: { model: name, images: test.n },
    run: async () => void await fitted!.predict(test.x, test.n),
  });
}
