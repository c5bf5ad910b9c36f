import assert from "node:assert/strict";
import { engine } from "../../src/autograd/tensor.ts";
import { gaussian } from "../../src/ops/elementwise/elementwise.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { PIXELS } from "../../src/baselines/common.ts";
import { rbfDecisionValues } from "../../src/baselines/rbf_gpu.ts";
import { LibsvmBaseline } from "../../src/baselines/svm_libsvm.ts";
import { SvmOvrBaseline } from "../../src/baselines/svm_ovr.ts";
import type { Classifier } from "../../src/baselines/classifier.ts";
import { assertClose, gpuTest, randn, testGpu } from "../helpers.ts";
import { accuracy, present, small } from "./_helpers.ts";

gpuTest("gaussian kernel: exp(-gamma·max(d, 0)) on 37 values, negatives clamped", async () => {
  const d = randn(37, 3, 2);
  const out = await gaussian(Tensor.from(d, [37]), 0.7).read();
  assertClose(out, Array.from(d, (v) => Math.exp(-0.7 * Math.max(v, 0))), 1e-6, "gaussian");
});

gpuTest("rbfDecisionValues: matches float64 on 45 images × 37 vectors × 7 outputs", async () => {
  const n = 45, s = 37, m = 7, gamma = 0.013;
  // Pixel-like inputs in [0, 1], half of them zero as in Fashion-MNIST.
  const pixels = (count: number, seed: number) =>
    randn(count * PIXELS, seed).map((v) => v > 0 ? Math.min(1, v / 2) : 0);
  const x = pixels(n, 1), sv = pixels(s, 2);
  const w = randn(s * m, 3), bias = randn(m, 4);
  const got = await rbfDecisionValues(x, n, sv, gamma, w, bias);
  const want = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let f = bias[j];
      for (let k = 0; k < s; k++) {
        let d = 0;
        for (let p = 0; p < PIXELS; p++) d += (x[i * PIXELS + p] - sv[k * PIXELS + p]) ** 2;
        f += Math.exp(-gamma * d) * w[k * m + j];
      }
      want[i * m + j] = f;
    }
  }
  assertClose(got, want, 2e-4, "decision values");
});

/** The same fitted model predicts (nearly) the same on the GPU (float32) and in TS (float64). */
async function gpuAgreesWithCpu(clf: Classifier) {
  const { train, test } = await small();
  await clf.fit(train.x, train.y, train.n);
  const g = engine.gpu;
  engine.gpu = null;
  const cpu = await clf.predict(test.x, test.n);
  engine.gpu = g;
  const gpu = await clf.predict(test.x, test.n);
  const differ = cpu.reduce((t, c, i) => t + +(c !== gpu[i]), 0);
  // float32 against float64 may flip a near-tie; more than one in 300 would be a bug.
  assert.ok(differ <= 1, `${clf.name}: ${differ} of 300 predictions differ`);
  assert.ok(accuracy(gpu, test.y) > 0.65);
}

Deno.test({
  name: "svm-rbf (libsvm) and svm-rbf-ovr: GPU prediction agrees with the TypeScript one",
  ignore: !present,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await testGpu();
    await gpuAgreesWithCpu(new LibsvmBaseline());
    await gpuAgreesWithCpu(new SvmOvrBaseline());
  },
});
