// Own pictures through the command line: train --images (from scratch and fine-tuned by class
// name), evaluate --images, and similar (--catalog, the embedding cache, --json, --out), on tiny
// folders of 28×28 pictures.
import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeGrayPng } from "../../src/image/decode.ts";
import { decodeSafetensors } from "../../src/io/safetensors.ts";
import { cli, runCli as run } from "./_run.ts";

const SHIPPED = new URL("../../web/model", import.meta.url).pathname;

/** A 28×28 picture: a bright bar whose place and direction depend on the class, moved by `i`. */
function picture(cls: number, i: number): Uint8Array {
  const px = new Uint8Array(784);
  for (let t = 4; t < 24; t++) {
    const a = 6 + cls * 6 + (i % 3);
    if (cls % 2) px[a * 28 + t] = px[(a + 1) * 28 + t] = 220;
    else px[t * 28 + a] = px[t * 28 + a + 1] = 220;
  }
  return encodeGrayPng(px, 28, 28);
}

/** DIR/<name>/<i>.png, `per` pictures for each class name. */
async function folder(names: string[], per: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "images_cli_" });
  for (const [c, name] of names.entries()) {
    await Deno.mkdir(join(dir, name));
    for (let i = 0; i < per; i++) {
      await Deno.writeFile(join(dir, name, `${i}.png`), picture(c, i));
    }
  }
  return dir;
}

const readJson = (p: string) => JSON.parse(Deno.readTextFileSync(p));

Deno.test("train/evaluate/similar --images: usage errors and refused folders, before the GPU", async () => {
  const dir = await folder(["a", "b"], 2);
  const one = await folder(["a"], 2);
  const out = join(dir, "..", `${dir.split("/").at(-1)}-out`);
  try {
    const cases: [string, string[], number, RegExp][] = [
      ["train", ["--images", dir], 2, /--images needs --out DIR/],
      [
        "train",
        ["--images", dir, "--out", out, "--classes", "0,1"],
        2,
        /--classes applies to Fashion-MNIST/,
      ],
      ["train", ["--images", one, "--out", out], 1, /1 class folder, at least 2 needed/],
      ["evaluate", ["--images", dir], 2, /--images needs --model DIR/],
      [
        "evaluate",
        ["--images", dir, "--model", SHIPPED],
        1,
        /2 class folders \(a, b\) are not one of/,
      ],
      ["similar", ["--model", SHIPPED], 2, /--images is required/],
      [
        "similar",
        ["--model", SHIPPED, "--images", dir, "--k", "101"],
        2,
        /--k must be at most 100/,
      ],
      [
        "similar",
        ["--model", SHIPPED, "--images", dir, "--out", join(out, "g.jpg")],
        2,
        /ending in \.png/,
      ],
    ];
    for (const [name, args, code, message] of cases) {
      const r = await run(name, args);
      assert.equal(r.code, code, `${name} ${args.join(" ")}: ${r.stderr}`);
      assert.match(r.error ?? "", message);
      assert.ok(!r.stderr.includes("    at "), r.stderr);
    }
    assert.ok(!(await Deno.stat(out).catch(() => null)), "nothing written");
  } finally {
    for (const d of [dir, one]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("train --images saves the folder's class names; evaluate --images reports on a folder", async () => {
  const dir = await folder(["Zip", "alpha", "beta"], 6);
  const out = await Deno.makeTempDir({ prefix: "images_cli_model_" });
  try {
    const args = [
      "--images",
      dir,
      "--model",
      "mlp",
      "--epochs",
      "2",
      "--batch-size",
      "4",
      "--val-split",
      "0.34",
      "--out",
      out,
      "--overwrite",
      "--quiet",
    ];
    const r = await run("train", args);
    assert.equal(r.code, 0, r.stderr);
    const config = readJson(join(out, "config.json"));
    assert.deepEqual(config.classNames, ["Zip", "alpha", "beta"]);
    assert.equal(config.classes, undefined);
    assert.equal(config.architecture.classes, 3);
    assert.equal(config.test, null);
    assert.equal(typeof config.validation.accuracy, "number");
    assert.deepEqual(config.images.perClass, [6, 6, 6]);
    assert.deepEqual([config.data.train, config.data.validation], [12, 6]);
    assert.equal(config.hyperParameters.augment, "flip=0.5,shift=2");
    // A finished model is not replaced without --overwrite.
    const again = await run("train", args.filter((a) => a !== "--overwrite"));
    assert.equal(again.code, 2);
    assert.match(again.error!, /already holds a trained mlp \(.*% validation/);

    const e = await run("evaluate", ["--images", dir, "--model", out, "--json"]);
    assert.equal(e.code, 0, e.stderr);
    const report = JSON.parse(e.stdout);
    assert.equal(report.count, 18);
    assert.deepEqual(report.perClass.map((c: { className: string }) => c.className).slice(0, 3), [
      "Zip",
      "alpha",
      "beta",
    ]);
    const total = report.confusion.matrix.flat().reduce((a: number, b: number) => a + b, 0);
    assert.equal(total, 18);
    const right = report.confusion.matrix.reduce(
      (a: number, row: number[], i: number) => a + row[i],
      0,
    );
    assert.equal(report.accuracy, right / 18);
    assert.equal(report.wrong.length, 18 - right);
    const text = await run("evaluate", ["--images", dir, "--model", out]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /confusion matrix/);
    assert.match(text.stdout, /accuracy \d+\.\d\d% on 18 pictures/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("train --images --init: outputs of matching class names start from the source's", async () => {
  const dir = await folder(["Bag", "Sneaker", "hat"], 4);
  const out = await Deno.makeTempDir({ prefix: "images_cli_ft_" });
  try {
    const r = await run("train", [
      "--images",
      dir,
      "--init",
      SHIPPED,
      "--freeze",
      "features",
      "--epochs",
      "1",
      "--batch-size",
      "4",
      // So small that one epoch leaves the copied weights as they were (to 1e-6).
      "--lr",
      "1e-8",
      "--val-split",
      "0",
      "--out",
      out,
      "--overwrite",
      "--quiet",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /head: 2 of 3 outputs .*Bag ← Bag, Sneaker ← Sneaker\); new: hat/);
    const load = (d: string) => {
      const p = join(d, "weights.safetensors");
      return decodeSafetensors(Deno.readFileSync(p), p).tensors;
    };
    const src = load(SHIPPED), got = load(out);
    const sw = src.get("12.dense.weight")!.data as Float32Array;
    const w = got.get("12.dense.weight")!.data as Float32Array;
    const sb = src.get("12.dense.bias")!.data as Float32Array;
    const b = got.get("12.dense.bias")!.data as Float32Array;
    let worst = 0;
    for (let k = 0; k < 128; k++) {
      worst = Math.max(
        worst,
        Math.abs(w[k * 3] - sw[k * 10 + 8]),
        Math.abs(w[k * 3 + 1] - sw[k * 10 + 7]),
      );
    }
    worst = Math.max(worst, Math.abs(b[0] - sb[8]), Math.abs(b[1] - sb[7]));
    assert.ok(worst < 1e-5, `largest change ${worst}`);
    // The new output is not a copy of any of the source's.
    for (let c = 0; c < 10; c++) assert.notEqual(w[2], sw[c]);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("similar --catalog: the query's own picture comes first; the cache is written, read, and rewritten when damaged", async () => {
  const dir = await folder(["Bag", "Sneaker", "Trouser"], 3);
  const cache = await Deno.makeTempDir({ prefix: "images_cli_cache_" });
  try {
    const query = join(dir, "Sneaker", "1.png");
    const args = [
      "--model",
      SHIPPED,
      "--images",
      query,
      "--catalog",
      dir,
      "--k",
      "4",
      "--cache",
      cache,
    ];
    const first = await run("similar", [...args, "--json", "--out", join(cache, "grid.png")]);
    assert.equal(first.code, 0, first.stderr);
    const r = JSON.parse(first.stdout);
    assert.match(r.cache, /^miss: no cache yet/);
    assert.equal(r.embedding.dim, 128);
    const nb = r.queries[0].neighbours;
    assert.equal(nb.length, 4);
    assert.equal(nb[0].file, "Sneaker/1.png");
    assert.equal(nb[0].className, "Sneaker");
    assert.ok(Math.abs(nb[0].similarity - 1) < 1e-4, String(nb[0].similarity));
    for (let i = 1; i < nb.length; i++) assert.ok(nb[i].similarity <= nb[i - 1].similarity);
    const png = Deno.readFileSync(join(cache, "grid.png"));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    const files = [...Deno.readDirSync(cache)].map((e) => e.name).filter((n) => n.endsWith(".emb"));
    assert.equal(files.length, 1);

    const second = await run("similar", [...args, "--json"]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(JSON.parse(second.stdout).cache, /^hit/);
    assert.deepEqual(JSON.parse(second.stdout).queries, r.queries);

    // A damaged cache file: a warning, recomputed, the same answer, and a good file again.
    const path = join(cache, files[0]);
    const bytes = Deno.readFileSync(path);
    Deno.writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    const third = await run("similar", [...args, "--json"]);
    assert.equal(third.code, 0, third.stderr);
    assert.match(
      third.stderr,
      /warning: embedding cache .*: \d+ bytes where \d+ are due; recomputed/,
    );
    assert.deepEqual(JSON.parse(third.stdout).queries, r.queries);
    assert.equal(Deno.readFileSync(path).length, bytes.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("similar --help needs no npm package (train's and evaluate's: tests/cli/help_test.ts)", async () => {
  const cache = await Deno.makeTempDir({ prefix: "empty-deno-dir-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--cached-only", cli("similar"), "--help"],
      env: { DENO_DIR: cache },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    assert.match(text, /deno task similar/);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});
