// Property-based fuzzing (fast-check) of the readers of untrusted input files: IDX image files
// (raw and gzipped), CSV text and pictures (PNG, and JPEG), each started from a valid small file
// made by the code's own encoders or pngjs/jpeg-js and changed at random: byte flips, lying
// 32-bit fields (dimensions, chunk lengths), truncations, insertions, repeated slices, huge cells,
// quotes and separators, a PNG's pixel data swapped for gigabytes of zeros. Each must end in
// success or a one-line UserError (never another exception), within 5 s, without the process
// growing by 300 MB. Seeded, so a failure replays; fast-check prints the smallest counterexample.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { crc32, gzipSync } from "node:zlib";
import fc from "fast-check";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { loadImagesFile } from "../../src/data/dataset.ts";
import { decodePicture, encodeGrayPng } from "../../src/image/decode.ts";
import { loadPictures } from "../../src/image/files.ts";
import { preprocess } from "../../src/image/preprocess.ts";
import { UserError } from "../../src/util/errors.ts";
import { png, zerosStream, zlib } from "../image/_png.ts";

const SEED = 20261205;
const LIMIT_MS = 5_000;
const LIMIT_BYTES = 300 * 2 ** 20;

/** Runs `fn` and asserts a success or a clean one-line refusal, in time and memory. */
async function outcome(fn: () => unknown | Promise<unknown>, rssBefore: number): Promise<void> {
  const start = performance.now();
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error).stack}`);
    assert.ok(!e.message.includes("\n"), `two lines: ${e.message.slice(0, 300)}`);
    assert.ok(e.message.length < 400, `${e.message.length} characters: ${e.message.slice(0, 300)}`);
  }
  const ms = performance.now() - start;
  assert.ok(ms < LIMIT_MS, `took ${ms.toFixed(0)} ms`);
  const grown = Deno.memoryUsage().rss - rssBefore;
  assert.ok(grown < LIMIT_BYTES, `grew by ${(grown / 2 ** 20).toFixed(0)} MiB`);
}

/** A change to a file's bytes; positions are taken modulo the length. */
type Mutation =
  | { kind: "flip"; at: number; value: number }
  | { kind: "u32"; at: number; value: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "repeat"; at: number; length: number; times: number };

/** Positions, most of them in the first 40 bytes, where the headers are. */
const position = fc.oneof(fc.nat(40), fc.nat());

const LYING_U32 = [0, 1, 3, 28, 255, 784, 8000, 65535, 0x7fffffff, 0x80000000, 0xffffffff];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: position, value: fc.nat(255) }),
  fc.record({
    kind: fc.constant("u32" as const),
    at: position,
    value: fc.oneof(fc.constantFrom(...LYING_U32), fc.nat()),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: position,
    bytes: fc.uint8Array({ maxLength: 16 }),
  }),
  fc.record({
    kind: fc.constant("repeat" as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 64 }),
    times: fc.integer({ min: 1, max: 5000 }),
  }),
);

function mutate(bytes: Uint8Array, changes: Mutation[]): Uint8Array {
  let b: Uint8Array = new Uint8Array(bytes);
  for (const m of changes) {
    const at = b.length ? m.at % b.length : 0;
    switch (m.kind) {
      case "flip":
        if (b.length) b[at] = m.value;
        break;
      case "u32":
        if (b.length >= 4) new DataView(b.buffer).setUint32(Math.min(at, b.length - 4), m.value);
        break;
      case "truncate":
        b = b.slice(0, at);
        break;
      case "insert": {
        const out = new Uint8Array(b.length + m.bytes.length);
        out.set(b.subarray(0, at));
        out.set(m.bytes, at);
        out.set(b.subarray(at), at + m.bytes.length);
        b = out;
        break;
      }
      case "repeat": {
        const slice = b.slice(at, at + m.length);
        const out = new Uint8Array(b.length + slice.length * m.times);
        out.set(b.subarray(0, at));
        for (let i = 0; i < m.times; i++) out.set(slice, at + i * slice.length);
        out.set(b.subarray(at), at + slice.length * m.times);
        b = out;
        break;
      }
    }
  }
  return b;
}

/** An unsigned-byte IDX file of `dims`, data i % 256. */
function idx(dims: number[]): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + n);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0; i < n; i++) out[4 + 4 * dims.length + i] = i % 256;
  return out;
}

async function inTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "fuzz-inputs-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("fuzz: IDX image and label files changed at random (raw or gzipped) load or are refused in one line", async () => {
  await inTemp(async (dir) => {
    const images = idx([3, 28, 28]);
    const labels = idx([3]);
    await Deno.writeFile(join(dir, "labels"), labels);
    const rss = Deno.memoryUsage().rss;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.constantFrom("none", "before", "after"),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (isLabels, zip, changes) => {
          const base = isLabels ? labels : images;
          let bytes = zip === "before" ? gzipSync(mutate(base, changes)) : base;
          if (zip === "after") bytes = mutate(gzipSync(base), changes);
          if (zip === "none") bytes = mutate(base, changes);
          const path = join(dir, `case${n++}`);
          await Deno.writeFile(path, bytes);
          // As predict reads them: images (with IDX labels), or a labels file given as --labels.
          await outcome(
            () =>
              isLabels
                ? loadImagesFile(join(dir, "images-ok"), path)
                : loadImagesFile(path, join(dir, "labels")),
            rss,
          );
          await Deno.remove(path);
        },
      ).beforeEach(async () => {
        await Deno.writeFile(join(dir, "images-ok"), images);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

/** Pieces a hostile CSV is made of. */
const CSV_PIECES = [
  ",",
  ";",
  "\t",
  '"',
  '""',
  "\n",
  "\r\n",
  "\r",
  "\ufeff",
  " ",
  "label",
  "pixel1",
  "1.5",
  "-1",
  "256",
  "12.0",
  "\u0000",
  "é",
  "x".repeat(100_000),
  "9".repeat(400),
  `"${"a,b\n".repeat(1000)}"`,
  "1".repeat(100_000) + "x",
];

type TextChange =
  | { kind: "insert"; at: number; piece: string }
  | { kind: "delete"; at: number; length: number }
  | { kind: "truncate"; at: number }
  | { kind: "line"; at: number; times: number };

const textChange: fc.Arbitrary<TextChange> = fc.oneof(
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.oneof(fc.nat(3200), fc.nat()),
    piece: fc.oneof(fc.constantFrom(...CSV_PIECES), fc.string({ maxLength: 8 })),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.nat(4000) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("line" as const),
    at: fc.nat(),
    times: fc.integer({ min: 1, max: 40 }),
  }),
);

function changeText(text: string, changes: TextChange[]): string {
  for (const c of changes) {
    const at = text.length ? c.at % (text.length + 1) : 0;
    if (c.kind === "insert") text = text.slice(0, at) + c.piece + text.slice(at);
    else if (c.kind === "delete") text = text.slice(0, at) + text.slice(at + c.length);
    else if (c.kind === "truncate") text = text.slice(0, at);
    else {
      // Repeats the line holding `at`.
      const start = text.lastIndexOf("\n", at - 1) + 1;
      const end = text.indexOf("\n", at);
      const line = text.slice(start, end < 0 ? text.length : end + 1);
      text = text.slice(0, start) + line.repeat(c.times) + text.slice(start);
    }
  }
  return text;
}

Deno.test("fuzz: CSV text changed at random loads or is refused in one line", async () => {
  await inTemp(async (dir) => {
    const names = Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`);
    const rows = [3, 9, 0].map((l, n) => [l, ...names.map((_, p) => (p * 7 + n) % 256)].join(","));
    const headers = [
      ["label", ...names].join(","),
      ['"label"', ...names.map((p) => `"${p}"`)].join(","),
      ["", ...names, "class"].join(","),
      null,
    ];
    const rss = Deno.memoryUsage().rss;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...headers),
        fc.constantFrom("utf-8", "utf-16le", "gzip"),
        fc.array(textChange, { minLength: 1, maxLength: 5 }),
        async (header, encoding, changes) => {
          const body = header && header.startsWith(",")
            ? rows.map((r, i) => `${i},${r.slice(2)},${r[0]}`)
            : rows;
          const text = changeText([...(header ? [header] : []), ...body].join("\n"), changes);
          let bytes: Uint8Array = new TextEncoder().encode(text);
          if (encoding === "utf-16le") {
            bytes = new Uint8Array(Buffer.from("\ufeff" + text, "utf16le"));
          }
          if (encoding === "gzip") bytes = gzipSync(bytes);
          const path = join(dir, `case${n++}.csv`);
          await Deno.writeFile(path, bytes);
          await outcome(() => loadImagesFile(path), rss);
          await Deno.remove(path);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});

/** Recomputes the CRC of every whole chunk after the signature (so that a change reaches past pngjs's CRC check). */
function fixCrcs(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b);
  const view = new DataView(out.buffer);
  for (let at = 8; at + 12 <= out.length;) {
    const length = view.getUint32(at);
    if (length > out.length - at - 12) break;
    view.setUint32(at + 8 + length, crc32(out.subarray(at + 4, at + 8 + length)) >>> 0);
    at += 12 + length;
  }
  return out;
}

/** Changes aimed at a PNG's structure: IHDR fields, the IDAT's length, its data. */
type PngChange =
  | { kind: "ihdr"; field: "width" | "height"; value: number }
  | { kind: "ihdrByte"; offset: number; value: number }
  | { kind: "bomb"; bytes: number }
  | { kind: "bytes"; changes: Mutation[] };

const pngChange: fc.Arbitrary<PngChange> = fc.oneof(
  fc.record({
    kind: fc.constant("ihdr" as const),
    field: fc.constantFrom("width" as const, "height" as const),
    value: fc.oneof(fc.constantFrom(...LYING_U32), fc.nat(10_000)),
  }),
  fc.record({
    kind: fc.constant("ihdrByte" as const),
    offset: fc.integer({ min: 24, max: 28 }),
    value: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 6, 8, 16), fc.nat(255)),
  }),
  fc.record({
    kind: fc.constant("bomb" as const),
    bytes: fc.constantFrom(0, 1, 100, 2 ** 20, 2 ** 28, 2 ** 31),
  }),
  fc.record({
    kind: fc.constant("bytes" as const),
    changes: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  }),
);

function changePng(base: Uint8Array, changes: PngChange[]): Uint8Array {
  let b: Uint8Array = new Uint8Array(base);
  for (const c of changes) {
    if (c.kind === "ihdr" && b.length >= 24) {
      new DataView(b.buffer).setUint32(c.field === "width" ? 16 : 20, c.value);
    } else if (c.kind === "ihdrByte" && b.length > c.offset) {
      b[c.offset] = c.value;
    } else if (c.kind === "bomb" && b.length >= 29) {
      // The same header over `bytes` zeros of pixel data.
      const view = new DataView(b.buffer);
      b = png({
        width: view.getUint32(16),
        height: view.getUint32(20),
        bitDepth: b[24],
        colourType: b[25],
        interlace: b[28],
      }, zerosStream(c.bytes));
    } else if (c.kind === "bytes") {
      b = mutate(b, c.changes);
    }
  }
  return b;
}

Deno.test("fuzz: PNG and JPEG pictures changed at random decode or are refused in one line", async () => {
  const rgba = (w: number, h: number) =>
    Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 37) % 256);
  const withAlpha = new PNG({ width: 12, height: 9 });
  withAlpha.data = Buffer.from(rgba(12, 9));
  // Adam7 interlaced, 8-bit RGB, made by hand (pngjs writes no interlaced files): zero filter
  // bytes and pixels.
  const interlaced = { width: 11, height: 7, bitDepth: 8, colourType: 2, interlace: 1 };
  const { pngDataBytes } = await import("../../src/image/header.ts");
  const bases = [
    encodeGrayPng(Uint8Array.from({ length: 784 }, (_, i) => i % 256), 28, 28),
    new Uint8Array(PNG.sync.write(withAlpha)),
    png(interlaced, zlib(new Uint8Array(pngDataBytes(interlaced)))),
    new Uint8Array(jpeg.encode({ width: 16, height: 12, data: rgba(16, 12) }, 85).data),
  ];
  for (const b of bases) decodePicture(b, "base"); // every starting file is valid
  await inTemp(async (dir) => {
    const rss = Deno.memoryUsage().rss;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(bases.length - 1),
        fc.array(pngChange, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        async (which, changes, fix, viaFile) => {
          let bytes = changePng(bases[which], changes);
          if (fix && which < 3) bytes = fixCrcs(bytes);
          if (viaFile) {
            // As predict reads a picture: from a file, by name.
            const path = join(dir, `case${n++}.png`);
            await Deno.writeFile(path, bytes);
            await outcome(() => loadPictures(path), rss);
            await Deno.remove(path);
          } else {
            await outcome(() => preprocess(decodePicture(bytes, "case.png"), "case.png"), rss);
          }
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});
