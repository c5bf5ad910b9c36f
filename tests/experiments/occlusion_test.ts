import assert from "node:assert/strict";
import {
  firstOfEachClass,
  occlusionMap,
  patchPositions,
  softmaxRows,
} from "../../src/experiments/occlusion.ts";
import { Rng } from "../../src/util/random.ts";

Deno.test("patchPositions: every stride, the last flush with the edge, so every pixel is covered", () => {
  assert.deepEqual(patchPositions(28, 6, 2), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]);
  assert.deepEqual(patchPositions(7, 3, 3), [0, 3, 4]);
  assert.deepEqual(patchPositions(5, 5, 1), [0]);
  assert.throws(() => patchPositions(5, 6, 1), RangeError);
  assert.throws(() => patchPositions(5, 2, 0), RangeError);
});

Deno.test("occlusion of a linear score: each patch's drop is Σ w·(x − fill) over the patch", async () => {
  // score(x) = w·x + b. Occluding patch P with value f changes the score by Σ_{i∈P} w_i (f − x_i),
  // so the drop is Σ_{i∈P} w_i (x_i − f), and each pixel's map value is the mean drop of the
  // patches covering it.
  const rows = 9, cols = 7;
  const rng = new Rng(2);
  const w = Float32Array.from({ length: rows * cols }, () => rng.normal());
  const x = Float32Array.from({ length: rows * cols }, () => rng.next());
  const b = 0.3;
  let calls = 0;
  const score = (images: Float32Array, n: number) => {
    calls++;
    return Promise.resolve(Float32Array.from({ length: n }, (_, i) => {
      let s = b;
      for (let j = 0; j < rows * cols; j++) s += w[j] * images[i * rows * cols + j];
      return s;
    }));
  };
  for (const fill of [0, 0.5]) {
    const patch = 3, stride = 2;
    const r = await occlusionMap(x, rows, cols, score, { patch, stride, fill });
    const ys = patchPositions(rows, patch, stride), xs = patchPositions(cols, patch, stride);
    assert.deepEqual(r.positionsY, ys);
    assert.deepEqual(r.positionsX, xs);
    let base = b;
    for (let j = 0; j < rows * cols; j++) base += w[j] * x[j];
    assert.ok(Math.abs(r.base - base) < 1e-5);
    const sum = new Float64Array(rows * cols), cover = new Float64Array(rows * cols);
    let k = 0;
    for (const py of ys) {
      for (const px of xs) {
        let drop = 0;
        for (let y = py; y < py + patch; y++) {
          for (let xx = px; xx < px + patch; xx++) {
            drop += w[y * cols + xx] * (x[y * cols + xx] - fill);
          }
        }
        assert.ok(
          Math.abs(r.drops[k] - drop) < 1e-4,
          `patch (${py}, ${px}): ${r.drops[k]} vs ${drop}`,
        );
        for (let y = py; y < py + patch; y++) {
          for (let xx = px; xx < px + patch; xx++) {
            sum[y * cols + xx] += drop;
            cover[y * cols + xx]++;
          }
        }
        k++;
      }
    }
    assert.equal(k, r.drops.length);
    for (let j = 0; j < rows * cols; j++) {
      assert.ok(cover[j] > 0);
      assert.ok(Math.abs(r.map[j] - sum[j] / cover[j]) < 1e-4, `pixel ${j}`);
    }
  }
  // One call per map: the image and its occluded copies in one batch.
  assert.equal(calls, 2);
});

Deno.test("occlusion: a score that reads one pixel marks exactly the patches over it", async () => {
  const rows = 6, cols = 6;
  const x = new Float32Array(36);
  x[2 * 6 + 3] = 1;
  const r = await occlusionMap(
    x,
    rows,
    cols,
    (images, n) => Promise.resolve(Float32Array.from({ length: n }, (_, i) => images[i * 36 + 15])),
    { patch: 2, stride: 2 },
  );
  // Patches at rows 2..3, columns 2..3 cover pixel (2, 3); only that one drops the score.
  assert.deepEqual([...r.drops].map((d, k) => d ? k : -1).filter((k) => k >= 0), [4]);
  assert.equal(r.map[2 * 6 + 3], 1);
  assert.equal(r.map[0], 0);
  await assert.rejects(
    () => occlusionMap(new Float32Array(5), 2, 3, () => Promise.resolve(new Float32Array(1))),
    RangeError,
  );
  await assert.rejects(
    () => occlusionMap(x, 6, 6, () => Promise.resolve(new Float32Array(1))),
    Error,
  );
});

Deno.test("softmaxRows: each row sums to 1, order kept, large logits stay finite", () => {
  const p = softmaxRows(Float32Array.of(1, 2, 3, 1000, 1000, -1000), 3);
  assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-6);
  assert.ok(p[0] < p[1] && p[1] < p[2]);
  const e = [1, 2, 3].map(Math.exp), s = e[0] + e[1] + e[2];
  assert.ok(Math.abs(p[2] - e[2] / s) < 1e-6);
  assert.ok(Math.abs(p[3] - 0.5) < 1e-6 && p[5] === 0);
});

Deno.test("firstOfEachClass takes the first images of each class in order", () => {
  const labels = Uint8Array.of(1, 0, 1, 1, 2, 0, 0);
  assert.deepEqual(firstOfEachClass(labels, 3, 2), [1, 5, 0, 2, 4]);
});
