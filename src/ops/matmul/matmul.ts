import { accumulate, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { sumRows, sumRowsInto } from "../reduce/reduce.ts";
import type { MatmulStrategy } from "../../gpu/profile.ts";
import { type GeneratedMatmul, MATMUL_TILES, type MatmulEntry } from "./tiles.ts";

// kernels/matmul.wgsl (forward, forward_tiled) and kernels/matmul_texture.wgsl (forward_nn /
// forward_nt / forward_tn, from tools/gen_matmul.ts).

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
 * How a product is run: "texture" (operands copied into textures, the generated
 * matmul_texture.wgsl), "register" (8×8 register tiles over storage buffers, matmul.wgsl's
 * `forward`), or workgroup-memory "tiled" blocks of 64×64 (matmul.wgsl's header says why).
 * "texture" falls back to the register kernel when a layout rules vec4s out. Which one an adapter
 * runs is its profile's (src/gpu/profile.ts).
 */
export type { MatmulStrategy };

/** The register kernel's tile (`plan` says why it is small). */
const SMALL_TILE: Tile = { WG: 8, TM: 8, TN: 8 };

interface Tile {
  WG: number;
  TM: number;
  TN: number;
}

/** The kernel entry a product runs on, with its tile (outputs per invocation). */
interface Plan {
  kernel: "matmul" | GeneratedMatmul;
  entry: string;
  tile: Tile;
}

/** C[m×n] = op(A)·op(B) (+ bias) into an existing tensor; no autograd. */
export function matmulInto(a: Tensor, b: Tensor, c: Tensor, o: MatmulOptions) {
  const g = gpu();
  const strategy = o.strategy ?? g.profile.matmul;
  const weightGradient = o.transA && !o.transB && !o.bias && !o.accumulate;
  // A small weight gradient (conv1's 9×32 from 100,352 pixels) in big register tiles would be a
  // handful of invocations, each mostly computing padding: small tiles and more K-chunks instead.
  const small = weightGradient && strategy !== "tiled" && o.m * o.n <= 64 * 64;
  const unsplit = { batch: 1, strides: [0, 0, 0] as [number, number, number] };
  const first = plan(a, b, o, strategy, unsplit);
  const tiles = Math.ceil(o.m / first.tile.TM) * Math.ceil(o.n / first.tile.TN);
  // llvmpipe runs a workgroup (8 tiles) per thread: ≥ 32 workgroups keep both cores evenly busy.
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

/** Picks the kernel: generated vec4 entries where the layout allows, else the scalar one. */
function plan(
  a: Tensor,
  b: Tensor,
  o: MatmulOptions,
  strategy: MatmulStrategy,
  batched: { strides: number[] },
): Plan {
  if (strategy === "tiled") {
    return { kernel: "matmul", entry: "forward_tiled", tile: { WG: 8, TM: 64, TN: 64 } };
  }
  const entry = vec4Entry(o, batched.strides);
  // The scalar kernel only takes what vec4 layouts rule out (a dense layer's 10 logits) and
  // always gets small tiles: 32×32 compiles for 85 s on llvmpipe, and a real GPU's 64×64 block
  // as registers (4,096 accumulators per invocation) failed on an NVIDIA H200.
  if (!entry) return { kernel: "matmul", entry: "forward", tile: SMALL_TILE };
  const g = gpu();
  if (strategy === "texture" && g.fitsTexture(a.size) && g.fitsTexture(b.size)) {
    const [TM, TN] = MATMUL_TILES.matmul_texture[entry];
    return { kernel: "matmul_texture", entry, tile: { WG: SMALL_TILE.WG, TM, TN } };
  }
  return { kernel: "matmul", entry: "forward", tile: SMALL_TILE };
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
  const flags = (bias ? 1 : 0) | (o.accumulate ? 2 : 0);
  const params = [o.m, o.n, o.k, batched.batch, ...batched.strides, flags];
  const { tile } = p;
  if (p.kernel === "matmul" && p.entry === "forward_tiled") {
    const pipe = g.pipeline("ops/matmul/matmul", "forward_tiled", transposes(o));
    g.dispatch(pipe, params, [a.buffer, b.buffer, bias ? bias.buffer : g.dummy, c.buffer], [
      Math.ceil(o.n / 64),
      Math.ceil(o.m / 64),
      batched.batch,
    ]);
    return;
  }
  // One TM×TN tile per invocation, WG invocations per workgroup (all register kernels); the
  // generated ones spread the batch over invocations too, the scalar one over the z axis.
  const tiles = Math.ceil(o.m / tile.TM) * Math.ceil(o.n / tile.TN);
  const generated = p.kernel !== "matmul";
  const groups = Math.ceil((generated ? tiles * batched.batch : tiles) / tile.WG);
  const x = Math.min(groups, 65535);
  const grid: [number, number, number] = [x, Math.ceil(groups / x), generated ? 1 : batched.batch];
  if (p.kernel === "matmul") {
    const pipe = g.pipeline("ops/matmul/matmul", "forward", { ...transposes(o), ...tile });
    g.dispatch(pipe, params, [a.buffer, b.buffer, bias ? bias.buffer : g.dummy, c.buffer], grid);
    return;
  }
  const textures = p.kernel === "matmul_texture"
    ? [
      g.texture(a.buffer, offsets ? o.m * o.k : a.size, offsets?.[0]),
      g.texture(b.buffer, offsets ? o.k * o.n : b.size, offsets?.[1]),
    ]
    : null;
  g.dispatch(g.pipeline(`ops/matmul/${p.kernel}`, p.entry, { WG: tile.WG }), params, {
    1: textures ? textures[0] : a.buffer,
    2: textures ? textures[1] : b.buffer,
    3: bias ? bias.buffer : g.dummy,
    5: cOffset === null ? c.buffer : { buffer: c.buffer, offset: cOffset, size: o.m * o.n * 4 },
  }, grid);
  textures?.forEach((t) => g.releaseTexture(t));
}

/**
 * C[i] = op(A[i])·op(B[i]) for i < `batch`, the operands of each product stored back to back:
 * A [batch, M, K] (or [batch, K, M] with transA), B [batch, K, N] (or [batch, N, K] with transB),
 * C [batch, M, N]. No bias, no autograd (Winograd convolution's 16 products, src/autograd/conv2d.ts).
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
  if (p.kernel !== "matmul_texture") {
    dispatchMatmul(a, b, null, c, o, p, batched);
    return;
  }
  // With textures (llvmpipe), one product at a time: each copies its slices into small textures
  // that it then reads while they are in cache, and its result goes through a scratch matrix to
  // its place. At Winograd's shapes (16 × [6272, 32]·[32, 64]) that ran ~3× faster than one
  // batched dispatch over the whole 12.8 MB operand texture (37 against 78 ms, 2026-11-29).
  // Where C's products start at offsets a storage binding may take, each writes its place
  // directly instead of through a scratch matrix and a copy.
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
    g.copy(scratch.buffer, c.buffer, cBytes, i * cBytes);
  }
}

/**
 * Weight-gradient-shaped products Aᵀ[i]·B[i] for i < `batch` (A [batch, K, M], B [batch, K, N],
 * both K-major as matmulBatchedInto's transA layout) with K cut into `split` chunks of K/split,
 * all in one dispatch: partial [batch·split, M, N], chunk j of product i at i·split + j; the
 * caller sums each product's chunks (kernels/winograd.wgsl's weight_transform_backward does, as
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
 * on llvmpipe (a workgroup of 8 tiles per thread) ~256 tiles in all keep both cores busy. 1 where
 * the products have enough tiles, or K has no divisor that leaves chunks of ≥ 256.
 */
export function weightGradientSplit(batch: number, m: number, n: number, k: number): number {
  const tile = MATMUL_TILES.matmul_texture.forward_tn;
  const tiles = batch * Math.ceil(m / tile[0]) * Math.ceil(n / tile[1]);
  return splitK(k, tiles, 256, 256);
}

const transposes = (o: MatmulOptions) => ({ TRANS_A: o.transA ? 1 : 0, TRANS_B: o.transB ? 1 : 0 });

/**
 * The generated kernels' entry for this product, when its operands allow vec4 loads: rows of 4k
 * floats along the loaded axis and batch offsets that keep vec4 alignment. Else null.
 */
function vec4Entry(o: MatmulOptions, strides: number[]): MatmulEntry | null {
  if (strides.some((s) => s % 4 !== 0)) return null;
  if (!o.transA && !o.transB && o.k % 4 === 0 && o.n % 4 === 0) return "forward_nn";
  if (!o.transA && o.transB && o.k % 4 === 0 && o.n % 4 === 0) return "forward_nt";
  if (o.transA && !o.transB && o.m % 4 === 0 && o.n % 4 === 0) return "forward_tn";
  return null;
}

/** y = x·W (+ bias) for x [M, K] and W [K, N], with gradients for all three. */
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
      const dw = Tensor.empty(w.shape);
      matmulInto(x, dy, dw, { m: k, n, k: m, transA: true });
      accumulate(w, dw);
    }
    if (bias?.requiresGrad) accumulate(bias, sumRows(dy, m, n));
  });
}
