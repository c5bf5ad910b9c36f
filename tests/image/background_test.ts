// The background model (src/image/background.ts) and the path it opens in preprocess: photos
// lit unevenly are cropped to their garment; clean photos and dataset images keep the
// conversion they had; a picture without a separable object says so.
import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { preprocess, type RgbaImage } from "../../src/image/preprocess.ts";
import { segment } from "../../src/image/background.ts";
import { photoLike } from "../../src/image/synthetic.ts";
import { loadFashionMnist } from "../../src/data/dataset.ts";
import { Rng } from "../../src/util/random.ts";
import { Gpu } from "../../src/gpu/gpu.ts";
import { useGpu } from "../../src/autograd/tensor.ts";
import { readConfig } from "../../src/io/checkpoint.ts";
import { loadSavedModel } from "../../src/baselines/saved.ts";

const MODEL = new URL("../../web/model/", import.meta.url).pathname;

/** A w×h picture: background `bg(x, y)` (gray), `paint(x, y)` an RGB colour where it draws. */
function picture(
  w: number,
  h: number,
  bg: (x: number, y: number) => number,
  paint: (x: number, y: number) => number[] | null = () => null,
): RgbaImage & { data: Uint8Array } {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const g = Math.round(bg(x, y));
      data.set([...(paint(x, y) ?? [g, g, g]), 255], (y * w + x) * 4);
    }
  }
  return { width: w, height: h, data };
}

const rect =
  (x0: number, y0: number, x1: number, y1: number, c: number[]) => (x: number, y: number) =>
    x >= x0 && x < x1 && y >= y0 && y < y1 ? c : null;

/** Light from 200 (left) to 240 (right) plus a bow top to bottom: a quadratic surface. */
const uneven = (w: number, h: number) => (x: number, y: number) =>
  200 + 40 * x / (w - 1) - 10 * ((2 * y) / (h - 1) - 1) ** 2;

Deno.test("an uneven background is modelled and the garment cropped exactly", () => {
  const img = picture(320, 240, uneven(320, 240), rect(200, 50, 260, 170, [40, 40, 40]));
  const seg = segment(img);
  assert.deepEqual(seg.box, { x: 200, y: 50, width: 60, height: 120 });
  assert.equal(seg.failure, null);
  const [lo, hi] = seg.model.grayRange;
  assert.ok(lo > 185 && lo < 195 && hi > 235 && hi < 245, `range ${lo}..${hi}`);
  const r = preprocess(img);
  assert.equal(r.background, "modelled");
  assert.equal(r.separated, true);
  assert.equal(r.note, null);
  assert.deepEqual(r.crop, { x: 200, y: 50, width: 60, height: 120 });
  assert.deepEqual(r.placed, { x: 7, y: 0, width: 14, height: 28 });
  // Levelled against the local background ((b − v) / b, b from 190 to 240 here), stretched so
  // the brightest is 255: the garment within 2% of it, the background 0.
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = r.pixels[y * 28 + x];
      assert.ok(x >= 7 && x < 21 ? v >= 250 : v === 0, `pixel (${x}, ${y}): ${v}`);
    }
  }
  // Before the model (one grey level), the light's gradient was taken for the garment.
  const before = preprocess(img, "p", { background: "uniform" });
  assert.notDeepEqual(before.crop, r.crop);
});

Deno.test("the fit ignores a garment touching the border; the largest object wins", () => {
  const tall = rect(100, 0, 150, 240, [30, 60, 90]);
  const small = rect(250, 20, 290, 60, [0, 0, 0]);
  const img = picture(320, 240, uneven(320, 240), (x, y) => tall(x, y) ?? small(x, y));
  const seg = segment(img);
  assert.deepEqual(seg.box, { x: 100, y: 0, width: 50, height: 240 });
  assert.equal(seg.othersLeftOut, 1);
  const r = preprocess(img);
  assert.match(r.description, /1 smaller object left out/);
});

Deno.test("no object separated: the note says so (and the whole picture is used)", () => {
  // Only light: nothing stands out from the surface.
  const bare = preprocess(picture(320, 240, uneven(320, 240)));
  assert.equal(bare.separated, false);
  assert.match(bare.note!, /no object separated from the background \(nothing stands out/);
  assert.deepEqual(bare.crop, { x: 0, y: 0, width: 320, height: 240 });
  // A garment that fills the frame but for the bands the border was fitted on.
  const full = preprocess(picture(320, 240, uneven(320, 240), rect(4, 4, 316, 236, [20, 90, 20])));
  assert.equal(full.separated, false);
  assert.match(full.note!, /no object separated.*covers 9\d% of the picture/);
  assert.match(full.description, /no object separated/);
});

Deno.test("clean photos keep the conversion they had (uniform background, pixel for pixel)", () => {
  const rng = new Rng(5);
  for (let k = 0; k < 12; k++) {
    const w = 100 + rng.int(300), h = 100 + rng.int(300);
    const bg = k % 3 === 0 ? 0 : 255 - rng.int(30);
    const x0 = rng.int(w / 2), y0 = k % 4 === 0 ? 0 : rng.int(h / 2); // some touch the border
    const c = [rng.int(200), rng.int(200), rng.int(200)];
    let img = picture(w, h, () => bg, rect(x0, y0, x0 + 10 + rng.int(w / 2), h - rng.int(20), c));
    if (k % 2) {
      // Through JPEG: the compression's ringing must not count as an uneven background.
      const d = jpeg.decode(jpeg.encode(img, 90).data, { useTArray: true, formatAsRGBA: true });
      img = { width: d.width, height: d.height, data: d.data };
    }
    const now = preprocess(img);
    const before = preprocess(img, "p", { background: "uniform" });
    assert.equal(now.background, "uniform", `picture ${k}`);
    assert.deepEqual(now.pixels, before.pixels, `picture ${k}`);
    assert.deepEqual(now.crop, before.crop);
  }
});

Deno.test("dataset images as 28×28 pictures pass through unchanged (1,000 test images)", async () => {
  const { test } = await loadFashionMnist();
  for (let i = 0; i < 1000; i++) {
    const src = test.images.subarray(i * 784, (i + 1) * 784);
    const data = new Uint8Array(784 * 4);
    for (let p = 0; p < 784; p++) data.set([src[p], src[p], src[p], 255], p * 4);
    const r = preprocess({ width: 28, height: 28, data });
    assert.deepEqual(r.pixels, src, `test image ${i}`);
    assert.equal(r.background, "dataset");
    assert.equal(r.note, null);
  }
});

Deno.test({
  name: "photo-like pictures: at least 85% of 50 right with the shipped model (was 5 of 50)",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    useGpu(await Gpu.create());
    const classifier = await loadSavedModel(MODEL, await readConfig(MODEL));
    const { test } = await loadFashionMnist();
    const rng = new Rng(11);
    const n = 50;
    const labels = new Uint8Array(n);
    const after = new Float32Array(n * 784);
    const before = new Float32Array(n * 784);
    for (let k = 0; k < n; k++) {
      const i = rng.int(test.count);
      labels[k] = test.labels[i];
      const { image } = photoLike(test.images.subarray(i * 784, (i + 1) * 784), rng);
      const a = preprocess(image);
      const b = preprocess(image, "p", { background: "uniform" });
      assert.equal(a.note, null, a.description);
      for (let p = 0; p < 784; p++) {
        after[k * 784 + p] = a.pixels[p] / 255;
        before[k * 784 + p] = b.pixels[p] / 255;
      }
    }
    const right = async (x: Float32Array) =>
      (await classifier.predict(x, n)).filter((p, k) => p === labels[k]).length;
    const [now, then] = [await right(after), await right(before)];
    assert.ok(now >= 43, `${now} of ${n} right`);
    assert.ok(then <= 15, `${then} of ${n} right with one background gray`);
  },
});
