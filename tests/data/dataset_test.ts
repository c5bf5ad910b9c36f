import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CLASS_NAMES,
  type Dataset,
  loadFashionMnist,
  loadImagesFile,
  stratifiedSplit,
  subset,
} from "../../src/data/dataset.ts";
import { FILE_NAMES } from "../../src/data/locate.ts";
import { cycleLabels, gz, idx, inTemp, rejectsUser, throwsUser, writeDataset } from "./_helpers.ts";

Deno.test("CLASS_NAMES lists the ten Fashion-MNIST classes in label order", () => {
  assert.equal(CLASS_NAMES.length, 10);
  assert.equal(CLASS_NAMES[0], "T-shirt/top");
  assert.equal(CLASS_NAMES[9], "Ankle boot");
});

Deno.test("stratifiedSplit keeps class proportions and covers every index once", () => {
  // Unbalanced classes: class c has 100 * (c + 1) members.
  const labels = new Uint8Array(
    Array.from({ length: 10 }, (_, c) => Array(100 * (c + 1)).fill(c)).flat(),
  );
  const { train, val } = stratifiedSplit(labels, 0.1, 7);
  assert.equal(train.length + val.length, labels.length);
  assert.deepEqual(
    [...new Set([...train, ...val])].sort((a, b) => a - b),
    Array.from(labels.keys()),
  );
  const perClass = new Array(10).fill(0);
  for (const i of val) perClass[labels[i]]++;
  assert.deepEqual(perClass, Array.from({ length: 10 }, (_, c) => 10 * (c + 1)));
  assert.ok(val.every((v, i) => i === 0 || val[i - 1] < v), "val is sorted");
});

Deno.test("stratifiedSplit is deterministic per seed; fraction 0 gives no val", () => {
  const labels = cycleLabels(1000);
  const a = stratifiedSplit(labels, 0.2, 1);
  assert.deepEqual(a, stratifiedSplit(labels, 0.2, 1));
  assert.notDeepEqual(a.val, stratifiedSplit(labels, 0.2, 2).val);
  const none = stratifiedSplit(labels, 0, 1);
  assert.equal(none.val.length, 0);
  assert.deepEqual([...none.train], Array.from(labels.keys()));
  throwsUser(() => stratifiedSplit(labels, 1, 1), "validation fraction must be in [0, 1), got 1");
  throwsUser(() => stratifiedSplit(labels, -0.1, 1), "got -0.1");
});

Deno.test("subset copies the chosen images and labels in order", () => {
  const ds: Dataset = {
    images: Uint8Array.from({ length: 5 * 4 }, (_, i) => i),
    labels: Uint8Array.from([0, 1, 2, 3, 4]),
    count: 5,
    rows: 2,
    cols: 2,
  };
  const s = subset(ds, [4, 1]);
  assert.deepEqual([s.count, s.rows, s.cols], [2, 2, 2]);
  assert.deepEqual([...s.labels], [4, 1]);
  assert.deepEqual([...s.images], [16, 17, 18, 19, 4, 5, 6, 7]);
  assert.throws(() => subset(ds, [5]), RangeError);
});

Deno.test("loadFashionMnist loads a dir and applies limit to train only", async () => {
  await inTemp(async (dir) => {
    await writeDataset(dir, { zip: true, train: 30, test: 12 });
    const all = await loadFashionMnist({ dataDir: dir });
    assert.equal(all.source, "flag");
    assert.equal(all.dir, dir);
    assert.deepEqual([all.train.count, all.train.rows, all.train.cols], [30, 28, 28]);
    assert.equal(all.train.images.length, 30 * 784);
    assert.equal(all.test.count, 12);
    assert.equal(all.test.images[0], 255);
    const some = await loadFashionMnist({ dataDir: dir, limit: 7 });
    assert.equal(some.train.count, 7);
    assert.equal(some.train.images.length, 7 * 784);
    assert.deepEqual(some.train.images, all.train.images.subarray(0, 7 * 784));
    assert.deepEqual([...some.train.labels], [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(some.test.count, 12);
    await rejectsUser(loadFashionMnist({ dataDir: dir, limit: 0 }), "limit must be a positive");
  });
});

Deno.test("loadFashionMnist rejects images and labels of different counts", async () => {
  await inTemp(async (dir) => {
    await writeDataset(dir, { train: 30 });
    const labels = join(dir, FILE_NAMES.trainLabels);
    await Deno.writeFile(labels, idx([29], cycleLabels(29)));
    await rejectsUser(loadFashionMnist({ dataDir: dir }), `${labels}: has 29 labels but`);
  });
});

Deno.test("loadImagesFile reads IDX (raw or gzipped, labels optional) and CSV", async () => {
  await inTemp(async (dir) => {
    const images = idx([3, 28, 28]);
    await Deno.writeFile(join(dir, "imgs.csv"), gz(images)); // content decides, not the name
    await Deno.writeFile(join(dir, "labels"), idx([3], [4, 5, 6]));
    await Deno.writeFile(join(dir, "labels2"), idx([2], [4, 5]));
    const plain = await loadImagesFile(join(dir, "imgs.csv"));
    assert.deepEqual([plain.format, plain.count, plain.rows, plain.cols], ["idx", 3, 28, 28]);
    assert.equal(plain.labels, null);
    assert.deepEqual(plain.images, images.subarray(16));
    const labelled = await loadImagesFile(join(dir, "imgs.csv"), join(dir, "labels"));
    assert.deepEqual([...labelled.labels!], [4, 5, 6]);
    await rejectsUser(
      loadImagesFile(join(dir, "imgs.csv"), join(dir, "labels2")),
      `${join(dir, "labels2")}: has 2 labels but ${join(dir, "imgs.csv")} has 3 images`,
    );

    const csv = [1, 8].map((l) => [l, ...new Array(784).fill(l * 10)].join(",")).join("\n");
    await Deno.writeTextFile(join(dir, "two.idx"), csv);
    const fromCsv = await loadImagesFile(join(dir, "two.idx"));
    assert.deepEqual([fromCsv.format, fromCsv.count, fromCsv.rows, fromCsv.cols], [
      "csv",
      2,
      28,
      28,
    ]);
    assert.deepEqual([...fromCsv.labels!], [1, 8]);
    assert.equal(fromCsv.images[784], 80);
    await rejectsUser(
      loadImagesFile(join(dir, "two.idx"), join(dir, "labels")),
      "a CSV carries its own labels",
    );

    await Deno.writeFile(join(dir, "pic.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff]));
    await rejectsUser(loadImagesFile(join(dir, "pic.png")), "pic.png: neither an IDX file");
    await Deno.writeFile(join(dir, "small"), idx([1, 8, 8]));
    await rejectsUser(loadImagesFile(join(dir, "small")), "images are 8×8", "Kaggle-format");
  });
});
