// A network fine-tuned in every layer from saved weights (`train --init` without --freeze: its
// batch norms train and update the running statistics they were loaded with) is scored the same
// by the training process (fit's per-epoch validation, the evaluation after fit) and by its
// saved weights loaded into a new network, as `evaluate` in a fresh process does.
import assert from "node:assert/strict";
import { gpuTest, testGpu } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { Adam } from "../../src/optim/optimizer.ts";
import { fit } from "../../src/train/fit.ts";
import { evaluate } from "../../src/train/evaluate.ts";
import { loadInit } from "../../src/train/finetune.ts";
import { augmenter, parseAugment } from "../../src/augment/mod.ts";
import type { NamedArray } from "../../src/io/safetensors.ts";
import { range, syntheticDataset, tinyNet } from "./_synthetic.ts";

const data = syntheticDataset(120, 7);
const val = range(96, 120);

/** The state tensors of `model` (parameters and running statistics) read back, by name. */
async function saved(model: Sequential): Promise<Map<string, NamedArray>> {
  const out = new Map<string, NamedArray>();
  for (const { name, value } of model.stateTensors()) {
    out.set(name, { name, shape: [...value.shape], data: await value.read() });
  }
  return out;
}

for (const replay of [true, false]) {
  gpuTest(
    `fine-tuning every layer from loaded weights: in-process validation equals the saved ` +
      `weights' in a new network (${replay ? "replayed" : "tape"})`,
    async () => {
      await testGpu();
      // The source: trained, so that its running statistics are far from (0, 1).
      const source = new Sequential(tinyNet, 1);
      const sourceOpt = new Adam(source.params(), { lr: 0.01 });
      await fit(source, sourceOpt, data, range(0, 96), {
        epochs: 1,
        batchSize: 16,
        seed: 1,
        quiet: true,
        readbackSeconds: 0,
      });
      const init = { path: "source", format: "weights" as const, architecture: tinyNet };
      const sourceTensors = await saved(source);
      source.dispose();
      sourceOpt.dispose();

      const model = new Sequential(tinyNet, 2);
      loadInit(model, { ...init, tensors: sourceTensors });
      const opt = new Adam(model.params(), { lr: 0.003, weightDecay: 1e-2, decoupled: true });
      const history = await fit(model, opt, data, range(0, 90), {
        epochs: 3,
        batchSize: 16, // 90 = 5 × 16 + 10: a short last batch, a second plan
        seed: 3,
        smoothing: 0.1,
        quiet: true,
        replay,
        augment: augmenter(parseAugment("flip,shift=2"), 3),
        valIndices: val,
        readbackSeconds: 0,
      });
      const inProcess = await evaluate(model, data, { indices: val });
      const last = history.at(-1)!;
      assert.equal(inProcess.loss, last.valLoss);
      assert.equal(inProcess.accuracy, last.valAccuracy);

      // The weights as saveModel writes them, in a network that has never trained.
      const tensors = await saved(model);
      const running = [...tensors.values()].find((t) => t.name.endsWith("running"))!;
      const loaded = sourceTensors.get(running.name)!;
      assert.notDeepEqual(running.data, loaded.data, "the running statistics moved");
      const fresh = new Sequential(tinyNet, 9);
      loadInit(fresh, { ...init, tensors });
      const again = await evaluate(fresh, data, { indices: val });
      assert.equal(again.loss, inProcess.loss);
      assert.equal(again.accuracy, inProcess.accuracy);
      assert.deepEqual(again.predictions, inProcess.predictions);
      fresh.dispose();
      model.dispose();
      opt.dispose();
    },
  );
}
