// fit's hooks for a live page: onProgress after every readback, and an AbortSignal that stops a
// run before its next step.
import assert from "node:assert/strict";
import { gpuTest } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { Adam } from "../../src/optim/optimizer.ts";
import { fit, type FitProgress } from "../../src/train/fit.ts";
import { range, syntheticDataset, tinyNet } from "./_synthetic.ts";

gpuTest("onProgress reports each readback: steps, images, running and recent figures", async () => {
  const data = syntheticDataset(200);
  const model = new Sequential(tinyNet, 1);
  const seen: FitProgress[] = [];
  const history = await fit(model, new Adam(model.params(), { lr: 0.01 }), data, range(0, 200), {
    epochs: 2,
    batchSize: 16, // 13 steps per epoch: readbacks after steps 5, 10, 13 of each
    seed: 1,
    logEvery: 5,
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
