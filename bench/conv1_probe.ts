// Probe behind the direct convolution of a network's first layer (kernels/conv2d_direct.wgsl;
// src/autograd/conv2d.ts picks it for one input channel where no gradient is recorded): forward,
// and forward + backward (the weight and bias gradients only: the network's input needs none), by
// im2col and directly, alternating, at the zoo's first-layer shapes. The ratio of each round is measured on the same
// machine within a second of each other, so it holds on a busy machine where the times do not.
//
//   deno run -A bench/conv1_probe.ts [--shapes "B,HW,C,F,stride;..."] [--rounds 7]
import { parseArgs } from "node:util";
import { backward, conv2d, endStep, Gpu, Tensor, useGpu } from "../mod.ts";

const { values } = parseArgs({
  options: {
    // cnn and resnet (1 → 32), cnn-deep (1 → 16), cnn-strided and mobilenet (1 → 32, stride 2).
    shapes: { type: "string", default: "128,28,1,32,1;128,28,1,16,1;128,28,1,32,2" },
    rounds: { type: "string", default: "7" },
  },
});
const rounds = Number(values.rounds);
const g = await Gpu.create();
useGpu(g);
console.log(`adapter: ${g.adapter.description} (${g.adapter.backend})`);
const rnd = (n: number) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
const median = (v: number[]) => sorted(v)[v.length >> 1];

/** Median ms per call of each case, and the median of the per-round ratios first / each. */
async function race(cases: Record<string, () => void>, calls = 5) {
  const times: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, f] of Object.entries(cases)) {
      f();
      await g.sync();
      endStep();
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) f();
      await g.sync();
      endStep();
      (times[name] ??= []).push((performance.now() - t0) / calls);
    }
  }
  const first = Object.keys(times)[0];
  return Object.keys(times).map((name) => ({
    name,
    ms: median(times[name]),
    ratio: name === first ? 1 : median(times[first].map((t, i) => t / times[name][i])),
  }));
}

for (const [b, hw, c, f, stride] of values.shapes.split(";").map((s) => s.split(",").map(Number))) {
  const x = Tensor.from(rnd(b * hw * hw * c), [b, hw, hw, c], { persistent: true });
  const opts = { requiresGrad: true, persistent: true };
  const w = Tensor.from(rnd(9 * c * f), [3, 3, c, f], opts);
  const bias = Tensor.from(rnd(f), [f], opts);
  const o = Math.floor((hw - 1) / stride) + 1;
  const dy = Tensor.from(rnd(b * o * o * f), [b, o, o, f], { persistent: true });
  const run = (algorithm: "im2col" | "direct", withBackward: boolean) => () => {
    const y = conv2d(x, w, bias, { stride, pad: "same", algorithm });
    if (withBackward) backward(y, dy);
    w.grad = bias.grad = null;
  };
  for (const withBackward of [false, true]) {
    const rows = await race({
      im2col: run("im2col", withBackward),
      direct: run("direct", withBackward),
    });
    console.log(
      `conv 3×3 ${c} → ${f}, stride ${stride}, ${hw}×${hw}, batch ${b}, ` +
        `${withBackward ? "forward + backward" : "forward"}: ` +
        rows.map((r) => `${r.name} ${r.ms.toFixed(1)} ms`).join(", ") +
        `; im2col / direct ${rows[1].ratio.toFixed(2)}`,
    );
  }
}
