/**
 * A catalogue's embeddings kept on disk, so that `deno task similar` computes them once per model
 * and catalogue. One file per (weights, catalogue), named by both keys, in a cache folder
 * (default: the dataset cache's `embeddings/`, see src/data/locate.ts `defaultCacheDir`):
 *
 *   bytes 0-7    "FMEMB01\n"
 *   bytes 8-11   header length H (u32, little-endian), at most MAX_HEADER_BYTES
 *   H bytes      JSON header: { version, weights, catalogue, count, dim, classNames, files,
 *                pixels } (files: a folder catalogue's picture paths, relative; null otherwise)
 *   padding      zeros to a multiple of 4
 *   count×dim    f32 embeddings, little-endian, rows of unit length
 *   count        u8 labels
 *   count×784    u8 28×28 pixels (only when `pixels`: a folder catalogue's, for the grid)
 *
 * Written atomically (src/util/atomic.ts). The file is untrusted when read (another user's cache
 * folder, a truncated write, a change of format): `readEmbeddingCache` checks the size from
 * `stat` before reading, then the magic, header, keys, counts, exact length, labels and that every
 * float is finite and every row of unit (or zero) length; anything else is a miss with a reason,
 * never an exception, and the caller computes and rewrites the file.
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import { writeFileAtomic } from "../util/atomic.ts";

const MAGIC = "FMEMB01\n";
const VERSION = 1;
/** A cache header is at most this long (file names of a 100,000-picture folder fit). */
export const MAX_HEADER_BYTES = 64 * 2 ** 20;
/** At most this many catalogue images. */
export const MAX_CACHE_ROWS = 1_000_000;
/** At most this long an embedding. */
export const MAX_CACHE_DIM = 65_536;

/** What a cache file holds. */
export interface EmbeddingCache {
  /** sha256 (hex) of the model's weights file. */
  weights: string;
  /** The catalogue's identity (`catalogueKey`). */
  catalogue: string;
  count: number;
  dim: number;
  classNames: string[];
  /** A folder catalogue's pictures, relative to it; null for the Fashion-MNIST training set. */
  files: string[] | null;
  /** count × dim, unit rows. */
  embeddings: Float32Array;
  labels: Uint8Array;
  /** count × 784, or null. */
  pixels: Uint8Array | null;
}

/** sha256 (hex) of bytes, or of strings joined by NUL. */
export function sha256(data: Uint8Array | string[]): string {
  const h = createHash("sha256");
  if (data instanceof Uint8Array) h.update(data);
  else for (const s of data) h.update(s).update("\0");
  return h.digest("hex");
}

/** The identity of Fashion-MNIST's training set as a catalogue: a hash of its pixels and labels. */
export function trainingSetKey(images: Uint8Array, labels: Uint8Array): string {
  return sha256(["fashion-mnist-train", sha256(images), sha256(labels)]);
}

/** The cache file for (weights, catalogue) in `dir`. */
export function cachePath(dir: string, weights: string, catalogue: string): string {
  return join(dir, `${weights.slice(0, 16)}-${catalogue.slice(0, 16)}.emb`);
}

/** The header's bytes, padded with spaces to a multiple of 4 after the 12-byte prefix. */
function headerBytes(header: object): Uint8Array {
  let text = JSON.stringify(header);
  while ((12 + new TextEncoder().encode(text).length) % 4) text += " ";
  return new TextEncoder().encode(text);
}

/** Writes `cache` to `path` atomically. */
export async function writeEmbeddingCache(path: string, cache: EmbeddingCache): Promise<void> {
  const header = headerBytes({
    version: VERSION,
    weights: cache.weights,
    catalogue: cache.catalogue,
    count: cache.count,
    dim: cache.dim,
    classNames: cache.classNames,
    files: cache.files,
    pixels: cache.pixels !== null,
  });
  const floats = cache.count * cache.dim * 4;
  const bytes = new Uint8Array(
    12 + header.length + floats + cache.count + (cache.pixels ? cache.pixels.length : 0),
  );
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(8, header.length, true);
  bytes.set(header, 12);
  let at = 12 + header.length;
  // Little-endian floats (every platform Deno runs on is little-endian; DataView would be slow).
  bytes.set(new Uint8Array(cache.embeddings.buffer, cache.embeddings.byteOffset, floats), at);
  at += floats;
  bytes.set(cache.labels, at);
  at += cache.count;
  if (cache.pixels) bytes.set(cache.pixels, at);
  await writeFileAtomic(path, bytes);
}

/** A cache file read back, or why it could not be used. */
export type CacheRead = { cache: EmbeddingCache } | { miss: string };

/**
 * Reads and checks the cache file `path` for `expect`ed keys and shape (see the module comment).
 * Never throws for the file's content: a missing, foreign, stale or damaged file is a `miss`.
 */
export async function readEmbeddingCache(
  path: string,
  expect: { weights: string; catalogue: string; dim: number; count?: number },
): Promise<CacheRead> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch {
    return { miss: "no cache yet" };
  }
  if (!info.isFile) return { miss: "not a regular file" };
  const most = 12 + MAX_HEADER_BYTES + MAX_CACHE_ROWS * (4 * expect.dim + 1 + 784);
  if (info.size < 12 || info.size > most) return { miss: `${info.size} bytes, not a cache` };
  const bytes = await Deno.readFile(path).catch(() => null);
  if (!bytes) return { miss: "cannot be read" };
  if (bytes.length !== info.size) return { miss: "changed while read" };
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) return { miss: "not a cache file" };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(8, true);
  if (length > MAX_HEADER_BYTES || 12 + length > bytes.length || (12 + length) % 4) {
    return { miss: "a damaged header length" };
  }
  let h: Record<string, unknown>;
  try {
    const parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(
      bytes.subarray(12, 12 + length),
    ));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw 0;
    h = parsed;
  } catch {
    return { miss: "a damaged header" };
  }
  if (h.version !== VERSION) return { miss: `format version ${String(h.version).slice(0, 20)}` };
  if (h.weights !== expect.weights) return { miss: "made with other weights" };
  if (h.catalogue !== expect.catalogue) return { miss: "made for another catalogue" };
  const count = h.count, dim = h.dim;
  if (
    !Number.isInteger(count) || (count as number) < 0 || (count as number) > MAX_CACHE_ROWS ||
    dim !== expect.dim || (expect.count !== undefined && count !== expect.count)
  ) {
    return { miss: "another count or embedding size" };
  }
  const n = count as number;
  const names = h.classNames;
  if (
    !Array.isArray(names) || names.length < 1 || names.length > 256 ||
    !names.every((s) => typeof s === "string" && s.length <= 1000)
  ) {
    return { miss: "damaged class names" };
  }
  const files = h.files;
  if (
    files !== null &&
    !(Array.isArray(files) && files.length === n && files.every((f) => typeof f === "string"))
  ) {
    return { miss: "a damaged file list" };
  }
  if (typeof h.pixels !== "boolean") return { miss: "a damaged header" };
  const start = 12 + length;
  const floats = n * expect.dim * 4;
  const total = start + floats + n + (h.pixels ? n * 784 : 0);
  if (bytes.length !== total) return { miss: `${bytes.length} bytes where ${total} are due` };
  const embeddings = new Float32Array(bytes.buffer.slice(start, start + floats));
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let j = 0; j < expect.dim; j++) {
      const v = embeddings[r * expect.dim + j];
      if (!Number.isFinite(v)) return { miss: "a NaN or infinite value" };
      sum += v * v;
    }
    if (sum !== 0 && Math.abs(sum - 1) > 1e-3) return { miss: "a row not of unit length" };
  }
  const labels = bytes.slice(start + floats, start + floats + n);
  if (labels.some((l) => l >= names.length)) return { miss: "a label outside the classes" };
  return {
    cache: {
      weights: expect.weights,
      catalogue: expect.catalogue,
      count: n,
      dim: expect.dim,
      classNames: names as string[],
      files: files as string[] | null,
      embeddings,
      labels,
      pixels: h.pixels ? bytes.slice(start + floats + n, total) : null,
    },
  };
}
