import assert from "node:assert/strict";
import {
  shiftImages,
  translationAccuracies,
  translations,
} from "../../src/experiments/translation.ts";
import { Rng } from "../../src/util/random.ts";

/** The definition, pixel by pixel: out[y][x] = in[y − dy][x − dx] inside the image, else 0. */
function shiftReference(
  images: Uint8Array,
  rows: number,
  cols: number,
  dx: number,
  dy: number,
): Uint8Array {
  const out = new Uint8Array(images.length);
  const px = rows * cols;
  for (let i = 0; i < images.length / px; i++) {
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        const sy = y - dy, sx = x - dx;
        out[i * px + y * cols + x] = sy >= 0 && sy < rows && sx >= 0 && sx < cols
          ? images[i * px + sy * cols + sx]
          : 0;
      }
    }
  }
  return out;
}

Deno.test("shiftImages matches the pixel-by-pixel definition on odd sizes and every shift", () => {
  const rng = new Rng(1);
  for (const [rows, cols] of [[5, 7], [7, 5], [1, 3], [28, 28], [3, 1]]) {
    const images = Uint8Array.from({ length: 3 * rows * cols }, () => 1 + rng.int(255));
    for (let dy = -rows - 1; dy <= rows + 1; dy++) {
      for (let dx = -cols - 1; dx <= cols + 1; dx++) {
        assert.deepEqual(
          shiftImages(images, rows, cols, dx, dy),
          shiftReference(images, rows, cols, dx, dy),
          `${rows}×${cols} shifted (${dx}, ${dy})`,
        );
      }
    }
  }
});

Deno.test("shiftImages: 0 is a copy, a shift moves a pixel right/down and fills with zeros", () => {
  const img = new Uint8Array(4 * 5);
  img[1 * 5 + 2] = 200; // row 1, column 2
  assert.deepEqual(shiftImages(img, 4, 5, 0, 0), img);
  assert.notEqual(shiftImages(img, 4, 5, 0, 0), img);
  const moved = shiftImages(img, 4, 5, 2, 1);
  assert.equal(moved[2 * 5 + 4], 200);
  assert.equal(moved.reduce((a, b) => a + b, 0), 200);
  // Past the edge: gone.
  assert.equal(shiftImages(img, 4, 5, 3, 0).reduce((a, b) => a + b, 0), 0);
  assert.throws(() => shiftImages(new Uint8Array(19), 4, 5, 1, 0), RangeError);
  assert.throws(() => shiftImages(img, 4, 5, 0.5, 0), RangeError);
});

Deno.test("translations: the unshifted set once, then 1..N pixels right, down and diagonally", () => {
  const t = translations(2);
  assert.deepEqual(t.map((x) => `${x.direction} ${x.pixels} ${x.dx},${x.dy}`), [
    "right 0 0,0",
    "right 1 1,0",
    "right 2 2,0",
    "down 1 0,1",
    "down 2 0,2",
    "diagonal 1 1,1",
    "diagonal 2 2,2",
  ]);
  assert.equal(translations(4).length, 13);
  assert.throws(() => translations(-1), RangeError);
  assert.throws(() => translations(28), RangeError);
});

Deno.test("translationAccuracies: a model that reads one pixel's position loses exactly the moved images", async () => {
  // 9 images of 3×3, image k has one bright pixel at position k and label k: a "model" that
  // predicts the brightest pixel's position is right on every unshifted image, and right on a
  // shifted image only where the pixel did not move, i.e. never once shifted (its pixel moves or
  // leaves the image).
  const rows = 3, cols = 3, count = 9;
  const images = new Uint8Array(count * 9);
  const labels = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    images[k * 9 + k] = 255;
    labels[k] = k;
  }
  const predict = (x: Float32Array, n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < 9; j++) if (x[i * 9 + j] > x[i * 9 + best]) best = j;
      out[i] = best;
    }
    return Promise.resolve(out);
  };
  const seen: string[] = [];
  const rowsOut = await translationAccuracies(
    "position",
    predict,
    { images, labels, count, rows, cols },
    2,
    (t, a) => seen.push(`${t.direction} ${t.pixels} ${a.toFixed(3)}`),
  );
  // 0 px reported for each direction; 7 conditions measured.
  assert.equal(seen.length, 7);
  assert.equal(rowsOut.length, 9);
  for (const r of rowsOut) assert.equal(r.accuracy, r.pixels === 0 ? 1 : 0, JSON.stringify(r));
  // A translation-invariant "model" (class 1 when there is any ink) keeps every image whose
  // pixel stays inside.
  const ink = (x: Float32Array, n: number) =>
    Promise.resolve(Uint8Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = 0; j < 9; j++) s += x[i * 9 + j];
      return s > 0.5 ? 1 : 0;
    }));
  const ones = new Uint8Array(count).fill(1);
  const inv = await translationAccuracies(
    "ink",
    ink,
    { images, labels: ones, count, rows, cols },
    1,
  );
  const right1 = inv.find((r) => r.direction === "right" && r.pixels === 1)!;
  // Moving right by 1 pushes the third column's 3 images out of the picture.
  assert.equal(right1.accuracy, 6 / 9);
  const diag1 = inv.find((r) => r.direction === "diagonal" && r.pixels === 1)!;
  assert.equal(diag1.accuracy, 4 / 9);
});
