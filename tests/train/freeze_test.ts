// --freeze: which layers a spec names, frozen parameters and batch-norm statistics unchanged
// bit for bit after training steps, gradients still reaching trainable layers before a frozen
// batch norm.
import assert from "node:assert/strict";
import { checkGradients, gpuTest, randn } from "../helpers.ts";
import { Sequential } from "../../src/nn/model.ts";
import { type Architecture, ARCHITECTURES } from "../../src/nn/zoo.ts";
import { planArchitecture } from "../../src/nn/model.ts";
import { Adam } from "../../src/optim/optimizer.ts";
import { fit } from "../../src/train/fit.ts";
import { Freezer, parseFreeze, trainableParams } from "../../src/train/freeze.ts";
import { readTensors } from "../../src/io/checkpoint.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { UserError } from "../../src/util/errors.ts";
import { range, syntheticDataset, tinyNet } from "./_synthetic.ts";

const plans = (name: string) => planArchitecture(ARCHITECTURES[name]()).layers;

Deno.test("--freeze specs: features, numbers and ranges, names; residual blocks with their branches", () => {
  const features = parseFreeze("features", plans("cnn"));
  assert.deepEqual(
    [...features],
    [
      "0.conv2d",
      "1.batchnorm",
      "2.relu",
      "3.maxpool",
      "4.conv2d",
      "5.batchnorm",
      "6.relu",
      "7.maxpool",
      "8.flatten",
      "9.dense",
      "10.relu",
      "11.dropout",
    ],
  );
  assert.deepEqual([...parseFreeze("0-1,4", plans("cnn"))], [
    "0.conv2d",
    "1.batchnorm",
    "4.conv2d",
  ]);
  assert.deepEqual([...parseFreeze("9.dense", plans("cnn"))], ["9.dense"]);
  const block = [...parseFreeze("3", plans("resnet"))];
  assert.equal(block[0], "3.residual");
  assert.ok(
    block.includes("3.residual.body.0.conv2d") && block.includes("3.residual.shortcut.1.batchnorm"),
  );
  assert.deepEqual([...parseFreeze("3.residual.shortcut.0.conv2d", plans("resnet"))], [
    "3.residual.shortcut.0.conv2d",
  ]);
  const refused: [string, RegExp][] = [
    ["13", /--freeze 13: there is no layer 13; give layer numbers 0-12/],
    ["4-2", /range "4-2" runs backwards/],
    ["conv", /no layer "conv"/],
    ["0-12", /it leaves nothing to train/],
  ];
  for (const [spec, pattern] of refused) {
    assert.throws(() => parseFreeze(spec, plans("cnn")), (e: Error) => {
      assert.ok(e instanceof UserError);
      assert.equal((e as UserError).exitCode, 2);
      assert.match(e.message, pattern);
      return true;
    });
  }
});

async function state(model: Sequential): Promise<Map<string, Uint32Array>> {
  const out = new Map<string, Uint32Array>();
  for (const t of await readTensors(model.stateTensors())) {
    out.set(t.name, new Uint32Array(t.data.buffer.slice(0)));
  }
  return out;
}

/** Trains `model` (frozen layers `spec`) for two epochs on the synthetic set; states before, after. */
async function trainFrozen(arch: Architecture, spec: string) {
  const model = new Sequential(arch, 4);
  const freezer = new Freezer(model, parseFreeze(spec, model.plan.layers));
  await freezer.ready();
  const before = await state(model);
  const data = syntheticDataset(200);
  await fit(model, new Adam(trainableParams(model), { lr: 0.01 }), data, range(0, 200), {
    epochs: 2,
    batchSize: 50,
    seed: 1,
    quiet: true,
  });
  return { model, freezer, before, after: await state(model) };
}

gpuTest(
  "frozen layers' parameters and batch-norm running statistics stay bit for bit; the rest trains",
  async () => {
    const { freezer, before, after } = await trainFrozen(tinyNet, "0-1");
    assert.deepEqual(freezer.layers, ["0.conv2d", "1.batchnorm"]);
    assert.deepEqual(freezer.frozen.map((p) => p.name), [
      "0.conv2d.weight",
      "0.conv2d.bias",
      "1.batchnorm.gamma",
      "1.batchnorm.beta",
    ]);
    for (
      const name of [
        "0.conv2d.weight",
        "0.conv2d.bias",
        "1.batchnorm.gamma",
        "1.batchnorm.beta",
        "1.batchnorm.running",
      ]
    ) {
      assert.deepEqual(after.get(name), before.get(name), `${name} unchanged`);
    }
    for (const name of ["5.dense.weight", "8.dense.weight"]) {
      assert.notDeepEqual(after.get(name), before.get(name), `${name} trained`);
    }
  },
);

gpuTest(
  "a frozen batch norm after a trainable conv: its statistics stay, the conv before it trains",
  async () => {
    const { before, after } = await trainFrozen(tinyNet, "1");
    for (const name of ["1.batchnorm.gamma", "1.batchnorm.beta", "1.batchnorm.running"]) {
      assert.deepEqual(after.get(name), before.get(name), `${name} unchanged`);
    }
    assert.notDeepEqual(
      after.get("0.conv2d.weight"),
      before.get("0.conv2d.weight"),
      "conv trained",
    );
  },
);

// With a max pool after the ReLU the batch norm absorbs it too (buildLayers), in eval mode and
// in the frozen layer's training path alike.
for (const pool of [false, true]) {
  gpuTest(
    "a frozen batch norm in training mode computes its inference output, and its input gradient" +
      (pool ? " (+ReLU + max pool)" : ""),
    () => frozenNorm(pool),
  );
}

async function frozenNorm(pool: boolean) {
  const arch: Architecture = {
    name: "bn",
    input: [3, 5, 8],
    classes: 8,
    layers: [
      { type: "batchnorm" },
      { type: "relu" },
      ...(pool
        ? [{ type: "maxpool", size: 2 }, { type: "flatten" }] as const
        : [{ type: "global_avgpool" }] as const),
      { type: "dense", units: 8 },
    ],
  };
  const model = new Sequential(arch, 2);
  const [gamma, beta] = model.layers[0].params;
  gamma.value.write(randn(8, 1, 0.5).map((v) => v + 1));
  beta.value.write(randn(8, 2, 0.3));
  const running = new Float32Array(16);
  running.set(randn(8, 3, 0.2));
  running.set(randn(8, 4, 0.3).map((v) => 1 + Math.abs(v)), 8);
  model.layers[0].buffers[0].value.write(running);
  const freezer = new Freezer(model, parseFreeze("0", model.plan.layers));
  await freezer.ready();
  const x = randn(2 * 3 * 5 * 8, 5);
  const inference = await model.predict(Tensor.from(x, [2, 3, 5, 8])).read();
  const training = await model.forward(Tensor.from(x, [2, 3, 5, 8], { requiresGrad: true }), {
    training: true,
    seed: 0,
  }).read();
  for (let i = 0; i < inference.length; i++) {
    assert.ok(
      Math.abs(training[i] - inference[i]) < 1e-5,
      `${i}: ${training[i]} vs ${inference[i]}`,
    );
  }
  // Finite differences of the inference output against the backward of the training path.
  await checkGradients(
    ([t]) => model.forward(t, { training: true, seed: 0 }),
    [{ data: x, shape: [2, 3, 5, 8] }],
    { h: 1e-2, tol: 2e-2 },
  );
  assert.deepEqual(
    await model.layers[0].buffers[0].value.read(),
    running,
    "statistics unchanged",
  );
}
