import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { crc32, encodePng } from "../../src/report/png.ts";
import { ink, textWidth } from "../../src/report/font.ts";
import {
  featureMaps,
  filterGrid,
  inferenceGrid,
  misclassifiedGrid,
  weightMaps,
} from "../../src/report/grids.ts";

interface Decoded {
  width: number;
  height: number;
  channels: number;
  /** RGB (or grey) value at (x, y). */
  at(x: number, y: number): number[];
}

/** A minimal PNG reader for what encodePng writes: checks every CRC, undoes filter type 0. */
function decode(png: Uint8Array): Decoded {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  let header: Uint8Array | undefined;
  const idat: number[] = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    assert.equal(view.getUint32(at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)));
    types.push(type);
    if (type === "IHDR") header = data;
    if (type === "IDAT") idat.push(...data);
    at += 12 + length;
  }
  assert.deepEqual(types, ["IHDR", "IDAT", "IEND"]);
  const h = new DataView(header!.buffer, header!.byteOffset, 13);
  const width = h.getUint32(0), height = h.getUint32(4);
  assert.equal(header![8], 8);
  const channels = header![9] === 0 ? 1 : 3;
  const raw = new Uint8Array(inflateSync(Uint8Array.from(idat)));
  const stride = width * channels + 1;
  assert.equal(raw.length, stride * height);
  for (let y = 0; y < height; y++) assert.equal(raw[y * stride], 0, "filter type 0");
  return {
    width,
    height,
    channels,
    at: (
      x,
      y,
    ) => [...raw.subarray(y * stride + 1 + x * channels, y * stride + 1 + (x + 1) * channels)],
  };
}

Deno.test("crc32 matches the standard check value", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

Deno.test("encodePng round-trips grey and RGB pixels", () => {
  const grey = decode(encodePng(3, 2, 1, Uint8Array.from([0, 1, 2, 250, 251, 252])));
  assert.deepEqual([grey.width, grey.height, grey.channels], [3, 2, 1]);
  assert.deepEqual(grey.at(2, 1), [252]);
  const rgb = decode(encodePng(2, 1, 3, Uint8Array.from([1, 2, 3, 4, 5, 6])));
  assert.deepEqual([rgb.width, rgb.height, rgb.channels], [2, 1, 3]);
  assert.deepEqual(rgb.at(1, 0), [4, 5, 6]);
  assert.throws(() => encodePng(2, 2, 3, new Uint8Array(5)), RangeError);
});

Deno.test("font: every printable character has a glyph, others fall back to '?'", () => {
  const inked = (ch: string) =>
    Array.from({ length: 35 }, (_, p) => ink(ch, p % 5, Math.floor(p / 5))).filter(Boolean).length;
  assert.equal(inked(" "), 0);
  for (let c = 33; c < 127; c++) {
    assert.ok(inked(String.fromCharCode(c)) > 0, String.fromCharCode(c));
  }
  assert.equal(inked("é"), inked("?"));
  // "I" is a vertical bar with serifs: the middle column is ink on every row.
  for (let y = 0; y < 7; y++) assert.ok(ink("I", 2, y));
  assert.ok(!ink("I", 0, 3));
  assert.equal(textWidth("ab"), 11);
});

/** n images of 784 bytes, image i filled with value 10 * (i + 1). */
function images(n: number): Uint8Array {
  const a = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) a.fill(10 * (i + 1), i * 784, (i + 1) * 784);
  return a;
}

const NAMES = ["T-shirt/top", "Trouser", "Pullover"];

Deno.test("inferenceGrid lays out upscaled tiles, framing wrong predictions in red", () => {
  const png = decode(
    inferenceGrid(images(3), [0, 1, 2], [0, 2, 2], [0, 1, 2], NAMES, { columns: 2 }),
  );
  // Cells are as wide as the widest label.
  const cellW = textWidth("T-shirt/top / T-shirt/top");
  assert.equal(
    png.width,
    Math.max(textWidth("predicted / true class; red: wrong"), 2 * cellW + 8) + 16,
  );
  const top = 8 * 2 + 7;
  assert.equal(png.height, top + 2 * (84 + 4 + 7 + 8));
  const x0 = 8 + Math.floor((cellW - 84) / 2);
  assert.deepEqual(png.at(x0, top), [10, 10, 10]); // first image's corner, value 10
  assert.deepEqual(png.at(x0 + 83, top + 83), [10, 10, 10]);
  assert.deepEqual(png.at(x0 - 1, top), [255, 255, 255]); // right answer: no frame
  const x1 = x0 + cellW + 8; // second tile: wrong, framed
  assert.deepEqual(png.at(x1 + 5, top + 5), [20, 20, 20]);
  assert.deepEqual(png.at(x1 - 1, top + 5), [214, 39, 40]);
  assert.deepEqual(png.at(x1 + 84, top + 5), [214, 39, 40]);
});

Deno.test("misclassifiedGrid shows only the wrong predictions, up to the limit", () => {
  const all = decode(
    misclassifiedGrid(images(4), [0, 1, 2, 0], [1, 1, 0, 2], NAMES, { columns: 1 }),
  );
  const limited = decode(
    misclassifiedGrid(images(4), [0, 1, 2, 0], [1, 1, 0, 2], NAMES, { columns: 1, limit: 1 }),
  );
  const rowH = 84 + 4 + 7 + 8;
  assert.equal(all.height, 23 + 3 * rowH);
  assert.equal(limited.height, 23 + rowH);
  const none = decode(misclassifiedGrid(images(1), [1], [1], NAMES));
  assert.equal(none.height, 23);
});

Deno.test("weightMaps colours negative blue, positive red, zero white", () => {
  const w = new Float32Array(784 * 2);
  w[0 * 2 + 0] = -2; // pixel (0, 0) of class 0
  w[1 * 2 + 0] = 1; // pixel (1, 0) of class 0
  w[0 * 2 + 1] = 2; // pixel (0, 0) of class 1
  const png = decode(weightMaps(w, ["neg", "pos"], { scale: 1, columns: 2 }));
  assert.equal(png.height, 23 + 28 + 4 + 7 + 8);
  assert.equal(
    png.width,
    textWidth("weight per pixel and class: red raises the class score, blue lowers it") + 16,
  );
  assert.deepEqual(png.at(8, 23), [0, 0, 255]);
  assert.deepEqual(png.at(9, 23), [255, 128, 128]);
  assert.deepEqual(png.at(10, 23), [255, 255, 255]);
  assert.deepEqual(png.at(8 + 28 + 8, 23), [255, 0, 0]);
});

Deno.test("filterGrid reads kh×kw×cin×cout weights, one tile per filter", () => {
  // 2×2 kernels, 1 input, 3 outputs; filter 2 has weight 1 at (x=1, y=0), all else 0 but filter
  // 0's -1 at (0, 0) (sets the scale).
  const w = new Float32Array(2 * 2 * 3);
  w[(0 * 2 + 0) * 3 + 0] = -1;
  w[(0 * 2 + 1) * 3 + 2] = 1;
  const png = decode(filterGrid(w, [2, 2, 1, 3], { scale: 10, columns: 3, title: "f" }));
  assert.equal(png.width, 3 * 20 + 2 * 8 + 16);
  assert.equal(png.height, 23 + 20 + 4 + 7 + 8);
  assert.deepEqual(png.at(8, 23), [0, 0, 255]);
  assert.deepEqual(png.at(8 + 2 * 28 + 10, 23), [255, 0, 0]);
  assert.deepEqual(png.at(8 + 2 * 28 + 9, 23), [255, 255, 255]);
});

Deno.test("featureMaps stretches each channel from black to white", () => {
  // 2×1 maps, 2 channels: channel 0 is [1, 3], channel 1 is [-5, -5] (constant: black).
  const maps = Float32Array.from([1, -5, 3, -5]);
  const png = decode(featureMaps(maps, [1, 2, 2], { scale: 4, title: "" }));
  assert.equal(png.width, 8 + 8 + 8 + 2 * 8); // two 8-pixel tiles, gap and margins
  assert.deepEqual(png.at(8, 23), [0, 0, 0]);
  assert.deepEqual(png.at(8 + 4, 23), [255, 255, 255]);
  assert.deepEqual(png.at(8 + 8 + 8 + 4, 23), [0, 0, 0]);
});
