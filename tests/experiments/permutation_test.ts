import assert from "node:assert/strict";
import {
  isPermutation,
  permuteDataset,
  permuteImages,
  permuteSplits,
  pixelPermutation,
} from "../../src/experiments/permutation.ts";
import type { Dataset } from "../../src/data/dataset.ts";
import { Rng } from "../../src/util/random.ts";

function dataset(count: number, rows: number, cols: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const images = Uint8Array.from({ length: count * rows * cols }, () => rng.int(256));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { images, labels, count, rows, cols };
}

Deno.test("pixelPermutation is a bijection of 0..n-1, repeatable by seed, different per seed", () => {
  for (const n of [1, 7, 784]) {
    const p = pixelPermutation(3, n);
    assert.equal(p.length, n);
    assert.ok(isPermutation(p));
    assert.deepEqual(pixelPermutation(3, n), p);
  }
  const a = pixelPermutation(1), b = pixelPermutation(2);
  assert.notDeepEqual(a, b);
  // Not close to the identity: a random permutation of 784 fixes about one position.
  const fixed = a.filter((v, i) => v === i).length;
  assert.ok(fixed < 10, `${fixed} fixed points`);
  assert.throws(() => pixelPermutation(-1), RangeError);
  assert.throws(() => pixelPermutation(1.5), RangeError);
  assert.throws(() => pixelPermutation(1, 0), RangeError);
});

Deno.test("isPermutation rejects repeats, gaps and out-of-range entries", () => {
  assert.ok(isPermutation([2, 0, 1]));
  assert.ok(!isPermutation([0, 0, 1]));
  assert.ok(!isPermutation([0, 1, 3]));
  assert.ok(!isPermutation([0, -1, 1]));
  assert.ok(!isPermutation([0, 1.5, 2]));
});

Deno.test("permuteImages: out[i][j] = in[i][perm[j]] for every image, and the inverse undoes it", () => {
  const ds = dataset(5, 3, 5, 1);
  const perm = pixelPermutation(9, 15);
  const out = permuteImages(ds.images, perm);
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 15; j++) assert.equal(out[i * 15 + j], ds.images[i * 15 + perm[j]]);
  }
  const inverse = new Uint32Array(15);
  perm.forEach((p, j) => (inverse[p] = j));
  assert.deepEqual(permuteImages(out, inverse), ds.images);
  // The multiset of each image's pixels is kept.
  const sorted = (a: Uint8Array) => [...a].sort((x, y) => x - y);
  assert.deepEqual(sorted(out.subarray(0, 15)), sorted(ds.images.subarray(0, 15)));
  assert.throws(() => permuteImages(new Uint8Array(16), perm), RangeError);
  assert.throws(() => permuteImages(ds.images, Uint32Array.of(0, 0, 1)), RangeError);
});

Deno.test("permuteSplits applies one and the same permutation to the training and test images", () => {
  const train = dataset(6, 28, 28, 2);
  const test = dataset(4, 28, 28, 3);
  // The same image in both sets must come out the same.
  test.images.set(train.images.subarray(0, 784), 0);
  const out = permuteSplits({ train, test, source: "test" }, 5);
  assert.equal(out.source, "test");
  assert.deepEqual(out.permutation, pixelPermutation(5, 784));
  assert.deepEqual(out.train.images.subarray(0, 784), out.test.images.subarray(0, 784));
  assert.deepEqual(out.train.images, permuteImages(train.images, out.permutation));
  assert.deepEqual(out.test.images, permuteImages(test.images, out.permutation));
  // Labels untouched, inputs untouched.
  assert.equal(out.train.labels, train.labels);
  assert.notDeepEqual(out.train.images, train.images);
  assert.throws(() => permuteDataset(train, pixelPermutation(1, 100)), RangeError);
});

Deno.test("a linear model with its weights permuted scores permuted images exactly as before", () => {
  // Why flattened-pixel models can lose nothing: w·x = (w∘π)·(x∘π) for any permutation π.
  const n = 784;
  const rng = new Rng(4);
  const w = Float64Array.from({ length: n }, () => rng.normal());
  const ds = dataset(3, 28, 28, 6);
  const perm = pixelPermutation(7);
  const px = permuteImages(ds.images, perm);
  const wp = Float64Array.from(perm, (p) => w[p]);
  for (let i = 0; i < 3; i++) {
    let a = 0, b = 0;
    for (let j = 0; j < n; j++) {
      a += w[j] * ds.images[i * n + j];
      b += wp[j] * px[i * n + j];
    }
    assert.ok(Math.abs(a - b) < 1e-6 * Math.abs(a), `${a} vs ${b}`);
  }
});
