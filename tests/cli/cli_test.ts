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
    ["evaluate.ts", ["--models", "x", "--bogus"], /Unknown option '--bogus'/],
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
  // The first epoch also records its first step's compile time and the time to get there.
  assert.deepEqual(Object.keys(history[0]).sort(), [
    "compileSeconds",
    "epoch",
    "imagesPerSecond",
    "lr",
    "readySeconds",
    "seconds",
    "trainAccuracy",
    "trainLoss",
    "valAccuracy",
    "valLoss",
  ]);
  assert.deepEqual(Object.keys(history[1]).sort(), [
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

Deno.test("evaluate refuses at once to replace a report that has models the run lacks", async () => {
  const dir = await Deno.makeTempDir();
  const models = join(dir, "models"), results = join(dir, "results");
  // One model found (evaluate checks config.json names before it loads data or a GPU) ...
  await Deno.mkdir(join(models, "cnn"), { recursive: true });
  await Deno.writeTextFile(join(models, "cnn", "config.json"), '{"kind": "network"}');
  // ... against a report of three.
  await Deno.mkdir(results);
  const files: Record<string, string> = {
    "metrics.json": JSON.stringify({
      models: [{ model: "cnn" }, { model: "svm-rbf" }, { model: "mlp" }],
    }),
    "index.html": "<!DOCTYPE html><p>the old page</p>",
    "report.md": "# the old report\n",
  };
  for (const [f, text] of Object.entries(files)) await Deno.writeTextFile(join(results, f), text);
  const started = performance.now();
  const r = await run("evaluate.ts", ["--models", models, "--out", results]);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(performance.now() - started < 15_000, "refused before predicting");
  const line = errorLine(r.stderr);
  assert.equal(
    line,
    `error: ${results}/ holds a report of 3 models, and 2 of them are not in ${models}/: ` +
      `svm-rbf, mlp; nothing written. Train them into ${models}/, point --models at the folder ` +
      `that has them, write elsewhere with --out OTHER_DIR, or replace the report anyway with ` +
      `--replace`,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  for (const [f, text] of Object.entries(files)) {
    assert.equal(await Deno.readTextFile(join(results, f)), text, `${f} unchanged`);
  }
  assert.deepEqual(
    [...Deno.readDirSync(results)].map((e) => e.name).sort(),
    Object.keys(files).sort(),
  );
  // An unreadable metrics.json is not overwritten either.
  await Deno.writeTextFile(join(results, "metrics.json"), "{ not json");
  const bad = await run("evaluate.ts", ["--models", models, "--out", results]);
  assert.equal(bad.code, 1);
  assert.match(errorLine(bad.stderr), /metrics\.json cannot be read .* --replace$/);
  assert.equal(await Deno.readTextFile(join(results, "metrics.json")), "{ not json");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("evaluate without models is one error line, exit 1, and writes nothing", async () => {
  const dir = await Deno.makeTempDir();
  const models = join(dir, "models"), results = join(dir, "results");
  await Deno.mkdir(join(models, "not-a-model"), { recursive: true });
  const r = await run("evaluate.ts", ["--models", models, "--out", results]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(
    errorLine(r.stderr),
    `error: no models in ${models}/ (no folder with a config.json): train some with ` +
      `"deno task train" or "deno task baselines", or point --models at them; nothing written`,
  );
  await assert.rejects(Deno.stat(results), Deno.errors.NotFound);
  await Deno.remove(dir, { recursive: true });
});
