// Embeddings are the penultimate layer's output: the head (the last dense layer) applied to them on
// the CPU gives the logits the network predicts; batches do not change them; rows are unit length.
import assert from "node:assert/strict";
import { gpuTest } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { Sequential } from "../../src/nn/model.ts";
import { architecture } from "../../src/nn/zoo.ts";
import { computeEmbeddings, embeddingSize } from "../../src/catalog/embeddings.ts";
import { Rng } from "../../src/util/random.ts";

function images(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n * 784 }, () => (rng.next() < 0.6 ? 0 : rng.int(256)));
}

for (const name of ["cnn", "resnet"]) {
  gpuTest(`${name}: the head applied to the embeddings gives the network's logits`, async () => {
    const model = new Sequential(architecture(name), 3);
    const dim = embeddingSize(model);
    assert.equal(dim, 128);
    const n = 13; // odd, and more than one batch below
    const x = images(n, 7);
    const raw = await computeEmbeddings(model, x, n, { batchSize: 5, normalize: false });
    const logits = await model.predict(
      Tensor.from(Float32Array.from(x, (v) => v / 255), [n, 28, 28, 1]),
    ).read();
    const head = model.layers.at(-1)!.params;
    const [w, b] = await Promise.all(head.map((p) => p.value.read()));
    const classes = model.architecture.classes;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < classes; c++) {
        let s = b[c];
        for (let j = 0; j < dim; j++) s += raw[i * dim + j] * w[j * classes + c];
        worst = Math.max(worst, Math.abs(s - logits[i * classes + c]));
      }
    }
    assert.ok(worst < 1e-3, `largest difference ${worst}`);
    // Normalised: unit rows, the same directions; another batch size gives the same values.
    const unit = await computeEmbeddings(model, x, n, { batchSize: 500 });
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += raw[i * dim + j] ** 2;
      norm = Math.sqrt(norm);
      let len = 0;
      for (let j = 0; j < dim; j++) {
        len += unit[i * dim + j] ** 2;
        if (norm > 0) assert.ok(Math.abs(unit[i * dim + j] - raw[i * dim + j] / norm) < 1e-4);
      }
      if (norm > 0) assert.ok(Math.abs(len - 1) < 1e-4);
    }
  });
}

gpuTest("no images: no embeddings; a wrong byte count is refused", async () => {
  const model = new Sequential(architecture("cnn"), 1);
  assert.equal((await computeEmbeddings(model, new Uint8Array(0), 0)).length, 0);
  await assert.rejects(computeEmbeddings(model, new Uint8Array(783), 1), RangeError);
});
