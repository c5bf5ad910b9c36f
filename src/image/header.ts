/**
 * What a file is, from its first bytes: a picture's format, size and (JPEG) EXIF orientation,
 * read by npm's `image-size` (pure JavaScript, reads headers only, runs in Deno and in a page),
 * so that an empty or enormous picture is refused before anything is decoded.
 */
import { imageSize } from "image-size";
import { checkPictureSize } from "./preprocess.ts";
import { UserError } from "../util/errors.ts";

/** A picture's header. */
export interface PictureHeader {
  /** "png", "jpg", "webp", "gif", "bmp", ... (image-size's names). */
  type: string;
  width: number;
  height: number;
  /** EXIF orientation 1..8 (JPEG), 1 when absent. */
  orientation: number;
  /** A PNG's IHDR, checked (`checkedPictureHeader` only). */
  png?: PngHeader;
}

/** The fields of a PNG's IHDR chunk that say how large its pixel data is (PNG spec §11.2.2). */
export interface PngHeader {
  width: number;
  height: number;
  /** Bits a sample: 1, 2, 4, 8 or 16, as the colour type allows. */
  bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA. */
  colourType: number;
  /** 0 none, 1 Adam7. */
  interlace: number;
}

/** Samples a pixel of each PNG colour type, and the bit depths it allows. */
const PNG_COLOUR: Record<number, { samples: number; depths: number[]; name: string }> = {
  0: { samples: 1, depths: [1, 2, 4, 8, 16], name: "gray" },
  2: { samples: 3, depths: [8, 16], name: "RGB" },
  3: { samples: 1, depths: [1, 2, 4, 8], name: "palette" },
  4: { samples: 2, depths: [8, 16], name: "gray + alpha" },
  6: { samples: 4, depths: [8, 16], name: "RGBA" },
};

/** Adam7's seven passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The IHDR of a PNG file's bytes (the signature, then IHDR as the first chunk, 13 bytes), or a
 * string saying what is wrong with it: fields outside the PNG specification (a width or height
 * of 0 or above 2³¹−1, a bit depth the colour type does not allow, a compression, filter or
 * interlace method other than the spec's). Reads 33 bytes; decodes nothing.
 */
export function readPngHeader(b: Uint8Array): PngHeader | string {
  if (b.length < 33 || !PNG_SIGNATURE.every((x, i) => b[i] === x)) {
    return "no PNG header (signature and IHDR chunk)";
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(...b.subarray(12, 16)) !== "IHDR") {
    return "its first chunk is not a 13-byte IHDR";
  }
  const [width, height] = [view.getUint32(16), view.getUint32(20)];
  const [bitDepth, colourType, compression, filter, interlace] = b.subarray(24, 29);
  const colour = PNG_COLOUR[colourType];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    return `its header says ${width}×${height} pixels`;
  }
  if (!colour) return `unknown colour type ${colourType}`;
  if (!colour.depths.includes(bitDepth)) {
    return `bit depth ${bitDepth} with colour type ${colourType} (${colour.name})`;
  }
  if (compression !== 0 || filter !== 0) {
    return `compression method ${compression}, filter method ${filter} (both must be 0)`;
  }
  if (interlace > 1) return `interlace method ${interlace} (0 or 1)`;
  return { width, height, bitDepth, colourType, interlace };
}

/**
 * The exact size, in bytes, of a PNG's pixel data once inflated: each row of each pass (one
 * pass, or Adam7's seven, an empty pass having no rows) is a filter byte and its packed samples.
 * A PNG whose data inflates to more is damaged or forged; inflating stops there.
 */
export function pngDataBytes(h: PngHeader): number {
  const bits = PNG_COLOUR[h.colourType].samples * h.bitDepth;
  const pass = (
    w: number,
    rows: number,
  ) => (w && rows ? rows * (Math.ceil((w * bits) / 8) + 1) : 0);
  if (!h.interlace) return pass(h.width, h.height);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    total += pass(
      Math.ceil(Math.max(0, h.width - x0) / dx),
      Math.ceil(Math.max(0, h.height - y0) / dy),
    );
  }
  return total;
}

/** "10×10, 8-bit RGBA, interlaced": a PNG header for messages. */
export function describePng(h: PngHeader): string {
  return `${h.width}×${h.height}, ${h.bitDepth}-bit ${PNG_COLOUR[h.colourType].name}${
    h.interlace ? ", interlaced" : ""
  }`;
}

/**
 * Whether `bytes` start like a picture file (PNG, JPEG, GIF, WebP or BMP magic), as opposed to
 * the IDX and CSV files `deno task predict` also reads. Needs the first 12 bytes.
 */
export function looksLikePicture(b: Uint8Array): boolean {
  const starts = (...xs: number[]) => xs.every((x, i) => b[i] === x);
  return starts(0x89, 0x50, 0x4e, 0x47) || starts(0xff, 0xd8, 0xff) ||
    starts(0x47, 0x49, 0x46, 0x38) || starts(0x42, 0x4d) ||
    (starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42);
}

/** The header of `bytes` when they start like a picture image-size knows; else null. */
export function readPictureHeader(bytes: Uint8Array): PictureHeader | null {
  try {
    const r = imageSize(bytes);
    if (!r.type) return null;
    return {
      type: r.type,
      width: r.width ?? 0,
      height: r.height ?? 0,
      orientation: r.orientation ?? 1,
    };
  } catch {
    return null;
  }
}

/**
 * The header of the picture `name`, checked: a UserError names the file when it is not a
 * picture at all, has no pixels, is larger than MAX_PIXELS (./limits.ts) or, for a PNG, has an
 * IHDR outside the specification (before decoding it). A PNG's header comes with its IHDR.
 */
export function checkedPictureHeader(bytes: Uint8Array, name: string): PictureHeader {
  if (bytes.length === 0) throw new UserError(`${name}: empty file (0 bytes), not a picture`);
  const header = readPictureHeader(bytes);
  if (!header) {
    throw new UserError(
      `${name}: not a picture (neither PNG, JPEG, WebP nor GIF by its content); give a PNG or ` +
        `JPEG file`,
    );
  }
  checkPictureSize(header.width, header.height, name);
  if (header.type === "png") {
    const png = readPngHeader(bytes);
    if (typeof png === "string") {
      throw new UserError(
        `${name}: a damaged or truncated PNG file (${png}); re-save or re-copy it`,
      );
    }
    // image-size reads the same IHDR; this guards the limit against any disagreement.
    checkPictureSize(png.width, png.height, name);
    header.png = png;
  }
  return header;
}
