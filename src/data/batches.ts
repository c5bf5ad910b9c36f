import { UserError } from "../util/errors.ts";
import { Rng } from "../util/random.ts";
import type { Dataset } from "./dataset.ts";

/**
 * One batch. `x` holds size×rows×cols pixels scaled to [0, 1] (NHWC with C = 1), `y` the size
 * labels. Both are views of buffers the Batcher reuses: read them (or upload them) before asking
 * for the next batch.
 */
export interface Batch {
  x: Float32Array<ArrayBuffer>;
  y: Uint32Array<ArrayBuffer>;
  size: number;
}

export interface BatcherOptions {
  shuffle: boolean;
  seed: number;
  /** Skip the last, smaller batch. */
  dropLast?: boolean;
}

const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** murmur3's 32-bit finalizer: nearby (seed, epoch) pairs must not give overlapping Rng streams. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Cuts a Dataset's images, picked by `indices`, into batches of `batchSize`, the last one smaller
 * unless `dropLast`. Every batch of every epoch is written into the same x/y buffers.
 */
export class Batcher {
  readonly batchesPerEpoch: number;
  private readonly x: Float32Array<ArrayBuffer>;
  private readonly y: Uint32Array<ArrayBuffer>;
  private readonly indices: Uint32Array;

  constructor(
    private readonly ds: Dataset,
    indices: ArrayLike<number>,
    readonly batchSize: number,
    private readonly opts: BatcherOptions,
  ) {
    if (!(Number.isInteger(batchSize) && batchSize > 0)) {
      throw new UserError(`batch size must be a positive integer, got ${batchSize}`);
    }
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!(Number.isInteger(i) && i >= 0 && i < ds.count)) {
        throw new RangeError(`index ${i} outside 0..${ds.count - 1}`);
      }
    }
    // A copy, so the caller changing its array later cannot change the epochs.
    this.indices = Uint32Array.from(indices);
    const n = indices.length;
    this.batchesPerEpoch = opts.dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
    this.x = new Float32Array(batchSize * ds.rows * ds.cols);
    this.y = new Uint32Array(batchSize);
  }

  /** The batches of epoch `e`; with shuffle on, their order depends only on (seed, e). */
  *epoch(e: number): Generator<Batch> {
    const { ds, x, y } = this;
    const order = this.indices.slice();
    if (this.opts.shuffle) new Rng(mix(mix(this.opts.seed >>> 0) ^ e)).shuffle(order);
    const px = ds.rows * ds.cols;
    for (let b = 0; b < this.batchesPerEpoch; b++) {
      const start = b * this.batchSize;
      const size = Math.min(this.batchSize, order.length - start);
      for (let k = 0; k < size; k++) {
        const i = order[start + k];
        const src = i * px;
        const dst = k * px;
        for (let p = 0; p < px; p++) x[dst + p] = SCALE[ds.images[src + p]];
        y[k] = ds.labels[i];
      }
      yield size === this.batchSize
        ? { x, y, size }
        : { x: x.subarray(0, size * px), y: y.subarray(0, size), size };
    }
  }
}
