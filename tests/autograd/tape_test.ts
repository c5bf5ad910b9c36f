import assert from "node:assert/strict";
import { checkGradients, gpuTest, randn } from "../helpers.ts";
import { backward, endStep, engine, noGrad, Tensor } from "../../src/autograd/tensor.ts";
import { conv2d } from "../../src/ops/conv2d/conv2d.ts";
import { batchNorm } from "../../src/ops/batchnorm/batchnorm.ts";
import { add, relu } from "../../src/ops/elementwise/elementwise.ts";
import { maxPool2d } from "../../src/ops/maxpool/maxpool.ts";
import { matmul } from "../../src/ops/matmul/matmul.ts";

function bnState(c: number) {
  const init = new Float32Array(2 * c).fill(1, c);
  return { running: Tensor.from(init, [2, c], { persistent: true }), eps: 1e-5, momentum: 0.1 };
}

// A small CNN end to end, with a skip connection so one tensor feeds two consumers:
// conv → BN → ReLU → (+ conv input branch) → max-pool → flatten → dense.
const X = [2, 6, 5, 2];
const W1 = [3, 3, 2, 2];
function network([x, w1, b1, gamma, beta, w2]: Tensor[]) {
  const h = relu(batchNorm(conv2d(x, w1, b1, { pad: 1 }), gamma, beta, bnState(2), true));
  const pooled = maxPool2d(add(h, x), 2);
  return matmul(pooled.reshape([2, 3 * 2 * 2]), w2);
}

gpuTest("a composed graph's gradients match finite differences end to end", async () => {
  await checkGradients(network, [
    { data: randn(120, 1), shape: X },
    { data: randn(36, 2, 0.5), shape: W1 },
    { data: randn(2, 3), shape: [2] },
    { data: randn(2, 4).map((v) => 1 + 0.2 * v), shape: [2] },
    { data: randn(2, 5), shape: [2] },
    { data: randn(12 * 3, 6), shape: [12, 3] },
  ], { h: 3e-3, tol: 3e-2, samples: 8 });
});

gpuTest("noGrad records nothing and backward empties the tape", async () => {
  const x = Tensor.from(randn(10, 1), [10], { requiresGrad: true });
  noGrad(() => relu(x));
  assert.equal(engine.tape.length, 0);
  const y = relu(x);
  assert.equal(engine.tape.length, 1);
  backward(y, Tensor.from(new Float32Array(10).fill(1), [10]));
  assert.equal(engine.tape.length, 0);
  assert.deepEqual(await x.grad!.read(), await y.read().then((v) => v.map((o) => (o > 0 ? 1 : 0))));
  endStep();
});

gpuTest("a step reuses its buffers: no new allocations once warm", async () => {
  const { gpu } = await import("../../src/autograd/tensor.ts");
  const g = gpu();
  const run = () => {
    const x = Tensor.from(randn(120, 1), X, { requiresGrad: true });
    const y = relu(conv2d(x, Tensor.from(randn(36, 2), W1), null, { pad: 1 }));
    backward(y, Tensor.from(randn(y.size, 3), y.shape));
    endStep();
  };
  run();
  const before = g.counts.allocations;
  for (let i = 0; i < 3; i++) run();
  assert.equal(g.counts.allocations, before);
  await g.sync();
});
