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
import { UserError } from "../../src/util/errors.ts";
import {
  assertUserError,
  cycleLabels,
  gz,
  idx,
  inTemp,
  rejectsUser,
  throwsUser,
  writeDataset,
} from "./_helpers.ts";

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
    await rejectsUser(
      loadFashionMnist({ dataDir: dir }),
      `${labels}: has 29 labels but ${join(dir, FILE_NAMES.trainImages)} has 30 images: not a ` +
        "pair: one of them truncated, or from another set; re-download the pair",
    );
  });
});

Deno.test("loadFashionMnist (train's loader) refuses empty and malformed files, one line each", async () => {
  const cases: [string, (dir: string) => Promise<string>, string[]][] = [
    ["no training images", async (dir) => {
      await Deno.writeFile(join(dir, FILE_NAMES.trainImages), gz(idx([0, 28, 28])));
      await Deno.writeFile(join(dir, FILE_NAMES.trainLabels), gz(idx([0])));
      return FILE_NAMES.trainImages;
    }, ["holds no images (its header says 0); delete it and re-download, or pass --data-dir"]],
    ["an empty test labels file", async (dir) => {
      await Deno.writeFile(join(dir, FILE_NAMES.testLabels), new Uint8Array());
      return FILE_NAMES.testLabels;
    }, ["empty file (0 bytes)"]],
    ["a little-endian header", async (dir) => {
      const bytes = idx([20, 28, 28]);
      for (let i = 0; i < 4; i++) bytes.subarray(4 * i, 4 * i + 4).reverse();
      await Deno.writeFile(join(dir, FILE_NAMES.trainImages), bytes);
      return FILE_NAMES.trainImages;
    }, ["IDX header in little-endian byte order (magic bytes 03 08 00 00"]],
    ["a truncated image file", async (dir) => {
      await Deno.writeFile(join(dir, FILE_NAMES.testImages), idx([10, 28, 28]).subarray(0, 5000));
      return FILE_NAMES.testImages;
    }, [
      "header says 10 images of 28×28 (7,856 bytes with the 16-byte header) but the file holds 5,000 bytes: truncated, or not an IDX file",
    ]],
    ["test labels with train images", async (dir) => {
      await Deno.writeFile(join(dir, FILE_NAMES.testLabels), idx([20], cycleLabels(20)));
      return FILE_NAMES.testLabels;
    }, ["has 20 labels but", "has 10 images"]],
  ];
  for (const [what, spoil, parts] of cases) {
    await inTemp(async (dir) => {
      await writeDataset(dir, { train: 20, test: 10 });
      const file = join(dir, await spoil(dir));
      try {
        await loadFashionMnist({ dataDir: dir });
      } catch (e) {
        assertUserError(e, `${file}: `, ...parts);
        assert.equal((e as UserError).exitCode, 1, what);
        return;
      }
      assert.fail(`${what}: loaded`);
    });
  }
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
      `${join(dir, "labels2")}: has 2 labels but ${join(dir, "imgs.csv")} has 3 images: not a ` +
        "pair",
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
      `${join(dir, "two.idx")}: a CSV with a label column carries its own labels (no header: ` +
        `label in column 1, 784 pixels in columns 2-785), so ${join(dir, "labels")} does not ` +
        "apply; drop --labels",
    );

    await Deno.writeFile(join(dir, "pic.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff]));
    await rejectsUser(
      loadImagesFile(join(dir, "pic.png")),
      "pic.png: a PNG picture",
      "not picture files",
    );
    await Deno.writeFile(join(dir, "small"), idx([1, 8, 8]));
    await rejectsUser(loadImagesFile(join(dir, "small")), "images are 8×8", "Fashion-MNIST CSV");
  });
});

Deno.test("loadImagesFile: label-last and label-less CSVs; IDX labels for a label-less CSV", async () => {
  await inTemp(async (dir) => {
    const pixels = Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`);
    const images = [0, 1, 2].map((n) => Array.from({ length: 784 }, (_, p) => (p * n) % 256));
    const write = async (name: string, lines: (string | number)[][]) => {
      await Deno.writeTextFile(join(dir, name), lines.map((l) => l.join(",")).join("\n"));
      return join(dir, name);
    };
    const last = await write("last.csv", [
      [...pixels, "class"],
      ...images.map((px, n) => [...px, 7 + n]),
    ]);
    const a = await loadImagesFile(last);
    assert.deepEqual([...a.labels!], [7, 8, 9]);
    assert.deepEqual([...a.images.subarray(784, 2 * 784)], images[1]);
    assert.equal(a.layout, 'header: label in column 785 ("class"), 784 pixels in columns 1-784');
    // Excel's "Unicode text": UTF-16LE with a byte-order mark, tab-separated.
    const utf16 = "\ufeff" + [["label", ...pixels], ...images.map((px, n) => [n, ...px])]
      .map((l) => l.join("\t")).join("\r\n");
    const u16 = new Uint8Array(utf16.length * 2);
    for (let i = 0; i < utf16.length; i++) {
      new DataView(u16.buffer).setUint16(2 * i, utf16.charCodeAt(i), true);
    }
    await Deno.writeFile(join(dir, "excel.txt"), u16);
    const excel = await loadImagesFile(join(dir, "excel.txt"));
    assert.deepEqual([...excel.labels!], [0, 1, 2]);
    assert.deepEqual([...excel.images.subarray(784, 2 * 784)], images[1]);
    assert.match(excel.layout!, /separated by tabs/);
    const none = await write("none.csv", [pixels, ...images]);
    const b = await loadImagesFile(none);
    assert.equal(b.labels, null);
    assert.equal(b.count, 3);
    assert.deepEqual([...b.images.subarray(2 * 784)], images[2]);
    await Deno.writeFile(join(dir, "labels"), idx([3], [4, 5, 6]));
    assert.deepEqual([...(await loadImagesFile(none, join(dir, "labels"))).labels!], [4, 5, 6]);
    await Deno.writeFile(join(dir, "labels4"), idx([4], [4, 5, 6, 7]));
    await rejectsUser(
      loadImagesFile(none, join(dir, "labels4")),
      `${join(dir, "labels4")}: has 4 labels but ${none} has 3 images`,
    );
  });
});

Deno.test("loadImagesFile refuses empty, little-endian, zero-image and mis-sized files", async () => {
  await inTemp(async (dir) => {
    const put = async (name: string, bytes: Uint8Array | string) => {
      const path = join(dir, name);
      if (typeof bytes === "string") await Deno.writeTextFile(path, bytes);
      else await Deno.writeFile(path, bytes);
      return path;
    };
    const empty = await put("empty.csv", new Uint8Array());
    await rejectsUser(loadImagesFile(empty), `${empty}: empty file (0 bytes); pass IDX images`);
    const emptyGz = await put("empty.gz", gz(new Uint8Array()));
    await rejectsUser(loadImagesFile(emptyGz), `${emptyGz}: empty file (0 bytes)`);
    const header = await put("header.csv", "label," + Array(784).fill("p").join(",") + "\n");
    await rejectsUser(
      loadImagesFile(header),
      `${header}: no images in CSV file (a header and no rows)`,
    );
    const zero = await put("zero", idx([0, 28, 28]));
    await rejectsUser(loadImagesFile(zero), `${zero}: holds no images (its header says 0)`);
    // Little-endian IDX starts 03 08 00 00: valid UTF-8, but never read as a CSV.
    const le = idx([2, 28, 28]);
    for (let i = 0; i < 4; i++) le.subarray(4 * i, 4 * i + 4).reverse();
    const lePath = await put("le.idx", gz(le));
    await rejectsUser(loadImagesFile(lePath), `${lePath}: IDX header in little-endian byte order`);
    const short = await put("short", idx([10000, 28, 28]).subarray(0, 7_840_000));
    await rejectsUser(
      loadImagesFile(short),
      `${short}: header says 10,000 images of 28×28 (7,840,016 bytes with the 16-byte header) ` +
        "but the file holds 7,840,000 bytes: truncated, or not an IDX file; pass IDX images",
    );
    const binary = await put("bin", new Uint8Array([0x41, 0, 0x42, 0x43]));
    await rejectsUser(loadImagesFile(binary), `${binary}: neither an IDX file nor a text CSV`);
    await Deno.writeFile(join(dir, "no-labels"), idx([0]));
    const images = await put("images", idx([2, 28, 28]));
    await rejectsUser(
      loadImagesFile(images, join(dir, "no-labels")),
      `${join(dir, "no-labels")}: holds no labels (its header says 0)`,
    );
  });
});
