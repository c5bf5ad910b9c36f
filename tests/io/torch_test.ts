// PyTorch layout: our names and shapes against PyTorch's own state dicts (keys.json, made by
// tools/torch_fixture.py with python3-torch), logits of PyTorch-made weights reproduced, export →
// import the identity, mismatches named. Needs no PyTorch.
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertClose, gpuTest, randn } from "../helpers.ts";
import { type Architecture, ARCHITECTURES } from "../../src/nn/zoo.ts";
import { planArchitecture, Sequential } from "../../src/nn/model.ts";
import type { LayerPlan } from "../../src/nn/layers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { encodeSafetensors, type NamedArray } from "../../src/io/safetensors.ts";
import {
  decodeTorchSafetensors,
  encodeTorchSafetensors,
  firstMismatch,
  fromTorch,
  torchLayout,
  torchModulePath,
  toTorch,
} from "../../src/io/torch.ts";
import { loadInit, readInit, withClasses } from "../../src/train/finetune.ts";
import { UserError } from "../../src/util/errors.ts";

const FIXTURES = new URL("../fixtures/torch/", import.meta.url);
const fixture = (name: string) => new URL(name, FIXTURES).pathname;
const readFixture = (name: string) =>
  decodeTorchSafetensors(Deno.readFileSync(fixture(name)), name).tensors;

function allPlans(plans: readonly LayerPlan[]): LayerPlan[] {
  return plans.flatMap((p) =>
    p.children ? [p, ...allPlans(p.children.body), ...allPlans(p.children.shortcut)] : [p]
  );
}

/** Random values for every state tensor of `arch`, named as Sequential.stateTensors(). */
function randomState(arch: Architecture, seed: number): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  let s = seed;
  for (const plan of allPlans(planArchitecture(arch).layers)) {
    for (const t of [...plan.params, ...plan.buffers]) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      out.set(t.name, { name: t.name, shape: t.shape, data: randn(n, s++) });
    }
  }
  return out;
}

Deno.test("every zoo architecture's PyTorch keys, shapes and dtypes are those of its torch.nn.Module", () => {
  const keys = JSON.parse(Deno.readTextFileSync(fixture("keys.json"))).architectures;
  assert.deepEqual(Object.keys(keys).sort(), Object.keys(ARCHITECTURES).sort(), "all of the zoo");
  for (const [name, make] of Object.entries(ARCHITECTURES)) {
    const ours = torchLayout(make()).map((e) => [e.key, e.shape, e.dtype]);
    assert.deepEqual(ours, keys[name], name);
  }
  // The reference CNN's 18 keys, as a PyTorch user's load_state_dict expects them.
  assert.equal(keys.cnn.length, 18);
  assert.equal(torchModulePath("4.residual.body.0.conv2d"), "4.body.0");
});

Deno.test("export → import is the identity, bit for bit, for every zoo architecture", () => {
  for (const [name, make] of Object.entries(ARCHITECTURES)) {
    const arch = make();
    const ours = randomState(arch, 7);
    const bytes = encodeTorchSafetensors(toTorch(arch, ours), { format: "pt" });
    const back = fromTorch(
      arch,
      decodeTorchSafetensors(bytes, `${name}.safetensors`).tensors,
      name,
    );
    assert.equal(back.size, ours.size, name);
    for (const [k, t] of ours) {
      const u = back.get(k)!;
      assert.deepEqual(u.shape, t.shape, `${name} ${k}`);
      assert.deepEqual(
        new Uint32Array(u.data.buffer),
        new Uint32Array(t.data.buffer),
        `${name} ${k}: bits`,
      );
    }
  }
});

Deno.test("layouts: conv [kh,kw,in,out] → [out,in,kh,kw]; the dense layer after a flatten reads CHW", () => {
  const arch: Architecture = {
    name: "t",
    input: [2, 3, 2],
    classes: 2,
    layers: [
      { type: "conv2d", filters: 2, kernel: 1 },
      { type: "flatten" },
      { type: "dense", units: 2 },
    ],
  };
  const ours = randomState(arch, 3);
  const torch = new Map(toTorch(arch, ours).map((t) => [t.name, t]));
  const conv = ours.get("0.conv2d.weight")!.data; // [1, 1, in 2, out 2]
  const tconv = torch.get("0.weight")!; // [out 2, in 2, 1, 1]
  assert.deepEqual(tconv.shape, [2, 2, 1, 1]);
  for (let o = 0; o < 2; o++) {
    for (let i = 0; i < 2; i++) assert.equal(tconv.data[o * 2 + i], conv[i * 2 + o]);
  }
  // Feature (h, w, c) of a [2, 3, 2] map: our row (h·3 + w)·2 + c, PyTorch's column (c·2 + h)·3 + w.
  const dense = ours.get("2.dense.weight")!.data; // [12, 2]
  const tdense = torch.get("2.weight")!; // [2, 12]
  assert.deepEqual(tdense.shape, [2, 12]);
  for (let h = 0; h < 2; h++) {
    for (let w = 0; w < 3; w++) {
      for (let c = 0; c < 2; c++) {
        for (let o = 0; o < 2; o++) {
          assert.equal(
            tdense.data[o * 12 + (c * 2 + h) * 3 + w],
            dense[((h * 3 + w) * 2 + c) * 2 + o],
          );
        }
      }
    }
  }
});

Deno.test("a state dict of another architecture or shape is refused naming the first mismatching tensor", () => {
  const cnn = ARCHITECTURES.cnn();
  const resnetFile = new Map(
    toTorch(ARCHITECTURES.resnet(), randomState(ARCHITECTURES.resnet(), 1)).map((t) => [t.name, t]),
  );
  assert.throws(() => fromTorch(cnn, resnetFile, "resnet.safetensors"), (e: Error) => {
    assert.ok(e instanceof UserError);
    assert.equal(
      e.message,
      "resnet.safetensors: not the weights of cnn with 10 classes — 0.bias (0.conv2d, conv2d " +
        "3×3, 32 filters): missing",
    );
    return true;
  });
  const good = () => new Map(toTorch(cnn, randomState(cnn, 2)).map((t) => [t.name, t]));
  const wide = good();
  wide.set("4.weight", { ...wide.get("4.weight")!, shape: [32, 64, 3, 3] });
  assert.equal(
    firstMismatch(cnn, wide)?.message,
    "4.weight (4.conv2d, conv2d 3×3, 64 filters): expected shape [64,32,3,3], found [32,64,3,3]",
  );
  const extra = good();
  extra.set("13.weight", {
    name: "13.weight",
    dtype: "F32",
    shape: [1],
    data: new Float32Array(1),
  });
  assert.equal(firstMismatch(cnn, extra)?.message, "13.weight: unexpected tensor (cnn has none)");
  // The counter may be missing (state dicts saved without buffers of that kind).
  const noCounter = good();
  noCounter.delete("1.num_batches_tracked");
  assert.equal(firstMismatch(cnn, noCounter), null);
  // Half-precision weights are named, with the fix.
  const bytes = encodeTorchSafetensors([...good().values()]);
  const text = new TextDecoder().decode(bytes);
  const f16 = new TextEncoder().encode(text.replace('"F32"', '"F16"'));
  assert.throws(
    () => decodeTorchSafetensors(f16, "half.safetensors"),
    /half\.safetensors: tensor "0\.weight" is F16; .*model\.float\(\)/,
  );
});

/** Our logits for a PyTorch input batch [B, 1, H, W] (NCHW; one channel, so NHWC is the same). */
async function ourLogits(model: Sequential, input: Float32Array): Promise<Float32Array> {
  const [h, w, c] = model.architecture.input;
  assert.equal(c, 1);
  const x = Tensor.from(input as Float32Array<ArrayBuffer>, [input.length / (h * w), h, w, 1]);
  return await model.predict(x).read();
}

gpuTest("weights made by PyTorch (cnn-strided) give PyTorch's logits within 1e-4", async () => {
  const path = fixture("cnn-strided.safetensors");
  // No --model and no metadata: the architecture is recognised from the state dict.
  const init = await readInit(path);
  assert.equal(init.format, "torch");
  assert.equal(init.architecture.name, "cnn-strided");
  const model = new Sequential(init.architecture, 5);
  const report = loadInit(model, init);
  assert.deepEqual(report, { loaded: 14, fresh: [] });
  const batch = readFixture("cnn-strided.batch.safetensors");
  const logits = await ourLogits(model, batch.get("input")!.data as Float32Array);
  assertClose(logits, batch.get("logits")!.data as Float32Array, 1e-4, "cnn-strided logits");
});

gpuTest(
  "a PyTorch-made network with residual blocks, depthwise conv and 1-D batch norm gives PyTorch's logits",
  async () => {
    const arch = JSON.parse(Deno.readTextFileSync(fixture("mix.architecture.json")));
    const tensors = fromTorch(arch, readFixture("mix.safetensors"), "mix.safetensors");
    const model = new Sequential(arch, 5);
    for (const p of model.stateTensors()) {
      p.value.write(tensors.get(p.name)!.data as Float32Array<ArrayBuffer>);
    }
    const batch = readFixture("mix.batch.safetensors");
    const logits = await ourLogits(model, batch.get("input")!.data as Float32Array);
    assertClose(logits, batch.get("logits")!.data as Float32Array, 1e-4, "mix logits");
  },
);

gpuTest("--init of a PyTorch file with another class count keeps all but a new head", async () => {
  const init = await readInit(fixture("cnn-strided.safetensors"), "cnn-strided");
  const model = new Sequential(withClasses(init.architecture, 4), 3);
  const before = await model.stateTensors().at(-1)!.value.read();
  const report = loadInit(model, init);
  assert.deepEqual(report.fresh, ["11.dense.weight", "11.dense.bias"]);
  assert.equal(report.loaded, 12);
  const conv = await model.stateTensors()[0].value.read();
  assert.deepEqual(conv, init.tensors.get("0.conv2d.weight")!.data);
  assert.deepEqual(await model.stateTensors().at(-1)!.value.read(), before, "head untouched");
  // Named as another architecture, it is refused with the first mismatching tensor.
  await assert.rejects(
    readInit(fixture("cnn-strided.safetensors"), "cnn"),
    /--init .*cnn-strided\.safetensors: not the weights of cnn — 0\.bias \(0\.conv2d, conv2d 3×3, 32 filters\): missing/,
  );
});

Deno.test("--init reads our own weights.safetensors by its metadata, and asks which model when two fit", async () => {
  const dir = await Deno.makeTempDir({ prefix: "torch_init_" });
  try {
    const arch = ARCHITECTURES.mlp();
    const state = randomState(arch, 9);
    const ours = join(dir, "weights.safetensors");
    await Deno.writeFile(
      ours,
      encodeSafetensors([...state.values()], { architecture: JSON.stringify(arch) }),
    );
    const init = await readInit(ours);
    assert.equal(init.format, "weights");
    assert.equal(init.architecture.name, "mlp");
    assert.deepEqual(init.tensors.get("4.dense.weight")!.data, state.get("4.dense.weight")!.data);
    await assert.rejects(readInit(ours, "cnn"), /--model cnn but --init .* holds mlp/);
    // softmax and linear-svm have the same module: a bare state dict cannot say which it is.
    const linear = join(dir, "linear.safetensors");
    const softmax = ARCHITECTURES.softmax();
    await Deno.writeFile(linear, encodeTorchSafetensors(toTorch(softmax, randomState(softmax, 1))));
    await assert.rejects(readInit(linear), /the weights fit softmax and linear-svm; pass --model/);
    assert.equal((await readInit(linear, "linear-svm")).architecture.loss, "hinge");
    // A bare state dict of no zoo architecture: the nearest one and its first mismatch.
    const odd = join(dir, "odd.safetensors");
    const cnn = ARCHITECTURES.cnn();
    const tensors = toTorch(cnn, randomState(cnn, 2)).filter((t) => t.name !== "9.weight");
    await Deno.writeFile(odd, encodeTorchSafetensors(tensors));
    await assert.rejects(
      readInit(odd),
      /no zoo architecture fits, nearest is cnn — 9\.weight \(9\.dense, dense 128\): missing/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
