// Shared model folders as a hostile user would make them: each case of the untrusted-input table
// is refused by the command that met it, as one line naming the file and field, exit 1, quickly
// and in little memory (tests/untrusted/_run.ts measures time and peak memory), before the GPU.
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertCleanRefusal, runCommand } from "./_run.ts";
import {
  copyShipped,
  fillWeights,
  firstLayer,
  int8Model,
  type Json,
  readHeader,
  replaceHeader,
  SHIPPED,
  softmaxModel,
} from "./_models.ts";

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
async function inTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "untrusted-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const predict = (model: string) => runCommand("predict", ["--model", model, "--limit", "10"]);

Deno.test("config.json with input [2800, 2800, 1] and untouched weights: export refuses at once", () =>
  inTemp(async (tmp) => {
    const dir = await copyShipped(tmp, "big-input", (c) => c.architecture.input = [2800, 2800, 1]);
    const r = await runCommand("export", ["--model", dir, "--out", join(tmp, "out.safetensors")]);
    assertCleanRefusal(r, /big-input\/config\.json: architecture .*(parameters|buffer)/);
    assert.ok(!(await Deno.stat(join(tmp, "out.safetensors")).catch(() => null)));
  }));

Deno.test("a dense layer of 1,000,000 units: predict refuses before building anything", () =>
  inTemp(async (tmp) => {
    const dir = await copyShipped(tmp, "dense", (c) => firstLayer(c, "dense").units = 1_000_000);
    assertCleanRefusal(
      await predict(dir),
      /dense\/config\.json: architecture has [\d,]+ parameters/,
    );
  }));

Deno.test('a baseline\'s "file" outside its folder (../../etc/passwd, ../../../dev/zero) is refused', () =>
  inTemp(async (tmp) => {
    for (const file of ["../../etc/passwd", "../../../dev/zero", "/etc/passwd"]) {
      const dir = join(tmp, "baseline");
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(
        join(dir, "config.json"),
        JSON.stringify({ kind: "svm-libsvm", file }),
      );
      assertCleanRefusal(
        await predict(dir),
        /baseline\/config\.json: "file" must name a file inside/,
      );
    }
  }));

Deno.test("weights or config.json symlinked to /dev/zero (or out of the folder) is refused", () =>
  inTemp(async (tmp) => {
    for (const name of ["weights.safetensors", "config.json"]) {
      const dir = await copyShipped(tmp, `link-${name}`);
      await Deno.remove(join(dir, name));
      await Deno.symlink("/dev/zero", join(dir, name));
      assertCleanRefusal(
        await predict(dir),
        new RegExp(`${name}: a symlink out of the model folder`),
      );
    }
    // A symlink to a regular file outside the folder is refused too; one inside it is followed.
    const out = await copyShipped(tmp, "link-out");
    await Deno.remove(join(out, "weights.safetensors"));
    await Deno.symlink(join(SHIPPED, "weights.safetensors"), join(out, "weights.safetensors"));
    assertCleanRefusal(await predict(out), /a symlink out of the model folder/);
    // A FIFO or device named weights.safetensors is not a regular file.
    const fifo = await copyShipped(tmp, "fifo");
    await Deno.remove(join(fifo, "weights.safetensors"));
    await new Deno.Command("mkfifo", { args: [join(fifo, "weights.safetensors")] }).output();
    assertCleanRefusal(await predict(fifo), /weights\.safetensors: not a regular file/);
  }));

Deno.test("conv kernel 0 in config.json: predict and quantize refuse (no panic)", () =>
  inTemp(async (tmp) => {
    const dir = await copyShipped(tmp, "k0", (c) => firstLayer(c, "conv2d").kernel = 0);
    const why = /k0\/config\.json: architecture\.layers\[0\]\.kernel must be an integer from 1/;
    assertCleanRefusal(await predict(dir), why);
    assertCleanRefusal(
      await runCommand("quantize", ["--model", dir, "--out", join(tmp, "q")]),
      why,
    );
  }));

Deno.test("config and weights that disagree (dense 256 vs 128, 5 vs 10 classes): export refuses", () =>
  inTemp(async (tmp) => {
    const wide = await copyShipped(tmp, "wide", (c) => firstLayer(c, "dense").units = 256);
    const five = await copyShipped(tmp, "five", (c) => {
      c.architecture.classes = 5;
      c.architecture.layers.at(-1).units = 5;
    });
    for (const dir of [wide, five]) {
      const out = join(tmp, "out.safetensors");
      const r = await runCommand("export", ["--model", dir, "--out", out]);
      assertCleanRefusal(r, /weights\.safetensors: checkpoint of another architecture .* expects/);
      assert.ok(!(await Deno.stat(out).catch(() => null)), "nothing written");
    }
  }));

Deno.test('"kind": "constructor" among evaluate\'s models is skipped and reported; the rest is evaluated', () =>
  inTemp(async (tmp) => {
    const models = join(tmp, "models");
    await softmaxModel(models);
    await Deno.mkdir(join(models, "odd"));
    await Deno.writeTextFile(
      join(models, "odd/config.json"),
      JSON.stringify({ kind: "constructor", file: "model.json" }),
    );
    await Deno.writeTextFile(join(models, "odd/model.json"), "{}");
    const out = join(tmp, "results");
    const r = await runCommand("evaluate", ["--models", models, "--out", out], {
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /skipped .*odd.*unknown model kind "constructor"/);
    const metrics = JSON.parse(await Deno.readTextFile(join(out, "metrics.json")));
    assert.deepEqual(metrics.models.map((m: Json) => m.model), ["softmax"]);
    assert.equal(metrics.skipped.length, 1);
    assert.match(metrics.skipped[0].reason, /unknown model kind "constructor"/);
  }));

Deno.test("malformed values in config.json and weights headers are one line each, never a stack trace", () =>
  inTemp(async (tmp) => {
    const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
      [
        "null-header",
        (d) => replaceHeader(join(d, "weights.safetensors"), "null"),
        /not a JSON object/,
      ],
      [
        "null-entry",
        async (d) => {
          const h = await readHeader(join(d, "weights.safetensors"));
          h["0.conv2d.weight"] = null;
          await replaceHeader(join(d, "weights.safetensors"), JSON.stringify(h));
        },
        /tensor "0\.conv2d\.weight" is not an object/,
      ],
      [
        "shape-abc",
        async (d) => {
          const h = await readHeader(join(d, "weights.safetensors"));
          h["0.conv2d.weight"].shape = "abc";
          await replaceHeader(join(d, "weights.safetensors"), JSON.stringify(h));
        },
        /tensor "0\.conv2d\.weight" has shape "abc"/,
      ],
      [
        "huge-header-length",
        async (d) => {
          const bytes = await Deno.readFile(join(d, "weights.safetensors"));
          new DataView(bytes.buffer).setBigUint64(0, 2n ** 62n, true);
          await Deno.writeFile(join(d, "weights.safetensors"), bytes);
        },
        /header length \d+ over the/,
      ],
      [
        "unknown-layer",
        (d) => editConfig(d, (c) => c.architecture.layers[1].type = "softmax2"),
        /layers\[1\]\.type must be one of/,
      ],
      [
        "negative-filters",
        (d) => editConfig(d, (c) => firstLayer(c, "conv2d").filters = -3),
        /layers\[0\]\.filters must be an integer/,
      ],
      [
        "input-abc",
        (d) => editConfig(d, (c) => c.architecture.input = "abc"),
        /architecture\.input must be \[height, width, channels\]/,
      ],
      [
        "null-architecture",
        (d) => editConfig(d, (c) => c.architecture = null),
        /architecture must be an object, got null/,
      ],
      [
        "deep-nesting",
        (d) =>
          editConfig(d, (c) => {
            let spec: Json = { type: "relu" };
            for (let i = 0; i < 20_000; i++) spec = { type: "residual", body: [spec] };
            c.architecture.layers.splice(2, 0, spec);
          }),
        /nests residual blocks over 8 deep/,
      ],
      [
        "not-json",
        (d) => Deno.writeTextFile(join(d, "config.json"), '{"kind": "network", '),
        /config\.json: not valid JSON/,
      ],
    ];
    for (const [name, damage, why] of cases) {
      const dir = await copyShipped(tmp, name);
      await damage(dir);
      assertCleanRefusal(await predict(dir), why);
    }
  }));

Deno.test("an int8 model with bad activation-scale metadata is refused in one line", () =>
  inTemp(async (tmp) => {
    for (
      const [activations, why] of [
        ["not json", /activation scales are not JSON/],
        ["null", /activation scales are not a map/],
        ['{"input": {"scale": -1, "zeroPoint": 0}}', /no valid activation scale for input/],
      ] as const
    ) {
      const dir = await int8Model(join(tmp, activations.length.toString()), activations);
      assertCleanRefusal(await predict(dir), why);
    }
  }));

Deno.test("train --init with a bad architecture is one line, before the data are loaded", () =>
  inTemp(async (tmp) => {
    const dir = await copyShipped(tmp, "bad", (c) => firstLayer(c, "maxpool").size = 0);
    const r = await runCommand("train", [
      "--init",
      dir,
      "--out",
      join(tmp, "out"),
      "--data-dir",
      join(tmp, "no-data"),
    ]);
    assertCleanRefusal(r, /bad\/config\.json: architecture\.layers\[3\]\.size must be an integer/, {
      code: r.code === 2 ? 2 : 1,
    });
  }));

Deno.test("all-NaN or all-Inf weights are refused by predict and quantize", () =>
  inTemp(async (tmp) => {
    for (const value of [NaN, Infinity]) {
      const dir = await copyShipped(tmp, `v${value}`);
      await fillWeights(join(dir, "weights.safetensors"), value);
      const why = new RegExp(`weights\\.safetensors: tensor "[^"]+" holds ${value} at element 0`);
      assertCleanRefusal(await predict(dir), why);
      assertCleanRefusal(
        await runCommand("quantize", ["--model", dir, "--out", join(tmp, "q")]),
        why,
      );
    }
  }));

async function editConfig(dir: string, edit: (config: Json) => void) {
  const config = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
  edit(config);
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config));
}
