/**
 * Image embeddings from a trained network: the output of its penultimate layer, the input of the
 * last dense layer (the classifier head), as image-retrieval work takes a CNN's last hidden layer
 * for a descriptor (Babenko et al., "Neural Codes for Image Retrieval", ECCV 2014). For the
 * reference cnn that is the 128 ReLU units after the first dense layer (dropout is the identity at
 * inference); for resnet and mobilenet the global average pool. Computed on the GPU in batches
 * with the project's kernels; no file system, so the page can use it too.
 */
import { endStep, gpu, noGrad, Tensor } from "../autograd/tensor.ts";
import type { Sequential } from "../nn/model.ts";
import { size } from "../nn/layers.ts";
import { Batcher } from "../data/batches.ts";
import { l2Normalize } from "./neighbours.ts";

/** The embedding's length: the size of the head's input (e.g. 128 for cnn). */
export function embeddingSize(model: Sequential): number {
  const last = model.plan.layers.at(-1)!;
  if (last.spec.type !== "dense") {
    throw new Error(`${model.architecture.name} does not end in a dense layer: no embedding`);
  }
  return size(last.inputShape);
}

/** A readback is at most this many bytes (as src/train/evaluate.ts). */
const MAX_READBACK_BYTES = 64 * 2 ** 20;

/**
 * Embeddings of `count` 28×28 images (`images`: count×784 bytes, 0 = background, the dataset's
 * layout) by `model`: its layers up to, not including, the last (a dense head), in inference
 * mode, `batchSize` images a dispatch (default 500, capped by `model.maxBatch()`), read back once
 * per 64 MiB. Returns `count × embeddingSize(model)` floats, row-major, each row scaled to unit
 * length (`l2Normalize`) unless `normalize` is false. `progress(done, count)` after each readback.
 */
export async function computeEmbeddings(
  model: Sequential,
  images: Uint8Array,
  count: number,
  opts: {
    batchSize?: number;
    normalize?: boolean;
    progress?: (done: number, total: number) => void;
  } = {},
): Promise<Float32Array> {
  const dim = embeddingSize(model);
  const [h, w, c] = model.architecture.input;
  if (images.length !== count * h * w * c) {
    throw new RangeError(`${images.length} bytes for ${count} images of ${h}×${w}×${c}`);
  }
  const out = new Float32Array(count * dim);
  if (count === 0) return out;
  const batchSize = Math.min(opts.batchSize ?? 500, model.maxBatch());
  const data = { images, labels: new Uint8Array(count), count, rows: h, cols: w };
  const batcher = new Batcher(data, Uint32Array.from({ length: count }, (_, i) => i), batchSize, {
    shuffle: false,
    seed: 0,
  });
  const body = model.layers.slice(0, -1);
  const g = gpu();
  const rowBytes = dim * 4;
  const perRead = Math.max(
    1,
    Math.min(batcher.batchesPerEpoch, Math.floor(MAX_READBACK_BYTES / (batchSize * rowBytes))),
  );
  const store = g.alloc(perRead * batchSize * rowBytes);
  let queued = 0;
  let at = 0;
  const readBack = async () => {
    const bytes = await g.read(store, queued * rowBytes);
    out.set(new Float32Array(bytes, 0, queued * dim), at * dim);
    at += queued;
    queued = 0;
    opts.progress?.(at, count);
  };
  try {
    let batches = 0;
    for (const batch of batcher.epoch(0)) {
      const x = Tensor.from(batch.x, [batch.size, h, w, c]);
      const features = noGrad(() => {
        let t = x;
        for (const layer of body) t = layer.forward(t, { training: false, seed: 0 });
        return t;
      });
      g.copy(features.buffer, store, batch.size * rowBytes, queued * rowBytes, features.offset);
      endStep();
      queued += batch.size;
      if (++batches % perRead === 0) await readBack();
    }
    if (queued) await readBack();
  } finally {
    g.release(store);
  }
  return opts.normalize === false ? out : l2Normalize(out, dim);
}
