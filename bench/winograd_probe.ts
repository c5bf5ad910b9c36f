// Probe behind the choice of Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions
// (src/ops/conv2d/winograd.ts, conv2d.ts): forward + backward of conv2d by im2col and by
// Winograd, alternating, at the zoo's shapes; and Winograd's 16 products against im2col's one.
// The ratio of each round is measured on the same machine within a second of each other, so it
// holds on a busy machine where the times themselves do not.
//
//   deno run -A bench/winograd_probe.ts [--shapes "B,HW,C,F;..."] [--rounds 7]
import { parseArgs } from "node:util";
import { race, rnd } from "./_race.ts";
import { backward, conv2d, Gpu, matmulInto, Tensor, useGpu } from "../mod.ts";
import { matmulBatchedInto } from "../src/ops/matmul/matmul.ts";

const { values } = parseArgs({
  options: {
    shapes: { type: "string", default: "128,28,16,16;128,14,32,64;128,14,32,32;128,7,64,64" },
    rounds: { type: "string", default: "7" },
  },
});
const rounds = Number(values.rounds);
const g = await Gpu.create();
useGpu(g);
console.log(`adapter: ${g.adapter.description} (${g.adapter.backend})`);

for (const [b, hw, c, f] of values.shapes.split(";").map((s) => s.split(",").map(Number))) {
  const opts = { requiresGrad: true, persistent: true };
  const x = Tensor.from(rnd(b * hw * hw * c), [b, hw, hw, c], opts);
  const w = Tensor.from(rnd(9 * c * f), [3, 3, c, f], opts);
  const dy = Tensor.from(rnd(b * hw * hw * f), [b, hw, hw, f], { persistent: true });
  const step = (algorithm: "im2col" | "winograd") => () => {
    backward(conv2d(x, w, null, { pad: 1, algorithm }), dy);
    x.grad = w.grad = null;
  };
  const rows = await race(g, rounds, { im2col: step("im2col"), winograd: step("winograd") });
  console.log(
    `conv 3×3 ${c} → ${f}, ${hw}×${hw}, batch ${b}, forward + backward: ` +
      rows.map((r) => `${r.name} ${r.ms.toFixed(1)} ms`).join(", ") +
      `; im2col / winograd ${rows[1].ratio.toFixed(2)}`,
  );
}

// Winograd's forward products at conv2's shape against im2col's one product (transforms aside).
const [t, c, f] = [6272, 32, 64];
const keep = (shape: number[]) =>
  Tensor.from(rnd(shape.reduce((a, b) => a * b)), shape, { persistent: true });
const [v, u, m] = [keep([16, t, c]), keep([16, c, f]), keep([16, t, f])];
const [col, wk, y] = [keep([4 * t, 288]), keep([288, f]), keep([4 * t, f])];
const rows = await race(g, rounds, {
  "im2col [25088, 288]·[288, 64]": () => matmulInto(col, wk, y, { m: 4 * t, n: f, k: 288 }),
  "winograd 16 × [6272, 32]·[32, 64]": () =>
    matmulBatchedInto(v, u, m, { batch: 16, m: t, n: f, k: c }),
});
console.log(
  rows.map((r) => `${r.name} ${r.ms.toFixed(1)} ms`).join(", ") +
    `; ratio ${rows[1].ratio.toFixed(2)}`,
);
