import assert from "node:assert/strict";
import { assertClose, gpuTest, randn } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { flipHorizontal, logMeanSoftmax } from "../../src/augment/augment.ts";
import { predictWithFlipTta } from "../../src/augment/tta.ts";
import { logMeanSoftmaxRef } from "../../src/augment/reference.ts";
import { Sequential } from "../../src/nn/model.ts";

// 67 rows: more than one 64-wide workgroup.
const ROWS = 67;
const CLASSES = 3;

gpuTest("logMeanSoftmax matches float64 and its rows are log-probabilities", async () => {
  const a = randn(ROWS * CLASSES, 1, 3);
  const b = randn(ROWS * CLASSES, 2, 3);
  const got = await logMeanSoftmax(
    Tensor.from(a, [ROWS, CLASSES]),
    Tensor.from(b, [ROWS, CLASSES]),
  ).read();
  assertClose(got, logMeanSoftmaxRef(a, b, CLASSES), 1e-5, "log mean softmax");
  for (let r = 0; r < ROWS; r++) {
    let s = 0;
    for (let j = 0; j < CLASSES; j++) s += Math.exp(got[r * CLASSES + j]);
    assert.ok(Math.abs(s - 1) < 1e-5, `row ${r} sums to ${s}`);
  }
});

gpuTest("logMeanSoftmax stays finite for extreme logits and averages, not maxes", async () => {
  // Two confident views that disagree: each class gets about half the probability.
  const a = new Float32Array([1000, -1000, 0, 5, 5, 5]);
  const b = new Float32Array([-1000, 1000, 0, 5, 5, 5]);
  const got = await logMeanSoftmax(Tensor.from(a, [2, 3]), Tensor.from(b, [2, 3])).read();
  assert.ok(got.every(Number.isFinite), `${got}`);
  assertClose(got, logMeanSoftmaxRef(a, b, 3), 1e-5, "extreme");
  assertClose(Array.from(got.subarray(0, 2), Math.exp), [0.5, 0.5], 1e-6, "half each");
  assertClose(Array.from(got.subarray(3), Math.exp), [1 / 3, 1 / 3, 1 / 3], 1e-6, "uniform");
  assert.throws(() => logMeanSoftmax(Tensor.from(a, [2, 3]), Tensor.from(a, [3, 2])), {
    message: /logMeanSoftmax: need two \[rows, classes\] tensors/,
  });
});

gpuTest("predictWithFlipTta averages the model on the images and their mirrors", async () => {
  const model = new Sequential({
    name: "tiny",
    input: [5, 7, 2],
    classes: CLASSES,
    layers: [{ type: "flatten" }, { type: "dense", units: 16 }, { type: "relu" }, {
      type: "dense",
      units: CLASSES,
    }],
  }, 3);
  const shape = [ROWS, 5, 7, 2];
  const x = Tensor.from(randn(ROWS * 70, 4), shape);
  const flipped = flipHorizontal(x);
  const [plain, mirror, tta, ttaOfMirror] = await Promise.all([
    model.predict(x).read(),
    model.predict(flipped).read(),
    predictWithFlipTta(model, x).read(),
    predictWithFlipTta(model, flipped).read(),
  ]);
  assertClose(tta, logMeanSoftmaxRef(plain, mirror, CLASSES), 1e-5, "tta");
  // An image and its mirror get the same TTA prediction (the pair of views is the same).
  assertClose(ttaOfMirror, tta, 1e-5, "flip invariance");
  // The model itself is not flip-invariant, so TTA changes something.
  assert.ok(plain.some((v, i) => Math.abs(v - mirror[i]) > 1e-3));
});
