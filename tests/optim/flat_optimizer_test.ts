// The flat optimizer (one dispatch per step over flat parameter, gradient and moment buffers)
// against the per-tensor optimizer it replaced: the 20-step runs of _flat_runs.ts must leave every
// parameter, statistic and moment bit for bit as tests/fixtures/flat_optimizer.json recorded them
// (record_flat_fixture.ts, run before the change), with the kernel reading textures and buffers.
// Then what the flat layout adds: a weight-decay mask, parameters left without a gradient, views.
import assert from "node:assert/strict";
import { assertClose, gpuTest, randn, testGpu, withProfile } from "../helpers.ts";
import { endStep, gpu, Tensor } from "../../src/autograd/tensor.ts";
import { Adam, type Param, Sgd } from "../../src/optim/optimizer.ts";
import { CHUNK_FLOATS, chunkFlags, DECAY, flatLayout, UPDATE } from "../../src/optim/flat.ts";
import { CASES, type FlatResult, optimizerDispatches, runCase } from "./_flat_runs.ts";

const fixture: {
  steps: number;
  dispatches: Record<string, number>;
  runs: Record<string, FlatResult>;
} = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/flat_optimizer.json", import.meta.url)),
);

for (const textures of [true, false]) {
  gpuTest(
    `20 steps of Adam, AdamW, SGD+Nesterov, RMSprop on cnn (frozen block) and mlp are bit-equal ` +
      `to the per-tensor optimizer's, one dispatch each (${
        textures ? "texture" : "buffer"
      } inputs)`,
    async () => {
      const g = await testGpu();
      await withProfile(g, { ...g.profile, textureInputs: textures }, async () => {
        for (const c of CASES) {
          const expected = fixture.runs[c.name];
          const got = await runCase(c);
          const differ = Object.keys(expected.tensors).filter((k) =>
            got.tensors[k] !== expected.tensors[k]
          );
          assert.deepEqual(differ, [], `${c.name}: tensors that differ`);
          assert.deepEqual(Object.keys(got.tensors), Object.keys(expected.tensors), c.name);
          assert.equal(got.hash, expected.hash, c.name);
          assert.deepEqual(got.sample, expected.sample, c.name);
          assert.equal(got.dispatches, 1, `${c.name}: dispatches per step`);
        }
      });
    },
  );
}

gpuTest(
  "one optimizer dispatch per step for cnn and resnet (the per-tensor one: 12 and 32)",
  async () => {
    assert.deepEqual(fixture.dispatches, { cnn: 12, resnet: 32 });
    assert.equal(await optimizerDispatches("cnn"), 1);
    assert.equal(await optimizerDispatches("resnet"), 1);
  },
);

Deno.test("flat layout: segments start on 4 KiB chunks; flags mark update and decay per chunk", () => {
  const layout = flatLayout([1, 1024, 1025, 0, 3]);
  assert.equal(CHUNK_FLOATS, 1024);
  assert.deepEqual(layout.offsets, [0, 1024, 2048, 4096, 4096]);
  assert.equal(layout.floats, 5120);
  const flags = chunkFlags(layout, [true, false, true, true, true], [
    true,
    true,
    false,
    true,
    false,
  ]);
  assert.deepEqual([...flags], [UPDATE | DECAY, DECAY, UPDATE, UPDATE, UPDATE]);
  assert.equal(flatLayout([]).floats, CHUNK_FLOATS);
  assert.deepEqual([...chunkFlags(flatLayout([]), [], [])], [0]);
});

function param(name: string, data: Float32Array<ArrayBuffer>): Param {
  return {
    name,
    value: Tensor.from(data.slice(), [data.length], { requiresGrad: true, persistent: true }),
  };
}

gpuTest(
  "a weight-decay mask: AdamW decays the masked-in parameters only (CPU reference)",
  async () => {
    const [nw, nb] = [300, 37];
    const w0 = randn(nw, 1);
    const b0 = randn(nb, 2);
    const params = [param("w", w0), param("b", b0)];
    const opt = new Adam(params, {
      lr: 0.01,
      weightDecay: 0.1,
      decoupled: true,
      decays: (p) => p.name !== "b",
    });
    const ref = [Float64Array.from(w0), Float64Array.from(b0)];
    const m = [new Float64Array(nw), new Float64Array(nb)];
    const v = [new Float64Array(nw), new Float64Array(nb)];
    for (let t = 1; t <= 3; t++) {
      const grads = [randn(nw, 10 + t), randn(nb, 20 + t)];
      params.forEach((p, i) => p.value.grad = Tensor.from(grads[i], [grads[i].length]));
      opt.step();
      endStep();
      ref.forEach((r, k) => {
        const wd = k === 0 ? 0.1 : 0;
        for (let i = 0; i < r.length; i++) {
          const g = grads[k][i];
          m[k][i] = 0.9 * m[k][i] + 0.1 * g;
          v[k][i] = 0.999 * v[k][i] + 0.001 * g * g;
          r[i] -= 0.01 * wd * r[i];
          r[i] -= 0.01 * (m[k][i] / (1 - 0.9 ** t)) /
            (Math.sqrt(v[k][i] / (1 - 0.999 ** t)) + 1e-8);
        }
      });
    }
    assertClose(await params[0].value.read(), ref[0], 1e-5, "decayed w");
    assertClose(await params[1].value.read(), ref[1], 1e-5, "undecayed b");
    opt.dispose();
  },
);

gpuTest(
  "a parameter without a gradient keeps its values and moments; it updates again when it has one",
  async () => {
    const n = 37;
    const a = param("a", randn(n, 3));
    const b = param("b", randn(n, 4));
    const opt = new Sgd([a, b], { lr: 0.1, momentum: 0.9 });
    const state = async () => {
      const out: Float32Array[] = [];
      for (const t of [a, b, ...opt.stateTensors()]) out.push(await t.value.read());
      return out;
    };
    a.value.grad = Tensor.from(randn(n, 5), [n]);
    b.value.grad = Tensor.from(randn(n, 6), [n]);
    opt.step();
    endStep();
    const [, b1, , vb1] = await state();
    a.value.grad = Tensor.from(randn(n, 7), [n]);
    opt.step();
    endStep();
    const [, b2, , vb2] = await state();
    assert.deepEqual(b2, b1, "b untouched");
    assert.deepEqual(vb2, vb1, "b's velocity untouched");
    const g = randn(n, 8);
    b.value.grad = Tensor.from(g, [n]);
    opt.step();
    endStep();
    const [, b3, , vb3] = await state();
    for (let i = 0; i < n; i++) {
      const vel = Math.fround(Math.fround(0.9 * vb2[i]) + g[i]);
      assert.ok(Math.abs(vb3[i] - vel) <= 1e-6, `velocity ${i}`);
      assert.ok(Math.abs(b3[i] - (b2[i] - 0.1 * vel)) <= 1e-6, `b ${i}`);
    }
    assert.equal(a.value.grad, null);
    assert.equal(b.value.grad, null);
    opt.dispose();
  },
);

gpuTest(
  "optimizer moments are views into its flat buffers: read, written and saved as before",
  async () => {
    const a = param("a", randn(5, 1));
    const b = param("b", randn(2000, 2));
    const opt = new Adam([a, b]);
    const [ma, va, mb, vb] = opt.stateTensors();
    assert.deepEqual(
      [ma, va, mb, vb].map((t) => [t.name, t.value.offset, t.value.shape]),
      [["m.a", 0, [5]], ["v.a", 0, [5]], ["m.b", 4096, [2000]], ["v.b", 4096, [2000]]],
    );
    assert.equal(mb.value.buffer, ma.value.buffer, "one flat buffer per moment");
    assert.notEqual(va.value.buffer, ma.value.buffer);
    const values = randn(2000, 9);
    mb.value.write(values);
    assert.deepEqual(await mb.value.read(), values);
    assert.deepEqual(await ma.value.read(), new Float32Array(5), "its neighbour untouched");
    assert.deepEqual(mb.value.binding, { buffer: mb.value.buffer, offset: 4096, size: 8000 });
    assert.deepEqual(
      ma.value.binding,
      { buffer: ma.value.buffer, offset: 0, size: 32 },
      "at 0 too",
    );
    const reshaped = mb.value.reshape([40, 50]);
    assert.equal(reshaped.offset, 4096);
    assert.deepEqual(await reshaped.read(), values);
    assert.throws(() => Tensor.view(mb.value.buffer, 100, [4]), /view of \[4\] at byte 100/);
    assert.throws(
      () => Tensor.view(mb.value.buffer, 8192, [4096]),
      /at byte 8192 of a 12288-byte buffer/,
    );
    opt.dispose();
    await gpu().sync();
  },
);

gpuTest(
  "parameters and gradients that are views are read and written within their range",
  async () => {
    const n = 37;
    const bytes = 1024;
    const buffer = (values: Float32Array<ArrayBuffer>) => {
      const b = gpu().device.createBuffer({
        size: bytes,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      gpu().upload(b, values);
      return b;
    };
    const around = randn(bytes / 4, 11);
    const w = randn(n, 12);
    const g = randn(n, 13);
    const params = buffer(around);
    const grads = buffer(around);
    const value = Tensor.view(params, 512, [n]);
    value.write(w);
    value.requiresGrad = true;
    const opt = new Sgd([{ name: "w", value }], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    assert.throws(() => new Sgd([{ name: "w", value }, { name: "w2", value }]), /given twice/);
    const grad = Tensor.view(grads, 256, [n]);
    grad.write(g);
    value.grad = grad;
    opt.step();
    endStep();
    const all = new Float32Array(await gpu().read(params));
    const expected = around.slice();
    for (let i = 0; i < n; i++) {
      const gi = Math.fround(g[i] + Math.fround(0.01 * w[i]));
      expected[128 + i] = Math.fround(w[i] - Math.fround(0.1 * gi));
    }
    assertClose(all, expected, 1e-6, "the parameter's range updated, the rest as it was");
    opt.dispose();
    params.destroy();
    grads.destroy();
  },
);
