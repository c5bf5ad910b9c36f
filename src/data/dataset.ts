import { TextDecoder } from "node:util";
import { UserError } from "../util/errors.ts";
import { parseFashionCsv } from "./csv.ts";
import {
  isLittleEndianIdx,
  parseIdx,
  readImages,
  readLabels,
  readMaybeGzipped,
  thousands,
  toImages,
} from "./idx.ts";
import { locateFashionMnist, type LocateOptions, type Source } from "./locate.ts";

export interface Dataset {
  /** count*rows*cols bytes, row-major, 0 = background. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** Images to predict on: like a Dataset, but the labels are optional. */
export interface ImageFile extends Omit<Dataset, "labels"> {
  labels: Uint8Array | null;
  format: "idx" | "csv";
  /** A CSV's columns as read ("header: label in column 785 (\"class\"), ..."). */
  layout?: string;
}

export interface LoadOptions extends LocateOptions {
  /** Keep only the first N training images (quick runs); the test set stays whole. */
  limit?: number;
}

export interface Loaded {
  train: Dataset;
  test: Dataset;
  source: Source;
  dir: string;
}

export { CLASS_NAMES } from "./classes.ts";

const INPUT_FIX =
  "pass IDX images (idx3-ubyte, optionally gzipped) or a Fashion-MNIST CSV (784 pixel columns, " +
  "with or without a label column)";

/** "PNG", "JPEG", "WebP" or "GIF" from a file's magic bytes; null for anything else. */
function imageFormat(b: Uint8Array): string | null {
  const starts = (...xs: number[]) => xs.every((x, i) => b[i] === x);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "PNG";
  if (starts(0xff, 0xd8, 0xff)) return "JPEG";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "GIF";
  if (starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45) return "WebP";
  return null;
}

function countMismatch(labels: string, n: number, images: string, m: number, fix: string) {
  const sets = [n, m].sort((a, b) => a - b).join();
  const cause = sets === "10000,60000"
    ? "one is from the training set (60,000), the other from the test set (10,000)"
    : "not a pair: one of them truncated, or from another set";
  return new UserError(
    `${labels}: has ${thousands(n)} labels but ${images} has ${
      thousands(m)
    } images: ${cause}; ${fix}`,
  );
}

async function loadPair(imagesPath: string, labelsPath: string): Promise<Dataset> {
  const { data, count, rows, cols } = await readImages(imagesPath);
  const labels = await readLabels(labelsPath);
  if (labels.length !== count) {
    throw countMismatch(labelsPath, labels.length, imagesPath, count, "re-download the pair");
  }
  return { images: data, labels, count, rows, cols };
}

export async function loadFashionMnist(opts: LoadOptions = {}): Promise<Loaded> {
  const { limit } = opts;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new UserError(`limit must be a positive integer, got ${limit}`);
  }
  const { dir, source, files } = await locateFashionMnist(opts);
  let train = await loadPair(files.trainImages, files.trainLabels);
  const test = await loadPair(files.testImages, files.testLabels);
  if (limit !== undefined && limit < train.count) {
    const px = train.rows * train.cols;
    // Copies, so the full 47 MB training buffer can be freed.
    train = {
      ...train,
      images: train.images.slice(0, limit * px),
      labels: train.labels.slice(0, limit),
      count: limit,
    };
  }
  return { train, test, source, dir };
}

/**
 * Loads images to predict on, telling IDX from CSV by content (IDX starts with two zero bytes,
 * or with its magic's bytes reversed when written little-endian, which is refused), so a gzipped
 * file or a misnamed one still loads. Labels come from the CSV's label column, or from
 * `labelsPath` (IDX labels) for IDX images and CSVs without a label column. `layout` says how a
 * CSV's columns were read.
 */
export async function loadImagesFile(path: string, labelsPath?: string): Promise<ImageFile> {
  const bytes = await readMaybeGzipped(path, INPUT_FIX);
  if (bytes.length === 0) throw new UserError(`${path}: empty file (0 bytes); ${INPUT_FIX}`);
  const withLabels = async (count: number) => {
    if (labelsPath === undefined) return null;
    const labels = await readLabels(labelsPath, INPUT_FIX);
    if (labels.length !== count) {
      throw countMismatch(labelsPath, labels.length, path, count, INPUT_FIX);
    }
    return labels;
  };
  if ((bytes.length >= 2 && bytes[0] === 0 && bytes[1] === 0) || isLittleEndianIdx(bytes)) {
    const { data, count, rows, cols } = toImages(parseIdx(bytes, path, INPUT_FIX), path, INPUT_FIX);
    return { images: data, labels: await withLabels(count), count, rows, cols, format: "idx" };
  }
  const image = imageFormat(bytes);
  if (image) {
    throw new UserError(
      `${path}: a ${image} picture; predict reads image sets as IDX or CSV, not picture files: ` +
        `convert it to 28×28 grayscale pixels in a CSV row (light garment on black)`,
    );
  }
  let text: string;
  // Excel's "Unicode text" export is UTF-16 with a byte-order mark; anything else must be UTF-8.
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe
    ? "utf-16le"
    : bytes[0] === 0xfe && bytes[1] === 0xff
    ? "utf-16be"
    : "utf-8";
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${path}: neither an IDX file nor a text CSV; ${INPUT_FIX}`);
  }
  if (text.includes("\0")) {
    throw new UserError(`${path}: neither an IDX file nor a text CSV (binary data); ${INPUT_FIX}`);
  }
  const { images, labels, count, layout } = parseFashionCsv(text, path);
  if (labels && labelsPath !== undefined) {
    throw new UserError(
      `${path}: a CSV with a label column carries its own labels (${layout}), so ` +
        `${labelsPath} does not apply; drop --labels`,
    );
  }
  return {
    images,
    labels: labels ?? await withLabels(count),
    count,
    rows: 28,
    cols: 28,
    format: "csv",
    layout,
  };
}

export { stratifiedSplit } from "./split.ts";

/** Copies the chosen images, in the given order, into a new Dataset. */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const px = ds.rows * ds.cols;
  const n = indices.length;
  const images = new Uint8Array(n * px);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!(Number.isInteger(i) && i >= 0 && i < ds.count)) {
      throw new RangeError(`index ${i} outside 0..${ds.count - 1}`);
    }
    images.set(ds.images.subarray(i * px, (i + 1) * px), k * px);
    labels[k] = ds.labels[i];
  }
  return { images, labels, count: n, rows: ds.rows, cols: ds.cols };
}
