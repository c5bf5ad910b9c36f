import { accumulate, gpu, record, setGradAdder, Tensor } from "../../autograd/tensor.ts";
import { grid1d } from "../../autograd/dispatch.ts";
import { defineKernel } from "../../gpu/kernel.ts";
import type { Binding } from "../../gpu/gpu.ts";

/**
 * elementwise.wgsl: relu_forward, relu_backward, add, dropout, gaussian, one invocation per vec4
 * of elements (n4 = ⌈n / 4⌉). relu and add may read their inputs from texture copies (xT, yT)
 * where the adapter profile says so; dropout and gaussian read `x` only. `seed` is dropout's;
 * `rate` is dropout's rate or gaussian's gamma.
 */
export const elementwiseKernel = defineKernel({
  source: "ops/elementwise/elementwise",
  workgroupSize: 256,
  params: { n4: "u32", row: "u32", seed: "u32", rate: "f32" },
  bindings: {
    /** The input (relu_backward: the forward output). */
    x: "read array<vec4f>",
    /** The second input (add: the other summand; relu_backward: dy). */
    y: "read array<vec4f>",
    out: "read_write array<vec4f>",
    xT: "texture",
    yT: "texture",
    /**
     * dropout: the step's values (src/autograd/step_values.ts); the mask's seed is
     * `seed + stepSeeds.x · 1000003` (zeros outside a planned step: `seed` alone).
     */
    stepSeeds: "uniform vec4<u32>",
  },
  entries: {
    relu_forward: ["p", "x", "out", "xT"],
    relu_backward: ["p", "x", "y", "out", "xT", "yT"],
    add: ["p", "x", "y", "out", "xT", "yT"],
    dropout: ["p", "x", "out", "stepSeeds"],
    gaussian: ["p", "x", "out"],
  },
});

type Entry = keyof typeof elementwiseKernel.entries;

const WG = 256;
/** Override constants: the untextured entries', then the textured ones' by TEXTURES. */
const PLAIN = { WG };
const BY_TEXTURES = [{ WG, TEXTURES: 0 }, { WG, TEXTURES: 1 }];
/** The entries that can read their inputs as texture copies (the kernel's TEXTURES). */
const TEXTURED = new Set<Entry>(["relu_forward", "relu_backward", "add"]);
/**
 * From this many floats (6 MiB a tensor) the textured entries read texture copies where
 * the adapter profile says so. On the software adapter (2 cores) an add from storage buffers fell
 * off a cliff between 1.2M floats (1.95 ms) and 1.6M (8.2 ms; 9.4 ms at 3.2M), where with the
 * copies it took 3.4 ms (5.8 ms at 3.2M); below the cliff the copies cost more than they save
 * (2.8 ms at 1.2M).
 */
const TEXTURE_MIN_FLOATS = 3 << 19;

function elementwise(
  entry: Entry,
  x: Tensor,
  y: Tensor | null,
  extra: { seed?: number; rate?: number; stepSeeds?: Binding } = {},
): Tensor {
  const out = Tensor.empty(x.shape);
  const g = gpu();
  const n4 = Math.ceil(x.size / 4);
  const { groups, row } = grid1d(n4, WG);
  const params = { n4, row, seed: extra.seed ?? 0, rate: extra.rate ?? 0 };
  if (!TEXTURED.has(entry)) {
    g.run(elementwiseKernel, entry, {
      constants: PLAIN,
      params,
      bindings: { x: x.binding, out: out.binding, stepSeeds: extra.stepSeeds ?? g.zeroUniform },
    }, groups);
    return out;
  }
  // The buffers are padded to 16 bytes (gpu.ts), so n4 vec4s are there to copy.
  const t = g.inputTextures([x.binding, y?.binding ?? null], n4 * 4, x.size >= TEXTURE_MIN_FLOATS);
  g.run(elementwiseKernel, entry, {
    constants: BY_TEXTURES[t.TEXTURES],
    params,
    bindings: {
      x: x.binding,
      y: y ? y.binding : null,
      out: out.binding,
      xT: t.bindings[0],
      yT: y ? t.bindings[1] : null,
    },
  }, groups);
  t.release();
  return out;
}

export function relu(x: Tensor): Tensor {
  const out = elementwise("relu_forward", x, null);
  return record(out, [x], () => accumulate(x, elementwise("relu_backward", out, out.grad!)));
}

export function add(a: Tensor, b: Tensor): Tensor {
  if (a.size !== b.size) throw new Error(`add: [${a.shape}] and [${b.shape}] differ in size`);
  const out = elementwise("add", a, b);
  return record(out, [a, b], () => {
    accumulate(a, out.grad!);
    accumulate(b, out.grad!);
  });
}

/**
 * Inverted dropout: zeroes each element with probability `rate` and scales the rest by
 * 1/(1-rate). The mask is a hash of (seed, index), so backward regenerates it instead of storing.
 * With `stepSeeds` (a planned training step's `StepValues.seedsBinding`) the mask's seed is
 * `dropoutSeed(the step's dropout seed, seed)`, read on the GPU, so the step's commands stay the
 * same from step to step.
 */
export function dropout(x: Tensor, rate: number, seed: number, stepSeeds?: Binding): Tensor {
  if (rate <= 0) return x;
  const out = elementwise("dropout", x, null, { seed, rate, stepSeeds });
  return record(
    out,
    [x],
    () => accumulate(x, elementwise("dropout", out.grad!, null, { seed, rate, stepSeeds })),
  );
}

/**
 * exp(-gamma·max(d, 0)) of squared distances d: RBF kernel values (the SVM baselines' prediction).
 * Inference only, so nothing is recorded for backward.
 */
export function gaussian(d: Tensor, gamma: number): Tensor {
  return elementwise("gaussian", d, null, { rate: gamma });
}

setGradAdder((a, b) => elementwise("add", a, b));
