import assert from "node:assert/strict";
import { join } from "node:path";
import { gpuTest } from "../helpers.ts";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.ts";
import { CONFIG_FILE, loadModel, saveModel, WEIGHTS_FILE } from "../../src/io/checkpoint.ts";
import { Sequential } from "../../src/nn/model.ts";
import { architecture } from "../../src/nn/zoo.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { UserError } from "../../src/util/errors.ts";

Deno.test("safetensors round trip keeps names, shapes, values and metadata", () => {
  const a = { name: "a", shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
  const b = { name: "b.weight", shape: [1], data: Float32Array.from([-0.5]) };
  const bytes = encodeSafetensors([a, b], { note: "x" });
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + headerLength) % 8, 0, "data section 8-byte aligned");
  const { tensors, metadata } = decodeSafetensors(bytes, "m.safetensors");
  assert.deepEqual(metadata, { note: "x" });
  assert.deepEqual(tensors.get("a")!.shape, [2, 3]);
  assert.deepEqual(Array.from(tensors.get("a")!.data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(tensors.get("b.weight")!.data), [-0.5]);
});

Deno.test("damaged safetensors files are refused with the file named", () => {
  const good = encodeSafetensors([{ name: "a", shape: [4], data: new Float32Array(4) }]);
  const cases: [Uint8Array, RegExp][] = [
    [good.subarray(0, 5), /shorter than/],
    [good.subarray(0, good.length - 4), /does not fit shape/],
    [Uint8Array.from([...good.subarray(0, 8), 0x7b, 0x7b, ...good.subarray(10)]), /not JSON/],
  ];
  for (const [bytes, pattern] of cases) {
    assert.throws(() => decodeSafetensors(bytes, "w.safetensors"), (e: Error) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /^w\.safetensors: /);
      assert.match(e.message, pattern);
      return true;
    });
  }
});

gpuTest("save → load gives identical logits, running statistics included", async () => {
  const dir = await Deno.makeTempDir();
  const model = new Sequential(architecture("cnn"), 3);
  // Non-trivial running statistics, so that their saving is tested too.
  const bn = model.stateTensors().find((p) => p.name.endsWith("running"))!;
  bn.value.write(Float32Array.from({ length: bn.value.size }, (_, i) => 0.5 + i / 100));
  await saveModel(dir, model, { kind: "network", architecture: model.architecture });
  const loaded = await loadModel(dir);
  const x = Float32Array.from({ length: 3 * 784 }, (_, i) => (i % 17) / 17);
  const a = await model.predict(Tensor.from(x, [3, 28, 28, 1])).read();
  const b = await loaded.predict(Tensor.from(x, [3, 28, 28, 1])).read();
  assert.deepEqual(b, a);
  await Deno.remove(dir, { recursive: true });
});

gpuTest("weights of another architecture are refused with a clear error", async () => {
  const dir = await Deno.makeTempDir();
  const mlp = new Sequential(architecture("mlp"), 1);
  await saveModel(dir, mlp, { kind: "network", architecture: mlp.architecture });
  await assert.rejects(() => loadModel(dir, architecture("cnn")), (e: Error) => {
    assert.ok(e instanceof UserError);
    assert.match(
      e.message,
      new RegExp(`${WEIGHTS_FILE}: checkpoint of another architecture \\("mlp"\\)`),
    );
    return true;
  });
  // A config.json edited to claim another network is caught the same way.
  const config = JSON.parse(await Deno.readTextFile(join(dir, CONFIG_FILE)));
  config.architecture = architecture("cnn");
  await Deno.writeTextFile(join(dir, CONFIG_FILE), JSON.stringify(config));
  await assert.rejects(() => loadModel(dir), /checkpoint of another architecture/);
  await assert.rejects(() => loadModel(join(dir, "missing")), /config\.json: not found/);
  await Deno.remove(dir, { recursive: true });
});
