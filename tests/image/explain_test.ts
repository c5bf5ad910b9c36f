// src/explain: occlusion saliency of one 28×28 (against a probability function whose evidence
// is known), the map carried back through the crop, and readable layer names.
import assert from "node:assert/strict";
import { layerTitles, mapToPicture, saliencyMap } from "../../src/explain/mod.ts";
import { architecture } from "../../src/nn/zoo.ts";

/** A "model" whose class 1 probability is the mean of the top-left 8×8 pixels (/255). */
const topLeft = (images: Uint8Array, n: number) => {
  const rows: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) s += images[i * 784 + y * 28 + x];
    const p = s / 64 / 255;
    rows.push(Float32Array.of(0.5 * (1 - p), p, 0.5 * (1 - p)));
  }
  return Promise.resolve(rows);
};

Deno.test("saliency: occluding the evidence lowers the class; elsewhere nothing changes", async () => {
  const pixels = new Uint8Array(784).fill(255);
  const s = await saliencyMap(pixels, topLeft);
  assert.equal(s.target, 1);
  assert.equal(s.probability, 1);
  assert.ok(s.map[0] > 0.3, `top-left ${s.map[0]}`);
  assert.equal(s.map[27 * 28 + 27], 0); // bottom-right: no patch there touches the 8×8
  assert.ok(s.scale >= s.map[0]);
  // An explicit target explains another output: blacking out raises class 0 (negative drop).
  const other = await saliencyMap(pixels, topLeft, { target: 0 });
  assert.ok(other.map[0] < 0);
  await assert.rejects(() => saliencyMap(new Uint8Array(10), topLeft), RangeError);
});

Deno.test("mapToPicture carries the 28×28 map back through the crop", () => {
  // The map is 1 on the left half of the 28×28, 0 on the right.
  const map = Float32Array.from({ length: 784 }, (_, p) => (p % 28 < 14 ? 1 : 0));
  // A 100×200 crop at (50, 20) of a 300×300 picture, fitted to 14×28 at (7, 0).
  const out = mapToPicture(map, { x: 50, y: 20, width: 100, height: 200 }, {
    x: 7,
    y: 0,
    width: 14,
    height: 28,
  }, { width: 300, height: 300 });
  assert.equal(out[100 * 300 + 10], 0); // outside the crop
  assert.equal(out[100 * 300 + 60], 1); // crop's left part → 28×28 columns 7..13
  assert.equal(out[100 * 300 + 140], 0); // crop's right part → columns 14..20
  // A scaled-down copy (scale 0.5) samples the same places.
  const half = mapToPicture(map, { x: 50, y: 20, width: 100, height: 200 }, {
    x: 7,
    y: 0,
    width: 14,
    height: 28,
  }, { width: 150, height: 150, scale: 0.5 });
  assert.equal(half[50 * 150 + 30], 1);
  assert.equal(half[50 * 150 + 70], 0);
});

Deno.test("layer titles say what a layer is", () => {
  const t = layerTitles(architecture("cnn"));
  const byName = Object.fromEntries(t.map((l) => [l.name, l.title]));
  assert.equal(byName["2.relu"], "conv 1 after ReLU, 32 maps 28×28");
  assert.equal(byName["6.relu"], "conv 2 after ReLU, 64 maps 14×14");
  assert.equal(byName["0.conv2d"], "conv 1 (32 filters 3×3), 32 maps 28×28");
  assert.equal(t.at(-1)!.title, "dense 2 (output), 10 class scores");
  assert.match(
    layerTitles(architecture("resnet")).map((l) => l.title).join("|"),
    /residual block 1/,
  );
  assert.equal(layerTitles(architecture("softmax"))[0].title, "input flattened, 784 values");
});
