// Fine-tuning onto a folder's classes: outputs whose class name matches the source model's take
// its weight column and bias; the others keep their fresh initialisation.
import assert from "node:assert/strict";
import { gpuTest } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { architecture } from "../../src/nn/zoo.ts";
import { loadInit, withClasses } from "../../src/train/finetune.ts";
import { mapHeadByName, readHead, sourceClassNames } from "../../src/train/class_head.ts";
import { CLASS_NAMES } from "../../src/data/classes.ts";
import type { NamedArray } from "../../src/io/safetensors.ts";

async function sourceOf(seed: number) {
  const model = new Sequential(architecture("mlp"), seed);
  const tensors = new Map<string, NamedArray>();
  for (const p of model.stateTensors()) {
    tensors.set(p.name, { name: p.name, shape: [...p.value.shape], data: await p.value.read() });
  }
  return {
    path: "source",
    format: "model-dir" as const,
    architecture: model.architecture,
    tensors,
  };
}

gpuTest("outputs are copied by class name; unmatched ones stay fresh", async () => {
  const source = await sourceOf(1);
  const names = ["Bag", "hat", "T-shirt_top"];
  const model = new Sequential(withClasses(architecture("mlp"), names.length), 2);
  const fresh = await readHead(model);
  loadInit(model, source);
  const mapping = mapHeadByName(model, source, [...CLASS_NAMES], names, fresh);
  assert.deepEqual(mapping.sources, [8, -1, 0]);
  assert.match(
    mapping.description,
    /2 of 3 outputs .*Bag ← Bag, T-shirt_top ← T-shirt\/top\); new: hat/,
  );
  const [w, b] = await readHead(model);
  const sw = source.tensors.get("7.dense.weight")!.data as Float32Array;
  const sb = source.tensors.get("7.dense.bias")!.data as Float32Array;
  const k = 128;
  for (let r = 0; r < k; r++) {
    assert.equal(w[r * 3 + 0], sw[r * 10 + 8]);
    assert.equal(w[r * 3 + 1], fresh[0][r * 3 + 1]);
    assert.equal(w[r * 3 + 2], sw[r * 10 + 0]);
  }
  assert.deepEqual([...b], [sb[8], fresh[1][1], sb[0]]);
});

gpuTest(
  "same class count, other names: the source's head is not kept in the wrong order",
  async () => {
    const source = await sourceOf(1);
    const names = Array.from({ length: 10 }, (_, i) => `class ${i}`);
    const model = new Sequential(architecture("mlp"), 2);
    const fresh = await readHead(model);
    loadInit(model, source); // copies the source's head: same count
    const mapping = mapHeadByName(model, source, [...CLASS_NAMES], names, fresh);
    assert.match(mapping.description, /no class name matches .*new 10-class head/);
    const [w, b] = await readHead(model);
    assert.deepEqual(w, fresh[0]);
    assert.deepEqual(b, fresh[1]);
    // A permuted set of names is mapped back to the source's order.
    const permuted = [...CLASS_NAMES].reverse();
    const again = new Sequential(architecture("mlp"), 2);
    const fresh2 = await readHead(again);
    loadInit(again, source);
    mapHeadByName(again, source, [...CLASS_NAMES], permuted, fresh2);
    const [, b2] = await readHead(again);
    const sb = source.tensors.get("7.dense.bias")!.data as Float32Array;
    assert.deepEqual([...b2], [...sb].reverse());
  },
);

Deno.test("sourceClassNames: classNames, then classes by label, then Fashion-MNIST's ten", () => {
  assert.deepEqual(sourceClassNames({ classNames: ["a", "b"] }, 2), ["a", "b"]);
  assert.deepEqual(sourceClassNames({ classes: [5, 9] }, 2), ["Sandal", "Ankle boot"]);
  assert.deepEqual(sourceClassNames({}, 10), [...CLASS_NAMES]);
  assert.equal(sourceClassNames({}, 3), null);
  // Untrusted: wrong lengths, types and labels are not used.
  assert.equal(sourceClassNames({ classNames: ["a"], classes: [1, 99] }, 2), null);
  assert.equal(sourceClassNames({ classNames: [1, 2] }, 2), null);
});
