import { UserError } from "../util/errors.ts";

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

/** Decodes a safetensors file; `file` names it in errors. Only F32 tensors are accepted. */
export function decodeSafetensors(
  bytes: Uint8Array,
  file: string,
): { tensors: Map<string, NamedArray>; metadata: Record<string, string> } {
  const { tensors, metadata } = decodeTypedSafetensors(bytes, file, {
    dtypes: ["F32"],
    otherDtype: "expected F32; the file is not one of ours, retrain or re-copy it",
  });
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

/**
 * Decodes a safetensors file whose tensors are F32, I32, I8 or I64 (see `encodeTypedSafetensors`);
 * `file` names it in errors. Throws a UserError for a damaged file, or for a tensor whose dtype
 * is not among `o.dtypes` (default: all four) saying `o.otherDtype` (default: which are read).
 */
export function decodeTypedSafetensors(
  bytes: Uint8Array,
  file: string,
  o: { dtypes?: TensorDType[]; otherDtype?: string } = {},
): { tensors: Map<string, TypedTensor>; metadata: Record<string, string> } {
  const dtypes = new Set<string>(o.dtypes ?? Object.keys(DTYPE_BYTES));
  const bad = (what: string) =>
    new UserError(
      `${file}: ${what}; the file is damaged or not a safetensors file, re-create or re-copy it`,
    );
  if (bytes.length < 8) throw bad("shorter than the 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw bad(`header length ${headerLength} past end of file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw bad("header is not JSON");
  }
  const data = bytes.subarray(8 + headerLength);
  const tensors = new Map<string, TypedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = entry as unknown as Record<string, string>;
      continue;
    }
    const dtype = entry.dtype as TensorDType;
    if (!dtypes.has(dtype)) {
      throw new UserError(
        `${file}: tensor "${name}" is ${entry.dtype}; ` +
          (o.otherDtype ?? `only ${[...dtypes].join(", ")} tensors are read`),
      );
    }
    const [start, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - start !== count * DTYPE_BYTES[dtype] || end > data.length || start < 0) {
      throw bad(
        `tensor "${name}" data range [${start}, ${end}) does not fit shape [${entry.shape}]`,
      );
    }
    // Copies: the data section need not be aligned in the file buffer.
    const raw = data.slice(start, end);
    const shape = entry.shape;
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
  return { tensors, metadata };
}
