import { accumulate, gpu, gradientOutput, record, Tensor } from "../../autograd/tensor.ts";
import { defineKernel } from "../../gpu/kernel.ts";
import { sumRows, sumRowsInto } from "../reduce/reduce.ts";
import type { MatmulStrategy } from "../../gpu/profile.ts";
import { bucket, type TuneCase, tunerFor } from "../../gpu/tune.ts";
import { isolatedStep } from "../tune_case.ts";
import { generateMatmulRegister, generateMatmulTexture } from "./generate.ts";
import { MATMUL_TILES, type MatmulEntry } from "./tiles.ts";
import {
  GEMM_BLOCK,
  MATMUL_PARAMS,
  matmulTiled8Kernel,
  matmulTiledKernel,
  STORAGE_BINDINGS,
} from "./tiled.ts";

export { matmulTiled8Kernel, matmulTiledKernel };

/**
 * The register kernel for a `tm`×`tn` tile (src/ops/matmul/generate.ts `generateMatmulRegister`):
 * entry `forward`, any layout, over storage buffers. matmul runs it with MATMUL_TILES.register;
 * bench/matmul_probe.ts builds others. Throws when `tn` is not a multiple of 4.
 */
export function matmulRegisterKernel(tm: number, tn: number) {
  const [TM, TN] = MATMUL_TILES.register;
  return defineKernel({
    source: () => generateMatmulRegister(tm, tn),
    workgroupSize: 8,
    label: `ops/matmul/matmul_register${tm === TM && tn === TN ? "" : `_${tm}x${tn}`}`,
    params: MATMUL_PARAMS,
    bindings: STORAGE_BINDINGS,
    entries: { forward: ["p", "a", "b", "bias", "c"] },
  });
}

const registerKernel = matmulRegisterKernel(...MATMUL_TILES.register);

/**
 * The texture kernel (src/ops/matmul/generate.ts `generateMatmulTexture`): entries forward_nn,
 * forward_nt and forward_tn, one per operand layout, with A and B copied into rgba32float
 * textures and C written as vec4s (`c4`).
 */
export const matmulTextureKernel = defineKernel({
  source: () => generateMatmulTexture(MATMUL_TILES.texture),
  workgroupSize: 8,
  label: "ops/matmul/matmul_texture",
  params: { ...MATMUL_PARAMS, batchBase: "u32" },
  bindings: {
    a: "texture",
    b: "texture",
    bias: "read array<f32>",
    c4: "read_write array<vec4f>",
  },
  entries: {
    forward_nn: ["p", "a", "b", "bias", "c4"],
    forward_nt: ["p", "a", "b", "bias", "c4"],
    forward_tn: ["p", "a", "b", "bias", "c4"],
  },
});

export interface MatmulOptions {
  m: number;
  n: number;
  k: number;
  /** A is stored K×M (the product uses Aᵀ). */
  transA?: boolean;
  /** B is stored N×K (the product uses Bᵀ). */
  transB?: boolean;
  bias?: Tensor | null;
  /** C += A·B instead of C = A·B. */
  accumulate?: boolean;
  /** Force a kernel strategy (tests); by default the adapter profile's. */
  strategy?: MatmulStrategy;
}

/**
 * How a product is run: "texture" (operands copied into textures, `matmulTextureKernel`),
 * "register" (8×8 register tiles over storage buffers, `matmulRegisterKernel`), or
 * workgroup-memory blocks of 64×64 with 4×4 ("tiled", `matmulTiledKernel`) or 8×8 ("tiled8",
 * `matmulTiled8Kernel`) outputs per invocation (src/ops/matmul/tiled.ts). "texture" falls back to
 * the register kernel when a layout rules vec4s out. Which one runs is the autotuner's choice
 * where it has measured one (src/gpu/tune.ts), else the adapter profile's (src/gpu/profile.ts).
 */
export type { MatmulStrategy };

/** Invocations per workgroup of the register and texture kernels (one SIMD vector). */
const WG = 8;

/** The kernel entry a product runs on, with its tile (outputs per invocation). */
type Plan =
  | { kernel: "register"; tile: readonly [number, number] }
  | { kernel: "texture"; entry: MatmulEntry; tile: readonly [number, number] }
  | { kernel: "tiled"; tile: readonly [number, number]; per: 4 | 8 };

const REGISTER_PLAN: Plan = { kernel: "register", tile: MATMUL_TILES.register };
const TILED_PLANS: Record<"tiled" | "tiled8", Plan> = {
  tiled: { kernel: "tiled", tile: [GEMM_BLOCK, GEMM_BLOCK], per: 4 },
  tiled8: { kernel: "tiled", tile: [GEMM_BLOCK, GEMM_BLOCK], per: 8 },
};
const isTiled = (s: MatmulStrategy): s is "tiled" | "tiled8" => s === "tiled" || s === "tiled8";
const TEXTURE_PLANS = Object.fromEntries(
  Object.entries(MATMUL_TILES.texture).map(([entry, tile]) => [entry, {
    kernel: "texture",
    entry,
    tile,
  }]),
) as Record<MatmulEntry, Plan>;

/** Override constants, built once: per transposes (index 2·transA + transB), and the textures'. */
const TRANSPOSES = [0, 1, 2, 3].map((i) => ({ TRANS_A: i >> 1, TRANS_B: i & 1 }));
const REGISTER_CONSTANTS = TRANSPOSES.map((t) => ({ ...t, WG }));
const TEXTURE_CONSTANTS = { WG };
const transposes = (o: MatmulOptions) => (o.transA ? 2 : 0) + (o.transB ? 1 : 0);

/**
 * C[m×n] = op(A)·op(B) (+ bias[n]) (+ C) into an existing tensor, row-major: A [M, K] (or [K, M]
 * with transA), B [K, N] (or [N, K] with transB), C [M, N]; no autograd.
 */
export function matmulInto(a: Tensor, b: Tensor, c: Tensor, o: MatmulOptions) {
  const strategy = o.strategy ?? chooseStrategy(o);
  const weightGradient = o.transA && !o.transB && !o.bias && !o.accumulate;
  // A small weight gradient (conv1's 9×32 from 100,352 pixels) in big register tiles would be a
  // handful of invocations, each mostly computing padding: small tiles and more K-chunks instead.
  const small = weightGradient && !isTiled(strategy) && o.m * o.n <= 64 * 64;
  const unsplit = { batch: 1, strides: [0, 0, 0] as [number, number, number] };
  const first = plan(a, b, o, strategy, unsplit);
  const tiles = Math.ceil(o.m / first.tile[0]) * Math.ceil(o.n / first.tile[1]);
  // The software adapter runs a workgroup (8 tiles) per thread: ≥ 32 workgroups keep both cores
  // evenly busy.
  const split = weightGradient ? splitK(o.k, tiles, small ? 512 : 256, small ? 256 : 512) : 1;
  if (split > 1) {
    // Weight gradients (Aᵀ·B with few outputs and a long K): K-chunks run as a batch, because
    // with Aᵀ and B both stored K-major a chunk is a plain offset; one sumRows adds them up.
    const kc = o.k / split;
    const partial = Tensor.empty([split, o.m * o.n]);
    const batched = {
      batch: split,
      strides: [kc * o.m, kc * o.n, o.m * o.n] as [number, number, number],
    };
    const p = plan(a, b, { ...o, k: kc }, strategy, batched);
    dispatchMatmul(a, b, null, partial, { ...o, k: kc }, p, batched);
    sumRowsInto(partial, split, o.m * o.n, c);
    return;
  }
  dispatchMatmul(a, b, o.bias ?? null, c, o, first, unsplit);
}

/**
 * The strategy for a product: the autotuner's for its shape class (layout, flags and each size's
 * power-of-two bucket) where it has measured one or one is forced, else the profile's.
 */
function chooseStrategy(o: MatmulOptions): MatmulStrategy {
  const g = gpu();
  const t = tunerFor(g);
  const fallback = g.profile.matmul;
  if (!t.active && !t.force.matmul) return fallback;
  const key = `matmul:${o.transA ? "t" : "n"}${o.transB ? "t" : "n"}${o.bias ? "b" : ""}` +
    `${o.accumulate ? "a" : ""}:${bucket(o.m)}x${bucket(o.n)}x${bucket(o.k)}`;
  return t.choose("matmul", key, g.profile.matmulCandidates, fallback, () => matmulCase(o));
}

/** One product of `o`'s shape and flags on zeroed scratch operands, for the tuner to time. */
function matmulCase(o: MatmulOptions): TuneCase {
  const { m, n, k, transA, transB, accumulate } = o;
  const withBias = !!o.bias;
  return {
    run: (strategy) =>
      isolatedStep(() => {
        const g = gpu();
        const [a, b, c] = [m * k, k * n, m * n].map((size) => Tensor.empty([size]));
        const bias = withBias ? Tensor.empty([n]) : null;
        for (const t of bias ? [a, b, c, bias] : [a, b, c]) g.clear(t.buffer);
        const s = strategy as MatmulStrategy;
        matmulInto(a, b, c, { m, n, k, transA, transB, accumulate, bias, strategy: s });
      }),
  };
}

/**
 * How many K-chunks to split a product into: enough that the outputs' tiles times the chunks
 * give every core work (about `target` tiles), each chunk still long (≥ `minChunk`), and K
 * divisible by it.
 */
function splitK(k: number, tiles: number, target: number, minChunk: number): number {
  if (tiles >= target) return 1;
  const most = Math.min(Math.ceil(target / tiles), Math.floor(k / minChunk));
  for (let s = most; s > 1; s--) if (k % s === 0) return s;
  return 1;
}

/** Picks the kernel: the texture entries where the layout allows vec4s, else the register one. */
function plan(
  a: Tensor,
  b: Tensor,
  o: MatmulOptions,
  strategy: MatmulStrategy,
  batched: { strides: number[] },
): Plan {
  if (isTiled(strategy)) return TILED_PLANS[strategy];
  const entry = vec4Entry(o, batched.strides);
  // The register kernel only takes what vec4 layouts rule out (a dense layer's 10 logits), with
  // small tiles (src/ops/matmul/tiles.ts says why).
  if (!entry) return REGISTER_PLAN;
  const g = gpu();
  if (strategy === "texture" && g.fitsTexture(a.size) && g.fitsTexture(b.size)) {
    return TEXTURE_PLANS[entry];
  }
  return REGISTER_PLAN;
}

function dispatchMatmul(
  a: Tensor,
  b: Tensor,
  bias: Tensor | null,
  c: Tensor,
  o: MatmulOptions,
  p: Plan,
  batched: { batch: number; strides: [number, number, number] },
  /** Where this product's A and B start in their buffers (floats; texture kernels only). */
  offsets: [number, number] | null = null,
  /** Where this product's C starts in c's buffer (bytes, storage-offset aligned; texture kernels only). */
  cOffset: number | null = null,
) {
  const g = gpu();
  const params = {
    M: o.m,
    N: o.n,
    K: o.k,
    batch: batched.batch,
    aBatchStride: batched.strides[0],
    bBatchStride: batched.strides[1],
    cBatchStride: batched.strides[2],
    flags: (bias ? 1 : 0) | (o.accumulate ? 2 : 0),
  };
  const biasBuffer = bias ? bias.binding : g.dummy;
  if (p.kernel === "tiled") {
    g.run(p.per === 8 ? matmulTiled8Kernel : matmulTiledKernel, "forward_tiled", {
      constants: TRANSPOSES[transposes(o)],
      params,
      bindings: { a: a.binding, b: b.binding, bias: biasBuffer, c: c.binding },
    }, [Math.ceil(o.n / GEMM_BLOCK), Math.ceil(o.m / GEMM_BLOCK), batched.batch]);
    return;
  }
  // One TM×TN tile per invocation, WG invocations per workgroup; the texture kernel spreads the
  // batch over invocations too, the register one over the z axis.
  const [tm, tn] = p.tile;
  const tiles = Math.ceil(o.m / tm) * Math.ceil(o.n / tn);
  const texture = p.kernel === "texture";
  const groups = Math.ceil((texture ? tiles * batched.batch : tiles) / WG);
  const x = Math.min(groups, 65535);
  const grid: [number, number, number] = [x, Math.ceil(groups / x), texture ? 1 : batched.batch];
  if (!texture) {
    g.run(registerKernel, "forward", {
      constants: REGISTER_CONSTANTS[transposes(o)],
      params,
      bindings: { a: a.binding, b: b.binding, bias: biasBuffer, c: c.binding },
    }, grid);
    return;
  }
  // A view's elements start at its byte offset in the shared buffer.
  const aT = g.texture(a.buffer, offsets ? o.m * o.k : a.size, a.offset / 4 + (offsets?.[0] ?? 0));
  const bT = g.texture(b.buffer, offsets ? o.k * o.n : b.size, b.offset / 4 + (offsets?.[1] ?? 0));
  g.run(matmulTextureKernel, p.entry, {
    constants: TEXTURE_CONSTANTS,
    params: { ...params, batchBase: 0 },
    bindings: {
      a: aT,
      b: bT,
      bias: biasBuffer,
      c4: cOffset === null
        ? c.binding
        : { buffer: c.buffer, offset: c.offset + cOffset, size: o.m * o.n * 4 },
    },
  }, grid);
  g.releaseTexture(aT);
  g.releaseTexture(bT);
}

/**
 * C[i] = op(A[i])·op(B[i]) for i < `batch`, the operands of each product stored back to back:
 * A [batch, M, K] (or [batch, K, M] with transA), B [batch, K, N] (or [batch, N, K] with transB),
 * C [batch, M, N]. No bias, no autograd (Winograd convolution's 16 products,
 * src/ops/conv2d/winograd.ts).
 */
export function matmulBatchedInto(
  a: Tensor,
  b: Tensor,
  c: Tensor,
  o: Omit<MatmulOptions, "bias" | "accumulate"> & { batch: number },
) {
  const g = gpu();
  const strategy = o.strategy ?? g.profile.matmul;
  const strides = [o.m * o.k, o.k * o.n, o.m * o.n] as [number, number, number];
  const batched = { batch: o.batch, strides };
  const p = plan(a, b, o, strategy, batched);
  if (p.kernel !== "texture") {
    dispatchMatmul(a, b, null, c, o, p, batched);
    return;
  }
  // With textures (the software profile), one product per dispatch: each reads its slices while
  // they are in cache. At Winograd's shapes (16 × [6272, 32]·[32, 64]) that ran ~3× faster than
  // one dispatch over all 16 (37 against 78 ms). The operands are copied into a texture once for
  // all products where they fit (two copies, not two per product: what a step records), and each
  // product then writes its place in C directly.
  const m4 = strides.every((s) => s % 4 === 0);
  if (m4 && g.fitsTexture(o.batch * strides[0]) && g.fitsTexture(o.batch * strides[1])) {
    const aT = g.texture(a.buffer, o.batch * strides[0], a.offset / 4);
    const bT = g.texture(b.buffer, o.batch * strides[1], b.offset / 4);
    const [tm, tn] = p.tile;
    const groups = Math.ceil(Math.ceil(o.m / tm) * Math.ceil(o.n / tn) / WG);
    const x = Math.min(groups, 65535);
    for (let i = 0; i < o.batch; i++) {
      g.run(matmulTextureKernel, p.entry, {
        constants: TEXTURE_CONSTANTS,
        params: {
          M: o.m,
          N: o.n,
          K: o.k,
          batch: 1,
          aBatchStride: strides[0],
          bBatchStride: strides[1],
          cBatchStride: strides[2],
          flags: 0,
          batchBase: i,
        },
        bindings: { a: aT, b: bT, bias: g.dummy, c4: c.binding },
      }, [x, Math.ceil(groups / x), 1]);
    }
    g.releaseTexture(aT);
    g.releaseTexture(bT);
    return;
  }
  // Operands too big for one texture: each product copies its own slices, and where C's
  // products start at offsets a storage binding may take, writes its place directly instead of
  // through a scratch matrix and a copy.
  const one = { batch: 1, strides: [0, 0, 0] as [number, number, number] };
  const cBytes = strides[2] * 4;
  const direct = cBytes % g.device.limits.minStorageBufferOffsetAlignment === 0;
  const scratch = direct ? null : Tensor.empty([o.m, o.n]);
  for (let i = 0; i < o.batch; i++) {
    const at: [number, number] = [i * strides[0], i * strides[1]];
    if (!scratch) {
      dispatchMatmul(a, b, null, c, o, p, one, at, i * cBytes);
      continue;
    }
    dispatchMatmul(a, b, null, scratch, o, p, one, at);
    g.copy(scratch.buffer, c.buffer, cBytes, c.offset + i * cBytes, scratch.offset);
  }
}

/**
 * Weight-gradient-shaped products Aᵀ[i]·B[i] for i < `batch` (A [batch, K, M], B [batch, K, N],
 * both K-major as matmulBatchedInto's transA layout) with K cut into `split` chunks of K/split,
 * all in one dispatch: partial [batch·split, M, N], chunk j of product i at i·split + j; the
 * caller sums each product's chunks (src/ops/conv2d/winograd.wgsl's weight_transform_backward does, as
 * it reads them). The split is `weightGradientSplit`'s. No bias, no autograd.
 */
export function matmulBatchedSplitInto(
  a: Tensor,
  b: Tensor,
  partial: Tensor,
  o: { batch: number; m: number; n: number; k: number; split: number; strategy?: MatmulStrategy },
) {
  const g = gpu();
  const strategy = o.strategy ?? g.profile.matmul;
  const kc = o.k / o.split;
  if (!Number.isInteger(kc)) throw new Error(`matmulBatchedSplitInto: ${o.split} ∤ K = ${o.k}`);
  // Chunk j of product i starts (i·split + j)·kc rows into A and B, since K = split·kc: one
  // batch stride walks both the chunks and the products.
  const batched = {
    batch: o.batch * o.split,
    strides: [kc * o.m, kc * o.n, o.m * o.n] as [number, number, number],
  };
  const chunk = { m: o.m, n: o.n, k: kc, transA: true };
  dispatchMatmul(a, b, null, partial, chunk, plan(a, b, chunk, strategy, batched), batched);
}

/**
 * How many K-chunks `matmulBatchedSplitInto` should cut `batch` products Aᵀ·B ([M, K]·[K, N]) into:
 * products with few output tiles (Winograd's 16 dU = Vᵀ·dM at 16-32 channels: one to four 16×16
 * tiles each, over K = 25,088 tiles at batch 128) would otherwise run on a handful of SIMD lanes;
 * on the software adapter (a workgroup of 8 tiles per thread) ~256 tiles in all keep both cores
 * busy. 1 where
 * the products have enough tiles, or K has no divisor that leaves chunks of ≥ 256.
 */
export function weightGradientSplit(batch: number, m: number, n: number, k: number): number {
  const tile = MATMUL_TILES.texture.forward_tn;
  const tiles = batch * Math.ceil(m / tile[0]) * Math.ceil(n / tile[1]);
  return splitK(k, tiles, 256, 256);
}

/**
 * The texture kernel's entry for this product, when its operands allow vec4 loads: rows of 4k
 * floats along the loaded axis and batch offsets that keep vec4 alignment. Else null.
 */
function vec4Entry(o: MatmulOptions, strides: number[]): MatmulEntry | null {
  if (strides.some((s) => s % 4 !== 0)) return null;
  if (!o.transA && !o.transB && o.k % 4 === 0 && o.n % 4 === 0) return "forward_nn";
  if (!o.transA && o.transB && o.k % 4 === 0 && o.n % 4 === 0) return "forward_nt";
  if (o.transA && !o.transB && o.m % 4 === 0 && o.n % 4 === 0) return "forward_tn";
  return null;
}

/**
 * y = x·W (+ bias) for x [M, K], W [K, N] and bias [N] (row-major), with gradients for all three.
 * Throws when the inner sizes differ.
 */
export function matmul(x: Tensor, w: Tensor, bias: Tensor | null = null): Tensor {
  const [m, k] = x.shape;
  const [wk, n] = w.shape;
  if (k !== wk) throw new Error(`matmul: [${x.shape}]·[${w.shape}] inner sizes differ`);
  const out = Tensor.empty([m, n]);
  matmulInto(x, w, out, { m, n, k, bias });
  return record(out, bias ? [x, w, bias] : [x, w], () => {
    const dy = out.grad!;
    if (x.requiresGrad) {
      const dx = Tensor.empty(x.shape);
      matmulInto(dy, w, dx, { m, n: k, k: n, transB: true });
      accumulate(x, dx);
    }
    if (w.requiresGrad) {
      const dw = gradientOutput(w);
      matmulInto(x, dy, dw, { m: k, n, k: m, transA: true });
      accumulate(w, dw);
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, m, n, gradientOutput(bias)));
  });
}
