import { endStep, Tensor } from "../autograd/tensor.ts";
import { lossByName } from "../ops/loss/loss.ts";
import type { Sequential } from "../nn/model.ts";
import { Batcher } from "../data/batches.ts";
import type { Dataset } from "../data/dataset.ts";
import { predictWithFlipTta } from "../augment/tta.ts";

export interface Evaluation {
  loss: number;
  accuracy: number;
  /** Predicted class per image, in dataset (or `indices`) order. */
  predictions: Uint8Array;
  seconds: number;
}

/**
 * Runs the model in eval mode over a dataset. Labels are optional (prediction on an unlabeled
 * file): then loss and accuracy are NaN. One readback per batch: the logits, for predictions.
 */
export async function evaluate(
  model: Sequential,
  ds: Omit<Dataset, "labels"> & { labels?: Uint8Array | null },
  opts: {
    indices?: Uint32Array;
    batchSize?: number;
    /** Test-time augmentation: average the predictions of each image and its mirror image. */
    tta?: boolean;
  } = {},
): Promise<Evaluation> {
  const start = performance.now();
  const indices = opts.indices ?? Uint32Array.from({ length: ds.count }, (_, i) => i);
  const labeled = ds.labels != null;
  const data: Dataset = { ...ds, labels: ds.labels ?? new Uint8Array(ds.count) };
  // Capped so that no buffer outgrows a binding (a big model's patch matrices at batch 500 can).
  const batchSize = Math.min(opts.batchSize ?? 500, model.maxBatch());
  const batcher = new Batcher(data, indices, batchSize, { shuffle: false, seed: 0 });
  const classes = model.architecture.classes;
  const predictions = new Uint8Array(indices.length);
  let lossSum = 0;
  let hits = 0;
  let at = 0;
  const [h, w, c] = model.architecture.input;
  const lossFn = lossByName(model.architecture.loss);
  for (const batch of batcher.epoch(0)) {
    const x = Tensor.from(batch.x, [batch.size, h, w, c]);
    const logits = opts.tta ? predictWithFlipTta(model, x) : model.predict(x);
    const stats = labeled ? lossFn(logits, Tensor.from(batch.y, [batch.size])) : null;
    const [values, s] = await Promise.all([logits.read(), stats?.read()]);
    endStep();
    if (s) {
      lossSum += s[0] * batch.size;
      hits += s[1];
    }
    for (let i = 0; i < batch.size; i++) {
      const row = values.subarray(i * classes, (i + 1) * classes);
      let best = 0;
      for (let j = 1; j < classes; j++) if (row[j] > row[best]) best = j;
      predictions[at + i] = best;
    }
    at += batch.size;
  }
  return {
    loss: labeled ? lossSum / indices.length : NaN,
    accuracy: labeled ? hits / indices.length : NaN,
    predictions,
    seconds: (performance.now() - start) / 1000,
  };
}
