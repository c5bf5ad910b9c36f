// fit's hooks for a live page: onProgress after every readback, and an AbortSignal that stops a
// run before its next step. These runs read back every `logEvery` steps (readbackSeconds 0, the
// old fixed schedule) so that the readbacks fall on known steps; tests/train/fit_test.ts checks
// the default schedule (a readback per second of GPU work).
import assert from "node:assert/strict";
import { gpuTest } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { Adam } from "../../src/optim/optimizer.ts";
import { fit, type FitProgress } from "../../src/train/fit.ts";
import { range, syntheticDataset, tinyNet } from "./_synthetic.ts";
import { platform, setPlatform } from "../../src/platform/mod.ts";

gpuTest("onProgress reports each readback: steps, images, running and recent figures", async () => {
  const data = syntheticDataset(200);
  const model = new Sequential(tinyNet, 1);
  const seen: FitProgress[] = [];
  const history = await fit(model, new Adam(model.params(), { lr: 0.01 }), data, range(0, 200), {
    epochs: 2,
    batchSize: 16, // 13 steps per epoch: readbacks after steps 5, 10, 13 of each
    seed: 1,
    logEvery: 5,
    readbackSeconds: 0,
    quiet: true,
    onProgress: (p) => seen.push(p),
  });
  assert.deepEqual(seen.map((p) => [p.epoch, p.step, p.seen]), [
    [1, 5, 80],
    [1, 10, 160],
    [1, 13, 200],
    [2, 18, 80],
    [2, 23, 160],
    [2, 26, 200],
  ]);
  // Waits on the GPU so far in the epoch: the first epoch's first step syncs once more.
  assert.deepEqual(seen.map((p) => p.waits), [2, 3, 4, 1, 2, 3]);
  for (const p of seen) {
    assert.equal(p.total, 200);
    assert.ok(Number.isFinite(p.recentLoss) && p.recentLoss > 0);
    assert.ok(p.accuracy >= 0 && p.accuracy <= 1);
  }
  // The epoch's running figures at its last readback are the epoch's record.
  assert.ok(Math.abs(seen[2].loss - history[0].trainLoss) < 1e-6);
  assert.ok(Math.abs(seen[5].accuracy - history[1].trainAccuracy) < 1e-9);
  // Readbacks of an epoch add up: the running loss is the images-weighted mean of the recent ones.
  const weighted = (seen[0].recentLoss * 80 + seen[1].recentLoss * 80 + seen[2].recentLoss * 40) /
    200;
  assert.ok(Math.abs(weighted - seen[2].loss) < 1e-5);
});

gpuTest("an aborted signal stops fit before its next step, with the signal's reason", async () => {
  const data = syntheticDataset(200);
  const model = new Sequential(tinyNet, 1);
  const controller = new AbortController();
  const steps: number[] = [];
  await assert.rejects(
    fit(model, new Adam(model.params(), { lr: 0.01 }), data, range(0, 200), {
      epochs: 3,
      batchSize: 16,
      seed: 1,
      logEvery: 2,
      readbackSeconds: 0,
      quiet: true,
      signal: controller.signal,
      onProgress: (p) => {
        steps.push(p.step);
        if (p.step === 4) controller.abort();
      },
    }),
    (e) => e instanceof DOMException && e.name === "AbortError",
  );
  assert.deepEqual(steps, [2, 4]);
});

gpuTest("the bar moves with submitted steps and shows the loss of each readback", async () => {
  const data = syntheticDataset(200);
  const model = new Sequential(tinyNet, 1);
  const lines: string[] = [];
  const before = platform();
  // A log, not a terminal: a line per 10% of the epoch's images.
  setPlatform({
    ...before,
    writeProgress: (t) => void lines.push(t),
    progressIsTerminal: () => false,
  });
  try {
    await fit(model, new Adam(model.params(), { lr: 0.01 }), data, range(0, 200), {
      epochs: 1,
      batchSize: 10, // 20 steps, none read back before the epoch's end
      seed: 1,
      readbackSeconds: 1e9,
    });
  } finally {
    setPlatform(before);
  }
  const bar = lines.filter((l) => l.startsWith("epoch 1/1 ["));
  assert.deepEqual(
    bar.map((l) => Number(l.match(/\] (\d+)\/200/)![1])),
    [20, 40, 60, 80, 100, 120, 140, 160, 180, 200],
  );
  // Steps submitted but not read yet move the bar without a loss; the readback brings it.
  assert.ok(bar.slice(0, -1).every((l) => /img\/s/.test(l) && !/loss/.test(l)), bar.join(""));
  assert.match(bar[bar.length - 1], /loss \d+\.\d{4} {2}acc \d+\.\d%/);
});
