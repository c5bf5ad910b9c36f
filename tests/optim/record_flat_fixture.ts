// Records tests/fixtures/flat_optimizer.json: the hashes of the runs in _flat_runs.ts. It was run
// once with the per-tensor optimizer (one dispatch per parameter, git efcc305), before the flat
// optimizer replaced it; flat_optimizer_test.ts compares today's optimizer against it. Each run is
// made twice, the kernels reading textures and storage buffers (the adapter profile's
// textureInputs), which must leave the same bits. Rerunning it now would record the flat
// optimizer's own results: only do so for a deliberate change of numbers.
//   DENO_WEBGPU_BACKEND=vulkan deno run -A tests/optim/record_flat_fixture.ts
import assert from "node:assert/strict";
import { Gpu } from "../../src/gpu/gpu.ts";
import { useGpu } from "../../src/autograd/tensor.ts";
import { CASES, type FlatResult, optimizerDispatches, runCase, STEPS } from "./_flat_runs.ts";

const g = await Gpu.create();
useGpu(g);
const own = g.profile;
const runs: Record<string, FlatResult> = {};
for (const c of CASES) {
  g.profile = { ...own, textureInputs: true };
  const t = await runCase(c);
  g.profile = { ...own, textureInputs: false };
  const b = await runCase(c);
  g.profile = own;
  assert.equal(b.hash, t.hash, `${c.name}: textures and buffers differ`);
  console.log(c.name, t.hash, `${t.dispatches} dispatches`);
  runs[c.name] = t;
}
const dispatches = {
  cnn: await optimizerDispatches("cnn"),
  resnet: await optimizerDispatches("resnet"),
};
console.log("optimizer dispatches per step", dispatches);
const out = new URL("../fixtures/flat_optimizer.json", import.meta.url);
if (!Deno.args.includes("--overwrite")) {
  console.log(`not written: ${out.pathname} is the per-tensor optimizer's record (--overwrite)`);
  Deno.exit(0);
}
await Deno.writeTextFile(
  out,
  JSON.stringify(
    {
      recordedWith: "per-tensor optimizer (git efcc305)",
      adapter: g.adapter.description,
      steps: STEPS,
      dispatches,
      runs,
    },
    null,
    1,
  ) + "\n",
);
g.destroy();
