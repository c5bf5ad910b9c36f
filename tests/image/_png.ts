// PNG files built byte by byte for the tests of hostile pictures: any IHDR (interlaced or not,
// lying or not), any IDAT stream, correct CRCs, and zlib streams of zeros of any length built in
// milliseconds (a block of 1 MiB of zeros, flushed, repeated), so that a 2 GB "bomb" is a 2 MB
// file the test writes without compressing 2 GB.
import { constants, crc32, deflateRawSync, deflateSync } from "node:zlib";

export interface Ihdr {
  width: number;
  height: number;
  bitDepth?: number;
  colourType?: number;
  interlace?: number;
}

/** One PNG chunk: length, type, data, CRC-32 of type and data. */
export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)) >>> 0);
  return out;
}

/** A PNG file: signature, IHDR, the `idat` zlib stream split into IDAT chunks, IEND. */
export function png(h: Ihdr, idat: Uint8Array, idatChunk = 1 << 20): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, h.width);
  view.setUint32(4, h.height);
  ihdr.set([h.bitDepth ?? 8, h.colourType ?? 0, 0, 0, h.interlace ?? 0], 8);
  const parts: Uint8Array[] = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  parts.push(chunk("IHDR", ihdr));
  for (let at = 0; at < idat.length; at += idatChunk) {
    parts.push(chunk("IDAT", idat.subarray(at, at + idatChunk)));
  }
  parts.push(chunk("IEND", new Uint8Array()));
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

let zeroBlock: Uint8Array | undefined;

/**
 * A zlib stream that inflates to `bytes` zeros, with its Adler-32: 1 MiB blocks of zeros each
 * compressed once and repeated (a full flush makes a block independent of what precedes it).
 */
export function zerosStream(bytes: number): Uint8Array {
  const MiB = 1 << 20;
  zeroBlock ??= deflateRawSync(new Uint8Array(MiB), {
    level: 9,
    finishFlush: constants.Z_FULL_FLUSH,
  });
  const whole = Math.floor(bytes / MiB);
  const rest = deflateRawSync(new Uint8Array(bytes % MiB), { level: 9 }); // final block
  const out = new Uint8Array(2 + whole * zeroBlock.length + rest.length + 4);
  out.set([0x78, 0xda]);
  for (let i = 0; i < whole; i++) out.set(zeroBlock, 2 + i * zeroBlock.length);
  out.set(rest, 2 + whole * zeroBlock.length);
  // Adler-32 of n zeros: a = 1, b = n (mod 65521).
  new DataView(out.buffer).setUint32(out.length - 4, ((bytes % 65521) * 65536 + 1) >>> 0);
  return out;
}

/** A zlib stream of `data` (for a PNG's IDAT). */
export function zlib(data: Uint8Array): Uint8Array {
  return new Uint8Array(deflateSync(data));
}
