import assert from "node:assert/strict";
import { assertClose, gpuTest, randn } from "../helpers.ts";
import { backward, Tensor } from "../../src/autograd/tensor.ts";
import { multiclassHinge, softmaxCrossEntropy } from "../../src/ops/loss/loss.ts";
import { crossEntropyRef, hingeRef } from "../../src/ops/loss/reference.ts";

// 67 rows: not a multiple of the 64-wide workgroup.
const ROWS = 67;
const CLASSES = 10;

function labels(seed: number) {
  return new Uint32Array(ROWS).map((_, i) => (i * 7 + seed) % CLASSES);
}

gpuTest(
  "softmaxCrossEntropy loss and hits match the CPU (with and without smoothing)",
  async () => {
    for (const smoothing of [0, 0.1]) {
      const x = randn(ROWS * CLASSES, 1, 3);
      const y = labels(3);
      const out = await softmaxCrossEntropy(
        Tensor.from(x, [ROWS, CLASSES]),
        Tensor.from(y, [ROWS]),
        {
          smoothing,
        },
      ).read();
      const ref = crossEntropyRef(x, y, CLASSES, smoothing);
      assertClose([out[0]], [ref.loss], 1e-5, "loss");
      assert.equal(out[1], ref.hits);
    }
  },
);

gpuTest("softmaxCrossEntropy gradient by finite differences of the CPU loss", async () => {
  for (const smoothing of [0, 0.2]) {
    const x = randn(ROWS * CLASSES, 2, 2);
    const y = labels(5);
    const logits = Tensor.from(x, [ROWS, CLASSES], { requiresGrad: true });
    const loss = softmaxCrossEntropy(logits, Tensor.from(y, [ROWS]), { smoothing });
    backward(loss);
    const grad = await logits.grad!.read();
    const h = 1e-3;
    for (const i of [0, 13, 101, 400, ROWS * CLASSES - 1]) {
      const up = x.slice();
      up[i] += h;
      const down = x.slice();
      down[i] -= h;
      const numeric = (crossEntropyRef(up, y, CLASSES, smoothing).loss -
        crossEntropyRef(down, y, CLASSES, smoothing).loss) / (2 * h);
      assertClose([grad[i]], [numeric], 1e-3, `dlogits[${i}]`);
    }
  }
});

gpuTest(
  "softmaxCrossEntropy writes its scalars into the log slot, the plain loss too",
  async () => {
    const x = randn(ROWS * CLASSES, 3);
    const y = labels(1);
    const log = Tensor.zeros([12]);
    const smoothing = 0.1;
    softmaxCrossEntropy(Tensor.from(x, [ROWS, CLASSES]), Tensor.from(y, [ROWS]), {
      smoothing,
      log: { buffer: log.buffer, slot: 2, size: 4 },
    });
    const values = await log.read();
    const smoothed = crossEntropyRef(x, y, CLASSES, smoothing);
    const plain = crossEntropyRef(x, y, CLASSES);
    // Slot 2 of 3-float slots: [loss sum, hits, loss sum without label smoothing].
    assertClose([values[6]], [smoothed.loss * ROWS], 1e-4, "logged loss sum");
    assert.equal(values[7], smoothed.hits);
    assertClose([values[8]], [plain.loss * ROWS], 1e-4, "logged plain loss sum");
    assert.ok(Math.abs(smoothed.loss - plain.loss) > 1e-3, "smoothing changes the loss here");
    assert.deepEqual([...values.slice(0, 6), ...values.slice(9)], [0, 0, 0, 0, 0, 0, 0, 0, 0]);
  },
);

gpuTest("multiclassHinge loss, hits and gradient match the CPU", async () => {
  const x = randn(ROWS * CLASSES, 4, 0.3);
  const y = labels(2);
  const scores = Tensor.from(x, [ROWS, CLASSES], { requiresGrad: true });
  const loss = multiclassHinge(scores, Tensor.from(y, [ROWS]));
  const out = await loss.read();
  const ref = hingeRef(x, y, CLASSES);
  assertClose([out[0]], [ref.loss], 1e-5, "hinge loss");
  assert.equal(out[1], ref.hits);
  assert.ok(ref.loss > 0, "some margins are violated, so the gradient is not all zero");
  backward(loss);
  const grad = await scores.grad!.read();
  // The hinge is piecewise linear: a small step inside a piece gives its exact slope.
  const h = 1e-4;
  for (let i = 0; i < ROWS * CLASSES; i += 7) {
    const up = x.slice();
    up[i] += h;
    const down = x.slice();
    down[i] -= h;
    const numeric = (hingeRef(up, y, CLASSES).loss - hingeRef(down, y, CLASSES).loss) / (2 * h);
    assertClose([grad[i]], [numeric], 1e-3, `dscores[${i}]`);
  }
});
