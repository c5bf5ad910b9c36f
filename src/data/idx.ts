import { constants, gunzipSync } from "node:zlib";
import { UserError } from "../util/errors.ts";

/** Fix suggested for a damaged dataset file; callers reading the user's own files pass another. */
export const DATASET_FIX = "delete it and re-download, or pass --data-dir";

/**
 * The most bytes a data file (IDX or CSV, given by --images, --labels or --data-dir) may hold,
 * read or once gunzipped: 500 MB (decimal), room for 600,000 IDX images or a 70,000-row CSV
 * with every pixel written as a float, and below the longest string JavaScript can hold (a CSV
 * is read as one). A gzipped IDX file is further held to the size its own header implies.
 */
export const MAX_DATA_BYTES = 500_000_000;
const BIG_ENDIAN_FIX = `write the header's numbers big-endian (numpy: dtype ">u4")`;

const TYPE_NAMES: Record<number, string> = {
  0x08: "unsigned byte",
  0x09: "signed byte",
  0x0b: "short",
  0x0c: "int",
  0x0d: "float",
  0x0e: "double",
};

export interface Idx {
  dims: number[];
  data: Uint8Array;
}

export interface Images {
  data: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

function bad(name: string, what: string, fix: string): UserError {
  return new UserError(`${name}: ${what}; ${fix}`);
}

function hex(n: number, width: number): string {
  return "0x" + n.toString(16).padStart(width, "0");
}

function byteList(bytes: Uint8Array, n: number): string {
  return [...bytes.subarray(0, n)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** 7840016 → "7,840,016". */
export function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

/** What an IDX header's dimensions describe: "10,000 images of 28×28", "10,000 labels". */
function contents(dims: number[]): string {
  if (dims.length === 3) return `${thousands(dims[0])} images of ${dims[1]}×${dims[2]}`;
  if (dims.length === 1) return `${thousands(dims[0])} labels`;
  return dims.join("×");
}

/**
 * Whether the first four bytes are an unsigned-byte IDX magic (0x00000801 or 0x00000803) written
 * little-endian, as a tool writing native integers on x86 does.
 */
export function isLittleEndianIdx(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && (bytes[0] === 1 || bytes[0] === 3) && bytes[1] === 0x08 &&
    bytes[2] === 0 && bytes[3] === 0;
}

/** Parses an unsigned-byte IDX file (labels: magic 0x00000801, images: 0x00000803). */
export function parseIdx(bytes: Uint8Array, name: string, fix = DATASET_FIX): Idx {
  if (bytes.length === 0) throw bad(name, "empty file (0 bytes): no IDX header, no images", fix);
  if (bytes.length < 4) {
    throw bad(name, `truncated IDX file (${bytes.length} bytes, shorter than its header)`, fix);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (isLittleEndianIdx(bytes)) {
    const rank = bytes[0];
    throw bad(
      name,
      `IDX header in little-endian byte order (magic bytes ${byteList(bytes, 4)}, expected ` +
        `00 00 08 0${rank}): IDX numbers are big-endian, so its counts would be misread`,
      BIG_ENDIAN_FIX,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw bad(
      name,
      `not an IDX file (magic ${hex(magic, 8)}, expected 0x00000801 or 0x00000803)`,
      fix,
    );
  }
  const type = bytes[2];
  if (type !== 0x08) {
    const kind = TYPE_NAMES[type] ?? "unknown";
    throw bad(
      name,
      `unsupported IDX element type ${hex(type, 2)} (${kind}), expected 0x08 (unsigned byte)`,
      fix,
    );
  }
  const rank = bytes[3];
  if (rank !== 1 && rank !== 3) {
    throw bad(
      name,
      `unsupported IDX dimension count ${rank}, expected 1 (labels) or 3 (images)`,
      fix,
    );
  }
  const header = 4 + 4 * rank;
  if (bytes.length < header) {
    throw bad(name, `truncated IDX file (${bytes.length} bytes, shorter than its header)`, fix);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const expected = header + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    const says = `header says ${contents(dims)} (${thousands(expected)} bytes with the ` +
      `${header}-byte header) but the file holds ${thousands(bytes.length)} bytes`;
    const swapped = dims.map((_, i) => view.getUint32(4 + 4 * i, true));
    if (header + swapped.reduce((a, b) => a * b, 1) === bytes.length) {
      throw bad(
        name,
        `${says}; read little-endian, its header says ${contents(swapped)}, which fits: the ` +
          `dimensions were written in the wrong byte order (IDX numbers are big-endian)`,
        BIG_ENDIAN_FIX,
      );
    }
    if (bytes.length < expected) throw bad(name, `${says}: truncated, or not an IDX file`, fix);
    throw bad(
      name,
      `${says}, ${thousands(bytes.length - expected)} more: not an IDX file, or data appended ` +
        "without updating the header",
      fix,
    );
  }
  return { dims, data: bytes.subarray(header) };
}

/** "a FIFO (named pipe)", "a character device", ...: what a path that is not a file is. */
export function fileKind(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a folder";
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "not a regular file";
}

/** 500000000 → "500 MB" (decimal megabytes, as the limits are written). */
export function megabytes(n: number): string {
  return `${thousands(Math.ceil(n / 1e6))} MB`;
}

/**
 * Reads the regular file `path` (a symbolic link to one is followed), at most `maxBytes` bytes.
 * Checked before reading: a device, FIFO, socket or folder is refused (reading /dev/zero would
 * never end, a FIFO could block), and so is a file larger than `maxBytes` by its `stat`; while
 * reading, at most `maxBytes + 1` bytes are read, so a file that grows is refused too. Throws a
 * UserError naming `name` (default `path`) and ending with `fix`.
 */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  fix: string,
  name = path,
): Promise<Uint8Array> {
  const tooLarge = (size: string) =>
    new UserError(
      `${name}: ${size}, more than the ${megabytes(maxBytes)} read from one file; ${fix}`,
    );
  const notFile = (info: Deno.FileInfo) =>
    new UserError(`${name}: ${fileKind(info)}, not a regular file; ${fix}`);
  let file: Deno.FsFile;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw notFile(info);
    if (info.size > maxBytes) throw tooLarge(megabytes(info.size));
    file = await Deno.open(path);
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (e instanceof Deno.errors.NotFound) throw new UserError(`${name}: file not found`);
    throw new UserError(`${name}: cannot read (${(e as Error).message})`);
  }
  try {
    // Checked again on the open file: the path may have been replaced since the stat.
    const info = await file.stat();
    if (!info.isFile) throw notFile(info);
    const chunks: Uint8Array[] = [];
    let total = 0;
    let buf = new Uint8Array(Math.min(info.size, maxBytes) + 1);
    let got = 0;
    for (;;) {
      const n = await file.read(buf.subarray(got));
      if (n === null) break;
      got += n;
      if (got === buf.length) {
        chunks.push(buf);
        total += got;
        if (total > maxBytes) {
          throw tooLarge(`more than ${megabytes(maxBytes)} (it grew while read)`);
        }
        buf = new Uint8Array(Math.min(maxBytes + 1 - total, 1 << 20));
        got = 0;
      }
    }
    if (!chunks.length) return buf.subarray(0, got);
    chunks.push(buf.subarray(0, got));
    const out = new Uint8Array(total + got);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${name}: cannot read (${(e as Error).message})`);
  } finally {
    file.close();
  }
}

/**
 * The sizes an unsigned-byte IDX file's header says the whole file has, its dimensions read
 * big-endian and little-endian (so that `parseIdx` can still tell a header written in the wrong
 * order), or none when `head` does not start with such a header. Lets a gzipped IDX file be held
 * to its own size while it is inflated.
 */
function idxImpliedBytes(head: Uint8Array): number[] {
  const little = isLittleEndianIdx(head);
  if (!little && !(head[0] === 0 && head[1] === 0 && head[2] === 0x08)) return [];
  const rank = little ? head[0] : head[3];
  if ((rank !== 1 && rank !== 3) || head.length < 4 + 4 * rank) return [];
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let [be, le] = [1, 1];
  for (let i = 0; i < rank; i++) {
    be *= view.getUint32(4 + 4 * i);
    le *= view.getUint32(4 + 4 * i, true);
  }
  return [4 + 4 * rank + be, 4 + 4 * rank + le];
}

/**
 * The first bytes `raw` (gzip) inflates to, from its first 4 KB (at most about 4 MB), or an
 * empty array when they do not decompress.
 */
function gunzipHead(raw: Uint8Array): Uint8Array {
  try {
    return gunzipSync(raw.subarray(0, 4096), {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: 8 << 20,
    });
  } catch {
    return new Uint8Array();
  }
}

/**
 * Reads a regular file (`readRegularFile`, at most `maxBytes`), decompressing it when it starts
 * with the gzip magic (whatever its extension), to at most `maxBytes` too, or, for an IDX file,
 * to the size its header implies: a small gzip bomb stops there. Throws a UserError naming
 * `path` for a missing, unreadable, non-regular, too large or corrupt file.
 */
export async function readMaybeGzipped(
  path: string,
  fix = DATASET_FIX,
  maxBytes = MAX_DATA_BYTES,
): Promise<Uint8Array> {
  const raw = await readRegularFile(path, maxBytes, fix);
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  // An IDX file is inflated to the size its header says (the smaller reading first); anything
  // else to maxBytes.
  const sizes = idxImpliedBytes(gunzipHead(raw)).filter((n) => n <= maxBytes).sort((a, b) => a - b);
  const caps = sizes.length ? sizes : [maxBytes];
  for (const [k, cap] of caps.entries()) {
    try {
      const out = gunzipSync(raw, { maxOutputLength: cap });
      // A node Buffer's slice() does not copy; hand out a plain Uint8Array so callers' slice()
      // does.
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (e) {
      if ((e as { code?: string }).code !== "ERR_BUFFER_TOO_LARGE") {
        throw bad(path, `corrupt gzip data (${(e as Error).message})`, fix);
      }
      if (k < caps.length - 1) continue;
    }
  }
  throw bad(
    path,
    sizes.length
      ? `its IDX header says ${thousands(sizes[0])} bytes but its gzipped data holds more: not ` +
        "an IDX file, or data appended without updating the header (decompressing stopped there)"
      : `decompresses to more than the ${megabytes(maxBytes)} read from one file ` +
        "(decompressing stopped there)",
    fix,
  );
}

export async function readIdxFile(path: string, fix = DATASET_FIX): Promise<Idx> {
  return parseIdx(await readMaybeGzipped(path, fix), path, fix);
}

/** Checks that a parsed IDX holds 28×28 images. */
export function toImages(idx: Idx, name: string, fix = DATASET_FIX): Images {
  if (idx.dims.length !== 3) {
    throw bad(
      name,
      `expected an IDX images file (3 dimensions), got ${idx.dims.length} (is it a labels file?)`,
      fix,
    );
  }
  const [count, rows, cols] = idx.dims;
  if (count === 0) throw bad(name, "holds no images (its header says 0)", fix);
  if (rows !== 28 || cols !== 28) {
    throw bad(name, `images are ${rows}×${cols}, expected 28×28`, fix);
  }
  return { data: idx.data, count, rows, cols };
}

/** Checks that a parsed IDX holds labels, each a class 0..9. */
export function toLabels(idx: Idx, name: string, fix = DATASET_FIX): Uint8Array {
  if (idx.dims.length !== 1) {
    throw bad(
      name,
      `expected an IDX labels file (1 dimension), got ${idx.dims.length} (is it an images file?)`,
      fix,
    );
  }
  if (idx.dims[0] === 0) throw bad(name, "holds no labels (its header says 0)", fix);
  const i = idx.data.findIndex((v) => v >= 10);
  if (i >= 0) throw bad(name, `label ${idx.data[i]} at index ${i} is not a class 0..9`, fix);
  return idx.data;
}

export async function readImages(path: string, fix = DATASET_FIX): Promise<Images> {
  return toImages(await readIdxFile(path, fix), path, fix);
}

export async function readLabels(path: string, fix = DATASET_FIX): Promise<Uint8Array> {
  return toLabels(await readIdxFile(path, fix), path, fix);
}
