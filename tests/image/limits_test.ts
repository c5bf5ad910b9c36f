// The picture limits of src/image/limits.ts and how decoding keeps to them: a PNG's pixel data
// is inflated to exactly the size its IHDR implies (checked against pngjs for every colour type,
// bit depth and both interlacings), and a JPEG too short for its header's size is not decoded.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import jpeg from "jpeg-js";
import { decodePicture } from "../../src/image/decode.ts";
import { pngDataBytes, readPngHeader } from "../../src/image/header.ts";
import { MAX_PICTURE_BYTES, MAX_PIXELS } from "../../src/image/limits.ts";
import { MAX_PIXELS as FROM_PREPROCESS } from "../../src/image/preprocess.ts";
import { UserError } from "../../src/util/errors.ts";
import { chunk, concat, type Ihdr, png, zerosStream } from "./_png.ts";

const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** A PNG whose pixel data is `bytes` zeros (a palette of one black entry for colour type 3). */
function zeroPng(h: Ihdr, bytes: number): Uint8Array {
  const file = png(h, zerosStream(bytes));
  if (h.colourType !== 3) return file;
  // PLTE goes right after IHDR (8 + 25 bytes).
  return concat([file.subarray(0, 33), chunk("PLTE", new Uint8Array(3)), file.subarray(33)]);
}

Deno.test("limits: one place, re-exported where the page reads them", () => {
  assert.equal(MAX_PIXELS, 64_000_000);
  assert.equal(FROM_PREPROCESS, MAX_PIXELS);
  assert.equal(MAX_PICTURE_BYTES, 200_000_000);
});

Deno.test("pngDataBytes is the exact inflated size pngjs reads, for every colour type, depth and interlacing", () => {
  let checked = 0;
  for (const [colourType, depths] of Object.entries(DEPTHS)) {
    for (const bitDepth of depths) {
      for (const interlace of [0, 1]) {
        for (const [width, height] of [[1, 1], [3, 2], [7, 9], [10, 10], [17, 5], [33, 12]]) {
          const h = { width, height, bitDepth, colourType: Number(colourType), interlace };
          const bytes = pngDataBytes(h);
          const name = `${JSON.stringify(h)}.png`;
          const img = decodePicture(zeroPng(h, bytes), name);
          assert.equal(img.width * img.height, width * height, name);
          // One byte less or more is refused, naming the file; never pngjs's own words.
          assert.throws(() => decodePicture(zeroPng(h, bytes - 1), name), (e) => {
            assert.ok(e instanceof UserError);
            assert.match(e.message, /damaged or truncated PNG file \([\d,]+ bytes of pixel data/);
            return true;
          });
          assert.throws(() => decodePicture(zeroPng(h, bytes + 1), name), (e) => {
            assert.ok(e instanceof UserError);
            assert.match(e.message, /inflates to more than the [\d,]+ bytes its header/);
            return true;
          });
          checked++;
        }
      }
    }
  }
  assert.equal(checked, 15 * 2 * 6);
});

Deno.test("pngDataBytes: Adam7's seven passes of a 10×10 RGBA picture take 420 bytes", () => {
  // Passes 2×2, 1×2, 3×1, 2×3, 5×2, 5×5, 10×5 pixels; each row a filter byte and 4 bytes a pixel.
  const h = { width: 10, height: 10, bitDepth: 8, colourType: 6, interlace: 1 };
  assert.equal(pngDataBytes(h), 18 + 10 + 13 + 27 + 42 + 105 + 205);
  assert.equal(pngDataBytes({ ...h, interlace: 0 }), 10 * 41);
  // 1×1 interlaced: only the first pass has a pixel.
  assert.equal(pngDataBytes({ ...h, width: 1, height: 1 }), 5);
});

Deno.test("readPngHeader refuses fields outside the PNG specification", () => {
  const file = (h: Ihdr) => png(h, zerosStream(1));
  assert.equal(
    readPngHeader(file({ width: 4, height: 4, bitDepth: 3 })),
    "bit depth 3 with colour type 0 (gray)",
  );
  assert.equal(
    readPngHeader(file({ width: 4, height: 4, colourType: 5 })),
    "unknown colour type 5",
  );
  assert.equal(
    readPngHeader(file({ width: 4, height: 4, interlace: 2 })),
    "interlace method 2 (0 or 1)",
  );
  assert.equal(
    readPngHeader(file({ width: 0x80000000, height: 1 })),
    "its header says 2147483648×1 pixels",
  );
  assert.equal(readPngHeader(new Uint8Array(8)), "no PNG header (signature and IHDR chunk)");
  assert.deepEqual(readPngHeader(file({ width: 4, height: 5, colourType: 2, interlace: 1 })), {
    width: 4,
    height: 5,
    bitDepth: 8,
    colourType: 2,
    interlace: 1,
  });
});

Deno.test("a 10×10 interlaced PNG over 2 GB of zeros stops at its 420 bytes, at once and in little memory", () => {
  const h = { width: 10, height: 10, bitDepth: 8, colourType: 6, interlace: 1 };
  const bomb = png(h, zerosStream(2 ** 31));
  const rss = Deno.memoryUsage().rss;
  const start = performance.now();
  assert.throws(
    () => decodePicture(bomb, "bomb.png"),
    /bomb\.png: a damaged or forged PNG file: its pixel data inflates to more than the 420 bytes its header \(10×10, 8-bit RGBA, interlaced\) implies/,
  );
  assert.ok(performance.now() - start < 1000, `${performance.now() - start} ms`);
  assert.ok(Deno.memoryUsage().rss - rss < 100e6, "RSS grew by more than 100 MB");
});

Deno.test("a JPEG shorter than one bit per 8×8 block of its header's size is not decoded", () => {
  const side = 16;
  const data = new Uint8Array(side * side * 4).fill(200);
  const small = new Uint8Array(jpeg.encode({ width: side, height: side, data }, 90).data);
  assert.equal(decodePicture(small, "small.jpg").width, side);
  // The same file with its frame header (SOF0: FF C0, length, precision, height, width) saying
  // 8000×8000: within MAX_PIXELS, but its few hundred bytes cannot hold 64 megapixels.
  const forged = new Uint8Array(small);
  const sof = Buffer.from(forged).indexOf(Buffer.from([0xff, 0xc0]));
  new DataView(forged.buffer).setUint16(sof + 5, 8000);
  new DataView(forged.buffer).setUint16(sof + 7, 8000);
  const start = performance.now();
  assert.throws(
    () => decodePicture(forged, "forged.jpg"),
    /forged\.jpg: a truncated or forged JPG file: \d+ bytes cannot hold the 8000×8000 pixels its header says \(at least 125,000 bytes\)/,
  );
  assert.ok(performance.now() - start < 500);
});
