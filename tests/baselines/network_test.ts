import assert from "node:assert/strict";
import { NetworkClassifier } from "../../src/baselines/network.ts";
import { gpuTest, testGpu } from "../helpers.ts";
import { accuracy, small } from "./_helpers.ts";

gpuTest(
  "softmax on the GPU: fits, round-trips, and records the adapter it trained on",
  async () => {
    const { train, test } = await small();
    const clf = NetworkClassifier.named("softmax", {
      epochs: 3,
      batchSize: 64,
      lr: 0.01,
      seed: 1,
      quiet: true,
    });
    await clf.fit(train.x, train.y, train.n);
    const pred = await clf.predict(test.x, test.n);
    assert.ok(accuracy(pred, test.y) > 0.5, `accuracy ${accuracy(pred, test.y)}`);
    const dir = await Deno.makeTempDir();
    await clf.save(dir);
    const config = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
    assert.equal(config.engine, "WGSL (this project)");
    assert.equal(config.trainImages, train.n);
    // The report's "Trained on / with" column reads it (src/report/runs.ts trainingSummary).
    assert.equal(config.adapter.description, (await testGpu()).adapter.description);
    const back = await NetworkClassifier.load(dir);
    assert.deepEqual(await back.predict(test.x, test.n), pred);
    await Deno.remove(dir, { recursive: true });
  },
);
