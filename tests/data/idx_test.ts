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
    "train-images-idx3-ubyte.gz: truncated IDX file (expected 7856 bytes, got 1000); " +
      "delete it and re-download, or pass --data-dir",
  );
  throwsUser(() => parseIdx(full.subarray(0, 10), "d.idx"), "d.idx: truncated", "header");
  throwsUser(() => parseIdx(new Uint8Array(2), "e.idx"), "e.idx: truncated");
  const long = new Uint8Array(full.length + 3);
  long.set(full);
  throwsUser(() => parseIdx(long, "f.idx"), "f.idx: IDX file has 3 trailing bytes");
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
    const outOfRange = await write("bad-labels", gz(idx([5], [0, 3, 10, 11, 2])));
    await rejectsUser(readLabels(outOfRange), `${outOfRange}: label 10 at index 2`);
  });
});
