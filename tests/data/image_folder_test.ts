// Folders of labelled pictures (train/evaluate --images, similar --catalog): layout, what is left
// out, what is refused before decoding, and the 28×28 pixels that come out.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  checkFolderHeaders,
  classKey,
  listImageFolder,
  loadImageFolder,
  matchClassNames,
  MAX_CLASS_NAME,
  samplePictures,
} from "../../src/data/image_folder.ts";
import { samplePerClass } from "../../src/data/subset.ts";
import { encodeGrayPng } from "../../src/image/decode.ts";
import { UserError } from "../../src/util/errors.ts";
import { png } from "../image/_png.ts";

/** A 28×28 dataset-like picture (dark background, one bright square whose place is `seed`). */
function picture(seed: number): { bytes: Uint8Array; pixels: Uint8Array } {
  const pixels = new Uint8Array(784);
  const x0 = 4 + (seed % 10), y0 = 4 + Math.floor(seed / 10) % 10;
  for (let y = y0; y < y0 + 10; y++) for (let x = x0; x < x0 + 10; x++) pixels[y * 28 + x] = 200;
  return { bytes: encodeGrayPng(pixels, 28, 28), pixels };
}

/** Writes `layout` (path → number: a picture of that seed, string: text) under a temp folder. */
async function folder(layout: Record<string, number | string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "image_folder_" });
  for (const [path, what] of Object.entries(layout)) {
    const full = join(dir, path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    if (typeof what === "number") await Deno.writeFile(full, picture(what).bytes);
    else await Deno.writeTextFile(full, what);
  }
  return dir;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    assert.ok(!e.message.includes("\n"), e.message);
    return e.message;
  }
  assert.fail("expected a refusal");
}

Deno.test("class names are the class folders' names in code-point order; subfolders are read", async () => {
  const dir = await folder({
    "bag/a.png": 1,
    "bag/more/deeper/b.png": 2,
    "Sneaker/c.png": 3,
    "ankle boot/d.png": 4,
    "ankle boot/e.png": 5,
  });
  try {
    const warnings: string[] = [];
    const l = await listImageFolder(dir, { warn: (w) => warnings.push(w) });
    // Upper case sorts before lower case by code point, as Python's sorted().
    assert.deepEqual(l.classNames, ["Sneaker", "ankle boot", "bag"]);
    assert.deepEqual(l.perClass, [1, 2, 2]);
    assert.deepEqual(
      l.pictures.map((p) => [p.file.slice(dir.length + 1), p.label]),
      [
        ["Sneaker/c.png", 0],
        ["ankle boot/d.png", 1],
        ["ankle boot/e.png", 1],
        ["bag/a.png", 2],
        ["bag/more/deeper/b.png", 2],
      ],
    );
    assert.deepEqual(warnings, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hidden entries, non-pictures and files beside the class folders are left out", async () => {
  const dir = await folder({
    "a/1.png": 1,
    "a/notes.txt": "not a picture",
    "a/.hidden.png": 2,
    "b/2.png": 3,
    ".ipynb_checkpoints/x.png": 4,
    "README.md": "hello",
  });
  try {
    const warnings: string[] = [];
    const l = await listImageFolder(dir, { warn: (w) => warnings.push(w) });
    assert.deepEqual(l.classNames, ["a", "b"]);
    assert.equal(l.pictures.length, 2);
    const why = Object.fromEntries(l.skipped.map((s) => [s.file.slice(dir.length + 1), s.why]));
    assert.match(why["README.md"], /beside the class folders/);
    assert.match(why["a/notes.txt"], /not a picture/);
    assert.equal(why[".ipynb_checkpoints"], "hidden");
    assert.equal(why["a/.hidden.png"], "hidden");
    // One warning for the loose file, one summary line for the non-pictures.
    assert.ok(warnings.some((w) => w.includes("README.md")), warnings.join("\n"));
    assert.ok(warnings.some((w) => /left out 1 file\(s\) that are not pictures/.test(w)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a picture named without an extension is found by its content", async () => {
  const dir = await folder({ "a/photo": 1, "b/x.png": 2 });
  try {
    const l = await listImageFolder(dir);
    assert.equal(l.pictures.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("symbolic links: out of the folder or dangling, left out with a warning; inside, followed", async () => {
  const dir = await folder({ "a/1.png": 1, "b/2.png": 2 });
  const outside = await Deno.makeTempDir({ prefix: "image_folder_out_" });
  try {
    await Deno.writeFile(join(outside, "secret.png"), picture(3).bytes);
    await Deno.symlink(join(outside, "secret.png"), join(dir, "a", "link-out.png"));
    await Deno.symlink(outside, join(dir, "c"));
    await Deno.symlink(join(dir, "nowhere.png"), join(dir, "b", "dangling.png"));
    await Deno.symlink(join(dir, "a", "1.png"), join(dir, "b", "inside.png"));
    const warnings: string[] = [];
    const l = await listImageFolder(dir, { warn: (w) => warnings.push(w) });
    assert.deepEqual(l.classNames, ["a", "b"]);
    assert.deepEqual(
      l.pictures.map((p) => p.file.slice(dir.length + 1)),
      ["a/1.png", "b/2.png", "b/inside.png"],
    );
    // The link inside is read at its real path.
    assert.equal(l.pictures[2].path, await Deno.realPath(join(dir, "a", "1.png")));
    assert.equal(
      warnings.filter((w) => /outside the folder: not followed; left out/.test(w)).length,
      2,
    );
    assert.ok(warnings.some((w) => /dangling\.png: .*leads to nothing/.test(w)));
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("a FIFO in a class folder is left out with a warning, never opened", async () => {
  const dir = await folder({ "a/1.png": 1, "b/2.png": 2 });
  try {
    const made = await new Deno.Command("mkfifo", { args: [join(dir, "a", "pipe.png")] }).output();
    if (!made.success) return; // no mkfifo here
    const warnings: string[] = [];
    const l = await listImageFolder(dir, { warn: (w) => warnings.push(w) });
    assert.equal(l.pictures.length, 2);
    assert.ok(warnings.some((w) => /pipe\.png: a FIFO/i.test(w)), warnings.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("refused in one line naming the folder: empty class, too few classes, clashing names", async () => {
  const cases: [Record<string, number | string>, number, RegExp][] = [
    [{ "a/1.png": 1, "b/notes.txt": "x" }, 1, /\/b: an empty class folder/],
    [{ "a/1.png": 1 }, 2, /1 class folder, at least 2 needed/],
    [
      { "1.png": 1, "2.png": 2 },
      2,
      /0 class folders, at least 2 needed.*2 files lie directly in it/,
    ],
    [{ "Bag/1.png": 1, "bag/2.png": 2 }, 1, /"Bag" and "bag" differ only in case/],
    [{ "a/1.png": 1, "--/2.png": 2 }, 1, /without a letter or digit/],
    [{ "a/1.png": 1, [`${"x".repeat(MAX_CLASS_NAME + 1)}/2.png`]: 2 }, 1, /longer than 100/],
  ];
  for (const [layout, minClasses, message] of cases) {
    const dir = await folder(layout);
    try {
      const m = await refusal(
        listImageFolder(dir, { minClasses, flag: "--images", warn: () => {} }),
      );
      assert.match(m, message);
      assert.match(m, /^--images /);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  assert.match(await refusal(listImageFolder("/nonexistent-folder")), /no such folder/);
});

Deno.test("a control character in a class name is refused, shown escaped", async () => {
  const dir = await folder({ "a/1.png": 1, "b\nc/2.png": 2 });
  try {
    const m = await refusal(listImageFolder(dir));
    assert.match(m, /b\\nc: a class folder's name has control characters/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("headers are checked before decoding: damaged, undecodable and oversized pictures", async () => {
  const gif = new Uint8Array([
    ...new TextEncoder().encode("GIF89a"),
    10,
    0,
    10,
    0,
    0,
    0,
    0,
    ...new Array(20).fill(0),
  ]);
  const cases: [string, Uint8Array, RegExp][] = [
    ["bad.png", new TextEncoder().encode("this is not a png"), /bad\.png: not a picture/],
    ["anim.png", gif, /anim\.png: a GIF picture; the command line reads PNG and JPEG/],
    // A 20000×20000 header over no data: refused from the header (400 megapixels).
    [
      "huge.png",
      png({ width: 20000, height: 20000 }, new Uint8Array(8)),
      /huge\.png: .*20,000×20,000/,
    ],
    ["empty.png", new Uint8Array(0), /empty\.png: empty file/],
  ];
  for (const [name, bytes, message] of cases) {
    const dir = await folder({ "a/1.png": 1, "b/2.png": 2 });
    try {
      await Deno.writeFile(join(dir, "b", name), bytes);
      const l = await listImageFolder(dir);
      assert.match(await refusal(checkFolderHeaders(l)), message);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("loadImageFolder: 28×28 pictures come back as their own pixels, labelled by folder", async () => {
  const dir = await folder({ "b/x.png": 7, "a/y.png": 3, "a/z.png": 42 });
  try {
    const ds = await loadImageFolder(dir, { quiet: true });
    assert.deepEqual(ds.classNames, ["a", "b"]);
    assert.equal(ds.count, 3);
    assert.deepEqual([...ds.labels], [0, 0, 1]);
    for (const [i, seed] of [3, 42, 7].entries()) {
      assert.deepEqual(ds.images.subarray(i * 784, (i + 1) * 784), picture(seed).pixels);
    }
    assert.equal(ds.descriptions.length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("samplePictures draws the pictures samplePerClass would draw from the same seed", async () => {
  const layout: Record<string, number> = {};
  for (let i = 0; i < 12; i++) layout[`c${i % 3}/p${String(i).padStart(2, "0")}.png`] = i;
  const dir = await folder(layout);
  try {
    const l = await listImageFolder(dir);
    const drawn = samplePictures(l, 2, 5);
    assert.deepEqual(drawn.perClass, [2, 2, 2]);
    // The same draw on a dataset whose image i is the listing's picture i.
    const ds = {
      images: new Uint8Array(l.pictures.length * 784),
      labels: Uint8Array.from(l.pictures, (p) => p.label),
      count: l.pictures.length,
      rows: 28,
      cols: 28,
    };
    l.pictures.forEach((_, i) => ds.images.fill(i, i * 784, (i + 1) * 784));
    const expected = samplePerClass(ds, 2, 3, 5);
    const picked = Array.from({ length: expected.count }, (_, i) => expected.images[i * 784]);
    assert.deepEqual(drawn.pictures, picked.map((i) => l.pictures[i]));
    assert.match(
      await refusal(Promise.resolve().then(() => samplePictures(l, 5, 1))),
      /--per-class 5: class "c0" has only 4 pictures/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("class names match across folders and models by letters and digits", () => {
  assert.equal(classKey("T-shirt/top"), "tshirttop");
  assert.equal(classKey("t-shirt_top"), "tshirttop");
  assert.equal(classKey("Ankle boot"), "ankleboot");
  assert.equal(classKey("ＢＡＧ"), "bag"); // NFKC: full-width letters
  assert.deepEqual(
    matchClassNames(["Bag", "hat", "T-shirt_top"], ["T-shirt/top", "Trouser", "Bag"]),
    [2, -1, 0],
  );
});
