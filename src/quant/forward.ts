// int8 inference on the GPU: a compiled Program (quantize.ts) run with the kernels of
// src/quant/kernels.ts. Activations stay int8 packed four to a u32 from the quantized input to the
// logits; only the input (f32 pixels) and the logits (f32) cross the bus. Buffers and textures
// come from the Gpu's pools, as training's do, and textures have its width (TEXTURE_WIDTH).

import { type Binding, type Gpu, TEXTURE_WIDTH } from "../gpu/gpu.ts";
import type { Kernel } from "../gpu/kernel.ts";
import { grid1d } from "../autograd/dispatch.ts";
import {
  type PerWordParam,
  quantConv,
  quantElementwise,
  QuantKernels,
  quantPool,
} from "./kernels.ts";
import { QUANT_TEXTURE_TILE } from "./tiles.ts";
import type {
  DepthwiseOp,
  GapOp,
  GemmOp,
  MaxPoolOp,
  Program,
  ReluOp,
  ResidualOp,
  RuntimeOp,
} from "./quantize.ts";

const WG = 64;

/** An int8 tensor on the GPU: `count` values packed four to a u32 in `buffer`. */
export interface Packed {
  buffer: GPUBuffer;
  count: number;
}

/** int8 values packed four to a u32, little-endian (value 4i + j in byte j of word i). */
export function packInt8(q: Int8Array): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(Math.ceil(q.length / 4));
  new Int8Array(words.buffer).set(q);
  return words;
}

/** The first `count` int8 values of packed words. */
export function unpackInt8(bytes: ArrayBuffer, count: number): Int8Array {
  return new Int8Array(bytes.slice(0, count));
}

/** [N, K] int8 rows padded with zeros to K4 = ceil(K/4) words each: quant_matmul's `w`. */
export function packRows(q: Int8Array, n: number, k: number): Uint32Array<ArrayBuffer> {
  const k4 = Math.ceil(k / 4);
  const words = new Uint32Array(n * k4);
  const bytes = new Int8Array(words.buffer);
  for (let r = 0; r < n; r++) bytes.set(q.subarray(r * k, (r + 1) * k), r * k4 * 4);
  return words;
}

interface GemmBuffers {
  weight: GPUBuffer;
  bias: GPUBuffer;
  mult: GPUBuffer;
  /** The weights as rgba32uint texels for the texture product, made on first use. */
  texture?: GPUTexture;
}

/** Override constants by use ("im2col", "gemm"...), built once per op. */
type OpConstants = Record<string, Record<string, number>>;

/**
 * Invocations per workgroup of the texture product: one SIMD row of the software adapter (8
 * lanes), as training's texture matmul.
 */
const TEX_WG = 8;

/**
 * Runs a Program's ops on the GPU. Weights are uploaded once; every batch's buffers come from the
 * Gpu's pool and go back to it. `kernels.dot4` says whether the dot products use dot4I8Packed.
 */
export class QuantizedForward {
  readonly kernels: QuantKernels;
  private weights = new Map<RuntimeOp, GemmBuffers>();
  private constants = new WeakMap<RuntimeOp, OpConstants>();
  private temps: GPUBuffer[] = [];
  private tempTextures: GPUTexture[] = [];
  /**
   * Whether products read their operands from textures (forward_tex): on the software adapter a
   * texel fetch is a vectorised gather and a storage load a per-lane loop; real GPUs read storage
   * buffers well. Defaults to the adapter profile's `textureInputs`; tests flip it.
   */
  textures: boolean;

  constructor(readonly gpu: Gpu, readonly program: Program, kernels?: QuantKernels) {
    this.kernels = kernels ?? new QuantKernels(gpu);
    this.textures = gpu.profile.textureInputs;
  }

  /** Logits [batch, classes] for f32 images x [batch, inputSize]. */
  async logits(x: Float32Array<ArrayBuffer>, batch: number): Promise<Float32Array> {
    const g = this.gpu;
    const input = this.temp(x.length * 4);
    g.upload(input, x);
    const q = this.quantize(input, x.length, this.program.inputInv, this.program.input.zeroPoint);
    const out = this.runOps(this.program.ops, q, batch);
    if (!(out instanceof GPUBuffer)) throw new Error("the program does not end in logits");
    const bytes = await g.read(out, batch * this.program.classes * 4);
    this.releaseTemps();
    return new Float32Array(bytes);
  }

  /**
   * The largest batch whose buffers each fit one storage binding of the device, and whose
   * textures fit its largest 2D texture (the patch matrices are the largest of both).
   */
  maxBatch(): number {
    let bytes = this.program.inputSize * 4;
    let texels = 1;
    const visit = (ops: RuntimeOp[]) => {
      for (const op of ops) {
        if (op.type === "gemm") {
          const pixels = op.g.OH * op.g.OW;
          bytes = Math.max(bytes, pixels * Math.ceil(op.K / 4) * 4);
          texels = Math.max(texels, pixels * Math.ceil(op.K / 16), op.g.H * op.g.W * op.g.C / 16);
        }
        if (op.type === "residual") {
          visit(op.body);
          visit(op.shortcut);
        }
      }
    };
    visit(this.program.ops);
    const limits = this.gpu.device.limits;
    return Math.max(
      1,
      Math.min(
        Math.floor(limits.maxStorageBufferBindingSize / bytes),
        Math.floor(TEXTURE_WIDTH * limits.maxTextureDimension2D / texels),
      ),
    );
  }

  /** Runs ops on a packed input; gives the logits' f32 buffer after a logits op. */
  runOps(ops: readonly RuntimeOp[], x: Packed, batch: number): Packed | GPUBuffer {
    let h: Packed | GPUBuffer = x;
    for (const op of ops) {
      if (h instanceof GPUBuffer) throw new Error(`${op.name}: follows the logits`);
      h = this.run(op, h, batch);
    }
    return h;
  }

  /** One op. */
  run(op: RuntimeOp, x: Packed, batch: number): Packed | GPUBuffer {
    switch (op.type) {
      case "gemm":
        return this.gemm(op, x, batch);
      case "depthwise":
        return this.depthwise(op, x, batch);
      case "maxpool":
        return this.maxpool(op, x, batch);
      case "gap":
        return this.gap(op, x, batch);
      case "relu":
        return this.relu(op, x);
      case "residual":
        return this.residual(op, x, batch);
    }
  }

  /** f32 buffer of `count` values → int8: clamp(round(x · inv) + z). */
  quantize(input: GPUBuffer, count: number, inv: number, z: number): Packed {
    const out = this.packed(count);
    this.perWord(quantElementwise, "quantize", { WG, INV: inv, Z_OUT: z }, count, {
      xf: input,
      out: out.buffer,
    });
    return out;
  }

  gemm(op: GemmOp, x: Packed, batch: number): Packed | GPUBuffer {
    const { g } = op;
    const k = this.kernels;
    const m = batch * g.OH * g.OW;
    const w = this.gemmBuffers(op);
    const memo = this.constantsOf(op);
    if (this.textures && !op.logits && g.N % QUANT_TEXTURE_TILE.TN === 0) {
      // The input itself where whole texels are channel blocks, else explicit patch rows.
      const implicit = g.C % 16 === 0;
      const a = implicit
        ? this.asTexture(x.buffer, batch * g.H * g.W * g.C / 16)
        : this.im2colTexture(op, x, batch);
      const out = this.packed(m * g.N);
      const tiles = Math.ceil(m / QUANT_TEXTURE_TILE.TM) * (g.N / QUANT_TEXTURE_TILE.TN);
      const { groups, row } = grid1d(tiles, TEX_WG);
      const { H, W, C, OH, OW, KW, S, P } = g;
      const constants = memo.texture ??= {
        WG: TEX_WG,
        KT: Math.ceil(op.K / 16),
        N: g.N,
        Z_OUT: op.zOut,
        LO: op.lo,
        ...(implicit ? { IMPLICIT: 1, H, W, C, OH, OW, KW, S, P, Z_IN: op.zIn } : {}),
        UNPACK: k.unpack,
      };
      this.gpu.run(k.matmulTexture, "forward_tex", {
        constants,
        params: { m, row },
        bindings: {
          bias: w.bias,
          mult: w.mult,
          out: out.buffer,
          aT: a,
          wT: this.weightTexture(op, w),
        },
      }, groups);
      return out;
    }
    const direct = g.KH === 1 && g.KW === 1 && g.S === 1 && g.P === 0 && g.C % 4 === 0;
    const a = direct ? x.buffer : this.im2col(op, x, batch);
    const nq = Math.ceil(g.N / 4);
    const tiles = Math.ceil(m / 4) * nq;
    const k4 = Math.ceil(op.K / 4);
    if (op.logits) {
      const out = this.temp(m * g.N * 4);
      const { groups, row } = grid1d(tiles, WG);
      this.gpu.run(k.matmul, "logits", {
        constants: memo.logits ??= { WG, K4: k4, N: g.N, UNPACK: k.unpack },
        params: { m, row },
        bindings: { a, w: w.weight, bias: w.bias, mult: w.mult, logits_out: out },
      }, groups);
      return out;
    }
    const out = this.packed(m * g.N);
    const aligned = g.N % 4 === 0;
    const { groups, row } = grid1d(aligned ? tiles : Math.ceil(m * g.N / 4), WG);
    this.gpu.run(k.matmul, aligned ? "forward" : "forward_any", {
      constants: memo.gemm ??= { WG, K4: k4, N: g.N, Z_OUT: op.zOut, LO: op.lo, UNPACK: k.unpack },
      params: { m, row },
      bindings: { a, w: w.weight, bias: w.bias, mult: w.mult, out: out.buffer },
    }, groups);
    return out;
  }

  /** Patch rows [B·OH·OW, K4] words for a gemm op (taps outside the image read zIn). */
  im2col(op: GemmOp, x: Packed, batch: number): GPUBuffer {
    const { g } = op;
    const words = batch * g.OH * g.OW * Math.ceil(op.K / 4);
    const out = this.temp(words * 4);
    const memo = this.constantsOf(op);
    memo.im2col ??= { WG, ...geometry(g), Z_IN: op.zIn };
    this.perWord(quantConv, "im2col", memo.im2col, words * 4, { x: x.buffer, out });
    return out;
  }

  /** Patch rows as rgba32uint texels, ceil(K/16) per row, for forward_tex. */
  im2colTexture(op: GemmOp, x: Packed, batch: number): GPUTexture {
    const { g } = op;
    const texels = batch * g.OH * g.OW * Math.ceil(op.K / 16);
    const out = this.gpu.flatTexture(Math.max(1, Math.ceil(texels / TEXTURE_WIDTH)), "rgba32uint");
    this.tempTextures.push(out);
    const { groups, row } = grid1d(texels, WG);
    const memo = this.constantsOf(op);
    this.gpu.run(quantConv, "im2col_tex", {
      constants: memo.im2col ??= { WG, ...geometry(g), Z_IN: op.zIn },
      params: { n: texels, row, count: 0 },
      bindings: { x: x.buffer, outT: out },
    }, groups);
    return out;
  }

  depthwise(op: DepthwiseOp, x: Packed, batch: number): Packed {
    const { g } = op;
    const out = this.packed(batch * g.OH * g.OW * g.C);
    let w = this.weights.get(op);
    if (!w) {
      w = {
        weight: this.persistent(Int32Array.from(op.weight)),
        bias: this.persistent(op.biasEff),
        mult: this.persistent(op.mult),
      };
      this.weights.set(op, w);
    }
    const memo = this.constantsOf(op);
    memo.depthwise ??= { WG, ...geometry(g), Z_IN: op.zIn, Z_OUT: op.zOut, LO: op.lo };
    this.perWord(quantConv, "depthwise", memo.depthwise, out.count, {
      x: x.buffer,
      out: out.buffer,
      wd: w.weight,
      bias: w.bias,
      mult: w.mult,
    });
    return out;
  }

  maxpool(op: MaxPoolOp, x: Packed, batch: number): Packed {
    const { g } = op;
    const out = this.packed(batch * g.OH * g.OW * g.C);
    const memo = this.constantsOf(op);
    const { H, W, C, OH, OW, KH, KW, S } = g;
    memo.maxpool ??= { WG, H, W, C, OH, OW, KH, KW, S };
    this.perWord(quantPool, "maxpool", memo.maxpool, out.count, { x: x.buffer, out: out.buffer });
    return out;
  }

  gap(op: GapOp, x: Packed, batch: number): Packed {
    const out = this.packed(batch * op.C);
    const memo = this.constantsOf(op);
    memo.gap ??= { WG, H: op.H, W: op.W, C: op.C, Z_IN: op.zIn, Z_OUT: op.zOut, MULT: op.mult };
    this.perWord(quantPool, "gap", memo.gap, out.count, { x: x.buffer, out: out.buffer });
    return out;
  }

  relu(op: ReluOp, x: Packed): Packed {
    const out = this.packed(x.count);
    const memo = this.constantsOf(op);
    memo.relu ??= { WG, Z_OUT: op.z };
    this.perWord(quantElementwise, "relu", memo.relu, x.count, { a: x.buffer, out: out.buffer });
    return out;
  }

  residual(op: ResidualOp, x: Packed, batch: number): Packed {
    const a = this.runOps(op.body, x, batch);
    const b = op.shortcut.length ? this.runOps(op.shortcut, x, batch) : x;
    if (a instanceof GPUBuffer || b instanceof GPUBuffer) {
      throw new Error(`${op.name}: a branch gives logits`);
    }
    return this.add(op, a, b);
  }

  /** The residual add of two packed tensors of `op.count` values per example. */
  add(op: ResidualOp, a: Packed, b: Packed): Packed {
    const out = this.packed(a.count);
    const memo = this.constantsOf(op);
    memo.add ??= { WG, Z_A: op.za, M_A: op.ma, Z_B: op.zb, M_B: op.mb, Z_OUT: op.zOut, LO: op.lo };
    this.perWord(quantElementwise, "add", memo.add, a.count, {
      a: a.buffer,
      b: b.buffer,
      out: out.buffer,
    });
    return out;
  }

  /** An upload of packed int8 values (tests). */
  upload(q: Int8Array): Packed {
    const buffer = this.temp(Math.ceil(q.length / 4) * 4);
    this.gpu.upload(buffer, packInt8(q));
    return { buffer, count: q.length };
  }

  /** Reads a packed tensor back as int8 (submits and waits). */
  async readPacked(t: Packed): Promise<Int8Array> {
    return unpackInt8(await this.gpu.read(t.buffer, Math.ceil(t.count / 4) * 4), t.count);
  }

  /**
   * Frees this network's weight buffers and textures on the GPU (see Sequential.dispose); a later
   * run would upload them again. The kernels (pipelines) and the Gpu's pools stay: they are
   * shared.
   */
  dispose(): void {
    for (const w of this.weights.values()) {
      for (const b of [w.weight, w.bias, w.mult]) b.destroy();
      w.texture?.destroy();
    }
    this.weights.clear();
  }

  /** Returns this batch's buffers and textures to the Gpu's pools (after its last read). */
  releaseTemps() {
    for (const b of this.temps) this.gpu.release(b);
    this.temps.length = 0;
    for (const t of this.tempTextures) this.gpu.releaseTexture(t);
    this.tempTextures.length = 0;
  }

  /**
   * The first `texels` 16-byte texels of `buffer` copied, in queue order, into a pooled
   * rgba32uint texture of the Gpu (flat, TEXTURE_WIDTH texels per row: `Gpu.texture`).
   */
  asTexture(buffer: GPUBuffer, texels: number): GPUTexture {
    const texture = this.gpu.texture(buffer, texels * 4, 0, "rgba32uint");
    this.tempTextures.push(texture);
    return texture;
  }

  /** The op's [N, K] weights as texels, ceil(K/16) per output channel, zero-padded. */
  private weightTexture(op: GemmOp, w: GemmBuffers): GPUTexture {
    if (w.texture) return w.texture;
    const kt = Math.ceil(op.K / 16);
    const texels = op.g.N * kt;
    const rows = Math.max(1, Math.ceil(texels / TEXTURE_WIDTH));
    const bytes = new Int8Array(rows * TEXTURE_WIDTH * 16);
    for (let n = 0; n < op.g.N; n++) {
      bytes.set(op.weight.subarray(n * op.K, (n + 1) * op.K), n * kt * 16);
    }
    // Taken from the Gpu's pool, kept until dispose() destroys it.
    const texture = this.gpu.flatTexture(rows, "rgba32uint");
    this.gpu.device.queue.writeTexture(
      { texture },
      bytes,
      { bytesPerRow: TEXTURE_WIDTH * 16, rowsPerImage: rows },
      [TEXTURE_WIDTH, rows],
    );
    return w.texture = texture;
  }

  private gemmBuffers(op: GemmOp): GemmBuffers {
    let w = this.weights.get(op);
    if (!w) {
      w = {
        weight: this.persistent(packRows(op.weight, op.g.N, op.K)),
        bias: this.persistent(op.biasEff),
        mult: this.persistent(op.mult),
      };
      this.weights.set(op, w);
    }
    return w;
  }

  /** A buffer holding `data` from the Gpu's pool, kept until dispose() destroys it. */
  private persistent(data: Uint32Array<ArrayBuffer> | Int32Array | Float32Array): GPUBuffer {
    const buffer = this.gpu.alloc(data.byteLength);
    this.gpu.upload(
      buffer,
      new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength),
    );
    return buffer;
  }

  private temp(bytes: number): GPUBuffer {
    const b = this.gpu.alloc(bytes);
    this.temps.push(b);
    return b;
  }

  private packed(count: number): Packed {
    return { buffer: this.temp(Math.ceil(count / 4) * 4), count };
  }

  /** The override constants of `op`'s dispatches, by use (built on an op's first run). */
  private constantsOf(op: RuntimeOp): OpConstants {
    let memo = this.constants.get(op);
    if (!memo) this.constants.set(op, memo = {});
    return memo;
  }

  /**
   * One invocation per output word of `count` output values (int8 packed four to a u32; the
   * kernels' PER_WORD parameters). `constants` include WG.
   */
  private perWord<B extends string, E extends string>(
    kernel: Kernel<B, PerWordParam, E>,
    entry: E,
    constants: Record<string, number>,
    count: number,
    bindings: Readonly<Partial<Record<B, Binding>>>,
  ) {
    const words = Math.ceil(count / 4);
    const { groups, row } = grid1d(words, WG);
    this.gpu.run(kernel, entry, { constants, params: { n: words, row, count }, bindings }, groups);
  }
}

function geometry(g: GemmOp["g"]): Record<string, number> {
  return { H: g.H, W: g.W, C: g.C, OH: g.OH, OW: g.OW, KH: g.KH, KW: g.KW, S: g.S, P: g.P };
}
