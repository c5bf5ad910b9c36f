// Every kernel at the reference CNN's real layer shapes (batch 128), forward and backward, plus
// matmul at a few sizes against the adapter's arithmetic peak, the loss and the Adam update.
// Compute-bound kernels report GFLOP/s; memory-bound ones GB/s, counting each element read once
// and written once (a lower bound on their traffic).  deno bench -P bench/kernels_bench.ts
import { engine, matmulInto, Sequential, softmaxCrossEntropy, Tensor } from "../mod.ts";
import { runBackward } from "../src/autograd/tensor.ts";
import { architecture } from "../src/nn/zoo.ts";
import { batchNormFusion, type ForwardContext, type Layer } from "../src/nn/layers.ts";
import { Adam } from "../src/optim/optimizer.ts";
import { dispatchPeak } from "../src/gpu/peak.ts";
import { Rng } from "../src/util/random.ts";
import { gpu, measure } from "./_harness.ts";

const SUITE = "kernels";
const BATCH = 128;
const rng = new Rng(7);
const random = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
/** Calls per timing, chosen so that one timing is well above a submit's latency. */
const repeatFor = (ms: number) => Math.max(1, Math.min(20, Math.round(200 / ms)));

/**
 * Records `forward` on the tape and returns a function that runs just its backward closures
 * (what `backward()` does, without clearing the tape), so several graphs can be timed in a row.
 */
function recordBackward(forward: () => Tensor, seed: Tensor | null) {
  const start = engine.tape.length;
  const out = forward();
  const ops = engine.tape.slice(start);
  return () => runBackward(ops, out, seed);
}

// The yardstick: what this adapter's arithmetic can do with no memory traffic at all.
{
  const invocations = 1 << 16, iterations = 2048;
  const out = gpu.alloc(invocations * 16);
  measure({
    suite: SUITE,
    name: "peak: FMA chains (no memory)",
    kind: "peak",
    unit: "GFLOP/s",
    work: invocations * iterations * 32,
    detail: { invocations, iterations },
    run: () => void dispatchPeak(gpu, out, invocations, iterations),
    repeat: 4,
  });
}

for (const n of [256, 512, 1024]) {
  const a = Tensor.from(random(n * n), [n, n], { persistent: true });
  const b = Tensor.from(random(n * n), [n, n], { persistent: true });
  const c = Tensor.zeros([n, n]);
  measure({
    suite: SUITE,
    name: `matmul ${n}³`,
    kind: "matmul",
    unit: "GFLOP/s",
    work: 2 * n ** 3,
    detail: { m: n, n, k: n },
    repeat: n === 256 ? 10 : n === 512 ? 3 : 1,
    run: () => matmulInto(a, b, c, { m: n, n, k: n }),
  });
}

// The reference CNN, layer by layer, in training mode as `fit` runs it; each max pool also on its
// own (`layerOutputs`), and then with the batch norm and ReLU before it, as `fit` runs them.
const model = new Sequential(architecture("cnn"), 1);
const alone = { training: true, seed: 1, layerOutputs: true };
const ctx = { training: true, seed: 1 };
const entries: { layer: Layer; i: number; label: string; ctx: ForwardContext; out: Layer }[] = [];
model.layers.forEach((layer, i) => {
  const spec = layer.spec;
  // Fused into the batchnorm before it (or free): nothing of their own to time.
  if (spec.type === "flatten") return;
  if (spec.type === "relu" && model.layers[i - 1]?.spec.type === "batchnorm") return;
  const fused = spec.type === "batchnorm" && model.layers[i + 1]?.spec.type === "relu";
  const label = `cnn/${i}.${spec.type}${fused ? "+relu" : ""}`;
  entries.push({ layer, i, label, ctx: alone, out: layer });
  const pool = spec.type === "batchnorm" ? batchNormFusion(model.layers, i).pool : null;
  if (pool) {
    const out = model.layers[pool.index];
    entries.push({ layer, i, label: `${label}+${out.spec.type}`, ctx, out });
  }
});
for (const { layer, i, label, ctx, out } of entries) {
  const spec = layer.spec;
  const inShape = [BATCH, ...layer.inputShape];
  const outShape = [BATCH, ...out.outputShape];
  const input = random(size(inShape));
  const dy = random(size(outShape));
  // The first layer's input is the images: no gradient flows into it, as in training.
  const inputGrad = i > 0;
  const arithmetic = spec.type === "conv2d" || spec.type === "dense";
  const forwardWork = arithmetic ? layer.flops * BATCH : 4 * (size(inShape) + size(outShape));
  const backwardWork = arithmetic
    ? forwardWork * (inputGrad ? 2 : 1)
    : 4 * (size(inShape) * 2 + size(outShape));
  const common = {
    suite: SUITE,
    kind: spec.type,
    unit: (arithmetic ? "GFLOP/s" : "GB/s") as "GFLOP/s" | "GB/s",
    detail: { input: inShape, output: outShape },
  };
  const clearGrads = () => layer.params.forEach((p) => p.value.grad = null);
  // Small layers run several times per timing (see repeatFor); estimated from the work.
  const repeat = repeatFor(arithmetic ? forwardWork / 2e6 : forwardWork / 2e5);
  measure({
    ...common,
    name: `${label} forward`,
    work: forwardWork,
    repeat,
    prepare: () => Tensor.from(input, inShape),
    run: (x) => void layer.forward(x, ctx),
  });
  measure({
    ...common,
    name: `${label} backward`,
    work: backwardWork,
    repeat,
    prepare: () =>
      Array.from({ length: repeat }, () => {
        const x = Tensor.from(input, inShape, { requiresGrad: inputGrad });
        // Parameters need gradients, so the op records its backward even for the first layer.
        return recordBackward(() => layer.forward(x, ctx), Tensor.from(dy, outShape));
      }),
    run: (graphs, r) => {
      clearGrads();
      graphs[r]();
    },
  });
}

{
  const logits = random(BATCH * 10);
  const labels = Uint32Array.from({ length: BATCH }, () => rng.int(10));
  measure({
    suite: SUITE,
    name: "softmax cross-entropy forward+backward",
    kind: "loss",
    unit: "GB/s",
    work: 4 * (3 * BATCH * 10 + BATCH),
    repeat: 20,
    prepare: () =>
      Array.from({ length: 20 }, () => {
        const z = Tensor.from(logits, [BATCH, 10], { requiresGrad: true });
        return recordBackward(() => softmaxCrossEntropy(z, Tensor.from(labels, [BATCH])), null);
      }),
    // Forward and backward both: the loss kernel computes its gradient with the loss.
    run: (graphs, r) => graphs[r](),
  });
}

{
  const params = model.params();
  const count = params.reduce((t, p) => t + p.value.size, 0);
  const optimizer = new Adam(params);
  const grads = params.map((p) => random(p.value.size));
  measure({
    suite: SUITE,
    name: `adam update (${count.toLocaleString("en")} parameters)`,
    kind: "optimizer",
    unit: "GB/s",
    // Reads parameter, gradient and both moments, writes parameter and both moments.
    work: 4 * 7 * count,
    detail: { parameters: count },
    repeat: 4,
    prepare: () => params.map((p, i) => Tensor.from(grads[i], p.value.shape)),
    run: (g) => {
      params.forEach((p, i) => p.value.grad = g[i]);
      optimizer.step();
    },
  });
}
