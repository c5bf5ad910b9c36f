// Nearest neighbours by cosine similarity against a plain brute-force reference (sort every row by
// a·b / (‖a‖‖b‖) computed in float64), on small odd shapes; precision@k by hand.
import assert from "node:assert/strict";
import {
  l2Normalize,
  nearestNeighbours,
  nearestNeighboursBatch,
  precisionAtK,
} from "../../src/catalog/neighbours.ts";
import { Rng } from "../../src/util/random.ts";

/** Rows of `dim` values, about half of them 0 (as ReLU features are), some rows all 0. */
function rows(n: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() < 0.5 ? 0 : rng.normal();
  out.fill(0, 3 * dim, 4 * dim);
  return out;
}

function reference(catalogue: Float32Array, dim: number, query: Float32Array, k: number) {
  const norm = (a: Float32Array, o: number) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += a[o + j] * a[o + j];
    return Math.sqrt(s);
  };
  const qn = norm(query, 0);
  const all = Array.from({ length: catalogue.length / dim }, (_, r) => {
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += catalogue[r * dim + j] * query[j];
    const d = norm(catalogue, r * dim) * qn;
    return { index: r, similarity: d === 0 ? 0 : dot / d };
  });
  all.sort((a, b) => b.similarity - a.similarity || a.index - b.index);
  return all.slice(0, k);
}

Deno.test("l2Normalize: unit rows, zero rows stay zero, wrong lengths refused", () => {
  const x = Float32Array.from([3, 4, 0, 0, 1, 1]);
  l2Normalize(x, 2);
  assert.deepEqual([...x].map((v) => Number(v.toFixed(6))), [0.6, 0.8, 0, 0, 0.707107, 0.707107]);
  assert.throws(() => l2Normalize(new Float32Array(5), 2), RangeError);
});

Deno.test("nearestNeighbours matches the brute-force reference on odd shapes", () => {
  for (const [n, dim, k] of [[1, 1, 1], [7, 3, 4], [53, 13, 8], [200, 5, 17], [9, 2, 20]]) {
    const catalogue = rows(n, dim, n * 31 + dim);
    const raw = catalogue.slice();
    l2Normalize(catalogue, dim);
    for (let t = 0; t < 5; t++) {
      const q = rows(1, dim, 1000 + t + n);
      if (q.every((v) => v === 0)) q[0] = 1;
      const got = nearestNeighbours(catalogue, dim, l2Normalize(q.slice(), dim), k);
      const want = reference(raw, dim, q, k);
      assert.equal(got.length, Math.min(k, n));
      got.forEach((g, i) => {
        assert.ok(Math.abs(g.similarity - want[i].similarity) < 1e-5, `${n}/${dim}/${k} rank ${i}`);
        // Equal similarities may come in either order only if they are equal within rounding.
        if (g.index !== want[i].index) {
          assert.ok(Math.abs(want[i].similarity - g.similarity) < 1e-6);
        }
      });
    }
  }
});

Deno.test("ties keep catalogue order; exclude leaves a row out; batch equals one by one", () => {
  const dim = 2;
  const catalogue = l2Normalize(Float32Array.from([1, 0, 0, 1, 1, 0, 2, 0, 1, 1]), dim);
  const q = Float32Array.from([1, 0]);
  assert.deepEqual(nearestNeighbours(catalogue, dim, q, 3).map((n) => n.index), [0, 2, 3]);
  assert.deepEqual(
    nearestNeighbours(catalogue, dim, q, 3, { exclude: 0 }).map((n) => n.index),
    [2, 3, 4],
  );
  const queries = l2Normalize(rows(37, 6, 9), 6);
  const cat = l2Normalize(rows(41, 6, 10), 6);
  const batch = nearestNeighboursBatch(cat, 6, queries, 5);
  for (let i = 0; i < 37; i++) {
    assert.deepEqual(batch[i], nearestNeighbours(cat, 6, queries.subarray(i * 6, (i + 1) * 6), 5));
  }
  assert.throws(() => nearestNeighbours(cat, 6, new Float32Array(5), 3), RangeError);
  assert.throws(() => nearestNeighbours(cat, 6, queries.subarray(0, 6), 0), RangeError);
});

Deno.test("precisionAtK: by hand on a two-class catalogue", () => {
  // Catalogue: class 0 along x, class 1 along y, one class-1 row near x.
  const cat = l2Normalize(Float32Array.from([1, 0, 1, 0.1, 0, 1, 0.1, 1, 1, 0.2]), 2);
  const labels = [0, 0, 1, 1, 1];
  const queries = l2Normalize(Float32Array.from([1, 0.05, 0.05, 1]), 2);
  // Query 0 (class 0): nearest 3 are rows 0, 1, 4 → 2 of 3 right. Query 1 (class 1): 2, 3, then
  // row 4 (0.2 along y) before row 1 → 3 of 3.
  const p = precisionAtK(cat, labels, queries, [0, 1], 2, 3, 2);
  assert.ok(Math.abs(p.perClass[0] - 2 / 3) < 1e-9);
  assert.ok(Math.abs(p.perClass[1] - 1) < 1e-9);
  assert.ok(Math.abs(p.mean - 5 / 6) < 1e-9);
  assert.deepEqual(p.queries, [1, 1]);
});
