import { gunzipSync } from "node:zlib";
import { UserError } from "../util/errors.ts";

/** Fix suggested for a damaged dataset file; callers reading the user's own files pass another. */
export const DATASET_FIX = "delete it and re-download, or pass --data-dir";
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

/** Reads a file, decompressing it when it starts with the gzip magic (whatever its extension). */
export async function readMaybeGzipped(path: string, fix = DATASET_FIX): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UserError(`${path}: file not found`);
    throw new UserError(`${path}: cannot read (${(e as Error).message})`);
  }
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    const out = gunzipSync(raw);
    // A node Buffer's slice() does not copy; hand out a plain Uint8Array so callers' slice() does.
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw bad(path, `corrupt gzip data (${(e as Error).message})`, fix);
  }
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
