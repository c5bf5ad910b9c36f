/**
 * predict on the inputs users have: CSV layouts (label first, last, none, a pandas index), images
 * with a light background, and empty or malformed files. Every file is made here from the first
 * 20 test images; a small saved model predicts them, and each readable layout must give the
 * predictions (and accuracy) of the same images read from IDX.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadFashionMnist, subset, SYSTEM_DIR } from "../../src/data/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const present = (() => {
  try {
    return Deno.statSync(SYSTEM_DIR).isDirectory;
  } catch {
    return false;
  }
})();

async function predict(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "src/cli/predict.ts"), ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.doesNotMatch(stdout + stderr, /NaN/);
  return { code: out.code, stdout, stderr };
}

/** An IDX file of unsigned bytes with the given dims. */
function idx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

Deno.test({
  name: "predict: CSV layouts, light backgrounds and malformed files",
  ignore: !present,
  fn: async (t) => {
    const { train, test } = await loadFashionMnist({ dataDir: SYSTEM_DIR });
    const first = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);
    const images = subset(test, first(20));
    const { trainAndTest } = await import("../../src/baselines/run.ts");
    const dir = await Deno.makeTempDir({ prefix: "predict_inputs_" });
    await trainAndTest("logistic-regression", subset(train, first(500)), images, {
      trainImages: 500,
      seed: 1,
      dir,
    });
    const model = join(dir, "logistic-regression");
    const px = (n: number) => [...images.images.subarray(n * 784, (n + 1) * 784)];
    const inverted = (n: number) => px(n).map((v) => 255 - v);
    const names = Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`);
    const write = async (name: string, header: (string | number)[] | null, rows: unknown[][]) => {
      const lines = (header ? [header, ...rows] : rows).map((r) => r.join(","));
      await Deno.writeTextFile(join(dir, name), lines.join("\n") + "\n");
      return join(dir, name);
    };
    const rows = (f: (n: number, label: number) => unknown[]) =>
      Array.from({ length: 20 }, (_, n) => f(n, images.labels[n]));
    const json = async (args: string[], stderr?: RegExp) => {
      const r = await predict(["--model", model, "--json", ...args]);
      assert.equal(r.code, 0, r.stderr);
      if (stderr) assert.match(r.stderr, stderr);
      return JSON.parse(r.stdout);
    };

    await Deno.writeFile(join(dir, "images.idx"), idx([20, 28, 28], images.images));
    await Deno.writeFile(join(dir, "labels.idx"), idx([20], images.labels));
    const idxArgs = ["--images", join(dir, "images.idx"), "--labels", join(dir, "labels.idx")];
    const reference = await json(idxArgs);
    assert.equal(reference.predictions.length, 20);
    assert.ok(reference.accuracy > 0.5, `accuracy ${reference.accuracy}`);
    assert.deepEqual(reference.inverted, []);
    assert.deepEqual(reference.lightBackground, []);
    const same = (got: { predictions: number[]; accuracy: number | null }, labelled = true) => {
      assert.deepEqual(got.predictions, reference.predictions);
      assert.equal(got.accuracy, labelled ? reference.accuracy : null);
    };

    await t.step("label column found by name, first or last; none: accuracy null", async () => {
      const kaggle = await write("kaggle.csv", ["label", ...names], rows((n, l) => [l, ...px(n)]));
      same(await json(["--images", kaggle]));
      // The csv-label-last sample's layout (OpenML's): pixel1..pixel784,class.
      const openml = await write("openml.csv", [...names, "class"], rows((n, l) => [...px(n), l]));
      same(await json(["--images", openml], /label in column 785 \("class"\)/));
      // The csv-no-label sample's layout.
      const none = await write("none.csv", names, rows((n) => px(n)));
      same(await json(["--images", none], /no label column \(accuracy not computed\)/), false);
      const text = await predict(["--model", model, "--images", none]);
      assert.match(text.stdout, /20 images predicted/);
      // pandas' to_csv with its index.
      const pandas = await write(
        "pandas.csv",
        ["", ...names, "y"],
        rows((n, l) => [n, ...px(n), l]),
      );
      same(await json(["--images", pandas], /column 1 \(unnamed\) skipped as a row index/));
    });

    await t.step(
      "light backgrounds are inverted and said; --no-invert keeps them, warning",
      async () => {
        // The inverted20 sample's layout: Kaggle's CSV, every pixel p written as 255 - p.
        const light = await write(
          "light.csv",
          ["label", ...names],
          rows((n, l) => [l, ...inverted(n)]),
        );
        const fixed = await json(["--images", light], /all 20 images have a light background/);
        same(fixed);
        assert.deepEqual(fixed.inverted, [...first(20)]);
        const kept = await json(
          ["--images", light, "--no-invert"],
          /warning: .*light\.csv: all 20 images have a light background .*kept as they are \(--no-invert\)/,
        );
        assert.deepEqual(kept.inverted, []);
        assert.deepEqual(kept.lightBackground, [...first(20)]);
        assert.ok(kept.accuracy < reference.accuracy, `accuracy ${kept.accuracy} when kept`);
        // Some images inverted among normal ones, in IDX.
        const mixed = images.images.slice();
        for (const n of [3, 7]) mixed.set(inverted(n), n * 784);
        await Deno.writeFile(join(dir, "mixed.idx"), idx([20, 28, 28], mixed));
        const some = await json(
          ["--images", join(dir, "mixed.idx"), "--labels", join(dir, "labels.idx")],
          /2 of 20 images \(3, 7\) have a light background \(the mean of their border pixels is above 127\.5/,
        );
        same(some);
        assert.deepEqual(some.inverted, [3, 7]);
      },
    );

    await t.step("empty and malformed files: one line naming the file, exit 1", async () => {
      const fails = async (args: string[], message: string) => {
        const r = await predict(["--model", model, ...args]);
        assert.equal(r.code, 1, r.stderr);
        const line = r.stderr.trimEnd().split("\n").at(-1)!;
        assert.ok(line.startsWith("error: ") && line.includes(message), line);
        assert.equal(r.stdout, "");
      };
      const empty = join(dir, "empty.csv");
      await Deno.writeTextFile(empty, "");
      await fails(["--images", empty], `${empty}: empty file (0 bytes)`);
      const header = await write("header.csv", ["label", ...names], []);
      await fails(["--images", header], `${header}: no images in CSV file (a header and no rows)`);
      const unnamed = await write("unnamed.csv", ["kind", ...names], rows((n, l) => [l, ...px(n)]));
      await fails(
        ["--images", unnamed],
        `${unnamed}: line 1: header has 785 columns: no label column (label, class, target, y)`,
      );
      const le = idx([20, 28, 28], images.images);
      for (let i = 0; i < 4; i++) le.subarray(4 * i, 4 * i + 4).reverse();
      await Deno.writeFile(join(dir, "le.idx"), le);
      await fails(["--images", join(dir, "le.idx")], "IDX header in little-endian byte order");
      await Deno.writeFile(join(dir, "zero.idx"), idx([0, 28, 28], new Uint8Array()));
      await fails(["--images", join(dir, "zero.idx")], "holds no images (its header says 0)");
      await Deno.writeFile(join(dir, "labels19.idx"), idx([19], images.labels.subarray(0, 19)));
      await fails(
        ["--images", join(dir, "images.idx"), "--labels", join(dir, "labels19.idx")],
        `labels19.idx: has 19 labels but ${join(dir, "images.idx")} has 20 images`,
      );
    });
    await Deno.remove(dir, { recursive: true });
  },
});
