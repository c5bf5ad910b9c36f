import assert from "node:assert/strict";
import { assertClose, gpuTest, randn } from "../helpers.ts";
import { batchNormFusion, type LayerSpec, planLayers } from "../../src/nn/layers.ts";
import { Sequential } from "../../src/nn/model.ts";
import type { Architecture } from "../../src/nn/zoo.ts";
import { backward, endStep, gpu, Tensor } from "../../src/autograd/tensor.ts";

Deno.test("batchNormFusion: a batch norm absorbs its ReLU and a max pool after it", () => {
  const fusion = (input: number[], layers: LayerSpec[]) =>
    batchNormFusion(planLayers(layers, input), 0);
  const bn: LayerSpec = { type: "batchnorm" };
  const relu: LayerSpec = { type: "relu" };
  const pool: LayerSpec = { type: "maxpool", size: 3, stride: 2 };
  assert.deepEqual(fusion([9, 7, 8], [bn, relu, pool]), {
    relu: true,
    pool: { size: 3, stride: 2, index: 2 },
  });
  assert.deepEqual(fusion([9, 7, 8], [bn, { type: "maxpool", size: 2 }]), {
    relu: false,
    pool: { size: 2, stride: 2, index: 1 },
  });
  // Channels not in quadruples, a layer in between, a dense batch norm: no pool.
  assert.deepEqual(fusion([9, 7, 6], [bn, relu, pool]), { relu: true, pool: null });
  assert.deepEqual(fusion([9, 7, 8], [bn, relu, { type: "dropout", rate: 0.1 }, pool]), {
    relu: true,
    pool: null,
  });
  assert.deepEqual(fusion([8], [bn, relu]), { relu: true, pool: null });
});

// Odd 11×11 input: the first pool (3×3, stride 2) overlaps its windows, the second (2×2 on 5×5)
// drops a row and a column; the 6-channel block does not fuse.
const ARCH: Architecture = {
  name: "fused",
  input: [11, 11, 2],
  classes: 5,
  layers: [
    { type: "conv2d", filters: 8, kernel: 3, padding: "same", bias: false },
    { type: "batchnorm" },
    { type: "relu" },
    { type: "maxpool", size: 3, stride: 2 },
    { type: "conv2d", filters: 12, kernel: 3, padding: "same", bias: false },
    { type: "batchnorm" },
    { type: "maxpool", size: 2 },
    { type: "conv2d", filters: 6, kernel: 1, bias: false },
    { type: "batchnorm" },
    { type: "relu" },
    { type: "maxpool", size: 2 },
    { type: "flatten" },
    { type: "dense", units: 5 },
  ],
};

gpuTest(
  "a network with fused batchnorm+ReLU+maxpool gives what its layers give one by one",
  async () => {
    const x = randn(3 * 11 * 11 * 2, 4);
    const dy = randn(3 * 5, 5);
    const run = async (layerOutputs: boolean, training: boolean) => {
      const model = new Sequential(ARCH, 3);
      const input = Tensor.from(x, [3, 11, 11, 2]);
      const before = gpu().counts.dispatches;
      const y = model.forward(input, { training, seed: 0, layerOutputs });
      if (training) backward(y, Tensor.from(dy, y.shape));
      const read = (ps: { value: Tensor }[]) =>
        Promise.all(ps.map((p) => (training ? p.value.grad! : p.value).read()));
      const [out, grads, running] = await Promise.all([
        y.read(),
        read(model.params()),
        Promise.all(model.stateTensors().map((p) => p.value.read())),
      ]);
      const dispatches = gpu().counts.dispatches - before;
      endStep();
      return { out, grads, running, dispatches };
    };
    for (const training of [true, false]) {
      const fused = await run(false, training);
      const apart = await run(true, training);
      assert.ok(fused.dispatches < apart.dispatches, "the fused ops ran");
      assert.deepEqual(fused.out, apart.out, `logits, training=${training}`);
      assert.deepEqual(fused.running, apart.running, `state, training=${training}`);
      if (training) {
        // The fused backward sums per channel in another order: rounding only.
        fused.grads.forEach((g, i) => assertClose(g, apart.grads[i], 1e-5, `gradient ${i}`));
      }
    }
    // One by one, a ReLU gives the full-size map (feature maps read it).
    const model = new Sequential(ARCH, 3);
    const afterRelu = model.layers.slice(0, 3).reduce(
      (h, l) => l.forward(h, { training: false, seed: 0, layerOutputs: true }),
      Tensor.from(x, [3, 11, 11, 2]),
    );
    assert.deepEqual(afterRelu.shape, [3, 11, 11, 8]);
    endStep();
  },
);
