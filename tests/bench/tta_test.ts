// deno task tta-bench (bench/tta.ts): the time-to-accuracy arithmetic, the default recipe handed to
// PyTorch, and a quick run end to end (PyTorch's side too where a python3 with torch is found).
import assert from "node:assert/strict";
import { join } from "node:path";
import { countFraction, describeRecipe, summarize, timeTo, torchRecipe } from "../../bench/tta.ts";
import { findTorchPython } from "../../bench/_peer.ts";
import { DEFAULT_RECIPE } from "../../src/train/recipe.ts";

/** Runs `deno task tta-bench ARGS` to its end: exit code, stdout and stderr. */
async function ttaBench(args: string[], env: Record<string, string> = {}) {
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../bench/tta.ts", import.meta.url).pathname, ...args],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: run.code, stdout: text(run.stdout), stderr: text(run.stderr) };
}

Deno.test("tta-bench: the time to a target is the first epoch at or above it, else null", () => {
  const epochs = [
    { epoch: 1, valAccuracy: 0.91, seconds: 50 },
    { epoch: 2, valAccuracy: 0.93, seconds: 100 },
    { epoch: 3, valAccuracy: 0.925, seconds: 150 },
    { epoch: 4, valAccuracy: 0.94, seconds: 200 },
  ];
  assert.deepEqual(timeTo(epochs, [0.92, 0.93, 0.94, 0.95]), {
    "0.92": 100,
    "0.93": 100,
    "0.94": 200,
    "0.95": null,
  });
  assert.deepEqual(timeTo([], [0.9]), { "0.9": null });
});

Deno.test("tta-bench: an accuracy is the fraction of the image count it stands for", () => {
  // PyTorch's float32 mean of 5,640 hits in 6,000: below 0.94 as read, 0.94 as counted.
  const float32 = Math.fround(5640 / 6000);
  assert.ok(float32 < 0.94);
  assert.equal(countFraction(float32, 6000), 0.94);
  assert.deepEqual(
    timeTo([{ epoch: 1, valAccuracy: countFraction(float32, 6000), seconds: 9 }], [
      0.94,
    ]),
    { "0.94": 9 },
  );
  // A progress line's 0.01% rounding of 5,639/6,000 stays below the target.
  assert.equal(countFraction(0.9398, 6000), 5639 / 6000);
});

Deno.test("tta-bench: runs are summed up per engine; a target some runs missed says how many", () => {
  const run = (engine: string, seed: number, test: number, at93: number | null) => ({
    engine,
    seed,
    epochs: [],
    timeTo: { "0.92": 100 + seed, "0.93": at93 },
    testAccuracy: test,
    totalSeconds: 600 + seed,
    detail: {},
  });
  const [ours, torch] = summarize(
    [run("ours", 1, 0.92, 300), run("ours", 2, 0.93, null), run("torch", 1, 0.925, null)],
    [0.92, 0.93],
  );
  assert.equal(ours.runs, 2);
  assert.deepEqual(ours.seeds, [1, 2]);
  assert.deepEqual(ours.testAccuracy, { mean: 0.925, min: 0.92, max: 0.93 });
  assert.deepEqual(ours.timeTo["0.92"], {
    reached: 2,
    seconds: { mean: 101.5, min: 101, max: 102 },
  });
  assert.deepEqual(ours.timeTo["0.93"], { reached: 1, seconds: { mean: 300, min: 300, max: 300 } });
  assert.deepEqual(torch.timeTo["0.93"], { reached: 0, seconds: null });
});

Deno.test("tta-bench: PyTorch is given train's default recipe, every part of it", () => {
  const args = torchRecipe();
  const value = (flag: string) => args.find((a) => a.startsWith(`--${flag}=`))?.split("=")[1];
  assert.equal(value("model"), DEFAULT_RECIPE.model);
  assert.equal(Number(value("lr")), DEFAULT_RECIPE.lr);
  assert.equal(Number(value("weight-decay")), DEFAULT_RECIPE.weightDecay);
  assert.equal(Number(value("label-smoothing")), DEFAULT_RECIPE.labelSmoothing);
  assert.equal(Number(value("batch-size")), DEFAULT_RECIPE.batchSize);
  assert.equal(value("optimizer"), DEFAULT_RECIPE.optimizer);
  assert.equal(value("schedule"), DEFAULT_RECIPE.schedule);
  assert.equal(value("augment"), DEFAULT_RECIPE.augment);
  assert.equal(args.includes("--tta"), DEFAULT_RECIPE.tta);
  assert.match(describeRecipe(), new RegExp(`^deno task train defaults: ${DEFAULT_RECIPE.model},`));
  // A default tools/torch_train.py cannot reproduce is refused, not compared unlike with unlike.
  assert.throws(
    () => torchRecipe({ ...DEFAULT_RECIPE, augment: "flip,shift=2" } as never),
    /no "--augment flip,shift=2"/,
  );
  assert.ok(
    torchRecipe({ ...DEFAULT_RECIPE, augment: "flip", tta: true } as never).includes("--tta"),
  );
});

Deno.test("tta-bench: a quick run times both engines' epochs and writes its report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tta-test-" });
  const python = await findTorchPython();
  try {
    const out = join(dir, "tta.json");
    const run = await ttaBench([
      "--epochs=2",
      "--limit=600",
      "--seeds=1,2",
      "--targets=0.3,0.999",
      `--out=${out}`,
      "--json",
      ...(python ? ["--threads=1", "--torch-seeds=1"] : ["--no-torch"]),
    ], { FASHION_MNIST_TUNE: "off" });
    const stderr = run.stderr;
    assert.equal(run.code, 0, stderr);
    const report = JSON.parse(await Deno.readTextFile(out));
    assert.deepEqual(JSON.parse(run.stdout), report);
    assert.equal(report.recipe, describeRecipe());
    assert.equal(report.complete, true);
    assert.deepEqual(
      report.results.map((r: { seed: number }) => r.seed),
      python ? [1, 2, 1] : [1, 2],
    );
    assert.deepEqual(report.summary[0].seeds, [1, 2]);
    for (const r of report.results) {
      assert.deepEqual(r.epochs.map((e: { epoch: number }) => e.epoch), [1, 2], r.engine);
      // Seconds count from each process's start and grow epoch by epoch.
      assert.ok(r.epochs[0].seconds > 0 && r.epochs[1].seconds > r.epochs[0].seconds, r.engine);
      assert.ok(r.totalSeconds >= r.epochs[1].seconds, r.engine);
      assert.equal(r.timeTo["0.999"], null, r.engine);
      assert.ok(r.testAccuracy > 0.3 && r.testAccuracy <= 1, `${r.engine}: ${r.testAccuracy}`);
    }
    assert.match(stderr, /\| ours \(WebGPU\) \| 1 \|/);
    assert.match(stderr, /\| ours \(WebGPU\), mean \(range\) \| 1,2 \|/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tta-bench: bad flags are one-line usage errors, before anything trains", async () => {
  for (
    const [args, message] of [
      [["--limit=600"], /a quick run does not replace results\/tta.json; give --out FILE/],
      [["--seeds=1,1", "--out=/tmp/x.json"], /--seeds: each seed once/],
      [["--no-torch", "--torch-seeds=1"], /--torch-seeds with --no-torch/],
      [["--targets=92"], /--targets: fractions in \(0, 1\)/],
    ] as const
  ) {
    const { code, stderr } = await ttaBench([...args]);
    assert.equal(code, 2, `${args.join(" ")}: ${stderr}`);
    assert.match(stderr, message);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
  }
});
