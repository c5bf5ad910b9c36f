// The optimizer lays its parameters out in its flat buffer and turns their tensors into views of
// it (src/optim/optimizer.ts). Every op must then read a parameter from its view's range: each zoo
// network's training step and inference forward, under every adapter profile, must give the same
// bits before and after an optimizer adopts the parameters, and after it gives them back.
import assert from "node:assert/strict";
import { gpuTest, testGpu, withProfile } from "../helpers.ts";
import { PROFILES } from "../../src/gpu/profile.ts";
import { Sequential } from "../../src/nn/model.ts";
import { architecture, ARCHITECTURES } from "../../src/nn/zoo.ts";
import { backward, endStep, noGrad, Tensor } from "../../src/autograd/tensor.ts";
import { lossByName } from "../../src/ops/loss/loss.ts";
import { Adam, Sgd } from "../../src/optim/optimizer.ts";
import { Rng } from "../../src/util/random.ts";

const BATCH = 3;

/**
 * Logits and loss of a training step, every parameter's gradient, and inference logits; the
 * running statistics the training forward moved are put back.
 */
async function run(model: Sequential) {
  const stats = model.layers.flatMap((l) => l.buffers).map((b) => b.value);
  const saved = await Promise.all(stats.map((t) => t.read()));
  const rng = new Rng(4);
  const [h, w, c] = model.architecture.input;
  const images = Float32Array.from({ length: BATCH * h * w * c }, () => rng.next());
  const labels = Uint32Array.from(
    { length: BATCH },
    (_, i) => (i * 3) % model.architecture.classes,
  );
  const x = Tensor.from(images, [BATCH, h, w, c]);
  const logits = model.forward(x, { training: true, seed: 1 });
  const loss = lossByName(model.architecture.loss)(logits, Tensor.from(labels, [BATCH]));
  backward(loss);
  const inference = noGrad(() => model.forward(x, { training: false, seed: 0 }));
  const out = [await logits.read(), await loss.read(), await inference.read()];
  for (const p of model.params()) {
    out.push(await p.value.grad!.read());
    p.value.grad = null;
  }
  endStep();
  stats.forEach((t, i) => t.write(saved[i] as Float32Array<ArrayBuffer>));
  return out;
}

const values = (model: Sequential) => Promise.all(model.params().map((p) => p.value.read()));

function assertBitEqual(got: Float32Array[], want: Float32Array[], what: string) {
  assert.equal(got.length, want.length, what);
  got.forEach((a, i) =>
    assert.deepEqual(new Uint32Array(a.buffer), new Uint32Array(want[i].buffer), `${what}: ${i}`)
  );
}

for (const name of Object.keys(ARCHITECTURES)) {
  gpuTest(
    `${name}: parameters as views of the optimizer's buffer compute the same bits`,
    async () => {
      const g = await testGpu();
      for (const profile of ["software-vulkan", "software-gl", "gpu"] as const) {
        await withProfile(g, PROFILES[profile], async () => {
          const model = new Sequential(architecture(name), 3);
          const what = `${name} under ${profile}`;
          const before = await values(model);
          const own = await run(model);
          const optimizer = new Adam(model.params());
          assert.ok(model.params().every((p) => p.value.isView), `${what}: adopted`);
          assertBitEqual(await values(model), before, `${what}: values adopted`);
          assertBitEqual(await run(model), own, `${what}: step on views`);
          optimizer.dispose();
          assert.ok(model.params().every((p) => !p.value.isView), `${what}: given back`);
          assertBitEqual(await values(model), before, `${what}: values given back`);
          assertBitEqual(await run(model), own, `${what}: step after dispose`);
          model.dispose();
        });
      }
    },
  );
}

gpuTest(
  "a step copies only the gradients; a second optimizer copies the first one's views",
  async () => {
    const g = await testGpu();
    const model = new Sequential(architecture("mlp"), 3);
    const step = (optimizer: Sgd) => {
      const x = Tensor.from(new Float32Array(2 * 784).fill(0.5), [2, 28, 28, 1]);
      const loss = lossByName(model.architecture.loss)(
        model.forward(x, { training: true, seed: 1 }),
        Tensor.from(Uint32Array.of(1, 2), [2]),
      );
      backward(loss);
      const copies = g.counts.bufferCopies;
      optimizer.step();
      const made = g.counts.bufferCopies - copies;
      endStep();
      return made;
    };
    const first = new Sgd(model.params(), { lr: 0.1, momentum: 0 });
    const adopted = model.params().map((p) => [p.value.buffer, p.value.offset]);
    assert.ok(step(first) <= model.params().length, "at most one gradient copy per parameter");
    // A second optimizer over the same tensors leaves them in the first one's buffer and updates
    // them through copies in and out of its own.
    const second = new Sgd(model.params(), { lr: 0.1, momentum: 0 });
    assert.deepEqual(model.params().map((p) => [p.value.buffer, p.value.offset]), adopted);
    const before = await values(model);
    assert.equal(step(second), 3 * model.params().length, "the second optimizer copies");
    const after = await values(model);
    assert.ok(after.some((a, i) => a.some((v, j) => v !== before[i][j])), "the second updates");
    assert.ok(step(first) <= model.params().length);
    // A network disposed before its optimizers: they give nothing back and free their own.
    model.dispose();
    second.dispose();
    first.dispose();
    assert.ok(model.params().every((p) => p.value.isView && p.value.destroyed));
  },
);
