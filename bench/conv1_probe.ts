// Probe behind the direct convolution of a network's first layer (src/ops/conv2d/direct.ts;
// src/ops/conv2d/conv2d.ts picks it for one input channel where no gradient is recorded): forward,
// and forward + backward (the weight and bias gradients only: the network's input needs none), by
// im2col and directly, alternating, at the zoo's first-layer shapes. The ratio of each round is measured on the same
// machine within a second of each other, so it holds on a busy machine where the times do not.
//
//   deno run -A bench/conv1_probe.ts [--shapes "B,HW,C,F,stride;..."] [--rounds 7]
import { parseArgs } from "node:util";
import { race, rnd } from "./_race.ts";
import { backward, conv2d, Gpu, Tensor, useGpu } from "../mod.ts";

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
    const rows = await race(g, rounds, {
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
