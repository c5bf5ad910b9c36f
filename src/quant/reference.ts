// Plain-TypeScript int8 inference: the same integer maths as the int8 kernels (src/quant/*.wgsl
// and generate.ts), one loop per op, for the kernel tests (results must be equal, not close) and
// as a readable specification.
// Activations are Int8Array [B, H, W, C] (NHWC) or [B, features].

import type {
  ConvGeometry,
  DepthwiseOp,
  GapOp,
  GemmOp,
  MaxPoolOp,
  Program,
  ReluOp,
  ResidualOp,
  RuntimeOp,
} from "./quantize.ts";
import { roundEven } from "./quantize.ts";

const f32 = Math.fround;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** int8 out of an int32 accumulator: clamp(round(f32(acc) · mult) + z, lo, 127). */
export function requantize(acc: number, mult: number, z: number, lo: number): number {
  const r = clamp(roundEven(f32(f32(acc) * mult)), -1024, 1024);
  return clamp(r + z, lo, 127);
}

/** q = clamp(round(x · inv) + z, −128, 127) for f32 x. */
export function quantizeInput(x: Float32Array, inv: number, z: number): Int8Array {
  const q = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    q[i] = clamp(clamp(roundEven(f32(f32(x[i]) * inv)), -1024, 1024) + z, -128, 127);
  }
  return q;
}

/**
 * The int32 accumulators of a matrix-product op, [B·OH·OW, N]: Σ_k w[n, k] · patch[m, k] +
 * biasEff[n], out-of-image taps reading the input's zero point.
 */
export function gemmAccumulators(op: GemmOp, x: Int8Array, batch: number): Int32Array {
  const { H, W, C, OH, OW, N, KH, KW, S, P } = op.g;
  const K = op.K;
  const acc = new Int32Array(batch * OH * OW * N);
  const patch = new Int32Array(K);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let k = 0;
        for (let ky = 0; ky < KH; ky++) {
          for (let kx = 0; kx < KW; kx++) {
            const iy = oy * S - P + ky;
            const ix = ox * S - P + kx;
            const inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
            for (let c = 0; c < C; c++) {
              patch[k++] = inside ? x[((b * H + iy) * W + ix) * C + c] : op.zIn;
            }
          }
        }
        const m = (b * OH + oy) * OW + ox;
        for (let n = 0; n < N; n++) {
          let sum = op.biasEff[n];
          for (let i = 0; i < K; i++) sum += op.weight[n * K + i] * patch[i];
          acc[m * N + n] = sum;
        }
      }
    }
  }
  return acc;
}

export function gemm(op: GemmOp, x: Int8Array, batch: number): Int8Array | Float32Array {
  const acc = gemmAccumulators(op, x, batch);
  const N = op.g.N;
  if (op.logits) {
    const out = new Float32Array(acc.length);
    for (let i = 0; i < acc.length; i++) out[i] = f32(f32(acc[i]) * op.mult[i % N]);
    return out;
  }
  const out = new Int8Array(acc.length);
  for (let i = 0; i < acc.length; i++) out[i] = requantize(acc[i], op.mult[i % N], op.zOut, op.lo);
  return out;
}

/** Depthwise accumulators [B·OH·OW, C]. */
export function depthwiseAccumulators(op: DepthwiseOp, x: Int8Array, batch: number): Int32Array {
  const { H, W, C, OH, OW, KH, KW, S, P } = op.g;
  const acc = new Int32Array(batch * OH * OW * C);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let c = 0; c < C; c++) {
          let sum = op.biasEff[c];
          for (let ky = 0; ky < KH; ky++) {
            for (let kx = 0; kx < KW; kx++) {
              const iy = oy * S - P + ky;
              const ix = ox * S - P + kx;
              const v = iy >= 0 && iy < H && ix >= 0 && ix < W
                ? x[((b * H + iy) * W + ix) * C + c]
                : op.zIn;
              sum += op.weight[c * KH * KW + ky * KW + kx] * v;
            }
          }
          acc[((b * OH + oy) * OW + ox) * C + c] = sum;
        }
      }
    }
  }
  return acc;
}

export function depthwise(op: DepthwiseOp, x: Int8Array, batch: number): Int8Array {
  const acc = depthwiseAccumulators(op, x, batch);
  const C = op.g.C;
  const out = new Int8Array(acc.length);
  for (let i = 0; i < acc.length; i++) out[i] = requantize(acc[i], op.mult[i % C], op.zOut, op.lo);
  return out;
}

export function maxPool(op: MaxPoolOp, x: Int8Array, batch: number): Int8Array {
  const { H, W, C, OH, OW, KH, KW, S } = op.g;
  const out = new Int8Array(batch * OH * OW * C);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let c = 0; c < C; c++) {
          let most = -128;
          for (let ky = 0; ky < KH; ky++) {
            for (let kx = 0; kx < KW; kx++) {
              most = Math.max(most, x[((b * H + oy * S + ky) * W + ox * S + kx) * C + c]);
            }
          }
          out[((b * OH + oy) * OW + ox) * C + c] = most;
        }
      }
    }
  }
  return out;
}

export function globalAvgPool(op: GapOp, x: Int8Array, batch: number): Int8Array {
  const { H, W, C } = op;
  const out = new Int8Array(batch * C);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let p = 0; p < H * W; p++) sum += x[(b * H * W + p) * C + c] - op.zIn;
      out[b * C + c] = requantize(sum, op.mult, op.zOut, -128);
    }
  }
  return out;
}

export function relu(op: ReluOp, x: Int8Array): Int8Array {
  return x.map((v) => Math.max(v, op.z));
}

/** One term of the residual add: round(f32(q − z) · m), a value with 8 fraction bits. */
function addTerm(q: number, z: number, m: number): number {
  return clamp(roundEven(f32(f32(q - z) * m)), -(2 ** 30), 2 ** 30);
}

export function residualAdd(op: ResidualOp, a: Int8Array, b: Int8Array): Int8Array {
  const out = new Int8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const sum = addTerm(a[i], op.za, op.ma) + addTerm(b[i], op.zb, op.mb);
    out[i] = clamp(((sum + 128) >> 8) + op.zOut, op.lo, 127);
  }
  return out;
}

/** Runs ops on the CPU; the last (logits) op gives f32. */
export function runOps(
  ops: readonly RuntimeOp[],
  x: Int8Array,
  batch: number,
): Int8Array | Float32Array {
  let h: Int8Array | Float32Array = x;
  for (const op of ops) {
    if (h instanceof Float32Array) throw new Error(`${op.name}: follows the logits`);
    const q: Int8Array = h;
    switch (op.type) {
      case "gemm":
        h = gemm(op, q, batch);
        break;
      case "depthwise":
        h = depthwise(op, q, batch);
        break;
      case "maxpool":
        h = maxPool(op, q, batch);
        break;
      case "gap":
        h = globalAvgPool(op, q, batch);
        break;
      case "relu":
        h = relu(op, q);
        break;
      case "residual": {
        const a = runOps(op.body, q, batch);
        const b = op.shortcut.length ? runOps(op.shortcut, q, batch) : q;
        if (a instanceof Float32Array || b instanceof Float32Array) {
          throw new Error(`${op.name}: a branch gives logits`);
        }
        h = residualAdd(op, a, b);
        break;
      }
    }
  }
  return h;
}

/** Logits [batch, classes] of f32 images x [batch, inputSize] (pixels in [0, 1]). */
export function forwardReference(program: Program, x: Float32Array, batch: number): Float32Array {
  const q = quantizeInput(x, program.inputInv, program.input.zeroPoint);
  const out = runOps(program.ops, q, batch);
  if (!(out instanceof Float32Array)) throw new Error("the program does not end in logits");
  return out;
}

/** Output geometry helper for tests: elements per example after a convolution. */
export function convOutputs(g: ConvGeometry): number {
  return g.OH * g.OW * g.N;
}
