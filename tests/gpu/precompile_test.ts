// Gpu.precompile: the pipelines a recorded pass would create are compiled ahead (asynchronously,
// together), the pass then creates none, and the dry run leaves no trace in what runs after it.
import assert from "node:assert/strict";
import { gpuTest, testGpu } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { architecture } from "../../src/nn/zoo.ts";
import { endStep, noGrad, releaseStep, Tensor } from "../../src/autograd/tensor.ts";
import { Rng } from "../../src/util/random.ts";

gpuTest("precompile builds a pass's pipelines ahead; the pass then creates none", async () => {
  const g = await testGpu();
  const model = new Sequential(architecture("cnn"), 3);
  const rng = new Rng(5);
  const images = Float32Array.from({ length: 3 * 784 }, () => rng.next());
  const forward = () =>
    noGrad(() => model.forward(Tensor.from(images, [3, 28, 28, 1]), { training: false, seed: 0 }));
  const before = { ...g.counts };
  const compiled = await g.precompile(() => {
    try {
      forward();
    } finally {
      releaseStep();
    }
  });
  assert.ok(compiled > 0, "nothing to compile: the pass's pipelines were cached already");
  assert.equal(g.counts.pipelines - before.pipelines, compiled);
  assert.equal(g.counts.dispatches, before.dispatches, "the dry run's dispatches are not counted");
  assert.equal(g.counts.submits, before.submits, "the dry run submits nothing");
  const afterPrecompile = g.counts.pipelines;
  const first = await forward().read();
  endStep();
  assert.equal(g.counts.pipelines, afterPrecompile, "the pass found every pipeline compiled");
  assert.ok(g.counts.dispatches > before.dispatches);
  assert.equal(await g.precompile(() => forward()), 0, "a second precompile finds them all");
  releaseStep();
  const second = await forward().read();
  endStep();
  assert.deepEqual(first, second);
  assert.ok(first.every(Number.isFinite));
  model.dispose();
});
