/**
 * Decoding pictures on the command line: PNG with npm's `pngjs` 7.0.0 and JPEG with `jpeg-js`
 * 0.4.4, both pure JavaScript (no native addon, no --allow-ffi; the same pixels on every
 * machine), the most used decoders of their formats on npm. Both give RGBA bytes, which
 * `preprocess.ts` turns into 28×28. A page decodes with the browser's own decoder instead.
 */
import { Buffer } from "node:buffer";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { checkedPictureHeader } from "./header.ts";
import { MAX_PIXELS, type RgbaImage } from "./preprocess.ts";
import { UserError } from "../util/errors.ts";

/** Formats the command line decodes. */
export const DECODED = ["png", "jpg"];

/**
 * The RGBA pixels of a PNG or JPEG file's bytes (`name` names it in errors), turned upright by
 * its EXIF orientation as browsers show it. Throws a UserError for anything else, a picture
 * without pixels or too large (checked from the header first), or a damaged file.
 */
export function decodePicture(bytes: Uint8Array, name: string): RgbaImage {
  const header = checkedPictureHeader(bytes, name);
  if (!DECODED.includes(header.type)) {
    throw new UserError(
      `${name}: a ${header.type.toUpperCase()} picture; the command line reads PNG and JPEG ` +
        `(convert it, or open it in the page of "deno task serve", which reads what the browser does)`,
    );
  }
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
