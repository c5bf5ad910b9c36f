import assert from "node:assert/strict";
import { assertClose, checkGradients, gpuTest, randn } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { buildLayers, type LayerSpec, planLayers } from "../../src/nn/layers.ts";
import { Rng } from "../../src/util/random.ts";

/** The layers of `specs` as one function of a batch (training mode: batch statistics). */
function network(specs: LayerSpec[], input: number[]) {
  const layers = buildLayers(planLayers(specs, input), new Rng(3));
  return (x: Tensor) => layers.reduce((h, l) => l.forward(h, { training: true, seed: 1 }), x);
}

gpuTest("an identity residual block adds its input to its body's output", async () => {
  const block: LayerSpec = { type: "residual", body: [{ type: "conv2d", filters: 3, kernel: 1 }] };
  const [layer] = buildLayers(planLayers([block], [5, 7, 3]), new Rng(1));
  const [weight, bias] = layer.params;
  assert.deepEqual([weight.name, bias.name], [
    "0.residual.body.0.conv2d.weight",
    "0.residual.body.0.conv2d.bias",
  ]);
  // Body: a 1×1 conv with weight 2·I and zero bias, so the block computes x + 2x = 3x.
  weight.value.write(Float32Array.from([2, 0, 0, 0, 2, 0, 0, 0, 2]));
  const x = randn(2 * 5 * 7 * 3, 1);
  const y = layer.forward(Tensor.from(x, [2, 5, 7, 3]), { training: false, seed: 0 });
  assert.deepEqual(y.shape, [2, 5, 7, 3]);
  assertClose(await y.read(), x.map((v) => 3 * v), 1e-6, "x + 2x");
});

gpuTest("residual blocks backward by finite differences (identity and projection)", async () => {
  // Identity shortcut: the input's gradient is the sum of the body's and the skip's.
  const identity = network([
    {
      type: "residual",
      body: [
        { type: "conv2d", filters: 3, kernel: 3, padding: "same" },
        { type: "batchnorm" },
        { type: "depthwise_conv2d", kernel: 3, padding: "same" },
      ],
    },
  ], [5, 7, 3]);
  await checkGradients(([x]) => identity(x), [{
    data: randn(2 * 5 * 7 * 3, 4),
    shape: [2, 5, 7, 3],
  }]);

  // Projection shortcut with stride 2 on odd sizes, then global average pooling and a dense head.
  const projection = network([
    {
      type: "residual",
      body: [
        { type: "conv2d", filters: 4, kernel: 3, stride: 2, padding: "same", bias: false },
        { type: "depthwise_conv2d", kernel: 3, padding: "same" },
      ],
      shortcut: [{ type: "conv2d", filters: 4, kernel: 1, stride: 2, bias: false }],
      relu: false,
    },
    { type: "global_avgpool" },
    { type: "dense", units: 5 },
  ], [7, 9, 3]);
  await checkGradients(([x]) => projection(x), [{
    data: randn(2 * 7 * 9 * 3, 5),
    shape: [2, 7, 9, 3],
  }], {
    samples: 20,
  });
});
