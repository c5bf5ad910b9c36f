/**
 * Labelled pictures of one's own, one folder per class: the layout Keras's
 * `image_dataset_from_directory` and torchvision's `ImageFolder` read.
 *
 *   DIR/
 *     Bag/        a.jpg  b.png  more/c.jpg
 *     Sneaker/    d.png  ...
 *
 * Class names are the class folders' names in code-point order (Python's `sorted`, as both
 * libraries do); label i is the i-th name. Pictures are found in each class folder and its
 * subfolders (both libraries walk them), at most MAX_FOLDER_DEPTH levels down.
 *
 * The folder is untrusted (docs/untrusted-input.md). `listImageFolder` checks its whole layout from
 * the file system alone (names, types, sizes, counts) and `checkFolderHeaders` every picture's
 * header from its first bytes, before anything is decoded or a GPU started; `loadImageFolder` does
 * both and then decodes each picture (src/image/decode.ts) and converts it to 28×28 with the one
 * function `predict` and the page use (src/image/preprocess.ts). What is left out: files that are
 * not pictures (by name and content), hidden entries (".git", ".ipynb_checkpoints"), files beside
 * the class folders, and (each named in a warning) symbolic links out of DIR or to nothing, FIFOs,
 * devices and sockets. What is refused, in one line naming the file or folder: a picture too
 * large (bytes or pixels, src/image/limits.ts), damaged or in a format the command line does not
 * decode; too many pictures, bytes, classes or levels; an empty class folder; fewer classes than
 * the command needs; class names that differ only in case or punctuation; a class name with
 * control characters or longer than MAX_CLASS_NAME.
 */
import { join, relative, sep } from "node:path";
import { fileKind, megabytes, readRegularFile, thousands } from "./idx.ts";
import type { Dataset } from "./dataset.ts";
import { MAX_PICTURE_BYTES } from "../image/limits.ts";
import { clip, quote, UserError } from "../util/errors.ts";
import { info, ProgressBar } from "../train/progress.ts";
import { Rng } from "../util/random.ts";

/** At most this many pictures in a folder: 100,000. */
export const MAX_FOLDER_PICTURES = 100_000;
/** At most this many entries (files, folders, links) are looked at while listing: 200,000. */
export const MAX_FOLDER_ENTRIES = 200_000;
/** At most this many bytes of pictures in all: 4 GB (decimal). */
export const MAX_FOLDER_BYTES = 4_000_000_000;
/** At most this many classes (class folders): 1,000. */
export const MAX_CLASSES = 1_000;
/** Subfolders of a class folder are read this many levels down, no deeper: 8. */
export const MAX_FOLDER_DEPTH = 8;
/** A class folder's name is at most this many characters (it is shown and saved): 100. */
export const MAX_CLASS_NAME = 100;
/** Bytes read from each picture to check its header before anything is decoded. */
const HEADER_PREFIX = 64 * 1024;

/** Names that say "picture": such a file is read as one, and refused if it is not one. */
const PICTURE_NAME = /\.(png|jpe?g|webp|gif|bmp)$/i;

/** A picture found in a class folder. */
export interface FolderPicture {
  /** The path as shown in messages (under the folder given). */
  file: string;
  /** The path read: the file itself, or a symbolic link's real target inside the folder. */
  path: string;
  /** Index into `classNames`. */
  label: number;
  /** Its size by `stat`, bytes. */
  bytes: number;
}

/** What `listImageFolder` found. */
export interface FolderListing {
  dir: string;
  /** The class folders' names, sorted by code point; label i is `classNames[i]`. */
  classNames: string[];
  /** Every picture, class by class, each class's in path order. */
  pictures: FolderPicture[];
  /** Pictures per class, by label. */
  perClass: number[];
  /** Entries left out, with why ("not a picture", "a symbolic link out of the folder", ...). */
  skipped: { file: string; why: string }[];
  /** Bytes of all pictures. */
  totalBytes: number;
}

/** Pictures of a folder converted to 28×28 (0 = background), labelled by class folder. */
export interface ImageFolderDataset extends Dataset {
  classNames: string[];
  /** Shown path of image i. */
  files: string[];
  /** What preprocessing did to image i, in words. */
  descriptions: string[];
  /** Warnings preprocessing gave (e.g. no object separated from the background), per file. */
  warnings: { file: string; warning: string }[];
  skipped: { file: string; why: string }[];
}

export interface ImageFolderOptions {
  /** A command's minimum of classes (training and evaluation: 2). Default 1. */
  minClasses?: number;
  /** Warning lines (default: stderr). */
  warn?: (line: string) => void;
  /** The flag that named the folder, for messages ("--images"). */
  flag?: string;
  /** No progress bar. */
  quiet?: boolean;
}

/**
 * A class name as compared across folders and models: Unicode NFKC, lower case, letters and digits
 * only. "T-shirt/top" (Fashion-MNIST's name, which cannot be a folder's) and a folder "t-shirt_top"
 * both become "tshirttop"; "Ankle boot" and "ankle_boot" both "ankleboot".
 */
export function classKey(name: string): string {
  return name.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

/**
 * For each of `names`, the index of the class in `known` with the same `classKey`, or -1 when
 * none has it.
 */
export function matchClassNames(names: readonly string[], known: readonly string[]): number[] {
  const index = new Map(known.map((n, i) => [classKey(n), i]));
  return names.map((n) => index.get(classKey(n)) ?? -1);
}

/** Sorted by code point, as Python's `sorted` orders str (Keras and torchvision use it). */
function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

async function readPrefix(path: string, n: number): Promise<Uint8Array> {
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

/**
 * Lists the class folders of `dir` and their pictures, checking the layout from names, types
 * and sizes alone (nothing is decoded; non-picture-named files have their first 12 bytes read).
 * Warnings (symbolic links out of the folder, FIFOs, ...) go to `opts.warn`.
 *
 * @throws UserError (one line naming the folder or file and the fix) for anything the module
 *   comment lists as refused
 */
export async function listImageFolder(
  dir: string,
  opts: ImageFolderOptions = {},
): Promise<FolderListing> {
  const flag = opts.flag ? `${opts.flag} ` : "";
  const warn = opts.warn ?? info;
  // The header reader (npm's image-size) loads only now: --help needs no package.
  const { looksLikePicture } = await import("../image/header.ts");
  const shown = (p: string) => clip(p, 200);
  const refuse = (what: string, why: string): never => {
    throw new UserError(`${flag}${shown(what)}: ${why}`);
  };
  const stat = await Deno.stat(dir).catch(() => null);
  if (!stat) refuse(dir, "no such folder; give a folder with one subfolder of pictures per class");
  if (!stat!.isDirectory) {
    refuse(dir, "not a folder; give a folder with one subfolder of pictures per class");
  }
  const root = await Deno.realPath(dir);
  const inside = (p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
  let entries = 0;
  const skipped: { file: string; why: string }[] = [];
  let warned = 0;
  const leave = (file: string, why: string, loud: boolean) => {
    skipped.push({ file, why });
    if (loud && warned++ < 10) warn(`warning: ${shown(file)}: ${why}; left out`);
  };

  /** An entry's type, a symbolic link resolved (to its real path) only inside `root`. */
  const resolve = async (
    path: string,
    e: Deno.DirEntry,
  ): Promise<{ kind: "dir" | "file"; real: string } | null> => {
    if (++entries > MAX_FOLDER_ENTRIES) {
      refuse(
        dir,
        `more than ${thousands(MAX_FOLDER_ENTRIES)} entries; split it into smaller folders`,
      );
    }
    const type = e.isFile || e.isDirectory || e.isSymlink
      ? e
      : await Deno.lstat(path).catch(() => null);
    if (!type) return null; // removed since it was listed
    if (type.isDirectory) return { kind: "dir", real: path };
    if (type.isFile) return { kind: "file", real: path };
    if (!type.isSymlink) {
      leave(path, `${fileKind(type as Deno.FileInfo)}, not a picture file`, true);
      return null;
    }
    let real: string;
    let target: Deno.FileInfo;
    try {
      real = await Deno.realPath(path);
      target = await Deno.stat(real);
    } catch {
      const to = await Deno.readLink(path).catch(() => "?");
      leave(path, `a symbolic link to ${quote(to)}, which leads to nothing`, true);
      return null;
    }
    if (!inside(real)) {
      leave(path, `a symbolic link to ${quote(real)}, outside the folder: not followed`, true);
      return null;
    }
    if (target.isDirectory) return { kind: "dir", real };
    if (target.isFile) return { kind: "file", real };
    leave(path, `a symbolic link to ${fileKind(target)}, not a picture file`, true);
    return null;
  };

  const list = async (path: string) => {
    const found: Deno.DirEntry[] = [];
    try {
      for await (const e of Deno.readDir(path)) found.push(e);
    } catch (e) {
      refuse(path, `cannot be read (${(e as Error).message.replace(/ \(os error.*$/s, "")})`);
    }
    return found.sort((a, b) => byCodePoint(a.name, b.name));
  };

  // The class folders: DIR's subfolders (hidden ones left out); files beside them are left out.
  const classDirs: { name: string; path: string; real: string }[] = [];
  for (const e of await list(dir)) {
    const path = join(dir, e.name);
    if (e.name.startsWith(".")) {
      leave(path, "hidden", false);
      continue;
    }
    const r = await resolve(path, e);
    if (!r) continue;
    if (r.kind === "file") {
      leave(path, "a file beside the class folders, not in one", true);
      continue;
    }
    classDirs.push({ name: e.name, path, real: r.real });
  }
  if (classDirs.length > MAX_CLASSES) {
    refuse(dir, `${thousands(classDirs.length)} class folders, more than ${MAX_CLASSES}`);
  }
  const keys = new Map<string, string>();
  for (const { name, path } of classDirs) {
    if (/\p{Cc}/u.test(name)) {
      refuse(path, "a class folder's name has control characters; rename it");
    }
    if ([...name].length > MAX_CLASS_NAME) {
      refuse(path, `a class folder's name longer than ${MAX_CLASS_NAME} characters; shorten it`);
    }
    const key = classKey(name);
    if (!key) refuse(path, "a class folder's name without a letter or digit; rename it");
    const other = keys.get(key);
    if (other !== undefined) {
      refuse(
        path,
        `class folders ${quote(other)} and ${quote(name)} differ only in case or punctuation, ` +
          "so they would be one class by name; merge or rename them",
      );
    }
    keys.set(key, name);
  }
  const min = opts.minClasses ?? 1;
  if (classDirs.length < min) {
    const files = skipped.filter((s) => s.why.startsWith("a file beside")).length;
    refuse(
      dir,
      `${classDirs.length} class folder${classDirs.length === 1 ? "" : "s"}, at least ${min} ` +
        `needed: put each class's pictures in a subfolder named after the class` +
        (files ? ` (${files} file${files === 1 ? "" : "s"} lie directly in it)` : ""),
    );
  }

  const pictures: FolderPicture[] = [];
  const perClass: number[] = [];
  let totalBytes = 0;
  const seen = new Set<string>();
  const walk = async (path: string, real: string, label: number, depth: number) => {
    // A folder reached twice (a link to a folder above) is read once.
    if (seen.has(real)) return;
    seen.add(real);
    for (const e of await list(path)) {
      const child = join(path, e.name);
      if (e.name.startsWith(".")) {
        leave(child, "hidden", false);
        continue;
      }
      const r = await resolve(child, e);
      if (!r) continue;
      if (r.kind === "dir") {
        if (depth >= MAX_FOLDER_DEPTH) {
          refuse(child, `more than ${MAX_FOLDER_DEPTH} folder levels inside a class folder`);
        }
        await walk(child, r.real, label, depth + 1);
        continue;
      }
      const size = (await Deno.stat(r.real)).size;
      if (!PICTURE_NAME.test(e.name) && !looksLikePicture(await readPrefix(r.real, 12))) {
        leave(child, "not a picture (by its name and content)", false);
        continue;
      }
      if (size > MAX_PICTURE_BYTES) {
        refuse(
          child,
          `${megabytes(size)}, more than the ${megabytes(MAX_PICTURE_BYTES)} read from one ` +
            "picture; scale it down or remove it",
        );
      }
      if (pictures.length >= MAX_FOLDER_PICTURES) {
        refuse(dir, `more than ${thousands(MAX_FOLDER_PICTURES)} pictures; use fewer`);
      }
      totalBytes += size;
      if (totalBytes > MAX_FOLDER_BYTES) {
        refuse(dir, `more than ${megabytes(MAX_FOLDER_BYTES)} of pictures; use fewer or smaller`);
      }
      pictures.push({ file: child, path: r.real, label, bytes: size });
    }
  };
  for (const [label, c] of classDirs.entries()) {
    const before = pictures.length;
    await walk(c.path, c.real, label, 0);
    perClass.push(pictures.length - before);
    if (!perClass[label]) {
      refuse(
        c.path,
        "an empty class folder (no PNG or JPEG pictures); add pictures of this class or remove " +
          "the folder",
      );
    }
  }
  const quiet = skipped.filter((s) => s.why.startsWith("not a picture")).length;
  if (quiet) {
    const first = skipped.find((s) => s.why.startsWith("not a picture"))!.file;
    warn(`${shown(dir)}: left out ${quiet} file(s) that are not pictures (first: ${shown(first)})`);
  }
  if (warned > 10) warn(`${shown(dir)}: ${warned - 10} more warnings like these`);
  return {
    dir,
    classNames: classDirs.map((c) => c.name),
    pictures,
    perClass,
    skipped,
    totalBytes,
  };
}

/**
 * Checks every picture's header from its first bytes (64 KiB; the whole file when a JPEG's
 * size comes later): a picture, of a format the command line decodes (PNG, JPEG), with pixels,
 * at most MAX_PIXELS of them. Nothing is decoded.
 *
 * @throws UserError naming the first picture that fails
 */
export async function checkFolderHeaders(listing: FolderListing): Promise<void> {
  const { checkedPictureHeader, readPictureHeader } = await import("../image/header.ts");
  const { DECODED } = await import("../image/decode.ts");
  for (const p of listing.pictures) {
    let bytes = await readPrefix(p.path, HEADER_PREFIX);
    if (bytes.length === HEADER_PREFIX && !readPictureHeader(bytes)) {
      bytes = await readRegularFile(p.path, MAX_PICTURE_BYTES, "remove it", p.file);
    }
    const header = checkedPictureHeader(bytes, clip(p.file, 200));
    if (!DECODED.includes(header.type)) {
      throw new UserError(
        `${clip(p.file, 200)}: a ${header.type.toUpperCase()} picture; the command line reads ` +
          "PNG and JPEG: convert it or remove it",
      );
    }
  }
}

/**
 * Lists, checks (`listImageFolder`, `checkFolderHeaders`) and converts every picture of the class
 * folders of `dir` to 28×28, as `predict --images` does. Progress (pictures/s, ETA) on stderr.
 *
 * @throws UserError naming the folder or file, for anything refused (module comment), and for a
 *   picture that cannot be decoded or has nothing but its background
 */
export async function loadImageFolder(
  dir: string,
  opts: ImageFolderOptions = {},
): Promise<ImageFolderDataset> {
  const listing = await listImageFolder(dir, opts);
  await checkFolderHeaders(listing);
  return await decodeImageFolder(listing, opts);
}

/**
 * Decodes and converts the pictures of a checked listing (`listImageFolder`, then
 * `checkFolderHeaders`) to 28×28, as `loadImageFolder` does.
 */
export async function decodeImageFolder(
  listing: FolderListing,
  opts: ImageFolderOptions = {},
): Promise<ImageFolderDataset> {
  const dir = listing.dir;
  // The decoders (npm) load only now: listing and refusing need none of them.
  const { decodePicture } = await import("../image/decode.ts");
  const { preprocess, SIDE } = await import("../image/preprocess.ts");
  const n = listing.pictures.length;
  const images = new Uint8Array(n * SIDE * SIDE);
  const labels = new Uint8Array(n);
  if (listing.classNames.length > 256) {
    // Labels are bytes, as the dataset's (and the batcher's) are.
    throw new UserError(
      `${opts.flag ? `${opts.flag} ` : ""}${clip(dir, 200)}: ${listing.classNames.length} ` +
        "classes; at most 256 can be trained or evaluated",
    );
  }
  const descriptions: string[] = [];
  const warnings: { file: string; warning: string }[] = [];
  const bar = new ProgressBar("pictures", n, opts.quiet || n < 200);
  for (const [i, p] of listing.pictures.entries()) {
    const name = clip(p.file, 200);
    const bytes = await readRegularFile(p.path, MAX_PICTURE_BYTES, "remove it", name);
    const out = preprocess(decodePicture(bytes, name), name);
    images.set(out.pixels, i * SIDE * SIDE);
    labels[i] = p.label;
    descriptions.push(out.description);
    // preprocess's doubt about a picture (no object separated from the background), if any.
    const warning = (out as { note?: unknown }).note;
    if (typeof warning === "string" && warning) warnings.push({ file: p.file, warning });
    bar.update(i + 1);
  }
  const summary = `${n} pictures of ${listing.classNames.length} classes from ${
    clip(dir, 200)
  } converted to 28×28`;
  if (opts.quiet || n < 200) info(summary);
  else bar.done(summary);
  return {
    images,
    labels,
    count: n,
    rows: SIDE,
    cols: SIDE,
    classNames: listing.classNames,
    files: listing.pictures.map((p) => p.file),
    descriptions,
    warnings,
    skipped: listing.skipped,
  };
}

/**
 * `perClass` pictures of every class of `listing`, drawn from `seed` as `samplePerClass`
 * (./subset.ts) draws dataset images (the same generator and order), kept in listing order, so
 * that only they are decoded. Throws a usage UserError naming the class that has fewer.
 */
export function samplePictures(
  listing: FolderListing,
  perClass: number,
  seed: number,
): FolderListing {
  const byClass: number[][] = listing.classNames.map(() => []);
  listing.pictures.forEach((p, i) => byClass[p.label].push(i));
  const rng = new Rng(seed ^ 0x5eed);
  const keep: number[] = [];
  byClass.forEach((indices, c) => {
    if (indices.length < perClass) {
      throw new UserError(
        `--per-class ${perClass}: class ${quote(listing.classNames[c])} has only ` +
          `${indices.length} pictures; use a smaller --per-class`,
        2,
      );
    }
    keep.push(...rng.shuffle(indices).slice(0, perClass));
  });
  const pictures = keep.sort((a, b) => a - b).map((i) => listing.pictures[i]);
  return {
    ...listing,
    pictures,
    perClass: listing.classNames.map(() => perClass),
    totalBytes: pictures.reduce((t, p) => t + p.bytes, 0),
  };
}

/** `dir`-relative path of a picture, for JSON output ("Bag/a.jpg"). */
export function folderRelative(dir: string, file: string): string {
  return relative(dir, file);
}
