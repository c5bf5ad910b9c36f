/// <reference lib="dom" />
/**
 * The kernel tests, in a page: every op family's forward against its CPU reference
 * (src/ops/<op>/reference.ts) and its backward by the same finite-difference checker, on small odd shapes
 * (each distinct shape can be its own pipeline, and Chromium's software adapter compiles slowly).
 * In Chromium the adapter is SwiftShader, whose profile is "gpu" (src/gpu/profile.ts), so these
 * run the code paths meant for real GPUs (workgroup-tiled matmul, storage-buffer inputs); matmul's
 * other two strategies and texture inputs are forced too.
 *
 * Results go to `globalThis.kernelTests`: one { name, ok, error, seconds } per check, and
 * `done` when all have run.
 */
import { assertClose, checkGradients, randn } from "../helpers.ts";
import { Gpu } from "../../src/gpu/gpu.ts";
import { backward, endStep, Tensor, useGpu } from "../../src/autograd/tensor.ts";
import { matmul, matmulInto, weightGradientSplit } from "../../src/ops/matmul/matmul.ts";
import { MATMUL_STRATEGIES } from "../../src/gpu/profile.ts";
import { matmulRef } from "../../src/ops/matmul/reference.ts";
import { conv2d } from "../../src/ops/conv2d/conv2d.ts";
import { conv2dRef } from "../../src/ops/conv2d/reference.ts";
import { depthwiseConv2d } from "../../src/ops/depthwise_conv2d/depthwise_conv2d.ts";
import { depthwiseConv2dRef } from "../../src/ops/depthwise_conv2d/reference.ts";
import { maxPool2d } from "../../src/ops/maxpool/maxpool.ts";
import { maxPoolRef } from "../../src/ops/maxpool/reference.ts";
import { batchNorm } from "../../src/ops/batchnorm/batchnorm.ts";
import { batchNormMaxPool } from "../../src/ops/batchnorm/batchnorm_maxpool.ts";
import { batchNormRef } from "../../src/ops/batchnorm/reference.ts";
import { globalAvgPool } from "../../src/ops/global_avg_pool/global_avg_pool.ts";
import { globalAvgPoolRef } from "../../src/ops/global_avg_pool/reference.ts";
import { add, dropout, relu } from "../../src/ops/elementwise/elementwise.ts";
import { sumRows } from "../../src/ops/reduce/reduce.ts";
import { softmaxCrossEntropy } from "../../src/ops/loss/loss.ts";
import { crossEntropyRef } from "../../src/ops/loss/reference.ts";
import { Adam } from "../../src/optim/optimizer.ts";
import { augment } from "../../src/augment/augment.ts";
import { augmentReference } from "../../src/augment/reference.ts";
import { parseAugment } from "../../src/augment/options.ts";
import { useBrowserPlatform } from "../../src/platform/browser.ts";

interface Result {
  name: string;
  ok: boolean;
  error: string | null;
  seconds: number;
}
const state = { results: [] as Result[], done: false, adapter: null as unknown };
(globalThis as unknown as { kernelTests: typeof state }).kernelTests = state;

const checks: [string, () => Promise<void>][] = [];
const check = (name: string, fn: () => Promise<void>) => checks.push([name, fn]);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
/** Values kept away from ReLU's kink so finite differences do not straddle it. */
const awayFromZero = (n: number, seed: number) =>
  randn(n, seed).map((v) => (v >= 0 ? v + 0.2 : v - 0.2));

for (const strategy of MATMUL_STRATEGIES) {
  check(`matmul (${strategy}) forward, plain and transposed, matches the CPU`, async () => {
    const [m, n, k] = [13, 20, 24]; // odd m; n, k multiples of 4 so "texture" takes its vec4 path
    for (const [transA, transB] of [[false, false], [false, true], [true, false]]) {
      const a = randn(m * k, 1);
      const b = randn(k * n, 2);
      const c = Tensor.empty([m, n]);
      matmulInto(
        Tensor.from(a, transA ? [k, m] : [m, k]),
        Tensor.from(b, transB ? [n, k] : [k, n]),
        c,
        {
          m,
          n,
          k,
          transA,
          transB,
          strategy,
        },
      );
      assertClose(
        await c.read(),
        matmulRef(a, b, m, n, k, transA, transB),
        1e-4,
        `A${transA ? "ᵀ" : ""}B${transB ? "ᵀ" : ""}`,
      );
      endStep();
    }
  });
}

check("matmul with bias: backward (x, W, bias) by finite differences", async () => {
  await checkGradients(([x, w, b]) => matmul(x, w, b), [
    { data: randn(5 * 7, 3), shape: [5, 7] },
    { data: randn(7 * 6, 4), shape: [7, 6] },
    { data: randn(6, 5), shape: [6] },
  ]);
});

const CONVS: [number[], number[], number, number][] = [
  [[2, 7, 5, 3], [3, 3, 3, 4], 1, 1],
  [[1, 7, 9, 4], [3, 3, 4, 5], 2, 1],
];
check(
  "conv2d forward matches a direct CPU convolution (odd, strided, channel quadruples)",
  async () => {
    for (const [xs, ws, stride, pad] of CONVS) {
      const x = randn(size(xs), 1);
      const w = randn(size(ws), 2);
      const b = randn(ws[3], 3);
      const y = conv2d(Tensor.from(x, xs), Tensor.from(w, ws), Tensor.from(b, [ws[3]]), {
        stride,
        pad,
      });
      const ref = conv2dRef(x, xs, w, ws, b, stride, pad);
      assertClose(y.shape, ref.shape, 0, "shape");
      assertClose(await y.read(), ref.out, 1e-4, `conv ${xs} ${ws} s${stride} p${pad}`);
      endStep();
    }
  },
);

check("conv2d backward (input, weight, bias) by finite differences", async () => {
  for (const [xs, ws, stride, pad] of CONVS) {
    await checkGradients(([x, w, b]) => conv2d(x, w, b, { stride, pad }), [
      { data: randn(size(xs), 4), shape: xs },
      { data: randn(size(ws), 5), shape: ws },
      { data: randn(ws[3], 6), shape: [ws[3]] },
    ]);
  }
});

/**
 * One conv2d algorithm at `xs`/`ws`, bias included: forward against the CPU convolution, backward
 * (input, weight, bias) by finite differences.
 */
async function checkConvAlgorithm(
  algorithm: "winograd" | "direct" | "implicit_gemm",
  xs: number[],
  ws: number[],
  stride: number,
  pad: number,
) {
  const f = ws[3];
  const x = randn(size(xs), 1);
  const w = randn(size(ws), 2);
  const b = randn(f, 3);
  const y = conv2d(Tensor.from(x, xs), Tensor.from(w, ws), Tensor.from(b, [f]), {
    stride,
    pad,
    algorithm,
  });
  assertClose(await y.read(), conv2dRef(x, xs, w, ws, b, stride, pad).out, 1e-4, algorithm);
  endStep();
  await checkGradients(([a, k, c]) => conv2d(a, k, c, { stride, pad, algorithm }), [
    { data: randn(size(xs), 4), shape: xs },
    { data: randn(size(ws), 5), shape: ws },
    { data: randn(f, 6), shape: [f] },
  ]);
}

check(
  "Winograd conv2d (3×3, stride 1, channels in fours) matches the CPU; backward by finite differences",
  // Odd sides: the last 2×2 output tile is partly outside. The CNN's second convolution runs so.
  () => checkConvAlgorithm("winograd", [2, 7, 5, 4], [3, 3, 4, 8], 1, 1),
);

check(
  "Winograd conv2d with its weight gradient in K-chunks (960 tiles, 3 chunks) equals im2col's",
  async () => {
    // Enough tiles that dU = Vᵀ·dM runs as K-chunks (weightGradientSplit); odd sides.
    const xs = [4, 31, 29, 4];
    const ws = [3, 3, 4, 8];
    assertClose([weightGradientSplit(16, 4, 8, 4 * 16 * 15)], [3], 0, "split");
    const x = randn(size(xs), 7);
    const w = randn(size(ws), 8);
    const dy = randn(4 * 31 * 29 * 8, 9);
    const run = async (algorithm: "im2col" | "winograd") => {
      const [xt, wt] = [
        Tensor.from(x, xs, { requiresGrad: true }),
        Tensor.from(w, ws, {
          requiresGrad: true,
        }),
      ];
      const y = conv2d(xt, wt, null, { pad: 1, algorithm });
      backward(y, Tensor.from(dy, y.shape));
      const out = [await y.read(), await xt.grad!.read(), await wt.grad!.read()];
      endStep();
      return out;
    };
    const [a, c] = [await run("im2col"), await run("winograd")];
    for (const [i, name] of ["y", "dx", "dw"].entries()) assertClose(c[i], a[i], 1e-4, name);
  },
);

check(
  "Implicit-GEMM conv2d (stride 2, odd sides, F not in fours) matches the CPU; backward by finite differences",
  // The workgroup-tiled path meant for real GPUs, without an im2col buffer.
  () => checkConvAlgorithm("implicit_gemm", [2, 9, 7, 3], [3, 3, 3, 6], 2, 1),
);

check(
  "Direct conv2d (one input channel, stride 2, F not in fours) matches the CPU; backward by finite differences",
  // A network's first layer takes this path for inference; odd sides, "same" padding.
  () => checkConvAlgorithm("direct", [3, 9, 7, 1], [3, 3, 1, 6], 2, 1),
);

check("depthwise conv forward matches the CPU; backward by finite differences", async () => {
  const xs = [2, 7, 5, 4];
  const x = randn(size(xs), 1);
  const w = randn(3 * 3 * 4, 2);
  const y = depthwiseConv2d(Tensor.from(x, xs), Tensor.from(w, [3, 3, 4]), null, {
    stride: 2,
    pad: 1,
  });
  const ref = depthwiseConv2dRef(x, xs, w, [3, 3], null, 2, 1).out;
  assertClose(await y.read(), ref, 1e-4, "depthwise");
  endStep();
  await checkGradients(([a, b]) => depthwiseConv2d(a, b, null, { stride: 2, pad: 1 }), [
    { data: randn(size(xs), 3), shape: xs },
    { data: randn(36, 4), shape: [3, 3, 4] },
  ]);
});

check("maxPool2d forward matches the CPU; backward by finite differences", async () => {
  for (
    const [shape, k, s] of [[[2, 7, 9, 3], 2, 2], [[1, 7, 5, 4], 3, 2]] as [
      number[],
      number,
      number,
    ][]
  ) {
    const x = randn(size(shape), k + s);
    assertClose(
      await maxPool2d(Tensor.from(x, shape), k, s).read(),
      maxPoolRef(x, shape, k, s),
      0,
      `maxpool ${shape}`,
    );
    endStep();
    await checkGradients(
      ([t]) => maxPool2d(t, k, s),
      [{ data: randn(size(shape), 10 + k), shape }],
      { h: 1e-3 },
    );
  }
});

check(
  "batchNorm (+ReLU) training forward matches the CPU; backward by finite differences",
  async () => {
    const running = () => ({
      running: Tensor.from(new Float32Array(16).fill(1, 8), [2, 8], { persistent: true }),
      eps: 1e-5,
      momentum: 0.1,
    });
    const shape = [3, 5, 3, 8];
    const x = randn(size(shape), 8, 2);
    const gamma = randn(8, 1);
    const beta = randn(8, 2);
    const y = batchNorm(
      Tensor.from(x, shape),
      Tensor.from(gamma, [8]),
      Tensor.from(beta, [8]),
      running(),
      true,
    );
    assertClose(await y.read(), batchNormRef(x, 8, gamma, beta, 1e-5).out, 1e-4, "bn");
    endStep();
    for (const fused of [false, true]) {
      try {
        await checkGradients(([a, g, b]) => batchNorm(a, g, b, running(), true, fused), [
          { data: randn(size(shape), 11), shape },
          { data: randn(8, 12).map((v) => 1 + 0.3 * v), shape: [8] },
          { data: randn(8, 13), shape: [8] },
        ], { h: fused ? 1e-3 : 1e-2, tol: 3e-2 }); // small steps: few outputs cross the kink
      } catch (e) {
        throw new Error(`${fused ? "with" : "without"} the fused ReLU: ${(e as Error).message}`);
      }
    }
  },
);

check(
  "batchNormMaxPool (+ReLU) forward matches the CPU and the ops apart; backward by finite differences",
  async () => {
    const running = () => ({
      running: Tensor.from(new Float32Array(8).fill(1, 4), [2, 4], { persistent: true }),
      eps: 1e-5,
      momentum: 0.1,
    });
    // Odd 7×9: floor mode leaves the last row and column out of every window.
    const shape = [3, 7, 9, 4];
    const x = randn(size(shape), 21, 2);
    const gamma = randn(4, 22).map((v) => 1 + 0.3 * v);
    const beta = randn(4, 23);
    const y = await batchNormMaxPool(
      Tensor.from(x, shape),
      Tensor.from(gamma, [4]),
      Tensor.from(beta, [4]),
      running(),
      true,
      true,
    ).read();
    const bn = batchNormRef(x, 4, gamma, beta, 1e-5).out.map((v) => Math.max(v, 0));
    assertClose(y, maxPoolRef(bn, shape, 2, 2), 1e-4, "bn+relu+maxpool");
    const apart = await maxPool2d(
      batchNorm(
        Tensor.from(x, shape),
        Tensor.from(gamma, [4]),
        Tensor.from(beta, [4]),
        running(),
        true,
        true,
      ),
      2,
    ).read();
    assertClose(y, apart, 0, "fused against the ops apart");
    endStep();
    await checkGradients(([a, g, b]) => batchNormMaxPool(a, g, b, running(), true, true), [
      { data: x, shape },
      { data: gamma, shape: [4] },
      { data: beta, shape: [4] },
    ], { h: 3e-4, tol: 3e-2 }); // small steps: few values cross the kink or swap in a window
  },
);

check("globalAvgPool forward matches the CPU; backward by finite differences", async () => {
  // C = 8 takes the channel-quadruple entries.
  for (const c of [7, 8]) {
    const shape = [2, 3, 5, c];
    const x = randn(size(shape), 1);
    const ref = globalAvgPoolRef(x, shape);
    assertClose(await globalAvgPool(Tensor.from(x, shape)).read(), ref, 1e-5, `gap C=${c}`);
    endStep();
    await checkGradients(([t]) => globalAvgPool(t), [{ data: randn(size(shape), 2), shape }]);
  }
});

check(
  "relu, add, dropout and sumRows forward match the CPU (relu and add also past the texture threshold); backward by finite differences",
  async () => {
    const x = randn(1037, 1);
    assertClose(await relu(Tensor.from(x, [1037])).read(), x.map((v) => Math.max(v, 0)), 0, "relu");
    const b = randn(1037, 2);
    assertClose(
      await add(Tensor.from(x, [1037]), Tensor.from(b, [1037])).read(),
      x.map((v, i) => v + b[i]),
      1e-6,
      "add",
    );
    const ones = new Float32Array(20001).fill(1);
    const kept = (await dropout(Tensor.from(ones, [20001]), 0.3, 42).read()).filter((v) => v !== 0);
    if (Math.abs(kept.length / 20001 - 0.7) > 0.02) throw new Error(`dropout kept ${kept.length}`);
    assertClose(kept, new Float32Array(kept.length).fill(1 / 0.7), 1e-6, "dropout scale");
    const m = randn(130 * 7, 3);
    const sums = new Float32Array(7);
    for (let i = 0; i < m.length; i++) sums[i % 7] += m[i];
    assertClose(await sumRows(Tensor.from(m, [130, 7]), 130, 7).read(), sums, 1e-4, "sumRows");
    endStep();
    await checkGradients(([t]) => relu(t), [{ data: awayFromZero(37, 2), shape: [37] }]);
    await checkGradients(([p]) => add(relu(p), p), [{ data: awayFromZero(23, 7), shape: [23] }]);
    await checkGradients(([t]) => dropout(t, 0.4, 9), [{ data: randn(41, 8), shape: [41] }]);
    // Past elementwise.ts's TEXTURE_MIN_FLOATS, where the software profile reads texture copies.
    const big = (3 << 19) + 13;
    const p = randn(big, 4);
    const q = randn(big, 5);
    const sum = await add(Tensor.from(p, [big]), Tensor.from(q, [big])).read();
    if (!sum.every((v, i) => v === Math.fround(p[i] + q[i]))) throw new Error("add, big");
    const t = Tensor.from(p, [big], { requiresGrad: true });
    const r = relu(t);
    assertClose(await r.read(), p.map((v) => Math.max(v, 0)), 0, "relu, big");
    backward(r, Tensor.from(q, [big]));
    assertClose(await t.grad!.read(), q.map((v, i) => (p[i] > 0 ? v : 0)), 0, "relu backward, big");
    endStep();
  },
);

check(
  "softmax cross-entropy (label smoothing) matches the CPU; its gradient by finite differences",
  async () => {
    const rows = 67, classes = 10;
    const x = randn(rows * classes, 1, 3);
    const y = new Uint32Array(rows).map((_, i) => (i * 7 + 3) % classes);
    const ref = crossEntropyRef(x, y, classes, 0.1);
    const logits = Tensor.from(x, [rows, classes], { requiresGrad: true });
    const loss = softmaxCrossEntropy(logits, Tensor.from(y, [rows]), { smoothing: 0.1 });
    const out = await loss.read();
    assertClose([out[0]], [ref.loss], 1e-5, "loss");
    if (out[1] !== ref.hits) throw new Error(`hits ${out[1]}, CPU ${ref.hits}`);
    backward(loss);
    const grad = await logits.grad!.read();
    endStep();
    const h = 1e-3;
    for (const i of [0, 13, 101, 400, rows * classes - 1]) {
      const up = x.slice();
      up[i] += h;
      const down = x.slice();
      down[i] -= h;
      const numeric =
        (crossEntropyRef(up, y, classes, 0.1).loss - crossEntropyRef(down, y, classes, 0.1).loss) /
        (2 * h);
      assertClose([grad[i]], [numeric], 1e-3, `dlogits[${i}]`);
    }
  },
);

check("AdamW updates match the CPU over three steps", async () => {
  const n = 300;
  const w = randn(n, 1);
  const param = {
    name: "w",
    value: Tensor.from(w.slice(), [n], { requiresGrad: true, persistent: true }),
  };
  const opt = new Adam([param], { lr: 0.01, weightDecay: 0.1, decoupled: true });
  const m = new Float64Array(n), v = new Float64Array(n), ref = Float64Array.from(w);
  for (let t = 1; t <= 3; t++) {
    const g = randn(n, 10 + t);
    param.value.grad = Tensor.from(g, [n]);
    opt.step();
    endStep();
    for (let i = 0; i < n; i++) {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      ref[i] -= 0.01 * 0.1 * ref[i];
      ref[i] -= 0.01 * (m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  assertClose(await param.value.read(), ref, 1e-5, "adamw");
});

check("augmentation (flip, rotate, zoom, shift, erase) matches its CPU reference", async () => {
  const shape = [6, 28, 28, 1];
  const x = Float32Array.from({ length: size(shape) }, (_, i) => ((i * 37) % 101) / 100);
  // Exact where nothing is resampled. Rotation and zoom sample bilinearly at coordinates from
  // the GPU's cos/sin, which WGSL lets be off by 2^-11 (absolute, on [-π, π]); over a 28-pixel
  // image that moves a sample by up to ~0.01 pixel, and a value by as much on a sharp edge.
  const cases: [string, number][] = [
    ["flip,shift=2,erase=1", 0],
    ["flip,rotate=10,zoom=0.2,shift=2,erase=0.5", 2e-2],
  ];
  for (const [spec, tol] of cases) {
    const opts = parseAugment(spec);
    const got = await augment(Tensor.from(x, shape), opts, 1234).read();
    endStep();
    assertClose(got, augmentReference(x, shape, opts, 1234), tol, spec);
  }
});

/** Runs every check in order; each one's failure is recorded and the next still runs. */
async function run() {
  await useBrowserPlatform(new URL("kernels.json", location.href));
  const gpu = await Gpu.create();
  useGpu(gpu);
  state.adapter = gpu.adapter;
  // ?only=WORD runs the checks whose name contains WORD (when looking into one).
  const only = new URL(location.href).searchParams.get("only");
  for (const [name, fn] of checks) {
    if (only && !name.includes(only)) continue;
    const start = performance.now();
    let error: string | null = null;
    const own = gpu.profile;
    for (const textures of own.textureInputs ? [true] : [false, true]) {
      // The page's adapter reads storage buffers; texture inputs (the software profile's path)
      // are checked too.
      gpu.profile = { ...own, textureInputs: textures };
      try {
        await fn();
      } catch (e) {
        error = `${textures ? "texture inputs: " : ""}${(e as Error).message}`;
        endStep();
        break;
      }
    }
    gpu.profile = own;
    state.results.push({
      name,
      ok: error === null,
      error,
      seconds: (performance.now() - start) / 1000,
    });
  }
  state.done = true;
}

run().catch((e) => {
  state.results.push({ name: "start", ok: false, error: String(e), seconds: 0 });
  state.done = true;
});
