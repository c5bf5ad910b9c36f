import assert from "node:assert/strict";
import { gpuTest } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { architecture } from "../../src/nn/zoo.ts";
import { backward, endStep, Tensor } from "../../src/autograd/tensor.ts";
import { softmaxCrossEntropy } from "../../src/ops/loss/loss.ts";
import { Adam } from "../../src/optim/optimizer.ts";
import { loadModel, saveModel } from "../../src/io/checkpoint.ts";
import { Rng } from "../../src/util/random.ts";

const NEW = ["cnn-deep", "cnn-strided", "mobilenet", "resnet"];
const BATCH = 6;

/** A fixed batch: noise images with a class-dependent bright band, so there is something to fit. */
function batch(seed: number) {
  const rng = new Rng(seed);
  const labels = Uint32Array.from({ length: BATCH }, (_, i) => i % 10);
  const images = new Float32Array(BATCH * 784);
  for (let b = 0; b < BATCH; b++) {
    for (let p = 0; p < 784; p++) {
      const row = Math.floor(p / 28);
      images[b * 784 + p] = 0.3 * rng.next() + (Math.abs(row - 2 * labels[b] - 5) < 2 ? 0.7 : 0);
    }
  }
  return { images, labels };
}

for (const name of NEW) {
  gpuTest(
    `${name}: builds, gives [B, 10] logits, and a few Adam steps lower the loss`,
    async () => {
      const model = new Sequential(architecture(name), 2);
      assert.ok(model.parameterCount() > 10_000);
      assert.equal(
        model.parameterCount(),
        model.summary().filter((r) => r.depth === 0).reduce((n, r) => n + r.params, 0),
      );
      const { images, labels } = batch(1);
      const logits = model.predict(Tensor.from(images, [BATCH, 28, 28, 1]));
      assert.deepEqual(logits.shape, [BATCH, 10]);
      const values = await logits.read();
      assert.ok(values.every(Number.isFinite), "finite logits");
      endStep();

      const optimizer = new Adam(model.params(), { lr: 3e-3 });
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) {
        const out = model.forward(Tensor.from(images, [BATCH, 28, 28, 1]), {
          training: true,
          seed: step,
        });
        const loss = softmaxCrossEntropy(out, Tensor.from(labels, [BATCH]));
        backward(loss);
        // Every parameter, nested ones included, must receive a gradient.
        const missing = model.params().filter((p) => !p.value.grad).map((p) => p.name);
        assert.deepEqual(missing, [], "parameters without a gradient");
        optimizer.step();
        losses.push((await loss.read())[0]);
        endStep();
      }
      assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
      assert.ok(
        losses[5] < 0.8 * losses[0],
        `loss did not fall: ${losses.map((l) => l.toFixed(3))}`,
      );
    },
  );

  gpuTest(`${name}: save → load round trip by tensor name gives identical logits`, async () => {
    const model = new Sequential(architecture(name), 5);
    const names = model.stateTensors().map((p) => p.name);
    assert.equal(new Set(names).size, names.length, "tensor names are unique");
    // Non-trivial running statistics everywhere (nested blocks too), so their saving is tested.
    for (const p of model.stateTensors().filter((p) => p.name.endsWith(".running"))) {
      p.value.write(Float32Array.from({ length: p.value.size }, (_, i) => 0.5 + (i % 7) / 10));
    }
    const dir = await Deno.makeTempDir();
    try {
      await saveModel(dir, model, { kind: "network", architecture: model.architecture });
      const loaded = await loadModel(dir);
      assert.deepEqual(loaded.stateTensors().map((p) => p.name), names);
      const { images } = batch(2);
      const a = await model.predict(Tensor.from(images, [BATCH, 28, 28, 1])).read();
      const b = await loaded.predict(Tensor.from(images, [BATCH, 28, 28, 1])).read();
      assert.deepEqual(b, a);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

gpuTest("the same seed builds the same weights; names of nested layers are stable", async () => {
  const a = new Sequential(architecture("resnet"), 9);
  const b = new Sequential(architecture("resnet"), 9);
  const wa = a.params().find((p) => p.name === "5.residual.shortcut.0.conv2d.weight")!;
  const wb = b.params().find((p) => p.name === "5.residual.shortcut.0.conv2d.weight")!;
  assert.deepEqual(await wb.value.read(), await wa.value.read());
  assert.deepEqual(a.stateTensors().map((p) => p.name).slice(0, 9), [
    "0.conv2d.weight",
    "1.batchnorm.gamma",
    "1.batchnorm.beta",
    "1.batchnorm.running",
    "3.residual.body.0.conv2d.weight",
    "3.residual.body.1.batchnorm.gamma",
    "3.residual.body.1.batchnorm.beta",
    "3.residual.body.3.conv2d.weight",
    "3.residual.body.4.batchnorm.gamma",
  ]);
});
