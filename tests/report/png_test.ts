import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { crc32, encodePng } from "../../src/report/png.ts";
import { textWidth } from "../../src/report/svg_png.ts";
import {
  featureMaps,
  filterGrid,
  inferenceGrid,
  LABEL_LINE,
  LABEL_SIZE,
  MAX_GRID_WIDTH,
  misclassifiedGrid,
  TITLE_LINE,
  TITLE_SIZE,
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

/** n images of 784 bytes, image i filled with value 10 * (i + 1). */
function images(n: number): Uint8Array {
  const a = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) a.fill(10 * (i + 1), i * 784, (i + 1) * 784);
  return a;
}

const NAMES = ["T-shirt/top", "Trouser", "Pullover"];
/** Grid geometry: margins and gaps, the title band, a label's band under its image. */
const PAD = 8;
const TOP = 2 * PAD + TITLE_LINE;
const label = (text: string) => textWidth(text, LABEL_SIZE);
const title = (text: string) => textWidth(text, TITLE_SIZE);

Deno.test("inferenceGrid lays out upscaled tiles, framing wrong predictions in red", () => {
  const png = decode(
    inferenceGrid(images(3), [0, 1, 2], [0, 2, 2], [0, 1, 2], NAMES, { columns: 2 }),
  );
  // Cells are as wide as the widest label.
  const cellW = label("T-shirt/top / T-shirt/top");
  assert.ok(cellW > 84, `label ${cellW} px`);
  assert.equal(
    png.width,
    Math.max(title("predicted / true class; red: wrong"), 2 * cellW + PAD) + 2 * PAD,
  );
  const rowH = 84 + 4 + LABEL_LINE + PAD;
  assert.equal(png.height, TOP + 2 * rowH);
  const x0 = PAD + Math.floor((cellW - 84) / 2);
  assert.deepEqual(png.at(x0, TOP), [10, 10, 10]); // first image's corner, value 10
  assert.deepEqual(png.at(x0 + 83, TOP + 83), [10, 10, 10]);
  assert.deepEqual(png.at(x0 - 1, TOP), [255, 255, 255]); // right answer: no frame
  const x1 = x0 + cellW + PAD; // second tile: wrong, framed
  assert.deepEqual(png.at(x1 + 5, TOP + 5), [20, 20, 20]);
  assert.deepEqual(png.at(x1 - 1, TOP + 5), [214, 39, 40]);
  assert.deepEqual(png.at(x1 + 84, TOP + 5), [214, 39, 40]);
});

/** The pixels of a rectangle that are not white. */
function inked(png: Decoded, x: number, y: number, w: number, h: number): number[][] {
  const out: number[][] = [];
  for (let j = y; j < y + h; j++) {
    for (let i = x; i < x + w; i++) {
      const p = png.at(i, j);
      if (p.some((v) => v < 250)) out.push(p);
    }
  }
  return out;
}

Deno.test("grid labels are set in the font, anti-aliased, centred under their image", () => {
  // One right and one wrong prediction of the same label width ("Bag" read "Ba9" in the old
  // bitmap font): ink where each label is, grey edges, red for the wrong one.
  const names = ["Bag", "Coat", "Dress"];
  const png = decode(
    inferenceGrid(images(2), [0, 1], [0, 0], [0, 1], names, { columns: 2, title: "t" }),
  );
  const cellW = Math.max(84, label("Coat / Coat"), label("Bag / Coat"));
  const bandY = TOP + 84 + 4;
  for (const [k, text] of [[0, "Bag / Bag"], [1, "Bag / Coat"]] as const) {
    const x0 = PAD + k * (cellW + PAD);
    const ink = inked(png, x0, bandY, cellW, LABEL_LINE);
    assert.ok(ink.length > 20, `${text}: ${ink.length} inked pixels`);
    // Edges between the text colour and white: green 39 (red) or 0 (black) up to 255.
    assert.ok(ink.some((p) => p[1] > 60 && p[1] < 200), `${text}: no anti-aliased edge`);
    // Centred: the ink's left edge is half the spare width in, give or take a pixel or two.
    let left = x0 + cellW;
    for (let x = x0; x < x0 + cellW && left === x0 + cellW; x++) {
      if (inked(png, x, bandY, 1, LABEL_LINE).length) left = x;
    }
    assert.ok(Math.abs(left - (x0 + (cellW - label(text)) / 2)) <= 2, `${text} starts at ${left}`);
    const red = ink.filter((p) => p[0] > p[1] + 60);
    assert.equal(red.length > ink.length / 2, k === 1, `${text}: red only when wrong`);
  }
  // Nothing but the image and its label in a cell: the gap under the label is white.
  assert.equal(inked(png, 0, bandY + LABEL_LINE, png.width, PAD).length, 0);
  // The title's band has ink.
  assert.ok(inked(png, PAD, PAD, 10, TITLE_LINE).length > 0);
});

Deno.test("textWidth measures the font: proportional, and wider for longer text", () => {
  assert.equal(label(""), 0);
  assert.ok(label("iiii") < label("WWWW") / 2, `${label("iiii")} vs ${label("WWWW")}`);
  assert.ok(label("Bag / Bag") > label("Bag"));
  assert.ok(label("Bag") >= 15 && label("Bag") <= 25, `${label("Bag")}`);
});

Deno.test("grids get fewer columns rather than grow wider than the page's column", () => {
  const n = 32;
  const truth = Array.from({ length: n }, () => 0);
  const pred = Array.from({ length: n }, () => 2);
  const wide = ["T-shirt/top", "Trouser", "Ankle boot / Sandal"];
  const png = decode(
    inferenceGrid(images(n), truth, pred, truth.map((_, i) => i), wide, { columns: 16 }),
  );
  assert.ok(png.width <= MAX_GRID_WIDTH, `${png.width} px`);
  const cellW = label("Ankle boot / Sandal / T-shirt/top");
  const cols = Math.floor((MAX_GRID_WIDTH - PAD) / (cellW + PAD));
  assert.equal(png.height, TOP + Math.ceil(n / cols) * (84 + 4 + LABEL_LINE + PAD));
});

Deno.test("misclassifiedGrid shows only the wrong predictions, up to the limit", () => {
  const all = decode(
    misclassifiedGrid(images(4), [0, 1, 2, 0], [1, 1, 0, 2], NAMES, { columns: 1 }),
  );
  const limited = decode(
    misclassifiedGrid(images(4), [0, 1, 2, 0], [1, 1, 0, 2], NAMES, { columns: 1, limit: 1 }),
  );
  const rowH = 84 + 4 + LABEL_LINE + PAD;
  assert.equal(all.height, TOP + 3 * rowH);
  assert.equal(limited.height, TOP + rowH);
  const none = decode(misclassifiedGrid(images(1), [1], [1], NAMES));
  assert.equal(none.height, TOP);
});

Deno.test("weightMaps colours negative blue, positive red, zero white", () => {
  const w = new Float32Array(784 * 2);
  w[0 * 2 + 0] = -2; // pixel (0, 0) of class 0
  w[1 * 2 + 0] = 1; // pixel (1, 0) of class 0
  w[0 * 2 + 1] = 2; // pixel (0, 0) of class 1
  const png = decode(weightMaps(w, ["neg", "pos"], { scale: 1, columns: 2 }));
  assert.equal(png.height, TOP + 28 + 4 + LABEL_LINE + PAD);
  assert.equal(
    png.width,
    title("weight per pixel and class: red raises the class score, blue lowers it") + 16,
  );
  assert.deepEqual(png.at(8, TOP), [0, 0, 255]);
  assert.deepEqual(png.at(9, TOP), [255, 128, 128]);
  assert.deepEqual(png.at(10, TOP), [255, 255, 255]);
  assert.deepEqual(png.at(8 + 28 + 8, TOP), [255, 0, 0]);
});

Deno.test("filterGrid reads kh×kw×cin×cout weights, one tile per filter", () => {
  // 2×2 kernels, 1 input, 3 outputs; filter 2 has weight 1 at (x=1, y=0), all else 0 but filter
  // 0's -1 at (0, 0) (sets the scale).
  const w = new Float32Array(2 * 2 * 3);
  w[(0 * 2 + 0) * 3 + 0] = -1;
  w[(0 * 2 + 1) * 3 + 2] = 1;
  const png = decode(filterGrid(w, [2, 2, 1, 3], { scale: 10, columns: 3, title: "f" }));
  assert.equal(png.width, 3 * 20 + 2 * 8 + 16);
  assert.equal(png.height, TOP + 20 + 4 + LABEL_LINE + PAD);
  assert.deepEqual(png.at(8, TOP), [0, 0, 255]);
  assert.deepEqual(png.at(8 + 2 * 28 + 10, TOP), [255, 0, 0]);
  assert.deepEqual(png.at(8 + 2 * 28 + 9, TOP), [255, 255, 255]);
});

Deno.test("featureMaps stretches each channel from black to white", () => {
  // 2×1 maps, 2 channels: channel 0 is [1, 3], channel 1 is [-5, -5] (constant: black).
  const maps = Float32Array.from([1, -5, 3, -5]);
  const png = decode(featureMaps(maps, [1, 2, 2], { scale: 4, title: "" }));
  assert.equal(png.width, 8 + 8 + 8 + 2 * 8); // two 8-pixel tiles, gap and margins
  assert.deepEqual(png.at(8, TOP), [0, 0, 0]);
  assert.deepEqual(png.at(8 + 4, TOP), [255, 255, 255]);
  assert.deepEqual(png.at(8 + 8 + 8 + 4, TOP), [0, 0, 0]);
});
