// deno task quantize end to end on a tiny dataset: the int8 folder it writes is predicted and
// evaluated like any model; bad requests get one line.
import assert from "node:assert/strict";
import { join } from "node:path";
import { gpuTest, testGpu } from "../helpers.ts";
import { writeDataset } from "../data/_helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { architecture } from "../../src/nn/zoo.ts";
import { saveModel } from "../../src/io/checkpoint.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function run(script: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "src/cli", script), ...args],
    env: { INIT_CWD: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

const lastError = (stderr: string) => stderr.split("\n").findLast((l) => l.startsWith("error: "));

gpuTest("quantize writes an int8 folder that predict and evaluate take", async () => {
  await testGpu();
  const root = await Deno.makeTempDir({ prefix: "quant_cli_" });
  try {
    const data = join(root, "data");
    await writeDataset(data, { train: 120, test: 30 });
    const models = join(root, "models");
    const float = join(models, "cnn");
    const arch = architecture("cnn");
    await saveModel(float, new Sequential(arch, 1), {
      kind: "network",
      name: "cnn",
      architecture: arch,
    });

    const q = await run("quantize.ts", [
      "--model",
      float,
      "--data-dir",
      data,
      "--calibration",
      "40",
      "--json",
    ]);
    assert.equal(q.code, 0, q.stderr);
    const summary = JSON.parse(q.stdout);
    assert.equal(summary.out, `${float}-int8`);
    assert.equal(summary.calibration.images, 40);
    // 421,834 f32 values against as many bytes plus scales and biases.
    assert(summary.bytes.ratio > 3.9 && summary.bytes.ratio < 4, `ratio ${summary.bytes.ratio}`);
    assert.equal(typeof summary.test.accuracy, "number");
    const config = JSON.parse(await Deno.readTextFile(join(`${float}-int8`, "config.json")));
    assert.equal(config.kind, "network");
    assert.equal(config.quantization.source.dir, float);
    assert.equal(config.quantization.calibration.images, 40);
    assert.equal(config.name, "cnn-int8");
    assert.equal(config.test.accuracy, summary.test.accuracy);

    const p = await run("predict.ts", ["--model", `${float}-int8`, "--data-dir", data, "--json"]);
    assert.equal(p.code, 0, p.stderr);
    const predicted = JSON.parse(p.stdout);
    assert.equal(predicted.predictions.length, 30);
    assert.match(predicted.engine, /int8/);

    const results = join(root, "results");
    const e = await run("evaluate.ts", ["--models", models, "--out", results, "--data-dir", data]);
    assert.equal(e.code, 0, e.stderr);
    const metrics = JSON.parse(await Deno.readTextFile(join(results, "metrics.json")));
    assert.deepEqual(metrics.models.map((m: { model: string }) => m.model).sort(), [
      "cnn",
      "cnn-int8",
    ]);

    // Refusals, each one line: an int8 model again, its own folder as --out, too few images.
    const again = await run("quantize.ts", ["--model", `${float}-int8`, "--data-dir", data]);
    assert.equal(again.code, 1);
    assert.match(lastError(again.stderr)!, /is already an int8 model \(made from .*\/cnn\)/);
    const same = await run("quantize.ts", ["--model", float, "--out", float]);
    assert.equal(same.code, 2);
    assert.match(lastError(same.stderr)!, /is the float model's own folder; choose another --out/);
    // Another model's folder as --out: refused before anything is written into it.
    const victim = join(models, "victim");
    await Deno.mkdir(victim);
    const victimConfig = await Deno.readTextFile(join(float, "config.json"));
    await Deno.writeTextFile(join(victim, "config.json"), victimConfig);
    const other = await run("quantize.ts", ["--model", float, "--out", victim]);
    assert.equal(other.code, 2);
    assert.match(lastError(other.stderr)!, /--out .*victim holds another model/);
    assert.equal(await Deno.readTextFile(join(victim, "config.json")), victimConfig);
    const few = await run("quantize.ts", ["--model", float, "--calibration", "5"]);
    assert.equal(few.code, 2);
    assert.match(lastError(few.stderr)!, /--calibration must be an integer ≥ 10, got "5"/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
