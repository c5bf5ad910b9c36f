import { endStep, gpu, Tensor } from "../autograd/tensor.ts";
import { lossByName } from "../ops/loss/loss.ts";
import type { Sequential } from "../nn/model.ts";
import { Batcher } from "../data/batches.ts";
import type { Dataset } from "../data/dataset.ts";
import { predictWithFlipTta } from "../augment/tta.ts";

/** A pass reads back at most this many bytes at once (its logits and per-batch loss figures). */
const MAX_READBACK_BYTES = 64 * 2 ** 20;

export interface Evaluation {
  /** Mean loss per image (nats for cross-entropy). */
  loss: number;
  /** Fraction of images whose largest score is their label. */
  accuracy: number;
  /** Predicted class per image, in dataset (or `indices`) order. */
  predictions: Uint8Array;
  /** Wall seconds of the pass. */
  seconds: number;
  /** Times the pass waited on the GPU (readbacks): 1 unless its logits pass 64 MiB. */
  readbacks: number;
}

/**
 * Runs the model in eval mode over a dataset. Labels are optional (prediction on an unlabeled
 * file): then loss and accuracy are NaN. Each batch's logits and [mean loss, hits] are copied on
 * the GPU into one buffer, read back once at the end of the pass (once per 64 MiB of it): nothing
 * waits between batches. Predictions are the argmax of the logits read, the first on ties.
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
  let readbacks = 0;
  const [h, w, c] = model.architecture.input;
  const lossFn = lossByName(model.architecture.loss);
  // The readback buffer: [mean loss, hits] of up to `perRead` batches (labeled only), then their
  // logits, batch i's at row i · batchSize (only a pass's last batch is short: no gaps).
  const g = gpu();
  const logitBytes = batchSize * classes * 4;
  const statBytes = labeled ? 8 : 0;
  const perRead = Math.max(
    1,
    Math.min(batcher.batchesPerEpoch, Math.floor(MAX_READBACK_BYTES / (logitBytes + statBytes))),
  );
  const statsEnd = perRead * statBytes;
  const store = g.alloc(statsEnd + perRead * logitBytes);
  /** Sizes of the batches whose figures are in `store`, not yet read. */
  const queued: number[] = [];
  const readBack = async () => {
    const images = queued.reduce((a, b) => a + b, 0);
    const bytes = await g.read(store, statsEnd + images * classes * 4);
    readbacks++;
    const stats = new Float32Array(bytes, 0, statsEnd / 4);
    const values = new Float32Array(bytes, statsEnd, images * classes);
    let row = 0;
    queued.forEach((size, b) => {
      if (labeled) {
        lossSum += stats[2 * b] * size;
        hits += stats[2 * b + 1];
      }
      for (let i = 0; i < size; i++, row++) {
        const scores = values.subarray(row * classes, (row + 1) * classes);
        let best = 0;
        for (let j = 1; j < classes; j++) if (scores[j] > scores[best]) best = j;
        predictions[at + row] = best;
      }
    });
    at += images;
    queued.length = 0;
  };
  try {
    for (const batch of batcher.epoch(0)) {
      const x = Tensor.from(batch.x, [batch.size, h, w, c]);
      const logits = opts.tta ? predictWithFlipTta(model, x) : model.predict(x);
      const slot = queued.length;
      g.copy(logits.buffer, store, batch.size * classes * 4, statsEnd + slot * logitBytes);
      if (labeled) {
        const stats = lossFn(logits, Tensor.from(batch.y, [batch.size]));
        g.copy(stats.buffer, store, statBytes, slot * statBytes);
      }
      endStep();
      queued.push(batch.size);
      if (queued.length === perRead) await readBack();
    }
    if (queued.length) await readBack();
  } finally {
    g.release(store);
  }
  return {
    loss: labeled ? lossSum / indices.length : NaN,
    accuracy: labeled ? hits / indices.length : NaN,
    predictions,
    seconds: (performance.now() - start) / 1000,
    readbacks,
  };
}
