import assert from "node:assert/strict";
import { join } from "node:path";
import { parseIdx, readIdxFile, readImages, readLabels } from "../../src/data/idx.ts";
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
