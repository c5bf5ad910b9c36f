import { accumulate, gpu, record, Tensor } from "./tensor.ts";
import { sumRows } from "./reduce.ts";

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
}

/** Register tile and workgroup size of kernels/matmul.wgsl (its header says why these). */
const TILE = { WG: 8, TM: 16, TN: 16 };

/** C[m×n] = op(A)·op(B) (+ bias) into an existing tensor; no autograd. */
export function matmulInto(a: Tensor, b: Tensor, c: Tensor, o: MatmulOptions) {
  const g = gpu();
  const pipe = g.pipeline("matmul", "forward", {
    TRANS_A: o.transA ? 1 : 0,
    TRANS_B: o.transB ? 1 : 0,
    ...TILE,
  });
  const tiles = Math.ceil(o.m / TILE.TM) * Math.ceil(o.n / TILE.TN);
  const groups = Math.ceil(tiles / TILE.WG);
  const x = Math.min(groups, 65535);
  const flags = (o.bias ? 1 : 0) | (o.accumulate ? 2 : 0);
  g.dispatch(pipe, [o.m, o.n, o.k, 1, 0, 0, 0, flags], [
    a.buffer,
    b.buffer,
    o.bias ? o.bias.buffer : g.dummy,
    c.buffer,
  ], [x, Math.ceil(groups / x), 1]);
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
