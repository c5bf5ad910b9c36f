// Shared by the kernel tests: one GPU for the whole run and a finite-difference gradient checker
// (each op's CPU reference sits beside it, src/ops/<op>/reference.ts). GPU tests turn Deno's
// sanitizers off because the device outlives each test.
import { Gpu } from "../src/gpu/gpu.ts";
import type { AdapterProfile } from "../src/gpu/profile.ts";
import { backward, endStep, noGrad, Tensor, useGpu } from "../src/autograd/tensor.ts";
import { Rng } from "../src/util/random.ts";

let shared: Promise<Gpu> | null = null;
export function testGpu(): Promise<Gpu> {
  shared ??= Gpu.create().then((g) => {
    useGpu(g);
    return g;
  });
  return shared;
}

/** Deno.test for code that uses the shared GPU. */
export function gpuTest(name: string, fn: () => Promise<void>) {
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      await testGpu();
      try {
        await fn();
      } finally {
        endStep();
      }
    },
  });
}

/**
 * gpuTest run twice: memory-bound kernels reading their inputs as textures, then as storage
 * buffers (the adapter profile's `textureInputs`, on by default for the software adapter only),
 * so both paths stay checked.
 */
export function gpuTestBothInputs(name: string, fn: () => Promise<void>) {
  for (const textures of [true, false]) {
    gpuTest(`${name} (${textures ? "texture" : "buffer"} inputs)`, async () => {
      const g = await testGpu();
      await withProfile(g, { ...g.profile, textureInputs: textures }, fn);
    });
  }
}

/** Runs `fn` with `profile` in place of the adapter's own (src/gpu/profile.ts), then restores it. */
export async function withProfile(g: Gpu, profile: AdapterProfile, fn: () => Promise<void>) {
  const saved = g.profile;
  g.profile = profile;
  try {
    await fn();
  } finally {
    g.profile = saved;
  }
}

export function randn(n: number, seed: number, scale = 1): Float32Array<ArrayBuffer> {
  const rng = new Rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

/** Largest |a - b| relative to max(1, |b|), with where it happened, for readable failures. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-4,
  what = "",
) {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(err <= tol)) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (tol ${tol})`);
    }
  }
}

/**
 * Checks the gradients of `f` with respect to every input by central finite differences of the
 * scalar L = Σ f(x)·r (r random), against backward() seeded with r. Checks up to `samples`
 * elements of each input. Inputs are given as CPU arrays; `f` builds the graph from tensors.
 */
export async function checkGradients(
  f: (xs: Tensor[]) => Tensor,
  inputs: { data: Float32Array<ArrayBuffer>; shape: number[] }[],
  opts: { h?: number; tol?: number; samples?: number; seed?: number } = {},
) {
  const h = opts.h ?? 1e-2;
  const tol = opts.tol ?? 2e-2;
  const samples = opts.samples ?? 12;
  const rng = new Rng(opts.seed ?? 1);
  const leaves = inputs.map((i) => Tensor.from(i.data, i.shape, { requiresGrad: true }));
  const y = f(leaves);
  const r = randn(y.size, 99);
  backward(y, Tensor.from(r, y.shape));
  const analytic = await Promise.all(leaves.map((t) => t.grad ? t.grad.read() : null));
  endStep();

  const lossAt = async (values: Float32Array<ArrayBuffer>[]) => {
    const out = noGrad(() => f(values.map((v, i) => Tensor.from(v, inputs[i].shape))));
    const o = await out.read();
    endStep();
    let s = 0;
    for (let i = 0; i < o.length; i++) s += o[i] * r[i];
    return s;
  };
  for (let k = 0; k < inputs.length; k++) {
    const n = inputs[k].data.length;
    const picks = n <= samples ? [...Array(n).keys()] : [...Array(samples)].map(() => rng.int(n));
    for (const i of picks) {
      const values = inputs.map((x) => x.data.slice());
      values[k][i] += h;
      const up = await lossAt(values);
      values[k][i] -= 2 * h;
      const down = await lossAt(values);
      const numeric = (up - down) / (2 * h);
      const got = analytic[k]?.[i] ?? 0;
      const err = Math.abs(got - numeric) / Math.max(1, Math.abs(numeric));
      if (!(err <= tol)) {
        throw new Error(
          `gradient of input ${k} at ${i}: backward ${got}, finite difference ${numeric}`,
        );
      }
    }
  }
}
