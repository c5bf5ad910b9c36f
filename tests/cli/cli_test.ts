import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { nearestFlags, parseFlags, projectPath, userPath } from "../../src/cli/common.ts";
import { UserError } from "../../src/util/errors.ts";
import { writeDataset } from "../data/_helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * Runs a CLI as `deno task` does: in the project root. `deno task` sets INIT_CWD to where the
 * user ran it; the tests set it (a test run started by `deno task test` has one of its own).
 */
async function run(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  cwd = ROOT,
) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "src/cli", script), ...args],
    cwd,
    env: { INIT_CWD: "", ...env, NO_COLOR: "1" },
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
    [
      "train.ts",
      ["--bogus"],
      /^error: train: unknown option --bogus; see "deno task train --help"$/,
    ],
    ["train.ts", ["--epochs", "0"], /--epochs must be an integer ≥ 1, got "0"/],
    ["train.ts", ["--model", "vgg"], /--model must be one of cnn, .*mlp, got "vgg"/],
    ["train.ts", ["--lr", "abc"], /--lr must be a number/],
    ["predict.ts", [], /--model DIR is required/],
    ["predict.ts", ["--model", "x", "--frobnicate"], /unknown option --frobnicate; see/],
    ["evaluate.ts", ["--models", "x", "--bogus"], /unknown option --bogus; see/],
    // A negative number after a space is the value, so the range check answers (node's
    // parseArgs alone says "argument is ambiguous").
    ["train.ts", ["--epochs", "-1"], /--epochs must be an integer ≥ 1, got "-1"$/],
    ["train.ts", ["--lr", "-0.5"], /--lr must be a number in \[1e-8, 10\], got "-0.5"$/],
    ["baselines.ts", ["--seed", "-3"], /--seed must be an integer ≥ 0, got "-3"$/],
    ["predict.ts", ["--model", "x", "--limit", "-5"], /--limit must be an integer ≥ 1, got "-5"$/],
    // Paths that are not there: named with their flag, before the GPU.
    [
      "predict.ts",
      ["--model", "/nonexistent-model"],
      /^error: predict: --model \/nonexistent-model: no such file or folder; give a folder written by/,
    ],
    [
      "predict.ts",
      ["--model", "/", "--images", "/nonexistent.png"],
      /^error: predict: --images \/nonexistent.png: no such file or folder; check the path/,
    ],
    // Near-misses name the flag meant, in every command.
    [
      "train.ts",
      ["--epoch", "3"],
      /^error: train: unknown option --epoch; did you mean --epochs\? See "deno task train --help"$/,
    ],
    ["train.ts", ["--lr-plat", "2"], /did you mean --lr-plateau or --lr-plateau-factor\?/],
    ["predict.ts", ["--model", "x", "--jsno"], /unknown option --jsno; did you mean --json\?/],
    ["evaluate.ts", ["--outt", "x"], /unknown option --outt; did you mean --out\?/],
    ["baselines.ts", ["--train-sizes", "500"], /did you mean --train-size\?/],
    [
      "summary.ts",
      ["--modle", "cnn"],
      /^error: summary: unknown option --modle; did you mean --model\?/,
    ],
  ];
  // Every folder a command reads or writes by default (the project's models/ and results/) is a
  // temporary one here: a refusal must not depend on what earlier runs saved there.
  const scratch = await Deno.makeTempDir({ prefix: "cli-usage-" });
  try {
    for (const [script, args, pattern] of cases) {
      const r = await run(script, [...args, ...awayFromProject(script, args, scratch)]);
      assert.equal(r.code, 2, `${script} ${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
      assert.match(errorLine(r.stderr), pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
    assert.deepEqual([...Deno.readDirSync(scratch)], [], "nothing written");
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
});

/** Each command's flags whose defaults are the project's models/ or results/. */
const DEFAULT_FOLDERS: Record<string, string[]> = {
  "train.ts": ["--out"],
  "evaluate.ts": ["--models", "--out"],
  "baselines.ts": ["--out", "--results"],
};

/** Those flags (where `args` lacks them) pointed into `dir`, which they must leave empty. */
function awayFromProject(script: string, args: string[], dir: string): string[] {
  return (DEFAULT_FOLDERS[script] ?? [])
    .filter((flag) => !args.some((a) => a === flag || a.startsWith(`${flag}=`)))
    .flatMap((flag) => [flag, join(dir, flag.slice(2))]);
}

Deno.test("parseFlags: negative values of string options, suggestions for unknown flags", () => {
  const options = {
    epochs: { type: "string" },
    "lr-plateau": { type: "string" },
    "lr-plateau-factor": { type: "string" },
    model: { type: "string" },
    json: { type: "boolean" },
  } as const;
  const parse = (...args: string[]) => parseFlags("train", options, "", args);
  assert.equal(parse("--epochs", "-1").epochs, "-1");
  assert.equal(parse("--epochs", "-.5", "--json").epochs, "-.5");
  assert.equal(parse("--epochs=-2").epochs, "-2");
  assert.equal(parse("--model", "cnn", "--json").json, true);
  const refused = (args: string[], message: string | RegExp) =>
    assert.throws(
      () => parse(...args),
      (e) =>
        e instanceof UserError && e.exitCode === 2 &&
        (typeof message === "string" ? e.message === message : message.test(e.message)),
      args.join(" "),
    );
  refused(
    ["--epoch", "3"],
    'train: unknown option --epoch; did you mean --epochs? See "deno task train --help"',
  );
  refused(["--epoch=3"], /unknown option --epoch; did you mean --epochs\?/);
  refused(
    ["--lr-platea=2"],
    /unknown option --lr-platea; did you mean --lr-plateau or --lr-plateau-factor\?/,
  );
  refused(["--bogus"], 'train: unknown option --bogus; see "deno task train --help"');
  // Not a number: still parseArgs' words, still a usage error.
  refused(
    ["--model", "-x"],
    'train: --model needs a value, got "-x"; a value that starts with a dash is written --model=-x',
  );
  refused(["--model", "--json"], /^train: --model needs a value, got "--json"/);
  refused(["--epochs"], /argument missing/);
  assert.deepEqual(nearestFlags("jsno", ["json", "model"]), ["json"]);
  assert.deepEqual(nearestFlags("ab", ["lr", "json"]), [], "short names: distance 1 at most");
  assert.deepEqual(nearestFlags("batchsize", ["batch-size", "seed"]), ["batch-size"]);
});

Deno.test("a missing dataset is one error line listing the ways to get it", async () => {
  const empty = await Deno.makeTempDir();
  // A folder of its own, not the default models/cnn, which may hold a trained model (exit 2).
  const out = await Deno.makeTempDir();
  try {
    const r = await run("train.ts", ["--data-dir", empty, "--out", join(out, "cnn")]);
    assert.equal(r.code, 1, r.stderr);
    const line = errorLine(r.stderr);
    assert.match(line, new RegExp(empty));
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assert.deepEqual([...Deno.readDirSync(out)], [], "nothing saved");
  } finally {
    await Deno.remove(empty, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
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
  // The first epoch also records its first step's compile time and the time to get there; the
  // default recipe's label smoothing adds the training loss without it (trainCrossEntropy).
  assert.deepEqual(Object.keys(history[0]).sort(), [
    "compileSeconds",
    "epoch",
    "imagesPerSecond",
    "lr",
    "readySeconds",
    "seconds",
    "trainAccuracy",
    "trainCrossEntropy",
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
    "trainCrossEntropy",
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
    `error: ${results}/ holds a report of 3 models, and 2 are not in ${models}/: ` +
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

Deno.test("an output folder that cannot be written is refused at once, exit 1, naming it", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "a-file");
  await Deno.writeTextFile(file, "keep me");
  const cases: [string, string[], string][] = [
    [
      "train.ts",
      ["--out", join(file, "sub")],
      `--out ${file}/sub: cannot be created, ${file} is a file`,
    ],
    ["train.ts", ["--out", file], `--out ${file}: is a file, not a folder`],
    [
      "evaluate.ts",
      ["--models", dir, "--out", join(file, "sub", "deeper")],
      `--out ${file}/sub/deeper: cannot be created, ${file} is a file`,
    ],
    [
      "baselines.ts",
      ["--out", join(file, "models")],
      `--out ${file}/models: cannot be created, ${file} is a file`,
    ],
    [
      "baselines.ts",
      ["--learning-curve", "1000", "--results", file],
      `--results ${file}: is a file, not a folder`,
    ],
  ];
  for (const [script, args, message] of cases) {
    const started = performance.now();
    const r = await run(script, args);
    assert.equal(r.code, 1, `${script} ${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
    const flag = message.split(" ")[0];
    assert.equal(errorLine(r.stderr), `error: ${message}; choose another ${flag}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assert.doesNotMatch(r.stderr, /^(data|adapter):/m, "refused before the data and the GPU");
    assert.ok(performance.now() - started < 20_000, "refused before any work");
  }
  assert.equal(await Deno.readTextFile(file), "keep me");
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a-file"], "nothing written");
  await Deno.remove(dir, { recursive: true });
});

// chmod does not stop root: as root, the command runs as nobody (setpriv, util-linux).
const AS_ROOT = Deno.build.os !== "windows" && Deno.uid() === 0;
const SETPRIV = AS_ROOT
  ? ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  })
  : undefined;

Deno.test({
  name: "a read-only output folder is refused at once, exit 1, and what it holds is untouched" +
    (AS_ROOT && !SETPRIV ? " (ignored: root without setpriv, and chmod does not stop root)" : ""),
  ignore: Deno.build.os === "windows" || (AS_ROOT && !SETPRIV),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    await Deno.chmod(dir, 0o755);
    const cache = join(dir, "deno-dir"); // nobody's Deno cache
    await Deno.mkdir(cache);
    await Deno.chmod(cache, 0o777);
    const locked = join(dir, "locked");
    await Deno.mkdir(locked);
    await Deno.writeTextFile(join(locked, "old.txt"), "old");
    await Deno.chmod(locked, 0o555);
    try {
      for (const out of [locked, join(locked, "new")]) {
        const cli = [Deno.execPath(), "run", "-A", join(ROOT, "src/cli/train.ts"), "--out", out];
        const argv = SETPRIV
          ? [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups", ...cli]
          : cli;
        const r = await new Deno.Command(argv[0], {
          args: argv.slice(1),
          env: { INIT_CWD: "", NO_COLOR: "1", ...(SETPRIV ? { DENO_DIR: cache } : {}) },
          stdout: "piped",
          stderr: "piped",
        }).output();
        const stderr = new TextDecoder().decode(r.stderr);
        assert.equal(r.code, 1, stderr);
        assert.equal(
          errorLine(stderr),
          out === locked
            ? `error: --out ${out}: cannot write into this folder (permission denied); ` +
              `choose another --out`
            : `error: --out ${out}: cannot be created in ${locked} (permission denied); ` +
              `choose another --out`,
        );
      }
      assert.deepEqual([...Deno.readDirSync(locked)].map((e) => e.name), ["old.txt"]);
      assert.equal(await Deno.readTextFile(join(locked, "old.txt")), "old");
    } finally {
      await Deno.chmod(locked, 0o755);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("paths are relative to where the user ran deno task (INIT_CWD); defaults to the project", async () => {
  const user = await Deno.makeTempDir(); // the user's directory, outside the project
  await writeDataset(join(user, "data"), { train: 40, test: 20 });
  const env = { INIT_CWD: user };
  const t = await run("train.ts", [
    "--model",
    "softmax",
    "--epochs",
    "1",
    "--lr-schedule",
    "constant",
    "--data-dir",
    "data",
    "--out",
    "runs/softmax",
    "--json",
    "--quiet",
  ], env);
  assert.equal(t.code, 0, t.stderr);
  const out = join(user, "runs/softmax");
  assert.equal(JSON.parse(t.stdout).out, out);
  assert.match(t.stderr, new RegExp(`^data: ${user}/data \\(flag\\)`, "m"));
  assert.ok(
    t.stderr.includes(`saved ${out}/{config.json, weights.safetensors, history.json, `),
    t.stderr,
  );
  for (const f of ["config.json", "weights.safetensors", "history.json"]) {
    assert.ok((await Deno.stat(join(out, f))).isFile, f);
  }
  await assert.rejects(Deno.stat(join(ROOT, "runs")), Deno.errors.NotFound, "not in the project");

  const p = await run(
    "predict.ts",
    ["--model", "runs/softmax", "--data-dir", "data", "--json"],
    env,
  );
  assert.equal(p.code, 0, p.stderr);
  const predicted = JSON.parse(p.stdout);
  assert.equal(predicted.model, out);
  assert.equal(predicted.predictions.length, 20);
  const missing = await run("predict.ts", ["--model", "runs/nothing"], env);
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(errorLine(missing.stderr), new RegExp(`${user}/runs/nothing`));

  const e = await run("evaluate.ts", ["--models", "data", "--out", "report"], env);
  assert.equal(e.code, 1, e.stderr);
  assert.match(errorLine(e.stderr), new RegExp(`^error: no models in ${user}/data/ `));
  await assert.rejects(Deno.stat(join(user, "report")), Deno.errors.NotFound);

  // Through deno task itself, from the user's directory: Deno sets INIT_CWD (an inherited one
  // would be kept, so none is passed on) and the summary task may read it.
  const env2 = Deno.env.toObject();
  delete env2.INIT_CWD;
  const task = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--config", join(ROOT, "deno.json"), "summary", "--model", "runs/softmax"],
    cwd: user,
    clearEnv: true,
    env: { ...env2, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(task.stderr);
  assert.equal(task.code, 0, stderr);
  assert.match(new TextDecoder().decode(task.stdout), /7,850/);

  // Defaults are the project's folders wherever the command ran from; typed paths the user's.
  const saved = Deno.env.get("INIT_CWD");
  try {
    Deno.env.set("INIT_CWD", user);
    assert.equal(userPath("runs/x"), join(user, "runs/x"));
    assert.equal(userPath("/abs/x"), "/abs/x");
    assert.equal(projectPath("models", "cnn"), resolve(ROOT, "models/cnn"));
    Deno.env.set("INIT_CWD", "relative/not/trusted");
    assert.equal(userPath("x"), join(Deno.cwd(), "x"));
  } finally {
    if (saved === undefined) Deno.env.delete("INIT_CWD");
    else Deno.env.set("INIT_CWD", saved);
  }
  await Deno.remove(user, { recursive: true });
});

Deno.test("a system folder as output names the folder, not Deno's --allow-all advice", async () => {
  // The tasks' own permissions (deno.json), under which Deno refuses /proc with a message that
  // says to run with --allow-all.
  const flags = ["--allow-read", "--allow-write", "--allow-env", "--allow-net", "--allow-sys"];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, join(ROOT, "src/cli/train.ts"), "--out", "/proc/fashion-model"],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1, stderr);
  assert.equal(
    errorLine(stderr),
    "error: --out /proc/fashion-model: is in a system folder (/dev, /proc, /sys) that these " +
      "commands never write to; choose another --out",
  );
});
