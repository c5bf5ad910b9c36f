import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

async function run(script: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "src/cli", script), ...args],
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** The one line a user sees for a bad command. */
function errorLine(stderr: string) {
  return stderr.split("\n").findLast((l) => l.startsWith("error: ")) ?? stderr;
}

Deno.test("unknown flags and bad values are usage errors (exit 2) naming the flag", async () => {
  const cases: [string, string[], RegExp][] = [
    ["train.ts", ["--bogus"], /Unknown option '--bogus'/],
    ["train.ts", ["--epochs", "0"], /--epochs must be an integer ≥ 1, got "0"/],
    ["train.ts", ["--model", "vgg"], /--model must be one of cnn, .*mlp, got "vgg"/],
    ["train.ts", ["--lr", "abc"], /--lr must be a number/],
    ["predict.ts", [], /--model DIR is required/],
    ["predict.ts", ["--model", "x", "--frobnicate"], /Unknown option '--frobnicate'/],
  ];
  for (const [script, args, pattern] of cases) {
    const r = await run(script, args);
    assert.equal(r.code, 2, `${script} ${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
    assert.match(errorLine(r.stderr), pattern);
  }
});

Deno.test("a missing dataset is one error line listing the ways to get it", async () => {
  const empty = await Deno.makeTempDir();
  const r = await run("train.ts", ["--data-dir", empty]);
  assert.equal(r.code, 1);
  const line = errorLine(r.stderr);
  assert.match(line, new RegExp(empty));
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  await Deno.remove(empty, { recursive: true });
});

Deno.test("train --json then predict --json on the saved model agree", async () => {
  const out = await Deno.makeTempDir();
  const t = await run("train.ts", [
    "--model",
    "mlp",
    "--limit",
    "600",
    "--epochs",
    "2",
    "--batch-size",
    "100",
    "--out",
    out,
    "--json",
    "--quiet",
  ]);
  assert.equal(t.code, 0, t.stderr);
  const summary = JSON.parse(t.stdout);
  assert.equal(summary.history.length, 2);
  assert.ok(summary.test.accuracy > 0.5, `test accuracy ${summary.test.accuracy}`);
  assert.match(summary.adapter.description, /\S/);
  for (const f of ["config.json", "weights.safetensors", "history.json"]) {
    assert.ok((await Deno.stat(join(out, f))).size > 0, f);
  }
  const history = JSON.parse(await Deno.readTextFile(join(out, "history.json")));
  assert.deepEqual(Object.keys(history[0]).sort(), [
    "epoch",
    "imagesPerSecond",
    "lr",
    "seconds",
    "trainAccuracy",
    "trainLoss",
    "valAccuracy",
    "valLoss",
  ]);
  const p = await run("predict.ts", ["--model", out, "--json"]);
  assert.equal(p.code, 0, p.stderr);
  const predicted = JSON.parse(p.stdout);
  assert.equal(predicted.predictions.length, 10000);
  assert.ok(predicted.predictions.every((c: number) => Number.isInteger(c) && c >= 0 && c < 10));
  assert.equal(predicted.accuracy, summary.test.accuracy);
  // Flip test-time augmentation: other predictions, still a working classifier.
  const tta = await run("predict.ts", ["--model", out, "--tta", "--limit", "500", "--json"]);
  assert.equal(tta.code, 0, tta.stderr);
  const flipped = JSON.parse(tta.stdout);
  assert.equal(flipped.tta, true);
  assert.equal(flipped.predictions.length, 500);
  assert.ok(flipped.accuracy > 0.5, `tta accuracy ${flipped.accuracy}`);
  await Deno.remove(out, { recursive: true });
});

Deno.test("predict --json works for a saved baseline too", async () => {
  const { loadFashionMnist, subset } = await import("../../src/data/mod.ts");
  const { trainAndTest } = await import("../../src/baselines/run.ts");
  const data = await loadFashionMnist();
  const take = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);
  const dir = await Deno.makeTempDir();
  await trainAndTest(
    "logistic-regression",
    subset(data.train, take(500)),
    subset(data.test, take(100)),
    {
      trainImages: 500,
      seed: 1,
      dir,
    },
  );
  const p = await run("predict.ts", [
    "--model",
    join(dir, "logistic-regression"),
    "--limit",
    "300",
    "--json",
  ]);
  assert.equal(p.code, 0, p.stderr);
  const out = JSON.parse(p.stdout);
  assert.equal(out.predictions.length, 300);
  assert.ok(out.accuracy > 0.5, `accuracy ${out.accuracy}`);
  assert.match(out.engine, /ml-logistic-regression/);
  const tta = await run("predict.ts", ["--model", join(dir, "logistic-regression"), "--tta"]);
  assert.equal(tta.code, 2);
  assert.match(tta.stderr, /--tta applies to networks only/);
  await Deno.remove(dir, { recursive: true });
});
