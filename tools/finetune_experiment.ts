/**
 * Transfer measured: the reference CNN pretrained on five classes (0-4, all their training images),
 * then trained on the other five (5-9) from only N images per class — fine-tuned whole, with its
 * conv blocks frozen, or with everything but a new 5-class head frozen — against the same network
 * trained from scratch on those images. All are tested on the 5,000 test images of classes 5-9.
 *
 *   deno run -A tools/finetune_experiment.ts [--seeds 1,2,3] [--per-class 10,100] [--steps 200]
 *     [--pretrain-epochs 3] [--models DIR] [--out results/finetune.json]
 *
 * Every run is a `deno task train` process (src/cli/train.ts) with the flags recorded in the
 * results; the pretrained model is reused when DIR/pretrain-0-4 already holds one.
 */
import { dirname, join } from "node:path";
import {
  checkWritableDir,
  intFlag,
  parseFlags,
  projectPath,
  runCli,
  userPath,
} from "../src/cli/common.ts";
import { writeJsonAtomic } from "../src/util/atomic.ts";
import { info } from "../src/train/progress.ts";

const HELP = `deno run -A tools/finetune_experiment.ts [flags]

Pretrains cnn on classes 0-4, then compares on classes 5-9 with N training images per class:
from scratch, fine-tuned (--init), with frozen conv blocks (--freeze 0-7) and with every layer
but a new head frozen (--freeze features).

  --seeds LIST          seeds of the small runs (image draw, init, order) (default 1,2,3)
  --per-class LIST      training images per class of the small runs (default 10,100)
  --steps N             optimizer steps of every small run, batch 50: 20 epochs of 500
                        images, 200 of 50 (default 200)
  --pretrain-epochs N   epochs of the pretraining on classes 0-4 (default 3)
  --models DIR          where the models go (default models/finetune)
  --out FILE            results (default results/finetune.json)`;

const TRAIN = new URL("../src/cli/train.ts", import.meta.url).pathname;

/** Runs `deno task train` with `args` (plus --json --quiet); its JSON summary. */
async function train(args: string[]): Promise<Record<string, unknown>> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", TRAIN, ...args, "--json", "--quiet"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (out.code !== 0) {
    throw new Error(`train ${args.join(" ")} failed (exit ${out.code}):\n${stderr}`);
  }
  const summary = JSON.parse(new TextDecoder().decode(out.stdout));
  info(
    `  ${args.join(" ")}: test accuracy ${(summary.test.accuracy * 100).toFixed(2)}% ` +
      `(${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
  return summary;
}

await runCli(async () => {
  const flags = parseFlags("finetune_experiment", {
    seeds: { type: "string" },
    "per-class": { type: "string" },
    steps: { type: "string" },
    "pretrain-epochs": { type: "string" },
    models: { type: "string" },
    out: { type: "string" },
  }, HELP);
  const seeds = (flags.seeds ?? "1,2,3").split(",").map((s) => intFlag("seeds", s, 1, 0));
  const perClasses = (flags["per-class"] ?? "10,100").split(",").map((s) =>
    intFlag("per-class", s, 1)
  );
  const steps = intFlag("steps", flags.steps, 200);
  const pretrainEpochs = intFlag("pretrain-epochs", flags["pretrain-epochs"], 3);
  const models = flags.models ? userPath(flags.models) : projectPath("models", "finetune");
  const outFile = flags.out ? userPath(flags.out) : projectPath("results", "finetune.json");

  await checkWritableDir(dirname(outFile), "--out");
  await checkWritableDir(models, "--models");
  const pretrainDir = join(models, "pretrain-0-4");
  const pretrainArgs = [
    "--model",
    "cnn",
    "--classes",
    "0-4",
    "--epochs",
    String(pretrainEpochs),
    "--seed",
    "1",
    "--out",
    pretrainDir,
  ];
  let pretrain: Record<string, unknown>;
  try {
    pretrain = JSON.parse(await Deno.readTextFile(join(pretrainDir, "config.json")));
    info(`pretrained model: ${pretrainDir} (reused)`);
  } catch {
    info(`pretraining cnn on classes 0-4 (${pretrainEpochs} epochs)`);
    pretrain = await train(pretrainArgs);
  }

  // The small runs' common recipe: the default optimizer and schedule, no validation split (the
  // few images are all for training), batch 50 and the same number of steps for every arm and
  // size (with 10 images per class an epoch is one step: a fixed epoch count would give the
  // smaller sets, and a new head, far fewer updates).
  const batch = 50;
  const recipe = ["--classes", "5-9", "--val-split", "0", "--batch-size", String(batch)];
  const arms = {
    scratch: ["--model", "cnn"],
    finetune: ["--init", pretrainDir],
    // The two conv blocks fixed; the dense layers (3,136 → 128 → new 5-class head) train.
    "frozen-conv": ["--init", pretrainDir, "--freeze", "0-7"],
    // Everything but the new head fixed: a linear classifier on the pretrained 128 features.
    "frozen-features": ["--init", pretrainDir, "--freeze", "features"],
  } as const;
  let adapter: unknown = pretrain.adapter;
  const sweeps = [];
  for (const perClass of perClasses) {
    const runs: Record<string, unknown>[] = [];
    for (const seed of seeds) {
      for (const [arm, extra] of Object.entries(arms)) {
        const epochs = Math.max(1, Math.round((steps * batch) / (5 * perClass)));
        const args = [
          ...extra,
          ...recipe,
          "--per-class",
          String(perClass),
          "--epochs",
          String(epochs),
          "--seed",
          String(seed),
          "--out",
          join(models, `${arm}-n${perClass}-s${seed}`),
        ];
        const s = await train(args);
        adapter = s.adapter;
        const test = s.test as { accuracy: number; loss: number };
        const timings = s.timings as { trainSeconds: number };
        runs.push({
          arm,
          seed,
          args,
          testAccuracy: test.accuracy,
          testLoss: test.loss,
          trainSeconds: timings.trainSeconds,
        });
      }
    }
    const summary = Object.keys(arms).map((arm) => {
      const acc = runs.filter((r) => r.arm === arm).map((r) => r.testAccuracy as number);
      const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
      const sd = Math.sqrt(
        acc.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, acc.length - 1),
      );
      return {
        arm,
        runs: acc.length,
        meanAccuracy: mean,
        sdAccuracy: sd,
        min: Math.min(...acc),
        max: Math.max(...acc),
      };
    });
    sweeps.push({
      perClass,
      epochs: Math.max(1, Math.round((steps * batch) / (5 * perClass))),
      trainImages: perClass * 5,
      date: new Date().toISOString(),
      summary,
      runs,
    });
    for (const r of summary) {
      info(
        `${perClass} per class, ${r.arm}: ${(r.meanAccuracy * 100).toFixed(2)}% ± ` +
          `${(r.sdAccuracy * 100).toFixed(2)} over ${r.runs} seeds`,
      );
    }
  }
  const result = {
    description:
      "cnn pretrained on classes 0-4 (all their training images), then trained on classes 5-9 " +
      "from N images per class: from scratch; fine-tuned whole (--init); with the conv blocks " +
      "frozen (--freeze 0-7); with every layer but a new 5-class head frozen (--freeze " +
      "features). Test accuracy on the 5,000 test images of classes 5-9; mean and sample " +
      "standard deviation over seeds (each seed draws other images, init and order)",
    date: new Date().toISOString(),
    adapter,
    deno: Deno.version.deno,
    pretrain: {
      args: pretrainArgs,
      trainImages: (pretrain.data as { train: number }).train,
      testAccuracyOnClasses0to4: (pretrain.test as { accuracy: number }).accuracy,
      trainSeconds: (pretrain.timings as { trainSeconds: number }).trainSeconds,
    },
    recipe: {
      steps,
      batchSize: batch,
      optimizer: "adamw onecycle 3e-3, label smoothing 0.1",
      args: recipe,
    },
    arms,
    sweeps,
  };
  await writeJsonAtomic(outFile, result);
  info(`wrote ${outFile}`);
});
