import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  MAX_DATA_BYTES,
  parseIdx,
  readIdxFile,
  readImages,
  readLabels,
  readMaybeGzipped,
  readRegularFile,
} from "../../src/data/idx.ts";
import { gz, idx, inTemp, rejectsUser, throwsUser } from "./_helpers.ts";

Deno.test("parseIdx reads dims and payload of labels and images", () => {
  const labels = parseIdx(idx([5], [0, 1, 2, 3, 9]), "l");
  assert.deepEqual(labels.dims, [5]);
  assert.deepEqual([...labels.data], [0, 1, 2, 3, 9]);
  const images = parseIdx(idx([2, 3, 4]), "i");
  assert.deepEqual(images.dims, [2, 3, 4]);
  assert.equal(images.data.length, 24);
  assert.equal(images.data[23], 23);
});

Deno.test("parseIdx rejects wrong magic, type, rank and size, naming the file", () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
  throwsUser(() => parseIdx(png, "a.idx"), "a.idx: not an IDX file", "0x89504e47");
  const float = idx([3]);
  float[2] = 0x0d;
  throwsUser(() => parseIdx(float, "b.idx"), "b.idx:", "element type 0x0d (float)");
  const rank2 = idx([2, 2]);
  throwsUser(() => parseIdx(rank2, "c.idx"), "c.idx:", "dimension count 2");
  const full = idx([10, 28, 28]);
  throwsUser(
    () => parseIdx(full.subarray(0, 1000), "train-images-idx3-ubyte.gz"),
    "train-images-idx3-ubyte.gz: header says 10 images of 28×28 (7,856 bytes with the 16-byte " +
      "header) but the file holds 1,000 bytes: truncated, or not an IDX file; " +
      "delete it and re-download, or pass --data-dir",
  );
  throwsUser(() => parseIdx(full.subarray(0, 10), "d.idx"), "d.idx: truncated", "header");
  throwsUser(() => parseIdx(new Uint8Array(2), "e.idx"), "e.idx: truncated");
  throwsUser(() => parseIdx(new Uint8Array(0), "empty.idx"), "empty.idx: empty file (0 bytes)");
  const long = new Uint8Array(full.length + 3);
  long.set(full);
  throwsUser(
    () => parseIdx(long, "f.idx"),
    "f.idx: header says 10 images of 28×28 (7,856 bytes with the 16-byte header) but the file " +
      "holds 7,859 bytes, 3 more: not an IDX file, or data appended without updating the header",
  );
  throwsUser(
    () => parseIdx(idx([5], [1, 2, 3, 4, 5]).subarray(0, 11), "l.idx"),
    "l.idx: header says 5 labels (13 bytes with the 8-byte header) but the file holds 11 bytes",
  );
});

/** An IDX file written little-endian (numpy's native order on x86): magic and dims byte-swapped. */
function littleEndian(bytes: Uint8Array, rank: number, magicToo = true): Uint8Array {
  const out = bytes.slice();
  for (let i = magicToo ? 0 : 1; i <= rank; i++) out.subarray(4 * i, 4 * i + 4).reverse();
  return out;
}

Deno.test("parseIdx recognises a header written in the wrong byte order", () => {
  const images = idx([10, 28, 28]);
  throwsUser(
    () => parseIdx(littleEndian(images, 3), "le-images"),
    "le-images: IDX header in little-endian byte order (magic bytes 03 08 00 00, expected " +
      `00 00 08 03): IDX numbers are big-endian, so its counts would be misread; write the ` +
      `header's numbers big-endian (numpy: dtype ">u4")`,
  );
  throwsUser(
    () => parseIdx(littleEndian(idx([7]), 1), "le-labels"),
    "le-labels: IDX header in little-endian byte order (magic bytes 01 08 00 00, expected " +
      "00 00 08 01)",
  );
  // Only the dimensions swapped: the header's sizes are absurd, swapped back they fit the file.
  throwsUser(
    () => parseIdx(littleEndian(images, 3, false), "dims"),
    "dims: header says 167,772,160 images of 469762048×469762048",
    "but the file holds 7,856 bytes; read little-endian, its header says 10 images of 28×28, " +
      "which fits: the dimensions were written in the wrong byte order",
  );
});

Deno.test("readIdxFile reads raw and gzipped files alike, by content not name", async () => {
  await inTemp(async (dir) => {
    const bytes = idx([4, 28, 28]);
    await Deno.writeFile(join(dir, "raw.gz"), bytes);
    await Deno.writeFile(join(dir, "zipped"), gz(bytes));
    for (const name of ["raw.gz", "zipped"]) {
      const { dims, data } = await readIdxFile(join(dir, name));
      assert.deepEqual(dims, [4, 28, 28]);
      assert.deepEqual(data, bytes.subarray(16));
    }
  });
});

Deno.test("readIdxFile reports missing files and corrupt gzip", async () => {
  await inTemp(async (dir) => {
    const missing = join(dir, "nope.gz");
    await rejectsUser(readIdxFile(missing), `${missing}: file not found`);
    const zipped = gz(idx([100, 28, 28]));
    const truncated = join(dir, "truncated.gz");
    await Deno.writeFile(truncated, zipped.subarray(0, zipped.length / 2));
    await rejectsUser(readIdxFile(truncated), `${truncated}: corrupt gzip data`, "re-download");
    const flipped = zipped.slice();
    flipped[flipped.length - 6] ^= 0xff; // the CRC-32 trailer
    const bad = join(dir, "bad.gz");
    await Deno.writeFile(bad, flipped);
    await rejectsUser(readIdxFile(bad), `${bad}: corrupt gzip data`);
  });
});

Deno.test("readImages wants 3 dims of 28×28; readLabels 1 dim of classes 0..9", async () => {
  await inTemp(async (dir) => {
    const write = async (name: string, bytes: Uint8Array) => {
      await Deno.writeFile(join(dir, name), bytes);
      return join(dir, name);
    };
    const images = await write("images", idx([3, 28, 28]));
    const labels = await write("labels", idx([4], [1, 2, 3, 9]));
    const img = await readImages(images);
    assert.deepEqual([img.count, img.rows, img.cols, img.data.length], [3, 28, 28, 3 * 784]);
    assert.deepEqual([...await readLabels(labels)], [1, 2, 3, 9]);
    await rejectsUser(readImages(labels), `${labels}: expected an IDX images file`);
    await rejectsUser(readLabels(images), `${images}: expected an IDX labels file`);
    const small = await write("small", idx([3, 27, 28]));
    await rejectsUser(readImages(small), `${small}: images are 27×28, expected 28×28`);
    const none = await write("none", idx([0, 28, 28]));
    await rejectsUser(readImages(none), `${none}: holds no images (its header says 0); delete`);
    const noLabels = await write("no-labels", gz(idx([0])));
    await rejectsUser(readLabels(noLabels), `${noLabels}: holds no labels (its header says 0)`);
    const outOfRange = await write("bad-labels", gz(idx([5], [0, 3, 10, 11, 2])));
    await rejectsUser(readLabels(outOfRange), `${outOfRange}: label 10 at index 2`);
  });
});

/** Makes a FIFO with mkfifo(1); null where there is none. */
async function fifo(path: string): Promise<string | null> {
  try {
    const { code } = await new Deno.Command("mkfifo", { args: [path] }).output();
    return code === 0 ? path : null;
  } catch {
    return null;
  }
}

Deno.test("readRegularFile reads regular files and links to them, refuses devices, FIFOs and folders before reading", async () => {
  await inTemp(async (dir) => {
    const file = join(dir, "a.idx");
    await Deno.writeFile(file, new Uint8Array([1, 2, 3]));
    await Deno.symlink(file, join(dir, "link"));
    assert.deepEqual([...await readRegularFile(join(dir, "link"), 10, "fix")], [1, 2, 3]);
    assert.deepEqual([...await readRegularFile(file, 3, "fix")], [1, 2, 3]);
    await rejectsUser(
      readRegularFile(file, 2, "fix"),
      `${file}: 1 MB, more than the 1 MB`,
      "; fix",
    );
    await rejectsUser(
      readRegularFile("/dev/zero", 10, "give a file"),
      "/dev/zero: a character device, not a regular file; give a file",
    );
    await Deno.symlink("/dev/zero", join(dir, "zero.csv"));
    await rejectsUser(
      readRegularFile(join(dir, "zero.csv"), MAX_DATA_BYTES, "fix"),
      "zero.csv: a character device, not a regular file",
    );
    await rejectsUser(readRegularFile(dir, 10, "fix"), `${dir}: a folder, not a regular file`);
    await rejectsUser(readRegularFile(join(dir, "nope"), 10, "fix"), "nope: file not found");
    // Opening a FIFO would wait for a writer: refused from its stat, never opened.
    const pipe = await fifo(join(dir, "pipe"));
    if (pipe) {
      await rejectsUser(
        readRegularFile(pipe, 10, "fix"),
        "pipe: a FIFO (named pipe), not a regular",
      );
    }
    // A sparse 600 MB file: refused by its size, without reading it.
    const big = join(dir, "big.csv");
    await Deno.writeFile(big, new Uint8Array());
    await Deno.truncate(big, 600_000_000);
    const rss = Deno.memoryUsage().rss;
    await rejectsUser(
      readMaybeGzipped(big, "split it"),
      `${big}: 600 MB, more than the 500 MB read from one file; split it`,
    );
    assert.ok(Deno.memoryUsage().rss - rss < 50e6);
  });
});

Deno.test("a gzipped IDX file inflates to at most the size its header implies", async () => {
  await inTemp(async (dir) => {
    // Header: 10 images of 28×28 (7,856 bytes); gzipped data: 300 MB (a small gzip bomb).
    const header = idx([10, 28, 28]).subarray(0, 16);
    const bomb = new Uint8Array(300_000_000);
    bomb.set(header);
    const path = join(dir, "bomb-idx3-ubyte.gz");
    await Deno.writeFile(path, gzipSync(bomb, { level: 1 }));
    const rss = Deno.memoryUsage().rss;
    const start = performance.now();
    await rejectsUser(
      readImages(path),
      `${path}: its IDX header says 7,856 bytes but its gzipped data holds more`,
      "decompressing stopped there",
    );
    assert.ok(performance.now() - start < 2000, `${performance.now() - start} ms`);
    assert.ok(Deno.memoryUsage().rss - rss < 100e6, "RSS grew by more than 100 MB");
    // Without an IDX header (a CSV, say), the cap is the data limit, here made small.
    const text = join(dir, "rows.csv.gz");
    await Deno.writeFile(text, gzipSync(new Uint8Array(5_000_000).fill(48)));
    await rejectsUser(
      readMaybeGzipped(text, "fix", 1_000_000),
      `${text}: decompresses to more than the 1 MB read from one file`,
    );
    // Its header in the wrong byte order still reads whole, for parseIdx to say so.
    const le = idx([3, 28, 28]);
    le.set([3, 8, 0, 0], 0);
    const dims = new DataView(le.buffer);
    [3, 28, 28].forEach((d, i) => dims.setUint32(4 + 4 * i, d, true));
    const lePath = join(dir, "le.gz");
    await Deno.writeFile(lePath, gzipSync(le));
    await rejectsUser(readImages(lePath), "little-endian");
  });
});
