import { clip, quote, showValue, UserError } from "../util/errors.ts";

/** One named f32 tensor, as stored in a .safetensors file. */
export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * Encodes tensors in the safetensors format (8-byte little-endian header length, a JSON header
 * of dtype/shape/data_offsets per tensor, then the raw little-endian data), which PyTorch, JAX
 * and the `safetensors` libraries read directly.
 */
export function encodeSafetensors(
  tensors: NamedArray[],
  metadata: Record<string, string> = {},
): Uint8Array<ArrayBuffer> {
  return encodeTypedSafetensors(tensors.map((t) => ({ ...t, dtype: "F32" as const })), metadata);
}

/** Our weights files hold F32 tensors only: the dtype options of a decode that says so. */
export const F32_ONLY = {
  dtypes: ["F32"] as TensorDType[],
  otherDtype: "expected F32; the file is not one of ours, retrain or re-copy it",
};

/** Decodes a safetensors file; `file` names it in errors. Only F32 tensors are accepted. */
export function decodeSafetensors(
  bytes: Uint8Array,
  file: string,
): { tensors: Map<string, NamedArray>; metadata: Record<string, string> } {
  const { tensors, metadata } = decodeTypedSafetensors(bytes, file, F32_ONLY);
  return { tensors: tensors as Map<string, NamedArray>, metadata };
}

/** The safetensors dtypes that `encodeTypedSafetensors` / `decodeTypedSafetensors` handle. */
export type TensorDType = "F32" | "I32" | "I8" | "I64";

/**
 * One named tensor of any handled dtype (int8 weights, int32 biases, f32 scales; I64 is
 * PyTorch's batch-norm `num_batches_tracked`).
 */
export type TypedTensor =
  | { name: string; dtype: "F32"; shape: number[]; data: Float32Array }
  | { name: string; dtype: "I32"; shape: number[]; data: Int32Array }
  | { name: string; dtype: "I8"; shape: number[]; data: Int8Array }
  | { name: string; dtype: "I64"; shape: number[]; data: BigInt64Array };

const DTYPE_BYTES: Record<TensorDType, number> = { F32: 4, I32: 4, I8: 1, I64: 8 };

/**
 * `encodeSafetensors` for tensors of several dtypes (an int8 model's I8 weights, I32 biases and
 * F32 scales in one file; a PyTorch state dict's F32 and I64). The data are contiguous, as the
 * `safetensors` library's validation demands (no gaps between tensors), and ordered by element
 * size, widest first, as that library writes them: so every tensor is aligned to its element
 * size without padding.
 */
export function encodeTypedSafetensors(
  tensors: TypedTensor[],
  metadata: Record<string, string> = {},
): Uint8Array<ArrayBuffer> {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const starts: number[] = [];
  tensors = [...tensors].sort((a, b) => DTYPE_BYTES[b.dtype] - DTYPE_BYTES[a.dtype]);
  for (const t of tensors) {
    const width = DTYPE_BYTES[t.dtype];
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new Error(`${t.name}: ${t.data.length} values for shape [${t.shape}]`);
    }
    header[t.name] = {
      dtype: t.dtype,
      shape: t.shape,
      data_offsets: [offset, offset + count * width],
    };
    starts.push(offset);
    offset += count * width;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  tensors.forEach((t, i) => {
    out.set(
      new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      8 + head.length +
        starts[i],
    );
  });
  return out;
}

/** One tensor's entry in a safetensors header, checked: byte range relative to the data section. */
export interface HeaderEntry {
  name: string;
  dtype: TensorDType;
  shape: number[];
  /** Element count (the product of `shape`). */
  count: number;
  begin: number;
  end: number;
}

/** A safetensors header, checked (see `readSafetensorsHeader`). */
export interface SafetensorsHeader {
  entries: Map<string, HeaderEntry>;
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file (8 + the header's length). */
  dataStart: number;
  /** Bytes of the data section the entries cover (their largest end). */
  dataBytes: number;
}

/**
 * The largest header read (the `safetensors` library's own limit is 100 MB; ours are a few KiB, a
 * 1,000-layer network's under 200 KiB).
 */
export const MAX_SAFETENSORS_HEADER_BYTES = 16 * 2 ** 20;
/** Tensors larger than this many elements are refused before any is allocated (8 GiB of F32). */
const MAX_TENSOR_ELEMENTS = 2 ** 31;

/**
 * Checks a safetensors header without touching (or copying) the data: `bytes` holds at least the
 * file's first 8 + header-length bytes; `fileSize` is the whole file's length in bytes. Every
 * entry must have a known dtype among `dtypes` (default: all four), a shape of non-negative
 * integers, and `data_offsets` that match the shape, lie inside the file and do not overlap; the
 * metadata, when present, maps strings to strings. Follows the format's definition in
 * https://github.com/huggingface/safetensors (README, "Format"). Throws a one-line UserError naming
 * `file` and the entry at fault.
 */
export function readSafetensorsHeader(
  bytes: Uint8Array,
  fileSize: number,
  file: string,
  o: { dtypes?: TensorDType[]; otherDtype?: string } = {},
): SafetensorsHeader {
  const dtypes = new Set<string>(o.dtypes ?? Object.keys(DTYPE_BYTES));
  const bad = (what: string) =>
    new UserError(
      `${file}: ${what}; the file is damaged or not a safetensors file, re-create or re-copy it`,
    );
  if (fileSize < 8 || bytes.length < 8) throw bad("shorter than the 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    throw bad(`header length ${declared} over the ${MAX_SAFETENSORS_HEADER_BYTES}-byte limit`);
  }
  const headerLength = Number(declared);
  if (8 + headerLength > fileSize) throw bad(`header length ${headerLength} past end of file`);
  if (8 + headerLength > bytes.length) throw bad("header not read in full");
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(
      bytes.subarray(8, 8 + headerLength),
    ));
  } catch {
    throw bad("header is not JSON");
  }
  if (!isPlainObject(header)) throw bad("header is not a JSON object");
  const dataStart = 8 + headerLength;
  const dataLength = fileSize - dataStart;
  const entries = new Map<string, HeaderEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    const shown = quote(name);
    if (name === "__metadata__") {
      if (!isPlainObject(entry) || Object.values(entry).some((v) => typeof v !== "string")) {
        throw bad("__metadata__ is not a map of strings");
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    if (!isPlainObject(entry)) throw bad(`tensor ${shown} is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (typeof dtype !== "string" || !Object.hasOwn(DTYPE_BYTES, dtype) || !dtypes.has(dtype)) {
      throw new UserError(
        `${file}: tensor ${shown} is ${
          typeof dtype === "string" ? clip(dtype, 20) : showValue(dtype, 20)
        }; ` +
          (o.otherDtype ?? `only ${[...dtypes].join(", ")} tensors are read`),
      );
    }
    if (
      !Array.isArray(shape) || shape.length > 8 ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0)
    ) {
      throw bad(`tensor ${shown} has shape ${showValue(shape)}`);
    }
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    if (count > MAX_TENSOR_ELEMENTS) throw bad(`tensor ${shown} has ${count} elements`);
    if (
      !Array.isArray(offsets) || offsets.length !== 2 ||
      !offsets.every((d) => Number.isSafeInteger(d) && d >= 0)
    ) {
      throw bad(`tensor ${shown} has data_offsets ${showValue(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end - begin !== count * DTYPE_BYTES[dtype as TensorDType] || end > dataLength) {
      throw bad(`tensor ${shown} data range [${begin}, ${end}) does not fit shape [${shape}]`);
    }
    entries.set(name, { name, dtype: dtype as TensorDType, shape, count, begin, end });
  }
  // Overlapping ranges would let one stored value stand for two tensors.
  const sorted = [...entries.values()].filter((e) => e.end > e.begin)
    .sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].begin < sorted[i - 1].end) {
      throw bad(`tensors "${sorted[i - 1].name}" and "${sorted[i].name}" overlap`);
    }
  }
  const dataBytes = sorted.reduce((most, e) => Math.max(most, e.end), 0);
  return { entries, metadata, dataStart, dataBytes };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The tensors of a checked header, copied out of the file's bytes (the data need not be aligned). */
export function decodeEntries(
  bytes: Uint8Array,
  header: SafetensorsHeader,
): Map<string, TypedTensor> {
  const tensors = new Map<string, TypedTensor>();
  for (const { name, dtype, shape, begin, end } of header.entries.values()) {
    const raw = bytes.slice(header.dataStart + begin, header.dataStart + end);
    tensors.set(
      name,
      dtype === "F32"
        ? { name, dtype, shape, data: new Float32Array(raw.buffer) }
        : dtype === "I32"
        ? { name, dtype, shape, data: new Int32Array(raw.buffer) }
        : dtype === "I64"
        ? { name, dtype, shape, data: new BigInt64Array(raw.buffer) }
        : { name, dtype, shape, data: new Int8Array(raw.buffer) },
    );
  }
  return tensors;
}

/**
 * Throws a one-line UserError naming `file` and the tensor when a float tensor holds NaN or
 * ±Infinity (a diverged run's weights predict one class for every image, silently).
 */
export function checkFinite(
  tensors: Iterable<{ name: string; data: ArrayLike<number | bigint> }>,
  file: string,
) {
  for (const t of tensors) {
    if (!(t.data instanceof Float32Array)) continue;
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i])) {
        throw new UserError(
          `${file}: tensor "${t.name}" holds ${
            t.data[i]
          } at element ${i}; the weights are from a ` +
            `diverged run or damaged, retrain (with a lower --lr) or re-copy them`,
        );
      }
    }
  }
}

/**
 * Decodes a safetensors file whose tensors are F32, I32, I8 or I64 (see `encodeTypedSafetensors`);
 * `file` names it in errors. Throws a UserError for a damaged file (`readSafetensorsHeader`'s
 * checks), or for a tensor whose dtype is not among `o.dtypes` (default: all four) saying
 * `o.otherDtype` (default: which are read).
 */
export function decodeTypedSafetensors(
  bytes: Uint8Array,
  file: string,
  o: { dtypes?: TensorDType[]; otherDtype?: string } = {},
): { tensors: Map<string, TypedTensor>; metadata: Record<string, string> } {
  const header = readSafetensorsHeader(bytes, bytes.length, file, o);
  return { tensors: decodeEntries(bytes, header), metadata: header.metadata };
}
