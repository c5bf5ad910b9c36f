/**
 * Pictures given to `deno task predict --images FILE|DIR`: read, checked from their headers,
 * decoded (./decode.ts), converted to 28×28 by the same module the page uses (./preprocess.ts),
 * and optionally saved as the 28×28 PNGs the model saw.
 */
import { basename, extname, join } from "node:path";
import { decodePicture, encodeGrayPng } from "./decode.ts";
import { looksLikePicture } from "./header.ts";
import { preprocess, type Preprocessed, SIDE } from "./preprocess.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";

/** Pictures as an image set: count×784 bytes in `images`, one entry of `pictures` per image. */
export interface PictureSet {
  images: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  labels: null;
  pictures: { file: string; preprocessed: Preprocessed; saved?: string }[];
  /** Files of a folder that are not pictures (left out). */
  skipped: string[];
}

async function firstBytes(path: string, n = 12): Promise<Uint8Array> {
  using file = await Deno.open(path);
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await file.read(buf.subarray(got));
    if (r === null) break;
    got += r;
  }
  return buf.subarray(0, got);
}

/** Names that say "picture": a file so named is read as one, and refused if it is not one. */
const PICTURE_NAME = /\.(png|jpe?g|webp|gif|bmp)$/i;

/**
 * Whether `path` is a folder (of pictures), a file named as a picture, or a file that starts like
 * one; false for anything else (IDX, CSV, or missing: the other readers give those their
 * messages).
 */
export async function isPictureInput(path: string): Promise<boolean> {
  const info = await Deno.stat(path).catch(() => null);
  if (!info) return false;
  if (info.isDirectory || PICTURE_NAME.test(path)) return true;
  return looksLikePicture(await firstBytes(path));
}

/**
 * Reads the picture `path`, or every picture of the folder `path` (by name; other files are
 * left out and listed in `skipped`), and converts each to 28×28. With `saveDir`, writes each
 * 28×28 as `saveDir/<name>.28x28.png` (atomically). `invert`: see `preprocess`. Throws a UserError
 * naming the file for a folder without pictures, a picture without pixels, too large, damaged
 * or in a format the command line does not decode.
 */
export async function loadPictures(
  path: string,
  opts: { invert?: "auto" | "never"; saveDir?: string } = {},
): Promise<PictureSet> {
  const info = await Deno.stat(path);
  let files: string[];
  const skipped: string[] = [];
  if (info.isDirectory) {
    const names: string[] = [];
    for await (const e of Deno.readDir(path)) if (e.isFile) names.push(e.name);
    names.sort();
    files = [];
    for (const name of names) {
      const file = join(path, name);
      // A file named as a picture is one, and a damaged one is refused below, naming it.
      if (PICTURE_NAME.test(name) || looksLikePicture(await firstBytes(file))) files.push(file);
      else skipped.push(name);
    }
    if (!files.length) {
      throw new UserError(
        `${path}: no pictures in this folder (PNG or JPEG)${
          skipped.length
            ? `; ${skipped.length} other file(s): ${skipped.slice(0, 3).join(", ")}`
            : ""
        }`,
      );
    }
  } else {
    files = [path];
  }
  const images = new Uint8Array(files.length * SIDE * SIDE);
  const pictures: PictureSet["pictures"] = [];
  const used = new Set<string>();
  for (const [i, file] of files.entries()) {
    const bytes = await Deno.readFile(file);
    const preprocessed = preprocess(decodePicture(bytes, file), file, { invert: opts.invert });
    images.set(preprocessed.pixels, i * SIDE * SIDE);
    let saved: string | undefined;
    if (opts.saveDir) {
      // Never the picture's own name (saving into its folder must not replace it); a.png and
      // a.jpg would both be a.28x28.png: the second keeps its extension in the name.
      let stem = basename(file, extname(file));
      if (used.has(stem)) stem = basename(file);
      used.add(stem);
      saved = join(opts.saveDir, `${stem}.28x28.png`);
      await writeFileAtomic(saved, encodeGrayPng(preprocessed.pixels, SIDE, SIDE));
    }
    pictures.push({ file, preprocessed, saved });
  }
  return { images, count: files.length, rows: SIDE, cols: SIDE, labels: null, pictures, skipped };
}
