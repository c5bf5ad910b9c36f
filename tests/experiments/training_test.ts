import assert from "node:assert/strict";
import { join } from "node:path";
import { ensureTrained, isFinished, recipeFlags } from "../../src/experiments/training.ts";
import { UserError } from "../../src/util/errors.ts";

/** The settings `deno task train` saved for the comparison's reference cnn (default recipe). */
const CNN = {
  model: "cnn",
  epochs: 12,
  batchSize: 128,
  optimizer: "adamw",
  lr: 0.003,
  weightDecay: 0.01,
  nesterov: false,
  schedule: "onecycle",
  warmupEpochs: null,
  lrStepEpochs: 2,
  lrGamma: 0.5,
  plateauPatience: null,
  plateauFactor: 0.5,
  labelSmoothing: 0.1,
  augment: "none",
  tta: false,
  earlyStop: null,
  monitor: "val_loss",
  minDelta: 0,
  checkpoint: "last",
  seed: 1,
  limit: null,
  valSplit: 0.1,
  testEveryEpoch: false,
};

Deno.test("recipeFlags gives the train flags of a saved recipe, and only those that apply", () => {
  assert.deepEqual(recipeFlags(CNN), [
    "--model",
    "cnn",
    "--epochs",
    "12",
    "--batch-size",
    "128",
    "--optimizer",
    "adamw",
    "--lr",
    "0.003",
    "--weight-decay",
    "0.01",
    "--lr-schedule",
    "onecycle",
    "--label-smoothing",
    "0.1",
    "--checkpoint",
    "last",
    "--seed",
    "1",
    "--val-split",
    "0.1",
  ]);
  const more = recipeFlags({
    ...CNN,
    schedule: "step",
    plateauPatience: 3,
    augment: "flip=0.5,shift=2",
    tta: true,
    checkpoint: "best",
    permutePixels: 7,
  }).join(" ");
  for (
    const part of [
      "--lr-schedule step --lr-step-epochs 2 --lr-gamma 0.5",
      "--lr-plateau 3 --lr-plateau-factor 0.5",
      "--augment flip=0.5,shift=2",
      "--tta",
      "--monitor val_loss --min-delta 0 --checkpoint best",
      "--permute-pixels 7",
    ]
  ) assert.ok(more.includes(part), `${part} in ${more}`);
  assert.throws(() => recipeFlags({ epochs: 3 }), UserError);
});

Deno.test("ensureTrained reuses a finished run and refuses a folder holding another run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "experiments-train-" });
  try {
    assert.equal(await isFinished(dir), false);
    const config = {
      kind: "network",
      hyperParameters: { ...CNN, augment: "shift=4" },
      test: { accuracy: 0.9 },
    };
    await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config));
    assert.equal(await isFinished(dir), true);
    // Finished with these settings: returned as it is, nothing trained.
    const got = await ensureTrained(dir, { ...CNN, augment: "shift=4" });
    assert.deepEqual(got, config);
    await assert.rejects(
      () => ensureTrained(dir, { ...CNN, augment: "shift=2" }),
      (e: Error) =>
        e instanceof UserError && /holds another run \(augment "shift=4" \(wanted "shift=2"\)\)/
          .test(e.message),
    );
    await assert.rejects(
      () => ensureTrained(dir, { ...CNN, augment: "shift=4", permutePixels: 1 }),
      /permutePixels null \(wanted 1\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
