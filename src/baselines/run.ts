// Training the comparison's models by name: the classical baselines and the GPU linear models.
import { join } from "node:path";
import type { Classifier } from "./classifier.ts";
import { BASELINES } from "./registry.ts";
import { NetworkClassifier, type NetworkOptions } from "./network.ts";
import { flatten, stratifiedSample } from "./common.ts";
import type { Dataset } from "../data/dataset.ts";

/**
 * The flattened-pixel models trained on the GPU with our kernels, on all 60,000 images: softmax
 * (multinomial logistic) regression and a linear SVM: 15 epochs, and on a learning curve's small
 * sets at least 3,000 steps, so that every size gets a converged model.
 */
const LINEAR: NetworkOptions = {
  epochs: 15,
  batchSize: 128,
  lr: 1e-3,
  weightDecay: 1e-4,
  minSteps: 3000,
  seed: 1,
};
export const GPU_LINEAR: Record<string, { options: NetworkOptions; trainImages: number }> = {
  softmax: { options: LINEAR, trainImages: 60_000 },
  "linear-svm": { options: LINEAR, trainImages: 60_000 },
};

/**
 * The zoo's networks, trainable here too so that a learning curve compares them with the
 * baselines at equal training sizes (`deno task train` remains their full recipe).
 */
export const NETWORKS: Record<string, { options: NetworkOptions; trainImages: number }> = {
  cnn: { options: { epochs: 5, batchSize: 128, lr: 1e-3, seed: 1 }, trainImages: 60_000 },
  mlp: { options: { epochs: 10, batchSize: 128, lr: 1e-3, seed: 1 }, trainImages: 60_000 },
};

const GPU = { ...GPU_LINEAR, ...NETWORKS };

/** What `deno task baselines` trains by default: every flattened-pixel model. */
export const MODEL_NAMES = [...Object.keys(BASELINES), ...Object.keys(GPU_LINEAR)];
/** Everything it can train, and the learning curve's default: the CNN included. */
export const ALL_MODEL_NAMES = [...MODEL_NAMES, ...Object.keys(NETWORKS)];

export function createModel(name: string, seed: number, quiet = true): Classifier {
  if (name in GPU) return NetworkClassifier.named(name, { ...GPU[name].options, seed, quiet });
  return BASELINES[name].create({ seed });
}

export function defaultTrainImages(name: string): number {
  return name in GPU ? GPU[name].trainImages : BASELINES[name].trainImages;
}

export interface RunResult {
  model: string;
  trainImages: number;
  trainSeconds: number;
  accuracy: number;
  predictSeconds: number;
}

/** Trains `name` on a stratified sample of `trainImages`, tests it, and saves it under `dir`. */
export async function trainAndTest(
  name: string,
  train: Dataset,
  test: Dataset,
  opts: {
    trainImages: number;
    seed: number;
    dir?: string;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<RunResult> {
  const model = createModel(name, opts.seed);
  const sample = stratifiedSample(train, opts.trainImages, opts.seed);
  const start = performance.now();
  await model.fit(sample.x, sample.y, sample.n, { onProgress: opts.onProgress });
  const trainSeconds = (performance.now() - start) / 1000;
  const t = flatten(test);
  const p0 = performance.now();
  const predictions = await model.predict(t.x, t.n);
  const predictSeconds = (performance.now() - p0) / 1000;
  let hits = 0;
  for (let i = 0; i < t.n; i++) if (predictions[i] === t.y[i]) hits++;
  if (opts.dir) await model.save(join(opts.dir, name));
  return { model: name, trainImages: sample.n, trainSeconds, accuracy: hits / t.n, predictSeconds };
}
