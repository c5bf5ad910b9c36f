// Freeing a network's GPU buffers at once (the page swaps models and trains again and again).
import assert from "node:assert/strict";
import { gpuTest, testGpu } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { architecture } from "../../src/nn/zoo.ts";
import { Adam } from "../../src/optim/optimizer.ts";

/** Counts destroy() calls on each buffer. */
function spy(buffers: GPUBuffer[]): Map<GPUBuffer, number> {
  const calls = new Map<GPUBuffer, number>();
  for (const b of buffers) {
    const destroy = b.destroy.bind(b);
    calls.set(b, 0);
    b.destroy = () => {
      calls.set(b, calls.get(b)! + 1);
      destroy();
    };
  }
  return calls;
}

gpuTest("dispose: a network and its optimizer destroy every buffer they own, once", async () => {
  await testGpu();
  const model = new Sequential(architecture("resnet"), 1);
  const optimizer = new Adam(model.params());
  const state = model.stateTensors().map((t) => t.value.buffer);
  // Running statistics are buffers too, not only the trained parameters.
  assert.ok(state.length > model.params().length);
  const moments = optimizer.stateTensors().map((t) => t.value.buffer);
  assert.equal(moments.length, 2 * model.params().length);
  // The moments are views into the optimizer's flat buffers: each buffer counted once.
  const calls = spy([...new Set([...state, ...moments])]);
  model.dispose();
  optimizer.dispose();
  assert.deepEqual([...calls.values()], new Array(calls.size).fill(1));
});
