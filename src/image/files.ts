/**
 * Pictures given to `deno task predict --images FILE|DIR`: read, checked from their headers,
 * decoded (./decode.ts), converted to 28×28 by the same module the page uses (./preprocess.ts),
 * and optionally saved as the 28×28 PNGs the model saw.
 */
import { basename, extname, join, sep } from "node:path";
import { decodePicture, encodeGrayPng } from "./decode.ts";
import { looksLikePicture } from "./header.ts";
import { MAX_PICTURE_BYTES } from "./limits.ts";
import { preprocess, type Preprocessed, type RgbaImage, SIDE } from "./preprocess.ts";
import { fileKind, readRegularFile } from "../data/idx.ts";
import { info } from "../train/progress.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { quote, UserError } from "../util/errors.ts";

/** Pictures as an image set: count×784 bytes in `images`, one entry of `pictures` per image. */
export interface PictureSet {
  images: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  labels: null;
  pictures: { file: string; preprocessed: Preprocessed; saved?: string }[];
  /**
   * Names of a folder's entries left out: files that are not pictures, and (each also named in a
   * warning on stderr) symbolic links leading out of the folder or nowhere, FIFOs, devices and
   * sockets. Subfolders are not read and not listed.
   */
  skipped: string[];
}

/** What `fix` a refused picture file's message ends with. */
const PICTURE_FIX = "give a PNG or JPEG file, or a folder of them";

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
 * Whether `path` is a folder (of pictures), a file named as a picture, or a regular file that
 * starts like one; false for anything else (IDX, CSV, missing, or a device or FIFO not named as
 * a picture, which is not opened here: the other readers give those their messages).
 */
export async function isPictureInput(path: string): Promise<boolean> {
  const info = await Deno.stat(path).catch(() => null);
  if (!info) return false;
  if (info.isDirectory || PICTURE_NAME.test(path)) return true;
  return info.isFile && looksLikePicture(await firstBytes(path));
}

/** A folder entry to read (`path`, inside the folder) shown as `shown`. */
interface Entry {
  shown: string;
  path: string;
}

/**
 * Sorts the entries of the folder `dir` into files to read and names to leave out. A symbolic
 * link is followed only to a regular file inside the folder (its real path is read, so it cannot
 * be swapped for one leading out in between); one leading out of the folder, a dangling one, and
 * anything that is not a regular file (FIFO, device, socket) is left out with a warning naming
 * it. Subfolders are not read.
 */
async function folderEntries(
  dir: string,
  warn: (line: string) => void,
): Promise<{ entries: Entry[]; skipped: string[] }> {
  const root = await Deno.realPath(dir);
  const inside = (p: string) => p.startsWith(root.endsWith(sep) ? root : root + sep);
  const found: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) found.push(e);
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries: Entry[] = [];
  const skipped: string[] = [];
  const leave = (name: string, why: string) => {
    warn(`warning: ${join(dir, name)}: ${why}; left out`);
    skipped.push(name);
  };
  for (const e of found) {
    const shown = join(dir, e.name);
    // Some file systems do not say an entry's type in the listing: then lstat says it.
    const type = e.isFile || e.isDirectory || e.isSymlink
      ? e
      : await Deno.lstat(shown).catch(() => null);
    if (!type) continue; // removed since it was listed
    if (type.isDirectory) continue;
    if (type.isFile) {
      entries.push({ shown, path: shown });
      continue;
    }
    if (!type.isSymlink) {
      leave(e.name, `${fileKind(type as Deno.FileInfo)}, not a picture file`);
      continue;
    }
    const target = await Deno.readLink(shown).catch(() => "?");
    let real: string;
    let info: Deno.FileInfo;
    try {
      real = await Deno.realPath(shown);
      info = await Deno.stat(real);
    } catch {
      leave(e.name, `a symbolic link to ${quote(target)}, which leads to no file`);
      continue;
    }
    if (real !== root && !inside(real)) {
      leave(e.name, `a symbolic link to ${quote(real)}, outside the folder: not followed`);
      continue;
    }
    if (info.isDirectory) continue;
    if (!info.isFile) {
      leave(e.name, `a symbolic link to ${fileKind(info)}, not a picture file`);
      continue;
    }
    entries.push({ shown, path: real });
  }
  return { entries, skipped };
}

/** A picture file to read: `file` as shown to the user, `path` the one read (a link's target). */
export interface PictureEntry {
  file: string;
  path: string;
}

/**
 * The pictures of `path`: the file itself, or every picture of the folder `path` (by name or
 * content, sorted by name; other entries are left out and listed in `skipped`, see
 * PictureSet). Reads only each entry's first bytes. Throws a UserError for a folder without
 * pictures.
 */
export async function listPictures(
  path: string,
  warn: (line: string) => void = info,
): Promise<{ entries: PictureEntry[]; skipped: string[] }> {
  const stat = await Deno.stat(path);
  if (!stat.isDirectory) return { entries: [{ file: path, path }], skipped: [] };
  const listed = await folderEntries(path, warn);
  const skipped = listed.skipped;
  const entries: PictureEntry[] = [];
  for (const entry of listed.entries) {
    // A file named as a picture is one, and a damaged one is refused when read, naming it.
    const name = basename(entry.shown);
    if (PICTURE_NAME.test(name) || looksLikePicture(await firstBytes(entry.path))) {
      entries.push({ file: entry.shown, path: entry.path });
    } else skipped.push(name);
  }
  if (!entries.length) {
    throw new UserError(
      `${path}: no pictures in this folder (PNG or JPEG)${
        skipped.length
          ? `; ${skipped.length} other file(s): ${
            skipped.slice(0, 3).map((n) => quote(n, 40)).join(", ")
          }`
          : ""
      }`,
    );
  }
  return { entries, skipped };
}

/**
 * Reads, decodes and converts one picture (see `loadPictures` for the checks and errors);
 * `keepImage` also returns its decoded RGBA pixels (for mapping back to it).
 */
export async function readPicture(
  entry: PictureEntry,
  opts: { invert?: "auto" | "never"; keepImage?: boolean } = {},
): Promise<{ file: string; preprocessed: Preprocessed; image?: RgbaImage }> {
  const bytes = await readRegularFile(entry.path, MAX_PICTURE_BYTES, PICTURE_FIX, entry.file);
  const image = decodePicture(bytes, entry.file);
  const preprocessed = preprocess(image, entry.file, { invert: opts.invert });
  return { file: entry.file, preprocessed, ...(opts.keepImage ? { image } : {}) };
}

/**
 * Where `--save-inputs` writes a picture's 28×28: `dir/<stem>.28x28.png`, never the picture's
 * own name (saving into its folder must not replace it); a.png and a.jpg would both be
 * a.28x28.png: the second keeps its extension in the name (`used` remembers the stems taken).
 */
export function savedName(dir: string, file: string, used: Set<string>, suffix = ".28x28.png") {
  let stem = basename(file, extname(file));
  if (used.has(stem)) stem = basename(file);
  used.add(stem);
  return join(dir, `${stem}${suffix}`);
}

/**
 * Reads the picture `path`, or every picture of the folder `path` (by name or content; other
 * entries are left out and listed in `skipped`, see there), and converts each to 28×28. With
 * `saveDir`, writes each 28×28 as `saveDir/<name>.28x28.png` (atomically). `invert`: see
 * `preprocess`; `warn` takes the warning lines (default: stderr). Each file is read only if it
 * is a regular file of at most MAX_PICTURE_BYTES, and decoded only within MAX_PIXELS
 * (./limits.ts). Throws a UserError naming the file for a folder without pictures, a picture
 * that is not a regular file, too large (bytes or pixels), without pixels, damaged or in a
 * format the command line does not decode.
 */
export async function loadPictures(
  path: string,
  opts: { invert?: "auto" | "never"; saveDir?: string; warn?: (line: string) => void } = {},
): Promise<PictureSet> {
  const { entries, skipped } = await listPictures(path, opts.warn ?? info);
  const images = new Uint8Array(entries.length * SIDE * SIDE);
  const pictures: PictureSet["pictures"] = [];
  const used = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const { file, preprocessed } = await readPicture(entry, { invert: opts.invert });
    images.set(preprocessed.pixels, i * SIDE * SIDE);
    let saved: string | undefined;
    if (opts.saveDir) {
      saved = savedName(opts.saveDir, file, used);
      await writeFileAtomic(saved, encodeGrayPng(preprocessed.pixels, SIDE, SIDE));
    }
    pictures.push({ file, preprocessed, saved });
  }
  return { images, count: entries.length, rows: SIDE, cols: SIDE, labels: null, pictures, skipped };
}
