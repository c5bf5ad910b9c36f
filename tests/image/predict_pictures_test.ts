// `deno task predict --images` with pictures: the shipped reference model on PNG/JPEG files and
// folders, what it saves with --save-inputs, and the one-line refusals for bad pictures.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { loadFashionMnist } from "../../src/data/dataset.ts";
import { decodePicture } from "../../src/image/decode.ts";

const PREDICT = new URL("../../src/cli/predict.ts", import.meta.url).pathname;
const MODEL = new URL("../../web/model/", import.meta.url).pathname;
// Test image 1 (a Pullover) as users have it: photographed on white (224×224, PNG and JPEG) and as
// a 28×28 gray PNG; copies of the shared cases' light-background-images.
const PICTURES = new URL("./fixtures/", import.meta.url).pathname;

async function predict(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PREDICT, "--model", MODEL, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** Test image `i` as a product photo: ×`scale`, negated, on white margins, RGB. */
function photo(src: Uint8Array, scale: number, margin: number) {
  const side = 28 * scale + 2 * margin;
  const data = new Uint8Array(side * side * 4).fill(255);
  for (let y = 0; y < 28 * scale; y++) {
    for (let x = 0; x < 28 * scale; x++) {
      const v = 255 - src[Math.floor(y / scale) * 28 + Math.floor(x / scale)];
      data.set([v, v, v, 255], ((y + margin) * side + x + margin) * 4);
    }
  }
  return { width: side, height: side, data };
}

Deno.test({
  name: "predict reads a folder of PNG and JPEG photos as the IDX test images predict",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "pictures-" });
    try {
      const { test } = await loadFashionMnist();
      for (let i = 0; i < 20; i++) {
        const img = photo(test.images.subarray(i * 784, (i + 1) * 784), 4, 10 + i);
        const name = join(dir, `img${String(i).padStart(2, "0")}`);
        if (i % 2) {
          const png = new PNG({ width: img.width, height: img.height });
          png.data = Buffer.from(img.data);
          await Deno.writeFile(`${name}.png`, PNG.sync.write(png));
        } else {
          await Deno.writeFile(`${name}.jpg`, jpeg.encode(img, 95).data);
        }
      }
      await Deno.writeTextFile(join(dir, "notes.txt"), "not a picture");
      const saved = join(dir, "seen");
      const [pictures, idx] = await Promise.all([
        predict("--images", dir, "--save-inputs", saved, "--json"),
        predict("--limit", "20", "--json"),
      ]);
      assert.equal(pictures.code, 0, pictures.stderr);
      assert.equal(idx.code, 0, idx.stderr);
      const a = JSON.parse(pictures.stdout);
      const b = JSON.parse(idx.stdout);
      assert.equal(a.count, 20);
      assert.equal(a.accuracy, null);
      assert.deepEqual(a.inverted, [...Array(20).keys()]);
      assert.match(pictures.stderr, /left out 1 file\(s\) that are not pictures/);
      // Test image 17 ends a row short of 28, so its refit differs (tests/image/preprocess_test).
      const same = a.predictions.filter((p: number, i: number) => p === b.predictions[i]).length;
      assert.ok(same >= 19, `${same} of 20 as from IDX: ${a.predictions} vs ${b.predictions}`);
      // What --save-inputs wrote is what the model saw: 28×28 gray, the garment on black.
      const seen = decodePicture(await Deno.readFile(join(saved, "img01.28x28.png")), "img01");
      assert.equal(seen.width, 28);
      let diff = 0;
      for (let p = 0; p < 784; p++) diff += Math.abs(seen.data[p * 4] - test.images[784 + p]);
      assert.ok(diff / 784 < 1, `saved 28×28 differs from test image 1 by ${diff / 784} per pixel`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("predict classifies the photographed pullover (test image 1 on white)", async (t) => {
  const r = await predict("--images", PICTURES, "--json");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const files = out.pictures.map((p: { file: string }) => p.file.split("/").pop());
  assert.deepEqual(files, [
    "pullover_28x28_gray.png",
    "pullover_white_bg_224.jpg",
    "pullover_white_bg_224.png",
  ]);
  // Test image 1 is a Pullover (class 2); the photos have a white background, negated.
  assert.deepEqual(out.predictions, [2, 2, 2]);
  assert.deepEqual(out.pictures.map((p: { inverted: boolean }) => p.inverted), [false, true, true]);
  await t.step("its stderr says how each picture was converted", () => {
    assert.match(
      r.stderr,
      /pullover_white_bg_224\.png: 224×224, light background \(gray 255\) negated/,
    );
  });
});

Deno.test("bad pictures get one line naming the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bad-pictures-" });
  try {
    const huge = new Uint8Array(33);
    huge.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(huge.buffer).setUint32(16, 20000);
    new DataView(huge.buffer).setUint32(20, 20000);
    await Deno.writeFile(join(dir, "huge.png"), huge);
    const cut = new Uint8Array(huge);
    new DataView(cut.buffer).setUint32(16, 64);
    new DataView(cut.buffer).setUint32(20, 64);
    await Deno.writeFile(join(dir, "cut.png"), cut);
    await Deno.writeFile(join(dir, "fake.jpg"), new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]));
    // Named as pictures, so read as pictures: refused as such (not as a CSV or IDX file).
    await Deno.writeFile(join(dir, "text.png"), new TextEncoder().encode("hello world\n"));
    await Deno.writeFile(join(dir, "empty.jpg"), new Uint8Array());
    // A folder with a good picture and a damaged one: the damaged one is named, not skipped.
    const mixed = join(dir, "mixed");
    await Deno.mkdir(mixed);
    await Deno.copyFile(join(PICTURES, "pullover_white_bg_224.png"), join(mixed, "good.png"));
    await Deno.writeFile(join(mixed, "broken.png"), cut);
    const cases: [string[], number, RegExp][] = [
      [["--images", join(dir, "text.png")], 1, /text\.png: not a picture .*give a PNG or JPEG/],
      [
        ["--images", join(dir, "empty.jpg")],
        1,
        /empty\.jpg: empty file \(0 bytes\), not a picture/,
      ],
      [["--images", mixed], 1, /broken\.png: a damaged or truncated PNG file/],
      [["--images", join(dir, "huge.png")], 1, /huge\.png: the picture is 20,000×20,000 pixels/],
      [
        ["--images", join(dir, "cut.png")],
        1,
        /cut\.png: a damaged or truncated PNG file( \(.*\))?; re-save or re-copy it/,
      ],
      [
        ["--images", join(dir, "fake.jpg")],
        1,
        /fake\.jpg: (a damaged or truncated JPG file|not a picture)/,
      ],
      [["--images", join(dir, "cut.png"), "--labels", join(dir, "x")], 2, /--labels applies to/],
    ];
    for (const [args, code, message] of cases) {
      const r = await predict(...args);
      assert.equal(r.code, code, `${args}: ${r.stderr}`);
      const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("error:"));
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], message);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
