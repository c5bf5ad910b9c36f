import { assertClose, gpuTest, randn } from "../helpers.ts";
import { endStep, Tensor } from "../../src/autograd/tensor.ts";
import { Adam, Sgd } from "../../src/optim/optimizer.ts";

// 300 elements: more than one 256-wide workgroup, not a multiple of it.
const N = 300;

function setup(seed: number) {
  const w = randn(N, seed);
  const param = {
    name: "w",
    value: Tensor.from(w.slice(), [N], { requiresGrad: true, persistent: true }),
  };
  return { w, param };
}

gpuTest("Adam (and AdamW) updates match the CPU over three steps", async () => {
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

gpuTest("SGD with momentum and Nesterov matches the CPU over three steps", async () => {
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
});
