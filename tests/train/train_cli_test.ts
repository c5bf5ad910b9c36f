// `deno task train`'s optimizer, schedule, callback and resume flags, through the command line.
import assert from "node:assert/strict";
import { join } from "node:path";
import { TRAINING_STATE_FILE } from "../../src/io/checkpoint.ts";
import { writeDataset } from "../data/_helpers.ts";

const SCRIPT = new URL("../../src/cli/train.ts", import.meta.url).pathname;

function command(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    env: { INIT_CWD: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
}

async function train(args: string[]) {
  const out = await command(args).output();
  const stderr = new TextDecoder().decode(out.stderr);
  return {
    code: out.code,
    stderr,
    error: stderr.split("\n").findLast((l) => l.startsWith("error: ")),
  };
}

Deno.test("bad values and contradictory flags are one-line usage errors (exit 2)", async () => {
  const cases: [string[], RegExp][] = [
    [["--optimizer", "adagrad"], /--optimizer must be one of adam, adamw, sgd, rmsprop/],
    [["--nesterov"], /--nesterov applies to --optimizer sgd only/],
    [["--lr-schedule", "linear"], /--lr-schedule must be one of constant, step, cosine, onecycle/],
    [["--lr-gamma", "0.5"], /--lr-gamma applies to --lr-schedule step only/],
    [["--warmup-epochs", "9", "--epochs", "2"], /--warmup-epochs must be a number in \[0, 2\]/],
    [["--lr-plateau-factor", "0.3"], /--lr-plateau-factor needs --lr-plateau/],
    [["--label-smoothing", "1.5"], /--label-smoothing must be a number in \[0, 0.99\]/],
    [["--label-smoothing", "0.1", "--model", "linear-svm"], /hinge loss/],
    [["--early-stop", "2", "--val-split", "0"], /--early-stop needs a validation split/],
    [["--checkpoint", "every"], /--checkpoint must be one of best, last/],
    [["--monitor", "loss"], /--monitor must be one of val_loss, val_accuracy/],
    [["--weight-decay=-1"], /--weight-decay must be a number/],
    [["--resume", "x", "--lr", "0.1"], /--lr cannot be combined with --resume/],
    [["--augment", "flip,twist=3"], /--augment: .*unknown item "twist"/],
    [["--no-test", "--tta"], /--tta measures the test set, which --no-test skips/],
    [["--no-test", "--test-every-epoch"], /--test-every-epoch measures the test set/],
  ];
  for (const [args, pattern] of cases) {
    const r = await train(args);
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.error ?? r.stderr, pattern, args.join(" "));
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
  // A batch whose patch matrices would outgrow the adapter's binding limit (128 MiB on llvmpipe):
  // a bad value like the others.
  // Into a folder of its own: the project's models/cnn-deep may hold a trained model.
  const bigOut = await Deno.makeTempDir({ prefix: "train_cli_big_" });
  const big = await train([
    "--model",
    "cnn-deep",
    "--batch-size",
    "4096",
    "--limit",
    "600",
    "--out",
    join(bigOut, "run"),
  ]);
  await Deno.remove(bigOut, { recursive: true });
  assert.equal(big.code, 2, big.stderr);
  assert.match(
    big.error!,
    /--batch-size 4096 is too large for cnn-deep.*use --batch-size \d+ or less/,
  );
  const missing = await train(["--resume", "/nonexistent-run"]);
  assert.equal(missing.code, 2);
  assert.equal(
    missing.error,
    "error: --resume /nonexistent-run: no such folder; --resume takes the --out folder of an " +
      'unfinished "deno task train" run',
  );
});

Deno.test("--resume DIR without a training state says what DIR holds and how to go on (exit 2)", async () => {
  const dir = await Deno.makeTempDir();
  const state = "no training state (training-state.safetensors) to continue from";
  // The first epoch's model was saved, its state was not (a full disk).
  const interrupted = join(dir, "interrupted");
  await Deno.mkdir(interrupted);
  await Deno.writeTextFile(
    join(interrupted, "config.json"),
    JSON.stringify({ name: "mlp", epochsCompleted: 1 }),
  );
  await Deno.writeFile(join(interrupted, "weights.safetensors"), new Uint8Array(16));
  // A finished model without one (--init ... --epochs 0 saves none).
  const finished = join(dir, "finished");
  await Deno.mkdir(finished);
  await Deno.writeTextFile(
    join(finished, "config.json"),
    JSON.stringify({ name: "cnn", epochsCompleted: 0, test: { accuracy: 0.9271 } }),
  );
  const empty = join(dir, "empty");
  await Deno.mkdir(empty);
  const cases: [string, string][] = [
    [
      interrupted,
      `--resume ${interrupted}: it holds an interrupted run's model (1 epoch saved) but ${state}: ` +
      `its state's save did not complete (a full disk?); start again with --out ${interrupted} ` +
      `--overwrite, or from its weights with --init ${interrupted} and another --out`,
    ],
    [
      finished,
      `--resume ${finished}: it holds a finished cnn (92.71% test) but ${state}; train on from ` +
      `its weights with --init ${finished} and another --out, or start again with --out ` +
      `${finished} --overwrite`,
    ],
    [
      empty,
      `--resume ${empty}: ${state} and no model in it; --resume takes the --out folder of an ` +
      'unfinished "deno task train" run',
    ],
  ];
  for (const [folder, message] of cases) {
    const before = [...Deno.readDirSync(folder)].map((e) => e.name).sort();
    const r = await train(["--resume", folder]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.error, `error: ${message}`);
    assert.doesNotMatch(r.stderr, /^(data|adapter):/m, "before the data and the GPU");
    const after = [...Deno.readDirSync(folder)].map((e) => e.name).sort();
    assert.deepEqual(after, before, "nothing written, the lock gone");
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a tiny run that has not learned yet is not called diverged; a wrecked one is, naming --lr", async () => {
  const dir = await Deno.makeTempDir();
  const slow = await train([
    "--model",
    "mlp",
    "--limit",
    "300",
    "--epochs",
    "2",
    "--lr",
    "1e-6",
    "--out",
    join(dir, "slow"),
    "--quiet",
  ]);
  assert.equal(slow.code, 0, slow.stderr);
  assert.match(slow.stderr, /test: accuracy \d/);
  // SGD at 10 overflows within the first epoch: stopped at the readback that sees it.
  const wrecked = await train([
    "--model",
    "mlp",
    "--limit",
    "2000",
    "--epochs",
    "2",
    "--optimizer",
    "sgd",
    "--lr",
    "10",
    "--out",
    join(dir, "wrecked"),
    "--quiet",
  ]);
  assert.equal(wrecked.code, 1, wrecked.stderr);
  assert.match(
    wrecked.error!,
    /^error: diverged: (the loss became (NaN|-?Infinity) at epoch 1, step \d+ of 15|validation accuracy is .* chance for 10 classes.*); lower --lr \(now 10\), e\.g\. --lr 1; nothing was saved in /,
  );
  assert.doesNotMatch(wrecked.stderr, /\n\s+at /, "no stack trace");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a run killed after its first checkpoint and resumed saves the uninterrupted run's weights", async () => {
  const flags = [
    "--model",
    "mlp", // dropout: its masks must continue from the right step
    "--limit",
    "1000",
    "--epochs",
    "3",
    "--batch-size",
    "64",
    "--optimizer",
    "adamw",
    "--lr-schedule",
    "cosine",
    "--warmup-epochs",
    "1",
    "--label-smoothing",
    "0.1",
    "--early-stop",
    "3",
    "--checkpoint",
    "best",
    "--quiet",
  ];
  const straight = await Deno.makeTempDir();
  const r = await train([...flags, "--out", straight]);
  assert.equal(r.code, 0, r.stderr);

  // Killed (SIGKILL: nothing is cleaned up) as soon as the first epoch's state is on disk.
  const dir = await Deno.makeTempDir();
  const child = command([...flags, "--out", dir]).spawn();
  const state = join(dir, TRAINING_STATE_FILE);
  for (;;) {
    const exists = await Deno.stat(state).then(() => true, () => false);
    if (exists) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill("SIGKILL");
  const status = await child.status;
  await child.stdout.cancel();
  await child.stderr.cancel();
  assert.notEqual(status.code, 0, "the run was killed before it finished");

  const resumed = await train(["--resume", dir, "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming .*: [12] of 3 epochs done/);

  const read = (d: string, f: string) => Deno.readFile(join(d, f));
  assert.deepEqual(
    await read(dir, "weights.safetensors"),
    await read(straight, "weights.safetensors"),
    "identical weights files",
  );
  const history = async (d: string) =>
    JSON.parse(new TextDecoder().decode(await read(d, "history.json"))).map((
      { seconds: _s, imagesPerSecond: _i, compileSeconds: _c, readySeconds: _r, ...rest }: Record<
        string,
        unknown
      >,
    ) => rest);
  assert.deepEqual(await history(dir), await history(straight));
  const config = JSON.parse(new TextDecoder().decode(await read(dir, "config.json")));
  assert.equal(config.epochsCompleted, 3);
  assert.equal(config.hyperParameters.optimizer, "adamw");
  assert.equal(config.hyperParameters.weightDecay, 0.01);
  await Deno.remove(straight, { recursive: true });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--augment and --tta: the run trains, records its canonical spec, tests with TTA", async () => {
  const out = await Deno.makeTempDir();
  const r = await train([
    "--model",
    "mlp",
    "--limit",
    "600",
    "--epochs",
    "1",
    "--batch-size",
    "100",
    // A one-cycle run of 5 steps (the default schedule) barely moves: a constant rate here.
    "--lr-schedule",
    "constant",
    "--augment",
    "shift=2,flip",
    "--tta",
    "--quiet",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /test \(flip TTA\): accuracy/);
  const config = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
  assert.equal(config.hyperParameters.augment, "flip=0.5,shift=2");
  assert.equal(config.hyperParameters.tta, true);
  assert.ok(config.test.accuracy > 0.4, `accuracy ${config.test.accuracy}`);
  await Deno.remove(out, { recursive: true });
});

Deno.test("the first run tunes the kernels for the adapter and caches them; --no-test skips the test pass", async () => {
  const out = await Deno.makeTempDir();
  const cache = await Deno.makeTempDir({ prefix: "tune-cache-" });
  try {
    const args = ["--model", "mlp", "--limit", "300", "--epochs", "1", "--batch-size", "100"];
    const run = (extra: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", SCRIPT, ...args, ...extra, "--out", out, "--overwrite", "--json"],
        env: { NO_COLOR: "1", FASHION_MNIST_TUNE: "on", FASHION_MNIST_TUNE_DIR: cache },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const first = await run(["--no-test"]);
    const stderr = new TextDecoder().decode(first.stderr);
    assert.equal(first.code, 0, stderr);
    assert.match(stderr, /tuning kernels for this adapter: measuring \d+ shape classes/);
    assert.match(stderr, /tuned \d+ kernel shape classes in [\d.]+ s/);
    assert.doesNotMatch(stderr, /^test: accuracy/m);
    const summary = JSON.parse(new TextDecoder().decode(first.stdout));
    assert.equal(summary.test, null);
    assert.ok(summary.history[0].valAccuracy > 0);
    const saved = [...Deno.readDirSync(cache)].map((e) => e.name);
    assert.equal(saved.length, 1);
    assert.match(saved[0], /^tune-[0-9a-f]+\.json$/);
    // The same shapes again: everything is cached, nothing is measured; the test pass is back.
    const second = await run([]);
    const again = new TextDecoder().decode(second.stderr);
    assert.equal(second.code, 0, again);
    assert.doesNotMatch(again, /tuning kernels|tuned \d+/);
    assert.ok(JSON.parse(new TextDecoder().decode(second.stdout)).test.accuracy > 0);
  } finally {
    await Deno.remove(out, { recursive: true });
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("a split too small for what needs validation, or leaving nothing to train, is refused before training", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "run");
  const refused = async (args: string[], message: string) => {
    const r = await train(["--model", "softmax", ...args, "--out", out, "--quiet"]);
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
    assert.equal(r.error, `error: ${message}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assert.doesNotMatch(r.stderr, /^(adapter|model):/m, "before the GPU and the model");
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound, "nothing saved");
  };
  // The first 10 training images: 10% of each class, rounded, is no image at all.
  const tail = "gives 0 (the split takes that fraction of each class, rounded); use a larger " +
    "--limit or --val-split 0.17 or more";
  await refused(
    ["--limit", "10", "--early-stop", "1"],
    `--early-stop needs validation images, but --val-split 0.1 of 10 training images ` +
      `(--limit 10) ${tail}`,
  );
  await refused(
    ["--limit", "10", "--checkpoint", "best", "--lr-plateau", "1"],
    `--checkpoint best and --lr-plateau need validation images, but --val-split 0.1 of 10 ` +
      `training images (--limit 10) ${tail}`,
  );
  // One image per class: half of each, rounded up, is all of them.
  const data = join(dir, "data");
  await writeDataset(data, { train: 10, test: 10 });
  await refused(
    ["--data-dir", data, "--val-split", "0.5"],
    "--val-split 0.5 of 10 training images leaves 0 for training; use more training images " +
      "or a smaller --val-split",
  );
  // The fraction suggested works.
  const r = await train([
    "--model",
    "softmax",
    "--limit",
    "10",
    "--val-split",
    "0.17",
    "--early-stop",
    "1",
    "--epochs",
    "1",
    "--out",
    out,
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\d+ train \/ [1-9]\d* validation images/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a new run never replaces a trained model or an unfinished run in --out without --overwrite", async () => {
  const dir = await Deno.makeTempDir();
  const config = JSON.stringify({
    name: "cnn",
    epochsCompleted: 12,
    test: { accuracy: 0.9275 },
    createdAt: "2026-11-30T06:35:00.000Z",
  });
  await Deno.writeTextFile(join(dir, "config.json"), config);
  const args = ["--model", "softmax", "--limit", "10", "--val-split", "0", "--epochs", "1"];
  const kept = await train([...args, "--out", dir, "--quiet"]);
  assert.equal(kept.code, 2, kept.stderr);
  assert.equal(
    kept.error,
    `error: --out ${dir} already holds a trained cnn (92.75% test, 12 epochs, 2026-11-30); ` +
      "give another --out, or --overwrite to replace it",
  );
  assert.doesNotMatch(kept.stderr, /^(adapter|model):/m, "before the GPU and the model");
  assert.equal(await Deno.readTextFile(join(dir, "config.json")), config, "nothing written");

  const unfinished = join(dir, "unfinished");
  await Deno.mkdir(unfinished);
  await Deno.writeTextFile(join(unfinished, TRAINING_STATE_FILE), "");
  const resumable = await train([...args, "--out", unfinished, "--quiet"]);
  assert.equal(resumable.code, 2, resumable.stderr);
  assert.match(resumable.error!, /holds an unfinished run; continue it with --resume .*unfinished/);

  const replaced = await train([...args, "--out", dir, "--overwrite", "--quiet"]);
  assert.equal(replaced.code, 0, replaced.stderr);
  const after = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
  assert.equal(after.name, "softmax");
  await Deno.remove(dir, { recursive: true });
});
