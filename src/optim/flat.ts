// The layout of the optimizer's flat buffers (optimizer.ts, optim.wgsl): every parameter it
// updates has a segment at the same place in the parameter, gradient and moment buffers, so that
// one dispatch updates them all.

/** The optimizer kernel's workgroup size, in invocations: one vec4 (four floats) each. */
export const WG = 256;

/**
 * Floats per chunk: one workgroup's WG vec4s (4 KiB). Segments start at multiples of it, so a
 * workgroup never straddles two parameters and reads its chunk's flags once; 4 KiB is also a
 * multiple of WebGPU's minStorageBufferOffsetAlignment (256 bytes), so a segment can be bound
 * as a view (`Tensor.view`).
 */
export const CHUNK_FLOATS = 4 * WG;

/** A chunk's flag: its parameter has a gradient this step (else the kernel leaves it alone). */
export const UPDATE = 1;
/** A chunk's flag: weight decay applies to its parameter. */
export const DECAY = 2;

/** Where each parameter sits in the flat buffers. */
export interface FlatLayout {
  /** Per parameter: its first element, in floats from the start (a multiple of CHUNK_FLOATS). */
  offsets: number[];
  /** Per parameter: its element count. */
  sizes: number[];
  /** Length of each flat buffer, in floats (a multiple of CHUNK_FLOATS; at least one chunk). */
  floats: number;
}

/** Segments for parameters of `sizes` elements, in order, each rounded up to whole chunks. */
export function flatLayout(sizes: readonly number[]): FlatLayout {
  const offsets: number[] = [];
  let at = 0;
  for (const n of sizes) {
    offsets.push(at);
    at += Math.ceil(n / CHUNK_FLOATS) * CHUNK_FLOATS;
  }
  return { offsets, sizes: [...sizes], floats: Math.max(at, CHUNK_FLOATS) };
}

/**
 * The kernel's per-chunk flags (one u32 per CHUNK_FLOATS floats): UPDATE for the chunks of
 * parameters with `update[i]`, DECAY for those with `decay[i]`; chunks of no parameter (the
 * single chunk of an empty layout) get 0.
 */
export function chunkFlags(
  layout: FlatLayout,
  update: readonly boolean[],
  decay: readonly boolean[],
): Uint32Array<ArrayBuffer> {
  const flags = new Uint32Array(layout.floats / CHUNK_FLOATS);
  layout.offsets.forEach((offset, i) => {
    const first = offset / CHUNK_FLOATS;
    const chunks = Math.ceil(layout.sizes[i] / CHUNK_FLOATS);
    flags.fill((update[i] ? UPDATE : 0) | (decay[i] ? DECAY : 0), first, first + chunks);
  });
  return flags;
}
