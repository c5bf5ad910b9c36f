// Every int8 kernel against the CPU reference of the same integer maths (src/quant/reference.ts):
// results must be equal, byte for byte and bit for bit, on odd shapes (not multiples of 4 or of
// the workgroup), with every product path (dot4I8Packed where the implementation has it, bytes
// unpacked to i32 in the kernels as written, and in the kernels with the built-in's calls
// replaced, as compiled where it is missing) and both operand paths of the matrix product
// (storage buffers, textures).
import assert from "node:assert/strict";
import { gpuTest, testGpu } from "../helpers.ts";
import { Rng } from "../../src/util/random.ts";
import {
  type Dot4Mode,
  hasPackedDot4,
  QuantKernels,
  quantMatmul,
  quantMatmulTexture,
} from "../../src/quant/kernels.ts";
import { QuantizedForward } from "../../src/quant/forward.ts";
import type {
  ConvGeometry,
  DepthwiseOp,
  GapOp,
  GemmOp,
  MaxPoolOp,
  Program,
  ReluOp,
  ResidualOp,
} from "../../src/quant/quantize.ts";
import * as ref from "../../src/quant/reference.ts";

/** A product path: the Dot4Mode, and whether the kernels have the built-in's calls replaced. */
interface Path {
  mode: Dot4Mode;
  portable: boolean;
}

/** Every path this implementation can compile ("unpacked" both ways where it has the built-in). */
const PATHS: Path[] = hasPackedDot4()
  ? [
    { mode: "dot4I8Packed", portable: false },
    { mode: "unpacked", portable: false },
    { mode: "unpacked", portable: true },
  ]
  : [{ mode: "unpacked", portable: true }];
const kernelsByPath = new Map<string, QuantKernels>();
const pathName = (p: Path) => `${p.mode}${p.portable ? " (without dot4I8Packed)" : ""}`;
const UNPACKED: Path = { mode: "unpacked", portable: !hasPackedDot4() };

Deno.test("the portable product kernels have no dot4I8Packed call; the others do", () => {
  for (const kernel of [quantMatmul, quantMatmulTexture]) {
    assert(kernel.builtin.code().includes("dot4I8Packed("), kernel.builtin.label);
    assert(!kernel.portable.code().includes("dot4I8Packed("), kernel.portable.label);
    assert.notEqual(kernel.builtin.label, kernel.portable.label);
  }
});

async function forwardFor(path: Path, textures = false): Promise<QuantizedForward> {
  const g = await testGpu();
  let k = kernelsByPath.get(pathName(path));
  if (!k) kernelsByPath.set(pathName(path), k = new QuantKernels(g, path.mode, path.portable));
  const empty: Program = {
    input: { scale: 1, zeroPoint: 0 },
    inputInv: 1,
    inputSize: 1,
    classes: 1,
    ops: [],
  };
  const f = new QuantizedForward(g, empty, k);
  f.textures = textures;
  return f;
}

function int8s(n: number, rng: Rng, lo = -128, hi = 127): Int8Array {
  return Int8Array.from({ length: n }, () => lo + rng.int(hi - lo + 1));
}

function geometry(H: number, W: number, C: number, N: number, k: number, S: number, P: number) {
  const OH = Math.floor((H + 2 * P - k) / S) + 1;
  const OW = Math.floor((W + 2 * P - k) / S) + 1;
  return { H, W, C, OH, OW, N, KH: k, KW: k, S, P } satisfies ConvGeometry;
}

function gemmOp(
  g: ConvGeometry,
  rng: Rng,
  opts: { logits?: boolean; relu?: boolean; unitMult?: boolean } = {},
): GemmOp {
  const K = g.KH * g.KW * g.C;
  const zOut = rng.int(60) - 30;
  return {
    type: "gemm",
    name: "test",
    g,
    K,
    weight: int8s(g.N * K, rng, -127, 127),
    biasEff: Int32Array.from({ length: g.N }, () => rng.int(20001) - 10000),
    // Spread so that outputs cover the whole int8 range and its clamps.
    mult: Float32Array.from({ length: g.N }, () => opts.unitMult ? 1 : 1e-4 + rng.next() * 2e-3),
    zIn: rng.int(40) - 20,
    zOut,
    lo: opts.relu ? zOut : -128,
    logits: opts.logits ?? false,
  };
}

/** The output's distinct values, so a test can say it covered more than a constant. */
const distinct = (a: ArrayLike<number>) => new Set(Array.from(a)).size;

for (const path of PATHS) {
  const mode = pathName(path);
  // N % 16 == 0 takes the texture product where textures are on (C % 16 == 0: reading the input
  // texture itself, else explicit patch rows), the others the storage entries either way.
  const cases: [string, ConvGeometry, { relu?: boolean }][] = [
    ["3×3 same, C=32 (implicit patches), N=16", geometry(7, 5, 32, 16, 3, 1, 1), { relu: true }],
    ["3×3 stride 2, C=16 (implicit patches), N=32", geometry(9, 6, 16, 32, 3, 2, 1), {}],
    ["3×3 same, C=3 (K=27), N=16", geometry(5, 7, 3, 16, 3, 1, 1), { relu: true }],
    ["3×3 same, C=5 (K=45), N=32", geometry(6, 5, 5, 32, 3, 1, 1), { relu: true }],
    ["3×3 same, C=3, N=8", geometry(5, 7, 3, 8, 3, 1, 1), { relu: true }],
    ["3×3 stride 2, C=4 (word taps), N=12", geometry(7, 6, 4, 12, 3, 2, 1), {}],
    ["3×3 valid, C=5, N=5 (unaligned outputs)", geometry(6, 5, 5, 5, 3, 1, 0), { relu: true }],
    ["1×1 stride 2, C=8, N=4", geometry(7, 7, 8, 4, 1, 2, 0), {}],
    ["1×1 stride 1, C=8 (no im2col), N=7", geometry(5, 3, 8, 7, 1, 1, 0), {}],
    ["dense K=37, N=9", geometry(1, 1, 37, 9, 1, 1, 0), { relu: true }],
    ["dense K=64 (no im2col), N=16", geometry(1, 1, 64, 16, 1, 1, 0), {}],
  ];
  for (const [name, g, opts] of cases) {
    for (const textures of [false, true]) {
      const how = `${mode}, ${textures ? "textures" : "storage"}`;
      gpuTest(`quant gemm ${name}, ${how}: int8 out = CPU reference`, async () => {
        const f = await forwardFor(path, textures);
        const rng = new Rng(g.H * 131 + g.N);
        const batch = 3;
        const op = gemmOp(g, rng, opts);
        const x = int8s(batch * g.H * g.W * g.C, rng);
        const out = f.gemm(op, f.upload(x), batch);
        assert(!(out instanceof GPUBuffer));
        const got = await f.readPacked(out);
        f.releaseTemps();
        const want = ref.gemm(op, x, batch) as Int8Array;
        assert.deepEqual(got, want);
        const wanted = Math.min(20, want.length / 3);
        assert(distinct(want) > wanted, `only ${distinct(want)} distinct outputs`);
      });
    }
  }

  gpuTest(`quant gemm logits, ${mode}: the int32 accumulators exactly (mult 1)`, async () => {
    const f = await forwardFor(path);
    const rng = new Rng(7);
    for (const g of [geometry(5, 7, 3, 10, 3, 1, 1), geometry(1, 1, 37, 7, 1, 1, 0)]) {
      const batch = 5;
      const op = gemmOp(g, rng, { logits: true, unitMult: true });
      const x = int8s(batch * g.H * g.W * g.C, rng);
      const out = f.gemm(op, f.upload(x), batch);
      assert(out instanceof GPUBuffer);
      const count = batch * g.OH * g.OW * g.N;
      const got = new Float32Array(await f.gpu.read(out, count * 4));
      f.releaseTemps();
      const acc = ref.gemmAccumulators(op, x, batch);
      assert.deepEqual(Array.from(got), Array.from(acc));
    }
  });

  gpuTest(`quant gemm logits, ${mode}: f32(acc) · mult = CPU reference, bit for bit`, async () => {
    const f = await forwardFor(path);
    const rng = new Rng(8);
    const g = geometry(1, 1, 3137, 10, 1, 1, 0);
    const batch = 3;
    const op = gemmOp(g, rng, { logits: true });
    op.mult = Float32Array.from({ length: g.N }, () => rng.next() * 1e-3);
    // Extreme inputs against extreme weights: |acc| near 3137·127·128 = 5.1e7 > 2^24, so the
    // i32 → f32 conversion rounds (both sides round to nearest).
    op.weight.fill(127, 0, 3137);
    const x = Int8Array.from({ length: batch * 3137 }, (_, i) => (i % 3137 === 5 ? 3 : -128));
    const out = f.gemm(op, f.upload(x), batch) as GPUBuffer;
    const got = new Float32Array(await f.gpu.read(out, batch * g.N * 4));
    f.releaseTemps();
    const want = ref.gemm(op, x, batch) as Float32Array;
    assert.deepEqual(Array.from(got), Array.from(want));
    assert(Math.abs(ref.gemmAccumulators(op, x, batch)[0]) > 2 ** 24);
  });
}

function depthwiseOp(g: ConvGeometry, rng: Rng, relu: boolean): DepthwiseOp {
  const zOut = rng.int(60) - 30;
  return {
    type: "depthwise",
    name: "test",
    g,
    weight: int8s(g.C * g.KH * g.KW, rng, -127, 127),
    biasEff: Int32Array.from({ length: g.C }, () => rng.int(2001) - 1000),
    mult: Float32Array.from({ length: g.C }, () => 5e-3 + rng.next() * 2e-2),
    zIn: rng.int(40) - 20,
    zOut,
    lo: relu ? zOut : -128,
  };
}

for (
  const [name, g, relu] of [
    ["C=3, 3×3 same", geometry(5, 7, 3, 3, 3, 1, 1), true],
    ["C=8 (word taps), 3×3 stride 2", geometry(7, 5, 8, 8, 3, 2, 1), false],
    ["C=5, 3×3 stride 2", geometry(7, 7, 5, 5, 3, 2, 1), true],
  ] as const
) {
  gpuTest(`quant depthwise ${name}: int8 out = CPU reference`, async () => {
    const f = await forwardFor(UNPACKED);
    const rng = new Rng(g.C * 17 + g.S);
    const batch = 3;
    const op = depthwiseOp(g, rng, relu);
    const x = int8s(batch * g.H * g.W * g.C, rng);
    const got = await f.readPacked(f.depthwise(op, f.upload(x), batch));
    f.releaseTemps();
    const want = ref.depthwise(op, x, batch);
    assert.deepEqual(got, want);
    assert(distinct(want) > 20);
  });
}

for (const [C, k, s] of [[3, 2, 2], [8, 2, 2], [5, 3, 2], [4, 3, 1]]) {
  gpuTest(`quant maxpool C=${C}, ${k}×${k} stride ${s}: = CPU reference`, async () => {
    const f = await forwardFor(UNPACKED);
    const rng = new Rng(C * 7 + k);
    const [H, W, batch] = [7, 9, 3];
    const OH = Math.floor((H - k) / s) + 1;
    const OW = Math.floor((W - k) / s) + 1;
    const op: MaxPoolOp = {
      type: "maxpool",
      name: "test",
      g: { H, W, C, OH, OW, N: C, KH: k, KW: k, S: s, P: 0 },
    };
    const x = int8s(batch * H * W * C, rng);
    const got = await f.readPacked(f.maxpool(op, f.upload(x), batch));
    f.releaseTemps();
    assert.deepEqual(got, ref.maxPool(op, x, batch));
  });
}

for (const C of [5, 8]) {
  gpuTest(`quant global average pool C=${C}: = CPU reference`, async () => {
    const f = await forwardFor(UNPACKED);
    const rng = new Rng(C);
    const [H, W, batch] = [3, 5, 7];
    const op: GapOp = {
      type: "gap",
      name: "test",
      H,
      W,
      C,
      mult: Math.fround(0.37 / (H * W)),
      zIn: -20,
      zOut: 9,
    };
    const x = int8s(batch * H * W * C, rng);
    const got = await f.readPacked(f.gap(op, f.upload(x), batch));
    f.releaseTemps();
    assert.deepEqual(got, ref.globalAvgPool(op, x, batch));
  });
}

gpuTest("quant residual add and relu (odd count): = CPU reference", async () => {
  const f = await forwardFor(UNPACKED);
  const rng = new Rng(3);
  const count = 3 * 5 * 5 * 3;
  for (const relu of [false, true]) {
    const op: ResidualOp = {
      type: "residual",
      name: "test",
      count,
      body: [],
      shortcut: [],
      za: -7,
      ma: Math.fround(256 * 0.8),
      zb: 12,
      mb: Math.fround(256 * 0.55),
      zOut: -3,
      lo: relu ? -3 : -128,
    };
    const a = int8s(count, rng);
    const b = int8s(count, rng);
    const got = await f.readPacked(f.add(op, f.upload(a), f.upload(b)));
    f.releaseTemps();
    const want = ref.residualAdd(op, a, b);
    assert.deepEqual(got, want);
    assert(distinct(want) > 50);
  }
  const reluOp: ReluOp = { type: "relu", name: "test", count, z: 17 };
  const x = int8s(count, rng);
  const got = await f.readPacked(f.relu(reluOp, f.upload(x)));
  f.releaseTemps();
  assert.deepEqual(got, ref.relu(reluOp, x));
});

gpuTest(
  "quant quantize (f32 → int8, odd count): = CPU reference; pixels k/255 → k − 128",
  async () => {
    const f = await forwardFor(UNPACKED);
    const rng = new Rng(4);
    const count = 2 * 28 * 28 + 3;
    const x = Float32Array.from(
      { length: count },
      (_, i) => i < 256 ? i / 255 : rng.next() * 1.4 - 0.2,
    );
    const input = f.gpu.alloc(count * 4);
    f.gpu.upload(input, x);
    const inv = Math.fround(255);
    const got = await f.readPacked(f.quantize(input, count, inv, -128));
    f.gpu.release(input);
    f.releaseTemps();
    const want = ref.quantizeInput(x, inv, -128);
    assert.deepEqual(got, want);
    for (let k = 0; k < 256; k++) {
      assert.equal(got[k], k - 128);
    }
  },
);
