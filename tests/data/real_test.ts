import assert from "node:assert/strict";
import { parseFashionCsv } from "../../src/data/csv.ts";
import { loadFashionMnist } from "../../src/data/dataset.ts";
import { readMaybeGzipped } from "../../src/data/idx.ts";
import { FILE_NAMES, type FileKey, SHA256, sha256Hex, SYSTEM_DIR } from "../../src/data/locate.ts";

const present = (() => {
  try {
    return Deno.statSync(SYSTEM_DIR).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "the real Fashion-MNIST loads: 60000/10000 images, 6000 per class, known digests",
  ignore: !present,
  fn: async () => {
    const { train, test, source } = await loadFashionMnist({ dataDir: SYSTEM_DIR });
    assert.equal(source, "flag");
    assert.deepEqual([train.count, train.rows, train.cols], [60000, 28, 28]);
    assert.deepEqual([test.count, test.images.length], [10000, 10000 * 784]);
    const hist = (labels: Uint8Array) => {
      const h = new Array(10).fill(0);
      for (const l of labels) h[l]++;
      return h;
    };
    assert.deepEqual(hist(train.labels), new Array(10).fill(6000));
    assert.deepEqual(hist(test.labels), new Array(10).fill(1000));
    for (const key of Object.keys(FILE_NAMES) as FileKey[]) {
      const bytes = await readMaybeGzipped(`${SYSTEM_DIR}/${FILE_NAMES[key]}.gz`);
      assert.equal(sha256Hex(bytes), SHA256[key], key);
    }
    // The test set round-trips through Kaggle's CSV format, at full size.
    const header = ["label", ...Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`)].join(",");
    const lines = [header];
    for (let i = 0; i < test.count; i++) {
      lines.push(`${test.labels[i]},${test.images.subarray(i * 784, (i + 1) * 784).join(",")}`);
    }
    const csv = parseFashionCsv(lines.join("\n") + "\n", "test.csv");
    assert.deepEqual(csv.labels, test.labels);
    assert.deepEqual(csv.images, test.images);
  },
});
