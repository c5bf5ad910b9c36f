// The GPU path's strategies against the adapter's defaults, per shape, in one run: conv2d's
// (im2col, implicit GEMM, Winograd, direct where they apply) forward + backward at the zoo's layer
// shapes, matmul's (texture, register, tiled 4×4, tiled 8×8) at cnn's dense products; then the
// autotuner on one cnn training step (how long a first tune takes and what it picks). Cases
// alternate within each round (bench/_race.ts), so the ratios hold on a busy machine where the
// times do not. Ratio: the adapter's default strategy's time / this one's (> 1: faster).
//
//   deno run -A bench/gpu_path_probe.ts [--batch 128] [--rounds 3] [--calls 2] [--only conv|matmul|tune] [--json]
import { parseArgs } from "node:util";
import { race, rnd } from "./_race.ts";
import { backward, conv2d, endStep, Gpu, matmulInto, Tensor, useGpu } from "../mod.ts";
import { type Conv2dAlgorithm } from "../src/ops/conv2d/conv2d.ts";
import { winogradApplies } from "../src/ops/conv2d/winograd.ts";
import { directApplies } from "../src/ops/conv2d/direct.ts";
import { setTuner, Tuner, tunerFor } from "../src/gpu/tune.ts";
import { Sequential } from "../src/nn/model.ts";
import { architecture } from "../src/nn/zoo.ts";
import { softmaxCrossEntropy } from "../src/ops/loss/loss.ts";
import type { MatmulStrategy } from "../src/gpu/profile.ts";

const { values } = parseArgs({
  options: {
    batch: { type: "string", default: "128" },
    rounds: { type: "string", default: "3" },
    calls: { type: "string", default: "2" },
    only: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const batch = Number(values.batch);
const rounds = Number(values.rounds);
const calls = Number(values.calls);
for (const [flag, v] of [["--batch", batch], ["--rounds", rounds], ["--calls", calls]] as const) {
  if (!Number.isInteger(v) || v < 1 || v > 4096) {
    console.error(`gpu_path_probe: ${flag} must be an integer from 1 to 4096`);
    Deno.exit(2);
  }
}
if (values.only && !["conv", "matmul", "tune"].includes(values.only)) {
  console.error("gpu_path_probe: --only must be conv, matmul or tune");
  Deno.exit(2);
}
const g = await Gpu.create();
useGpu(g);
const say = (s: string) => values.json ? console.error(s) : console.log(s);
say(
  `adapter: ${g.adapter.description} (${g.adapter.backend}), profile ${g.profile.name}, ` +
    `batch ${batch}, ${rounds} rounds × ${calls} calls, ${new Date().toISOString().slice(0, 10)}`,
);
const report: Record<string, unknown>[] = [];

/** [name, H (= W), C, F, kernel, stride, whether dx is needed]: cnn's and resnet's layers. */
const CONVS: [string, number, number, number, number, number, boolean][] = [
  ["cnn conv1 3×3 1→32 @28", 28, 1, 32, 3, 1, false],
  ["cnn conv2 3×3 32→64 @14", 14, 32, 64, 3, 1, true],
  ["resnet 3×3 s2 32→32 @28", 28, 32, 32, 3, 2, true],
  ["resnet 1×1 s2 32→32 @28", 28, 32, 32, 1, 2, true],
  ["resnet 3×3 32→32 @14", 14, 32, 32, 3, 1, true],
  ["resnet 3×3 64→64 @7", 7, 64, 64, 3, 1, true],
  ["resnet 3×3 128→128 @4", 4, 128, 128, 3, 1, true],
];

if (!values.only || values.only === "conv") {
  for (const [name, hw, c, f, k, stride, dx] of CONVS) {
    const pad = k === 3 ? 1 : 0;
    const x = Tensor.from(rnd(batch * hw * hw * c), [batch, hw, hw, c], {
      requiresGrad: dx,
      persistent: true,
    });
    const w = Tensor.from(rnd(k * k * c * f), [k, k, c, f], {
      requiresGrad: true,
      persistent: true,
    });
    const winograd = winogradApplies([k, k], stride, pad, c, f);
    const fallback: Conv2dAlgorithm = winograd && g.profile.winograd ? "winograd" : "im2col";
    const algorithms: Conv2dAlgorithm[] = [fallback];
    for (const a of ["im2col", "implicit_gemm", "winograd", "direct"] as const) {
      if (a === fallback || (a === "winograd" && !winograd)) continue;
      if (a === "direct" && !directApplies([k, k, c, f])) continue;
      algorithms.push(a);
    }
    const cases = Object.fromEntries(algorithms.map((algorithm) => [algorithm, () => {
      const y = conv2d(x, w, null, { pad, stride, algorithm });
      backward(y, Tensor.from(rnd(y.size), y.shape));
      x.grad = w.grad = null;
    }]));
    const rows = await race(g, rounds, cases, calls);
    say(
      `${name}, fwd+bwd: ` +
        rows.map((r) => `${r.name} ${r.ms.toFixed(1)} ms (×${r.ratio.toFixed(2)})`).join(", "),
    );
    report.push({ op: "conv2d", name, batch, rows });
    x.buffer.destroy();
    w.buffer.destroy();
  }
}

if (!values.only || values.only === "matmul") {
  // cnn's dense layer (3136 → 128) at this batch: forward NN, input gradient NT, weight gradient TN;
  // and the products im2col runs for cnn's second convolution.
  const pixels = batch * 14 * 14;
  const PRODUCTS: [string, number, number, number, boolean, boolean][] = [
    ["dense fwd NN", batch, 128, 3136, false, false],
    ["dense dX NT", batch, 3136, 128, false, true],
    ["dense dW TN", 3136, 128, batch, true, false],
    ["im2col conv2 fwd NT", pixels, 64, 288, false, true],
    ["im2col conv2 dW TN", 288, 64, pixels, true, false],
  ];
  const strategies: MatmulStrategy[] = [
    g.profile.matmul,
    ...g.profile.matmulCandidates.filter((s) => s !== g.profile.matmul),
  ];
  for (const [name, m, n, k, transA, transB] of PRODUCTS) {
    const a = Tensor.from(rnd(m * k), [m * k], { persistent: true });
    const b = Tensor.from(rnd(k * n), [k * n], { persistent: true });
    const cases = Object.fromEntries(strategies.map((strategy) => [strategy, () => {
      matmulInto(a, b, Tensor.empty([m, n]), { m, n, k, transA, transB, strategy });
    }]));
    const rows = await race(g, rounds, cases, calls);
    say(
      `${name} ${m}×${n}×${k}: ` +
        rows.map((r) => `${r.name} ${r.ms.toFixed(1)} ms (×${r.ratio.toFixed(2)})`).join(", "),
    );
    report.push({ op: "matmul", name, m, n, k, transA, transB, rows });
  }
}

if (!values.only || values.only === "tune") {
  // A first tune of cnn's step at this batch, in memory only (the user's cache is not touched).
  const saved = tunerFor(g);
  const t = new Tuner(g.adapter, { store: null, force: {}, enabled: true });
  setTuner(g, t);
  const model = new Sequential(architecture("cnn"), 1);
  const images = Tensor.from(rnd(batch * 784), [batch, 28, 28, 1], { persistent: true });
  const labels = Tensor.from(new Uint32Array(batch).map((_, i) => i % 10), [batch], {
    persistent: true,
  });
  const step = () => {
    const logits = model.forward(images, { training: true, seed: 1 });
    backward(softmaxCrossEntropy(logits, labels));
    endStep();
  };
  await t.start();
  step();
  await g.sync();
  const t0 = performance.now();
  const results = await t.tune(g);
  const seconds = (performance.now() - t0) / 1000;
  setTuner(g, saved);
  const changed = results.filter((r) => r.chosen !== r.fallback);
  say(
    `tune of cnn's step at batch ${batch}: ${results.length} shape classes in ${
      seconds.toFixed(1)
    } s, ` +
      `${changed.length} moved off the default` +
      (changed.length ? `: ${changed.map((r) => `${r.key} → ${r.chosen}`).join("; ")}` : ""),
  );
  for (const r of results) {
    say(
      `  ${r.key}: ${
        Object.entries(r.ms).map(([s, ms]) => `${s} ${ms.toFixed(1)}`).join(", ")
      } ms → ${r.chosen}`,
    );
  }
  report.push({ op: "tune", model: "cnn", batch, seconds, results });
}

if (values.json) {
  console.log(JSON.stringify({ adapter: g.adapter, profile: g.profile.name, batch, report }));
}
