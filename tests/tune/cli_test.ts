// deno task tune end to end: a tiny real search (mlp, 300 training images, budgets of 1 and 3
// epochs), its files and JSON, the winner retrained and tested once; bad specs as one-line
// usage errors; and tune's table of train flags against train's own --help.
import assert from "node:assert/strict";
import { join } from "node:path";
import { TRAIN_FLAGS } from "../../src/tune/space.ts";

const TUNE = new URL("../../src/cli/tune.ts", import.meta.url).pathname;
const TRAIN = new URL("../../src/cli/train.ts", import.meta.url).pathname;

async function run(script: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

Deno.test({
  name: "tune: 3 configurations of mlp on 300 images, ASHA over 1 and 3 epochs, winner tested once",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "tune-e2e-" });
    try {
      const out = join(dir, "tune");
      const model = join(dir, "model");
      const r = await run(TUNE, [
        "--space=model=mlp",
        "--space=limit=300",
        "--space=lr=log:1e-3..3e-2",
        "--trials=3",
        "--max-budget=3",
        `--out=${out}`,
        `--model-out=${model}`,
        "--json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const summary = JSON.parse(r.stdout);
      // 3 runs of 1 epoch, then the best of them on 3 epochs.
      assert.deepEqual(
        summary.results.map((x: { rung: number; budget: number }) => [x.rung, x.budget]),
        [[0, 1], [0, 1], [0, 1], [1, 3]],
      );
      assert.equal(summary.finished, "complete");
      assert.equal(summary.best.budget, 3);
      assert.ok(summary.best.validationAccuracy > 0.1 && summary.best.validationAccuracy <= 1);
      // The winner's test accuracy comes from its own retraining, saved as a model folder.
      const config = JSON.parse(await Deno.readTextFile(join(model, "config.json")));
      assert.equal(summary.final.testAccuracy, config.test.accuracy);
      assert.equal(config.hyperParameters.valSplit, 0);
      assert.equal(config.hyperParameters.epochs, 3);
      assert.equal(config.hyperParameters.lr, summary.best.config.lr);
      for (
        const f of ["tune.json", "trials.csv", "trials.md", "tune_scores.svg", "tune_rungs.png"]
      ) {
        assert.ok((await Deno.stat(join(out, f))).size > 0, f);
      }
      // Trials were given train's --no-test: none of them computed a test accuracy.
      const state = JSON.parse(await Deno.readTextFile(join(out, "tune.json")));
      assert.equal(state.trialsTested, false);
      const csv = (await Deno.readTextFile(join(out, "trials.csv"))).trim().split("\n");
      assert.equal(csv[0], "trial,rung,budget,lr,val_accuracy,status,seconds");
      assert.equal(csv.length, 5);
      const spec = JSON.parse(await Deno.readTextFile(join(out, "tune_scores.vl.json")));
      assert.equal(spec.data.values.length, 4);
      // Progress on stderr: trial i/n, rung, score, ETA.
      assert.match(r.stderr, /trial 2\/\d+: configuration 2\/3, rung 1\/2 \(1 epoch\).*ETA/);
      assert.match(r.stderr, /validation accuracy \d+\.\d\d%/);
      // Trial folders are gone; a second search into the same folder is refused.
      assert.equal(await Deno.stat(join(out, "trials")).catch(() => null), null);
      const again = await run(TUNE, ["--space=lr=0.01", `--out=${out}`, "--no-final"]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /holds a search .*--resume/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("tune: bad specs and flags are one-line usage errors (exit 2) before any trial", async () => {
  const cases: [string[], RegExp][] = [
    [["--space=lr=log:0..1"], /log needs lo > 0/],
    [["--space=wd=0.1"], /not a flag of deno task train/],
    [["--space=lr=1..0.1"], /lo > hi/],
    [["--space=lr=0.1..0.1"], /empty/],
    [["--space=model=vgg"], /must be one of/],
    [[], /give the space/],
    [["--space=lr=0.01", "--space=lr=0.1"], /given twice/],
    [["--space=lr=0.01", "--min-budget=5", "--max-budget=3"], /above --max-budget/],
    [["--space=lr=0.01", "--halving=bohb"], /--halving must be one of/],
    [["--space=lr=0.01", "--search=grid", "--trials=3"], /--trials applies to --search random/],
    [["--space=optimizer=adamw,sgd", "--space=nesterov=true"], /--nesterov applies to/],
    [["--space=val-split=0.1,0.2"], /one value only/],
    [["--space=lr=0.01", "--spec=/nonexistent/spec.json"], /cannot be read/],
    [["--resume=/nonexistent/tune"], /no tune.json/],
  ];
  for (const [args, pattern] of cases) {
    const out = args.some((a) => a.startsWith("--resume")) ? [] : ["--out=/nonexistent/never"];
    const r = await run(TUNE, [...args, ...out]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], pattern);
  }
});

Deno.test("tune knows every flag of deno task train's --help", async () => {
  const help = await run(TRAIN, ["--help"]);
  assert.equal(help.code, 0);
  const flags = [...help.stdout.matchAll(/^ {2}--([a-z][a-z-]*)/gm)].map((m) => m[1]);
  assert.ok(flags.length > 20);
  for (const f of flags) assert.ok(f in TRAIN_FLAGS, `train --${f} is not in TRAIN_FLAGS`);
});
