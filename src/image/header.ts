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
 * picture at all, has no pixels, or is too large to decode (before decoding it).
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
  return header;
}
