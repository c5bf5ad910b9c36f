/**
 * An evaluation pass the page can follow and stop: the model in eval mode over some images of a
 * dataset, batch by batch, each batch's [mean loss, hits] read back before the next is recorded,
 * so that a progress bar moves and Cancel is heard between batches. The loss is the training
 * loss's own definition (`smoothing` as the training steps used), so the page's charts compare
 * like with like. src/train/evaluate.ts reads back once per pass and takes no smoothing, signal or
 * progress callback, which is why the page has its own loop here (see docs/browser-page.md).
 */
import { endStep, Tensor } from "../src/autograd/tensor.ts";
import { lossByName } from "../src/ops/loss/loss.ts";
import { Batcher } from "../src/data/batches.ts";
import type { Dataset } from "../src/data/dataset.ts";
import type { Sequential } from "../src/nn/model.ts";

export interface PassResult {
  /** Mean loss per image (cross-entropy in nats, with `smoothing` when given; or hinge). */
  loss: number;
  /** Mean loss per image without label smoothing (what src/train/evaluate.ts reports). */
  plainLoss: number;
  /** Fraction of images whose largest score is their label. */
  accuracy: number;
  images: number;
  seconds: number;
}

/**
 * Runs `model` over `indices` of `data` in batches of up to `batchSize` (250; capped by
 * `model.maxBatch()`). Calls `onProgress(done, total)` after each batch; rejects with the
 * signal's reason once `signal` is aborted (checked before each batch).
 */
export async function measurePass(
  model: Sequential,
  data: Dataset,
  indices: Uint32Array,
  opts: {
    smoothing?: number;
    batchSize?: number;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<PassResult> {
  const start = performance.now();
  const [h, w, c] = model.architecture.input;
  const lossFn = lossByName(model.architecture.loss);
  const batchSize = Math.min(opts.batchSize ?? 250, model.maxBatch());
  const batcher = new Batcher(data, indices, batchSize, { shuffle: false, seed: 0 });
  const smoothing = opts.smoothing ?? 0;
  let lossSum = 0;
  let plainSum = 0;
  let hits = 0;
  let done = 0;
  for (const batch of batcher.epoch(0)) {
    opts.signal?.throwIfAborted();
    let stats: Float32Array;
    let plain: Float32Array;
    try {
      const logits = model.predict(Tensor.from(batch.x, [batch.size, h, w, c]));
      const labels = Tensor.from(batch.y, [batch.size]);
      const loss = lossFn(logits, labels, { smoothing });
      // The same logits without smoothing too, for the saved history (the command line's
      // definition of validation loss); a second loss kernel, no second forward pass.
      const plainLoss = smoothing > 0 ? lossFn(logits, labels) : loss;
      [stats, plain] = await Promise.all([loss.read(), plainLoss.read()]);
    } finally {
      endStep();
    }
    lossSum += stats[0] * batch.size;
    plainSum += plain[0] * batch.size;
    hits += stats[1];
    done += batch.size;
    opts.onProgress?.(done, indices.length);
  }
  return {
    loss: lossSum / done,
    plainLoss: plainSum / done,
    accuracy: hits / done,
    images: done,
    seconds: (performance.now() - start) / 1000,
  };
}
