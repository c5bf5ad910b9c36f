/**
 * Decoding pictures on the command line: PNG with npm's `pngjs` 7.0.0 and JPEG with `jpeg-js`
 * 0.4.4, both pure JavaScript (no native addon, no --allow-ffi; the same pixels on every
 * machine), the most used decoders of their formats on npm. Both give RGBA bytes, which
 * `preprocess.ts` turns into 28×28. A page decodes with the browser's own decoder instead.
 *
 * Neither decoder is handed more work than the header allows (./limits.ts): pngjs inflates an
 * interlaced PNG's data without any bound, so the data is first inflated here with node:zlib's
 * `maxOutputLength` set to the exact size the IHDR implies (`pngDataBytes`), and a JPEG must
 * hold at least one bit for each 8×8 block of its pixels before jpeg-js allocates them.
 */
import { Buffer } from "node:buffer";
import { inflateSync } from "node:zlib";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { checkedPictureHeader, describePng, pngDataBytes, type PngHeader } from "./header.ts";
import { MAX_PIXELS } from "./limits.ts";
import type { RgbaImage } from "./preprocess.ts";
import { UserError } from "../util/errors.ts";

/** Formats the command line decodes. */
export const DECODED = ["png", "jpg"];

/**
 * The RGBA pixels of a PNG or JPEG file's bytes (`name` names it in errors), turned upright by
 * its EXIF orientation as browsers show it. Throws a UserError for anything else, a picture
 * without pixels or larger than MAX_PIXELS (checked from the header first), a PNG whose data
 * inflates to more or less than its header implies (stopped at that size), a JPEG too short for
 * its header's size, or a damaged file.
 */
export function decodePicture(bytes: Uint8Array, name: string): RgbaImage {
  const header = checkedPictureHeader(bytes, name);
  if (!DECODED.includes(header.type)) {
    throw new UserError(
      `${name}: a ${header.type.toUpperCase()} picture; the command line reads PNG and JPEG ` +
        `(convert it, or open it in the page of "deno task serve", which reads what the browser does)`,
    );
  }
  if (header.png) checkPngData(bytes, header.png, name);
  else checkJpegLength(bytes.length, header.width, header.height, name);
  let image: RgbaImage;
  try {
    if (header.type === "png") {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      image = { width: png.width, height: png.height, data: png.data };
    } else {
      const jpg = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_PIXELS / 1e6,
        maxMemoryUsageInMB: 1024,
      });
      image = { width: jpg.width, height: jpg.height, data: jpg.data };
    }
  } catch {
    // Not the decoder's own words (pngjs: "There are some read requests waitng on finished
    // stream"): what happened and what to do.
    throw new UserError(
      `${name}: a damaged or truncated ${header.type.toUpperCase()} file; re-save or re-copy it`,
    );
  }
  return orient(image, header.orientation);
}

/**
 * Inflates the PNG's IDAT data, at most the `pngDataBytes` its IHDR implies, and refuses the file
 * when the data holds more (a 10×10 header over gigabytes of zeros stops after 10×10's bytes) or
 * less. Only the chunk layout is walked here; pngjs checks the rest (CRCs, palette, filters).
 */
function checkPngData(bytes: Uint8Array, h: PngHeader, name: string): void {
  const damaged = (why: string) =>
    new UserError(`${name}: a damaged or truncated PNG file (${why}); re-save or re-copy it`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let at = 8;
  for (;;) {
    if (at + 12 > bytes.length) throw damaged("it ends before its IEND chunk");
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (length > bytes.length - at - 12) {
      throw damaged(`chunk ${JSON.stringify(type)} says ${length} bytes, past the file's end`);
    }
    if (type === "IDAT") parts.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
    if (type === "IEND") break;
  }
  if (!parts.length) throw damaged("no IDAT chunk: no pixel data");
  const expected = pngDataBytes(h);
  let data: Uint8Array;
  try {
    data = inflateSync(Buffer.concat(parts), { maxOutputLength: expected });
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new UserError(
        `${name}: a damaged or forged PNG file: its pixel data inflates to more than the ${
          expected.toLocaleString("en")
        } bytes its header (${describePng(h)}) implies (inflating stopped there); re-save or ` +
          "re-copy it",
      );
    }
    throw damaged(`corrupt compressed data: ${(e as Error).message}`);
  }
  if (data.length < expected) {
    throw damaged(
      `${data.length.toLocaleString("en")} bytes of pixel data, its header (${describePng(h)}) ` +
        `needs ${expected.toLocaleString("en")}`,
    );
  }
}

/**
 * Refuses a JPEG file shorter than its header's size allows: every 8×8 block of the full-size
 * component takes at least one bit of coded data (a Huffman code is at least one bit, and each
 * block needs its DC code), so a W×H JPEG holds at least W×H/512 bytes. A few bytes claiming
 * 8000×8000 would otherwise make jpeg-js allocate about 1 GB of empty blocks.
 */
function checkJpegLength(length: number, width: number, height: number, name: string): void {
  const least = Math.ceil((width * height) / 512);
  if (length < least) {
    throw new UserError(
      `${name}: a truncated or forged JPG file: ${length.toLocaleString("en")} bytes cannot hold ` +
        `the ${width}×${height} pixels its header says (at least ${
          least.toLocaleString("en")
        } bytes); re-save or re-copy it`,
    );
  }
}

/**
 * The picture as EXIF orientation `o` (1..8) says to show it: 2 mirrors, 3 turns 180°, 4 flips,
 * 5 transposes, 6 turns 90° clockwise, 7 transverses, 8 turns 90° counter-clockwise (EXIF 2.3,
 * tag 0x0112). A phone photo taken upright is usually stored sideways with 6.
 */
export function orient(img: RgbaImage, o: number): RgbaImage {
  if (!(o >= 2 && o <= 8)) return img;
  const { width: w, height: h, data: d } = img;
  const swap = o >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new Uint8Array(ow * oh * 4);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      // (sx, sy): the stored pixel shown at (x, y).
      let sx: number, sy: number;
      switch (o) {
        case 2:
          [sx, sy] = [w - 1 - x, y];
          break;
        case 3:
          [sx, sy] = [w - 1 - x, h - 1 - y];
          break;
        case 4:
          [sx, sy] = [x, h - 1 - y];
          break;
        case 5:
          [sx, sy] = [y, x];
          break;
        case 6:
          [sx, sy] = [y, h - 1 - x];
          break;
        case 7:
          [sx, sy] = [w - 1 - y, h - 1 - x];
          break;
        default:
          [sx, sy] = [w - 1 - y, x];
          break;
      }
      const src = (sy * w + sx) * 4;
      const dst = (y * ow + x) * 4;
      for (let c = 0; c < 4; c++) out[dst + c] = d[src + c];
    }
  }
  return { width: ow, height: oh, data: out };
}

/** A 28×28 (or any) grayscale image as PNG bytes (8-bit gray, pngjs). */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8 });
  png.data = Buffer.from(pixels);
  return new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 0 }));
}
