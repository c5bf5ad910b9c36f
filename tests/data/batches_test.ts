import assert from "node:assert/strict";
import { Batcher } from "../../src/data/batches.ts";
import type { Dataset } from "../../src/data/dataset.ts";
import { throwsUser } from "./_helpers.ts";

/** Image i is filled with the value i, so a batch's pixels tell which images it holds. */
function dataset(count: number): Dataset {
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) images.fill(i, i * 784, (i + 1) * 784);
  return {
    images,
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    count,
    rows: 28,
    cols: 28,
  };
}

/** The image ids of every batch of epoch `e`, read back from the pixels as each batch comes. */
function ids(b: Batcher, e: number): number[][] {
  const out: number[][] = [];
  for (const { x, size } of b.epoch(e)) {
    out.push(Array.from({ length: size }, (_, k) => Math.round(x[k * 784] * 255)));
  }
  return out;
}

Deno.test("Batcher yields NHWC batches in [0, 1], with a partial last batch", () => {
  const ds = dataset(256);
  const indices = Uint32Array.from({ length: 250 }, (_, i) => i + 6);
  const b = new Batcher(ds, indices, 64, { shuffle: false, seed: 0 });
  assert.equal(b.batchesPerEpoch, 4);
  const sizes: number[] = [];
  for (const { x, y, size } of b.epoch(0)) {
    sizes.push(size);
    assert.equal(x.length, size * 784);
    assert.equal(y.length, size);
    assert.ok(x.every((v) => v >= 0 && v <= 1));
    for (let k = 0; k < size; k++) {
      const id = Math.round(x[k * 784] * 255);
      assert.equal(x[k * 784 + 783], Math.fround(id / 255));
      assert.equal(y[k], id % 10);
    }
  }
  assert.deepEqual(sizes, [64, 64, 64, 58]);
  assert.deepEqual(ids(b, 0).flat(), [...indices]);
  const first = b.epoch(0).next().value!;
  assert.ok(first.x instanceof Float32Array && first.y instanceof Uint32Array);
});

Deno.test("Batcher with dropLast skips the partial batch", () => {
  const b = new Batcher(dataset(10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4, {
    shuffle: true,
    seed: 3,
    dropLast: true,
  });
  assert.equal(b.batchesPerEpoch, 2);
  assert.deepEqual(ids(b, 0).map((batch) => batch.length), [4, 4]);
});

Deno.test("Batcher shuffles by (seed, epoch) only, covering each index once", () => {
  const ds = dataset(100);
  const indices = Array.from({ length: 100 }, (_, i) => i);
  const opts = { shuffle: true, seed: 42 };
  const a = new Batcher(ds, indices, 32, opts);
  const e0 = ids(a, 0);
  assert.deepEqual(e0.flat().sort((p, q) => p - q), indices);
  assert.notDeepEqual(e0.flat(), indices);
  assert.deepEqual(ids(a, 1).flat().sort((p, q) => p - q), indices);
  assert.notDeepEqual(ids(a, 1), e0);
  ids(a, 5); // epochs asked for out of order do not disturb each other
  assert.deepEqual(ids(a, 0), e0);
  assert.deepEqual(ids(new Batcher(ds, indices, 32, opts), 0), e0);
  assert.deepEqual(ids(new Batcher(ds, indices, 32, opts), 1), ids(a, 1));
  assert.notDeepEqual(ids(new Batcher(ds, indices, 32, { shuffle: true, seed: 43 }), 0), e0);
});

Deno.test("Batcher reuses one buffer pair across batches", () => {
  const b = new Batcher(dataset(8), [0, 1, 2, 3, 4, 5, 6, 7], 4, { shuffle: false, seed: 0 });
  const [p, q] = [...b.epoch(0)];
  assert.equal(p.x.buffer, q.x.buffer);
  assert.equal(p.y.buffer, q.y.buffer);
});

Deno.test("Batcher rejects a bad batch size or index", () => {
  throwsUser(() => new Batcher(dataset(4), [0], 0, { shuffle: false, seed: 0 }), "batch size");
  assert.throws(() => new Batcher(dataset(4), [4], 2, { shuffle: false, seed: 0 }), RangeError);
});
