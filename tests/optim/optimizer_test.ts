import { assertClose, gpuTest, randn } from "../helpers.ts";
import { endStep, Tensor } from "../../src/autograd/tensor.ts";
import assert from "node:assert/strict";
import { Adam, Rmsprop, Sgd } from "../../src/optim/optimizer.ts";

// 300 elements: more than one 256-wide workgroup, not a multiple of it; 16,390: big enough to be
// read through textures under the software profile (src/gpu/profile.ts; optimizer.ts
// TEXTURE_MIN_VEC4S), and a ragged last vec4.
for (const N of [300, 16_390]) {
  const setup = (seed: number) => {
    const w = randn(N, seed);
    const param = {
      name: "w",
      value: Tensor.from(w.slice(), [N], { requiresGrad: true, persistent: true }),
    };
    return { w, param };
  };

  gpuTest(`Adam (and AdamW) updates match the CPU over three steps, ${N} elements`, async () => {
    for (const decoupled of [false, true]) {
      const { w, param } = setup(1);
      const opt = new Adam([param], { lr: 0.01, weightDecay: 0.1, decoupled });
      const m = new Float64Array(N);
      const v = new Float64Array(N);
      const ref = Float64Array.from(w);
      for (let t = 1; t <= 3; t++) {
        const g = randn(N, 10 + t);
        param.value.grad = Tensor.from(g, [N]);
        opt.step();
        endStep();
        for (let i = 0; i < N; i++) {
          const gi = decoupled ? g[i] : g[i] + 0.1 * ref[i];
          m[i] = 0.9 * m[i] + 0.1 * gi;
          v[i] = 0.999 * v[i] + 0.001 * gi * gi;
          if (decoupled) ref[i] -= 0.01 * 0.1 * ref[i];
          ref[i] -= 0.01 * (m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
        }
      }
      assertClose(await param.value.read(), ref, 1e-5, `adam decoupled=${decoupled}`);
    }
  });

  gpuTest(
    `SGD with momentum and Nesterov matches the CPU over three steps, ${N} elements`,
    async () => {
      for (const nesterov of [false, true]) {
        const { w, param } = setup(2);
        const opt = new Sgd([param], { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov });
        const vel = new Float64Array(N);
        const ref = Float64Array.from(w);
        for (let t = 1; t <= 3; t++) {
          const g = randn(N, 20 + t);
          param.value.grad = Tensor.from(g, [N]);
          opt.step();
          endStep();
          for (let i = 0; i < N; i++) {
            const gi = g[i] + 0.01 * ref[i];
            vel[i] = 0.9 * vel[i] + gi;
            ref[i] -= 0.1 * (nesterov ? gi + 0.9 * vel[i] : vel[i]);
          }
        }
        assertClose(await param.value.read(), ref, 1e-5, `sgd nesterov=${nesterov}`);
      }
    },
  );
}

gpuTest(
  "RMSprop (with and without momentum) matches the CPU over five steps, 37 and 16,390 elements",
  async () => {
    // 37: a single, mostly idle workgroup with a ragged end; 16,390: read through textures.
    for (const [n, momentum] of [[37, 0], [37, 0.9], [16_390, 0.9]]) {
      const w = randn(n, 3);
      const param = {
        name: "w",
        value: Tensor.from(w.slice(), [n], { requiresGrad: true, persistent: true }),
      };
      const opt = new Rmsprop([param], {
        lr: 0.01,
        alpha: 0.9,
        eps: 1e-7,
        weightDecay: 0.05,
        momentum,
      });
      const sq = new Float64Array(n);
      const buf = new Float64Array(n);
      const ref = Float64Array.from(w);
      for (let t = 1; t <= 5; t++) {
        const g = randn(n, 30 + t);
        param.value.grad = Tensor.from(g, [n]);
        opt.step();
        endStep();
        for (let i = 0; i < n; i++) {
          const gi = g[i] + 0.05 * ref[i];
          sq[i] = 0.9 * sq[i] + 0.1 * gi * gi;
          buf[i] = momentum * buf[i] + gi / (Math.sqrt(sq[i]) + 1e-7);
          ref[i] -= 0.01 * buf[i];
        }
      }
      assertClose(await param.value.read(), ref, 1e-5, `rmsprop momentum=${momentum}`);
    }
  },
);

gpuTest(
  "optimizer state saved and loaded into a fresh optimizer continues identically",
  async () => {
    const n = 37;
    const grads = [1, 2, 3, 4].map((t) => randn(n, 40 + t));
    const fresh = (w: Float32Array<ArrayBuffer>) => {
      const param = {
        name: "w",
        value: Tensor.from(w.slice(), [n], { requiresGrad: true, persistent: true }),
      };
      return { param, opt: new Adam([param], { lr: 0.01 }) };
    };
    const apply = (o: { param: { value: Tensor }; opt: Adam }, g: Float32Array<ArrayBuffer>) => {
      o.param.value.grad = Tensor.from(g, [n]);
      o.opt.step();
      endStep();
    };
    const straight = fresh(randn(n, 5));
    for (const g of grads) apply(straight, g);

    const first = fresh(randn(n, 5));
    for (const g of grads.slice(0, 2)) apply(first, g);
    const saved = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const s of first.opt.stateTensors()) {
      saved.set(s.name, { shape: [...s.value.shape], data: await s.value.read() });
    }
    assert.deepEqual([...saved.keys()], ["m.w", "v.w"]);
    const resumed = fresh(new Float32Array(await first.param.value.read()));
    resumed.opt.loadState(first.opt.steps, saved);
    for (const g of grads.slice(2)) apply(resumed, g);
    assert.deepEqual(await resumed.param.value.read(), await straight.param.value.read());
    assert.throws(() => resumed.opt.loadState(2, new Map()), /optimizer state m\.w/);
  },
);
