import { accumulate, gpu, record, Tensor } from "./tensor.ts";
import { sumRows, sumRowsInto } from "./reduce.ts";
import { type AdapterReport, isLlvmpipe } from "../gpu/device.ts";

// kernels/matmul.wgsl: forward (with TRANS_A / TRANS_B variants).

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
  /** Force a kernel strategy (tests); by default the adapter's best, see `matmulStrategy`. */
  strategy?: MatmulStrategy;
}

/**
 * How kernels/matmul.wgsl is run: "register" tiles (TM×TN outputs per invocation, no workgroup
 * memory) or workgroup-memory "tiled" blocks of 64×64 (the file's header says why each).
 */
export type MatmulStrategy = "register" | "tiled";

/**
 * llvmpipe rewards big register tiles and punishes workgroup memory; its GL path compiles big
 * unrolled tiles very slowly (~50 s for 32×16), so GL gets 8×8. Real GPUs get workgroup tiles.
 */
export function matmulStrategy(adapter: AdapterReport): {
  strategy: MatmulStrategy;
  tile: { WG: number; TM: number; TN: number };
} {
  if (!isLlvmpipe(adapter)) {
    return { strategy: "tiled", tile: { WG: 8, TM: 32, TN: 32 } };
  }
  const size = adapter.backend === "gl" ? 8 : 32;
  return { strategy: "register", tile: { WG: 8, TM: size, TN: size } };
}

/** C[m×n] = op(A)·op(B) (+ bias) into an existing tensor; no autograd. */
export function matmulInto(a: Tensor, b: Tensor, c: Tensor, o: MatmulOptions) {
  const g = gpu();
  const best = matmulStrategy(g.adapter);
  const strategy = o.strategy ?? best.strategy;
  const weightGradient = o.transA && !o.transB && !o.bias && !o.accumulate;
  // A small weight gradient (conv1's 9×32 from 100,352 pixels) in big register tiles would be a
  // handful of invocations, each mostly computing padding: small tiles and more K-chunks instead.
  const small = weightGradient && strategy === "register" && o.m * o.n <= 64 * 64;
  const registerTile = small ? { WG: 8, TM: 8, TN: 8 } : best.tile;
  const tile = strategy === "tiled" ? { TM: 64, TN: 64 } : registerTile;
  const tiles = Math.ceil(o.m / tile.TM) * Math.ceil(o.n / tile.TN);
  const split = weightGradient ? splitK(o.k, tiles, small ? 512 : 64, small ? 256 : 512) : 1;
  if (split > 1) {
    // Weight gradients (Aᵀ·B with few outputs and a long K): K-chunks run as a batch, because
    // with Aᵀ and B both stored K-major a chunk is a plain offset; one sumRows adds them up.
    const kc = o.k / split;
    const partial = Tensor.empty([split, o.m * o.n]);
    dispatchMatmul(a, b, null, partial, { ...o, k: kc }, strategy, registerTile, {
      batch: split,
      strides: [kc * o.m, kc * o.n, o.m * o.n],
    });
    sumRowsInto(partial, split, o.m * o.n, c);
    return;
  }
  dispatchMatmul(a, b, o.bias ?? null, c, o, strategy, best.tile, { batch: 1, strides: [0, 0, 0] });
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

function dispatchMatmul(
  a: Tensor,
  b: Tensor,
  bias: Tensor | null,
  c: Tensor,
  o: MatmulOptions,
  strategy: MatmulStrategy,
  tile: { WG: number; TM: number; TN: number },
  batched: { batch: number; strides: [number, number, number] },
) {
  const g = gpu();
  const trans = { TRANS_A: o.transA ? 1 : 0, TRANS_B: o.transB ? 1 : 0 };
  const flags = (bias ? 1 : 0) | (o.accumulate ? 2 : 0);
  const buffers = [a.buffer, b.buffer, bias ? bias.buffer : g.dummy, c.buffer];
  const params = [o.m, o.n, o.k, batched.batch, ...batched.strides, flags];
  const vec4 = strategy === "register" && tile.TM === 32 && tile.TN === 32
    ? vec4Entry(o, batched.strides)
    : null;
  // One TM×TN tile per invocation, WG invocations per workgroup (both register kernels).
  const tiles = Math.ceil(o.m / tile.TM) * Math.ceil(o.n / tile.TN);
  const groups = Math.ceil(tiles / tile.WG);
  const x = Math.min(groups, 65535);
  const registerGrid: [number, number, number] = [x, Math.ceil(groups / x), batched.batch];
  if (vec4) {
    // kernels/matmul_vec4.wgsl: the same 32×32 tiles, operands loaded as vec4s.
    g.dispatch(g.pipeline("matmul_vec4", vec4, { WG: tile.WG }), params, {
      1: a.buffer,
      2: b.buffer,
      3: bias ? bias.buffer : g.dummy,
      // forward_nt stores scalars, the others vec4s (kernels/matmul_vec4.wgsl).
      [vec4 === "forward_nt" ? 4 : 5]: c.buffer,
    }, registerGrid);
    return;
  }
  if (strategy === "tiled") {
    const pipe = g.pipeline("matmul", "forward_tiled", trans);
    g.dispatch(pipe, params, buffers, [
      Math.ceil(o.n / 64),
      Math.ceil(o.m / 64),
      batched.batch,
    ]);
    return;
  }
  g.dispatch(g.pipeline("matmul", "forward", { ...trans, ...tile }), params, buffers, registerGrid);
}

/**
 * The kernels/matmul_vec4.wgsl entry for this product, when its operands allow vec4 loads: rows
 * of 4k floats along the loaded axis and batch offsets that keep vec4 alignment. Else null.
 */
function vec4Entry(o: MatmulOptions, strides: number[]): string | null {
  if (strides.some((s) => s % 4 !== 0)) return null;
  if (!o.transA && !o.transB && o.k % 4 === 0 && o.n % 4 === 0) return "forward_nn";
  if (!o.transA && o.transB && o.k % 4 === 0) return "forward_nt";
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
