// `deno task export` and `deno task train --init/--freeze/--classes/--per-class` through the
// command line, on a tiny synthetic dataset.
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeSafetensors } from "../../src/io/safetensors.ts";
import { writeDataset } from "../data/_helpers.ts";
import { runCli as run } from "../cli/_run.ts";

const FIXTURE = new URL("../fixtures/torch/cnn-strided.safetensors", import.meta.url).pathname;

function weights(dir: string) {
  const path = join(dir, "weights.safetensors");
  return decodeSafetensors(Deno.readFileSync(path), path).tensors;
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer.slice(0));

/** A temp folder with the synthetic dataset (100 training images, 10 of each class). */
async function setup() {
  const dir = await Deno.makeTempDir({ prefix: "finetune_cli_" });
  const data = join(dir, "data");
  await writeDataset(data, { train: 100, test: 20 });
  const base = join(dir, "base");
  const r = await run("train", [
    "--model",
    "cnn-strided",
    "--data-dir",
    data,
    "--epochs",
    "1",
    "--batch-size",
    "50",
    "--quiet",
    "--out",
    base,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return { dir, data, base };
}

Deno.test("export writes PyTorch's layout; train --init FILE --epochs 0 brings the same weights back", async () => {
  const { dir, data, base } = await setup();
  try {
    const exported = await run("export", ["--model", base, "--json"]);
    assert.equal(exported.code, 0, exported.stderr);
    const summary = JSON.parse(exported.stdout);
    assert.equal(summary.out, join(base, "weights.torch.safetensors"));
    assert.equal(summary.module, "torch_models.cnn_strided(classes=10)");
    assert.deepEqual(summary.tensors.slice(0, 6), [
      { name: "0.weight", dtype: "F32", shape: [32, 1, 3, 3] },
      { name: "1.weight", dtype: "F32", shape: [32] },
      { name: "1.bias", dtype: "F32", shape: [32] },
      { name: "1.running_mean", dtype: "F32", shape: [32] },
      { name: "1.running_var", dtype: "F32", shape: [32] },
      { name: "1.num_batches_tracked", dtype: "I64", shape: [] },
    ]);
    const imported = join(dir, "imported");
    const r = await run("train", [
      "--init",
      summary.out,
      "--epochs",
      "0",
      "--data-dir",
      data,
      "--out",
      imported,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /init: 14 tensors from .*weights\.torch\.safetensors\n/);
    const [a, b] = [weights(base), weights(imported)];
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [k, t] of a) assert.deepEqual(bits(b.get(k)!.data), bits(t.data), k);
    const config = JSON.parse(await Deno.readTextFile(join(imported, "config.json")));
    assert.equal(config.architecture.name, "cnn-strided");
    assert.equal(config.epochsCompleted, 0);
    assert.equal(typeof config.test.accuracy, "number");
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(imported, "history.json"))), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--init DIR with --classes, --per-class and --freeze features: a new head trains, the rest stays", async () => {
  const { dir, data, base } = await setup();
  try {
    const out = join(dir, "tuned");
    const r = await run("train", [
      "--init",
      base,
      "--classes",
      "5-9",
      "--per-class",
      "4",
      "--freeze",
      "features",
      "--epochs",
      "2",
      "--val-split",
      "0",
      "--batch-size",
      "10",
      "--data-dir",
      data,
      "--quiet",
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /new 5-class head \(11\.dense\.weight, 11\.dense\.bias\)/);
    assert.match(
      r.stderr,
      /classes: 0 Sandal, 1 Shirt, 2 Sneaker, 3 Bag, 4 Ankle boot; 20 training, 10 test/,
    );
    const config = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
    assert.deepEqual(config.classes, [5, 6, 7, 8, 9]);
    assert.equal(config.architecture.classes, 5);
    assert.equal(config.data.train, 20);
    assert.equal(config.frozenLayers.length, 11);
    assert.equal(config.hyperParameters.init, base);
    // predict answers in Fashion-MNIST's class numbers (5-9 here), not the head's outputs (0-4).
    const predicted = await run("predict", ["--model", out, "--data-dir", data, "--json"]);
    assert.equal(predicted.code, 0, predicted.stderr);
    const { predictions, count } = JSON.parse(predicted.stdout);
    // Only the test images of its classes, as train tested it.
    assert.match(
      predicted.stderr,
      /trained on 5 classes \(Sandal, Shirt, Sneaker, Bag, Ankle boot\)/,
    );
    assert.ok(count > 0 && count < 20 && predictions.length === count, `${count}`);
    assert.ok(predictions.every((p: number) => p >= 5 && p <= 9), `${predictions}`);
    const [before, after] = [weights(base), weights(out)];
    for (const [k, t] of after) {
      if (k.startsWith("11.dense")) {
        assert.equal(t.shape.at(-1), 5, k);
      } else {
        assert.deepEqual(bits(t.data), bits(before.get(k)!.data), `${k} frozen`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a fine-tuning run (--init, --classes, --per-class, --freeze) resumed with more epochs equals the straight run", async () => {
  const { dir, data, base } = await setup();
  try {
    const flags = [
      "--init",
      base,
      "--classes",
      "0,2,4",
      "--per-class",
      "6",
      // A frozen batch norm after a trainable conv: the gradient passes through it.
      "--freeze",
      "1",
      "--lr-schedule",
      "constant",
      "--val-split",
      "0",
      "--batch-size",
      "6",
      "--data-dir",
      data,
      "--quiet",
    ];
    const straight = join(dir, "straight");
    const r = await run("train", [...flags, "--epochs", "2", "--out", straight]);
    assert.equal(r.code, 0, r.stderr);
    const resumed = join(dir, "resumed");
    const first = await run("train", [...flags, "--epochs", "1", "--out", resumed]);
    assert.equal(first.code, 0, first.stderr);
    // No --data-dir: the run goes on with the images it started on.
    const second = await run("train", ["--resume", resumed, "--epochs", "2", "--quiet"]);
    assert.equal(second.code, 0, second.stderr);
    const [a, b] = [weights(straight), weights(resumed)];
    for (const [k, t] of a) assert.deepEqual(bits(b.get(k)!.data), bits(t.data), k);
    const before = weights(base);
    for (const k of ["1.batchnorm.gamma", "1.batchnorm.beta", "1.batchnorm.running"]) {
      assert.deepEqual(bits(a.get(k)!.data), bits(before.get(k)!.data), `${k} frozen`);
    }
    assert.notDeepEqual(
      bits(a.get("0.conv2d.weight")!.data),
      bits(before.get("0.conv2d.weight")!.data),
    );
    const config = JSON.parse(await Deno.readTextFile(join(resumed, "config.json")));
    assert.deepEqual(config.classes, [0, 2, 4]);
    assert.equal(config.architecture.classes, 3);
    assert.deepEqual(config.frozenLayers, ["1.batchnorm"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad --init, --freeze, --classes, --per-class and export arguments are one-line errors", async () => {
  const { dir, data, base } = await setup();
  try {
    // An int8 folder (deno task quantize) has no float weights to export or start from.
    const int8 = join(dir, "int8");
    await Deno.mkdir(int8);
    const config = JSON.parse(await Deno.readTextFile(join(base, "config.json")));
    await Deno.writeTextFile(
      join(int8, "config.json"),
      JSON.stringify({ ...config, quantization: { source: { dir: base } } }),
    );
    const cases: [string, string[], number, RegExp][] = [
      [
        "train",
        ["--init", int8],
        2,
        /an int8 model from "deno task quantize"; start from its float/,
      ],
      ["export", ["--model", int8], 1, /an int8 model .*: export .*base, its float model/],
      ["train", ["--epochs", "0"], 2, /--epochs must be an integer ≥ 1/],
      ["train", ["--init", join(dir, "none")], 2, /--init .*none: not found; give a model folder/],
      [
        "train",
        ["--init", join(base, "config.json")],
        2,
        /a model's config\.json; give its folder/,
      ],
      ["train", ["--init", data], 2, /--init .*data: no config\.json in this folder/],
      ["train", ["--init", join(base, "history.json")], 2, /history\.json: not a safetensors file/],
      [
        "train",
        ["--init", FIXTURE, "--model", "cnn"],
        1,
        /cnn-strided\.safetensors: not the weights of cnn — 0\.bias \(0\.conv2d, conv2d 3×3, 32 filters\): missing$/,
      ],
      [
        "train",
        ["--init", base, "--model", "resnet"],
        2,
        /--model resnet but --init .* holds cnn-strided/,
      ],
      ["train", ["--init", base, "--freeze", "99"], 2, /--freeze 99: there is no layer 99/],
      ["train", ["--classes", "3"], 2, /--classes 3: a classifier needs at least two classes/],
      ["train", ["--classes", "0-4,4"], 2, /--classes 0-4,4: label 4 given twice/],
      [
        "train",
        ["--classes", "0-4", "--per-class", "50", "--data-dir", data],
        2,
        /--per-class 50: class 0 \(T-shirt\/top\) has only 10 training images/,
      ],
      ["export", [], 2, /export: --model DIR is required/],
      ["export", ["--model", base, "--format", "onnx"], 2, /--format must be one of torch/],
      [
        "export",
        ["--model", base, "--out", join(base, "weights.safetensors")],
        2,
        /would replace the model's own weights/,
      ],
      ["export", ["--model", join(dir, "none")], 1, /config\.json: not found/],
      ["export", ["--model", base, "--out", dir], 2, /--out .* is a folder; give a file path/],
    ];
    for (const [command, args, code, pattern] of cases) {
      // Nothing may be saved: train gets an --out that must stay absent.
      const r = await run(
        command,
        command === "train" ? [...args, "--out", join(dir, "never")] : args,
      );
      const what = `${command} ${args.join(" ")}`;
      assert.equal(r.code, code, `${what}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.error ?? "", pattern, what);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: no stack trace`);
    }
    await assert.rejects(Deno.stat(join(dir, "never")), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
