import assert from "node:assert/strict";
import {
  assertClose,
  checkGradients,
  gpuTest,
  gpuTestBothInputs,
  randn,
  testGpu,
  withProfile,
} from "../helpers.ts";
import { backward, noGrad, Tensor } from "../../src/autograd/tensor.ts";
import { conv2d } from "../../src/ops/conv2d/conv2d.ts";
import { conv2dRef } from "../../src/ops/conv2d/reference.ts";
import { weightGradientSplit } from "../../src/ops/matmul/matmul.ts";
import { MATMUL_STRATEGIES } from "../../src/gpu/profile.ts";
import { weightGradientChunks } from "../../src/ops/conv2d/implicit_gemm.ts";

type Case = [number[], number[], number, number];
// [batch, h, w, c], [kh, kw, c, f], stride, pad: odd sizes, stride 2, padding, 1×1.
const CASES: Case[] = [
  [[2, 7, 5, 3], [3, 3, 3, 4], 1, 1],
  [[1, 9, 8, 2], [3, 3, 2, 5], 2, 1],
  [[3, 6, 6, 1], [5, 5, 1, 3], 1, 2],
  [[2, 5, 7, 4], [1, 1, 4, 3], 1, 0],
  [[1, 8, 7, 3], [2, 3, 3, 2], 2, 0],
];
// Strided convolutions as cnn-strided, mobilenet and resnet use them, on odd inputs (7×9: the
// last row and column are reached only by padding or not at all): 3×3 "same" (pad 1), 3×3 without
// padding, the 1×1 projection shortcut (which skips every other pixel: their gradient is 0), and
// stride 3.
const STRIDED: Case[] = [
  [[2, 7, 9, 3], [3, 3, 3, 4], 2, 1],
  [[1, 7, 9, 2], [3, 3, 2, 3], 2, 0],
  [[2, 7, 9, 3], [1, 1, 3, 5], 2, 0],
  [[1, 9, 7, 2], [3, 3, 2, 2], 3, 1],
];
// C % 4 == 0 moves patches as channel quadruples (im2col4 / col2im4): same, odd, strided.
const QUAD: Case[] = [
  [[2, 7, 5, 8], [3, 3, 8, 3], 1, 1],
  [[1, 9, 7, 4], [3, 3, 4, 5], 2, 1],
];

// im2col (im2col.ts) and implicit GEMM (implicit_gemm.ts), the strategies for any shape, forced:
// "auto" would take the direct convolution for one input channel.
for (const algorithm of ["im2col", "implicit_gemm"] as const) {
  // Implicit GEMM reads storage buffers whatever the profile says: once is enough.
  const test = algorithm === "im2col" ? gpuTestBothInputs : gpuTest;
  test(`conv2d by ${algorithm} matches a direct CPU convolution`, async () => {
    for (const [xs, ws, stride, pad] of [...CASES, ...STRIDED, ...QUAD]) {
      const x = randn(xs.reduce((a, b) => a * b), 1);
      const w = randn(ws.reduce((a, b) => a * b), 2);
      const b = randn(ws[3], 3);
      for (const bias of [Tensor.from(b, [ws[3]]), null]) {
        const y = conv2d(Tensor.from(x, xs), Tensor.from(w, ws), bias, {
          stride,
          pad,
          algorithm,
        });
        const ref = conv2dRef(x, xs, w, ws, bias ? b : null, stride, pad);
        assertClose(y.shape, ref.shape, 0, "shape");
        assertClose(await y.read(), ref.out, 1e-4, `conv ${xs} ${ws} s${stride} p${pad}`);
      }
    }
  });

  test(
    `conv2d by ${algorithm}: backward (input, weight, bias) by finite differences, strided too`,
    async () => {
      for (const [xs, ws, stride, pad] of [...CASES.slice(0, 3), ...STRIDED, ...QUAD]) {
        await checkGradients(
          ([x, w, b]) => conv2d(x, w, b, { stride, pad, algorithm }),
          [
            { data: randn(xs.reduce((a, b) => a * b), 4), shape: xs },
            { data: randn(ws.reduce((a, b) => a * b), 5, 0.5), shape: ws },
            { data: randn(ws[3], 6), shape: [ws[3]] },
          ],
          { samples: 20 },
        );
      }
    },
  );
}

// The zoo's convolutions (src/nn/zoo.ts) at small batches: the first layer (1 → 32), 3×3 "same"
// at stride 1 and 2, the 1×1 projection at stride 2 (resnet), mobilenet's 1×1 mix, 3×3 without
// padding on an odd side; enough output pixels that implicit GEMM cuts its weight gradient into
// chunks (weightGradientChunks), and channels above one 64-wide block (96, 128).
const ZOO: Case[] = [
  [[4, 14, 14, 1], [3, 3, 1, 32], 1, 1],
  [[2, 14, 14, 32], [3, 3, 32, 64], 1, 1],
  [[2, 7, 7, 64], [3, 3, 64, 128], 2, 1],
  [[3, 7, 7, 32], [1, 1, 32, 96], 2, 0],
  [[2, 9, 9, 16], [1, 1, 16, 24], 1, 0],
  [[3, 9, 11, 8], [3, 3, 8, 16], 1, 0],
];

gpuTest(
  "conv2d: implicit GEMM and im2col give the same values and gradients at the zoo's shapes",
  async () => {
    assert.ok(weightGradientChunks(4 * 14 * 14, 9, 32).chunks > 1, "chunked weight gradient");
    for (const [xs, ws, stride, pad] of ZOO) {
      const x = randn(xs.reduce((a, b) => a * b), 40);
      const w = randn(ws.reduce((a, b) => a * b), 41, 0.2);
      const b = randn(ws[3], 42);
      const run = async (algorithm: "im2col" | "implicit_gemm") => {
        const leaves = ([[x, xs], [w, ws], [b, [ws[3]]]] as const).map(([d, s]) =>
          Tensor.from(d, s, { requiresGrad: true })
        );
        const y = conv2d(leaves[0], leaves[1], leaves[2], { stride, pad, algorithm });
        backward(y, Tensor.from(randn(y.size, 43), y.shape));
        return [await y.read(), ...await Promise.all(leaves.map((l) => l.grad!.read()))];
      };
      const [a, c] = [await run("im2col"), await run("implicit_gemm")];
      const ref = conv2dRef(x, xs, w, ws, b, stride, pad);
      assertClose(c[0], ref.out, 1e-4, `y ${xs} ${ws} vs the CPU`);
      for (const [i, name] of ["y", "dx", "dw", "db"].entries()) {
        assertClose(c[i], a[i], 1e-4, `${name} ${xs} ${ws} s${stride} p${pad}`);
      }
    }
  },
);

// Winograd F(2×2, 3×3) (winograd.ts): 3×3, stride 1, padding 1, channels in fours. Odd
// and even sizes (a last tile half outside the image), 1×1 and 2×2 images (one tile), tall/wide.
const WINOGRAD: Case[] = [
  [[2, 7, 5, 4], [3, 3, 4, 8], 1, 1],
  [[1, 6, 6, 8], [3, 3, 8, 4], 1, 1],
  [[3, 1, 1, 4], [3, 3, 4, 4], 1, 1],
  [[1, 2, 9, 12], [3, 3, 12, 4], 1, 1],
  [[2, 5, 3, 4], [3, 3, 4, 12], 1, 1],
];

gpuTestBothInputs("conv2d by Winograd matches a direct CPU convolution", async () => {
  for (const [xs, ws] of WINOGRAD) {
    const x = randn(xs.reduce((a, b) => a * b), 7);
    const w = randn(ws.reduce((a, b) => a * b), 8);
    const b = randn(ws[3], 9);
    for (const bias of [Tensor.from(b, [ws[3]]), null]) {
      const y = conv2d(Tensor.from(x, xs), Tensor.from(w, ws), bias, {
        pad: 1,
        algorithm: "winograd",
      });
      const ref = conv2dRef(x, xs, w, ws, bias ? b : new Float32Array(ws[3]), 1, 1);
      assertClose(y.shape, ref.shape, 0, "shape");
      assertClose(await y.read(), ref.out, 1e-4, `winograd ${xs} ${ws} bias ${!!bias}`);
    }
  }
});

gpuTestBothInputs("conv2d by Winograd: backward by finite differences", async () => {
  for (const [xs, ws] of WINOGRAD) {
    await checkGradients(
      ([x, w, b]) => conv2d(x, w, b, { pad: 1, algorithm: "winograd" }),
      [
        { data: randn(xs.reduce((a, b) => a * b), 10), shape: xs },
        { data: randn(ws.reduce((a, b) => a * b), 11, 0.5), shape: ws },
        { data: randn(ws[3], 12), shape: [ws[3]] },
      ],
      { samples: 20 },
    );
  }
});

/** Winograd's and im2col's y, dx, dw and db agree on x [xs] and weight [ws]. */
async function winogradEqualsIm2col(xs: number[], ws: number[]) {
  const x = randn(xs.reduce((a, b) => a * b), 13);
  const w = randn(ws.reduce((a, b) => a * b), 14);
  const b = randn(ws[3], 15);
  const dy = randn(xs[0] * xs[1] * xs[2] * ws[3], 16);
  const run = async (algorithm: "im2col" | "winograd") => {
    const leaves = ([[x, xs], [w, ws], [b, [ws[3]]]] as const).map(([d, s]) =>
      Tensor.from(d, s, { requiresGrad: true })
    );
    const y = conv2d(leaves[0], leaves[1], leaves[2], { pad: "same", algorithm });
    backward(y, Tensor.from(dy, y.shape));
    return [await y.read(), ...await Promise.all(leaves.map((l) => l.grad!.read()))];
  };
  const [a, c] = [await run("im2col"), await run("winograd")];
  for (const [i, name] of ["y", "dx", "dw", "db"].entries()) {
    assertClose(c[i], a[i], 1e-4, `${name} ${xs} ${ws}`);
  }
}

gpuTest("conv2d: Winograd and im2col give the same values and gradients", async () => {
  await winogradEqualsIm2col([3, 9, 7, 8], [3, 3, 8, 12]);
});

// With enough tiles, dU = Vᵀ·dM runs as K-chunks summed by weight_transform_backward
// (weightGradientSplit): 4·16·15 = 960 tiles in 3 chunks, 2·16·16 = 512 in 2, on odd and even sides.
const SPLIT: [number[], number[], number][] = [
  [[4, 31, 29, 4], [3, 3, 4, 8], 3],
  [[2, 32, 31, 8], [3, 3, 8, 4], 2],
];

gpuTest("conv2d by Winograd: the weight gradient in K-chunks equals im2col's", async () => {
  for (const [xs, ws, split] of SPLIT) {
    const tiles = xs[0] * Math.ceil(xs[1] / 2) * Math.ceil(xs[2] / 2);
    assert.equal(weightGradientSplit(16, ws[2], ws[3], tiles), split);
    await winogradEqualsIm2col(xs, ws);
  }
});

gpuTest("conv2d by Winograd, weight gradient in K-chunks: finite differences", async () => {
  const [xs, ws] = SPLIT[0];
  await checkGradients(
    ([x, w]) => conv2d(x, w, null, { pad: 1, algorithm: "winograd" }),
    [
      { data: randn(xs.reduce((a, b) => a * b), 17), shape: xs },
      { data: randn(ws.reduce((a, b) => a * b), 18, 0.5), shape: ws },
    ],
    { samples: 20 },
  );
});

gpuTest("conv2d refuses Winograd where it does not apply", () => {
  const x = Tensor.from(randn(2 * 5 * 5 * 3, 1), [2, 5, 5, 3]);
  const w = Tensor.from(randn(3 * 3 * 3 * 4, 2), [3, 3, 3, 4]);
  assert.throws(() => conv2d(x, w, null, { pad: 1, algorithm: "winograd" }), /channels in fours/);
  return Promise.resolve();
});

// Direct convolution (direct.ts), the automatic choice for one input channel
// when no gradient is recorded: odd sides (7, 9), F in fours and not (4, 6, 32), stride 1 and 2,
// padding 0 and 1, and a few input channels (2, 3) and a 5×5 kernel, which it also computes.
const DIRECT: Case[] = [
  [[3, 7, 7, 1], [3, 3, 1, 4], 1, 1],
  [[3, 9, 9, 1], [3, 3, 1, 6], 2, 1],
  [[3, 7, 7, 1], [3, 3, 1, 32], 2, 0],
  [[3, 9, 9, 1], [3, 3, 1, 32], 1, 0],
  [[2, 7, 9, 3], [3, 3, 3, 6], 2, 1],
  [[1, 6, 5, 2], [5, 5, 2, 5], 1, 2],
];

gpuTestBothInputs("conv2d direct matches a direct CPU convolution", async () => {
  for (const [xs, ws, stride, pad] of DIRECT) {
    const x = randn(xs.reduce((a, b) => a * b), 17);
    const w = randn(ws.reduce((a, b) => a * b), 18);
    const b = randn(ws[3], 19);
    for (const bias of [Tensor.from(b, [ws[3]]), null]) {
      const y = conv2d(Tensor.from(x, xs), Tensor.from(w, ws), bias, {
        stride,
        pad,
        algorithm: "direct",
      });
      const ref = conv2dRef(x, xs, w, ws, bias ? b : new Float32Array(ws[3]), stride, pad);
      assertClose(y.shape, ref.shape, 0, "shape");
      assertClose(await y.read(), ref.out, 1e-4, `direct ${xs} ${ws} s${stride} p${pad}`);
    }
  }
});

gpuTestBothInputs("conv2d direct: backward by finite differences", async () => {
  for (const [xs, ws, stride, pad] of DIRECT) {
    await checkGradients(
      ([x, w, b]) => conv2d(x, w, b, { stride, pad, algorithm: "direct" }),
      [
        { data: randn(xs.reduce((a, b) => a * b), 20), shape: xs },
        { data: randn(ws.reduce((a, b) => a * b), 21, 0.5), shape: ws },
        { data: randn(ws[3], 22), shape: [ws[3]] },
      ],
      { samples: 20 },
    );
  }
});

gpuTest("conv2d: direct and im2col give the same values and gradients", async () => {
  for (const [xs, ws, stride, pad] of DIRECT) {
    const x = randn(xs.reduce((a, b) => a * b), 23);
    const w = randn(ws.reduce((a, b) => a * b), 24);
    const b = randn(ws[3], 25);
    // The network's input needs no gradient: the weight gradient alone, then with dx.
    for (const inputGrad of [false, true]) {
      const run = async (algorithm: "im2col" | "direct") => {
        const leaves = ([[x, xs], [w, ws], [b, [ws[3]]]] as const).map(([d, s], i) =>
          Tensor.from(d, s, { requiresGrad: i > 0 || inputGrad })
        );
        const y = conv2d(leaves[0], leaves[1], leaves[2], { stride, pad, algorithm });
        backward(y, Tensor.from(randn(y.size, 26), y.shape));
        const grads = leaves.slice(inputGrad ? 0 : 1).map((l) => l.grad!.read());
        return [await y.read(), ...await Promise.all(grads)];
      };
      const [a, c] = [await run("im2col"), await run("direct")];
      const names = inputGrad ? ["y", "dx", "dw", "db"] : ["y", "dw", "db"];
      for (const [i, name] of names.entries()) {
        assertClose(c[i], a[i], 1e-4, `${name} ${xs} ${ws} s${stride} p${pad}`);
      }
    }
  }
});

gpuTest("conv2d picks the direct convolution for one input channel without gradients", async () => {
  const g = await testGpu();
  // Sizes no other test uses, so that the pipelines are these calls'.
  const picked = (h: number) =>
    g.pipelineKeys().some((k) =>
      k.startsWith("ops/conv2d/direct:forward:") && k.includes(`"H":${h},`)
    );
  const w = Tensor.from(randn(9 * 4, 28), [3, 3, 1, 4], { requiresGrad: true });
  conv2d(Tensor.from(randn(2 * 11 * 13, 27), [2, 11, 13, 1]), w, null, { pad: "same" });
  assert.ok(!picked(11), "training takes im2col");
  noGrad(() =>
    conv2d(Tensor.from(randn(2 * 12 * 13, 27), [2, 12, 13, 1]), w, null, { pad: "same" })
  );
  assert.ok(picked(12), "inference takes the direct convolution");
});

// im2col's products and Winograd's batched ones run on matmul: each matmul strategy forced
// through the profile, forward against the CPU and backward by finite differences.
for (const matmul of MATMUL_STRATEGIES) {
  gpuTest(`conv2d by im2col and Winograd on matmul "${matmul}": forward and backward`, async () => {
    const g = await testGpu();
    await withProfile(g, { ...g.profile, matmul }, async () => {
      for (
        const [[xs, ws, stride, pad], algorithm] of [
          [STRIDED[0], "im2col"],
          [QUAD[1], "im2col"],
          [WINOGRAD[0], "winograd"],
        ] as const
      ) {
        const x = randn(xs.reduce((a, b) => a * b), 50);
        const w = randn(ws.reduce((a, b) => a * b), 51);
        const b = randn(ws[3], 52);
        const y = conv2d(Tensor.from(x, xs), Tensor.from(w, ws), Tensor.from(b, [ws[3]]), {
          stride,
          pad,
          algorithm,
        });
        const ref = conv2dRef(x, xs, w, ws, b, stride, pad);
        assertClose(await y.read(), ref.out, 1e-4, `${algorithm} ${xs} ${ws}`);
        await checkGradients(
          ([x, w, b]) => conv2d(x, w, b, { stride, pad, algorithm }),
          [
            { data: randn(xs.reduce((a, b) => a * b), 53), shape: xs },
            { data: randn(ws.reduce((a, b) => a * b), 54, 0.5), shape: ws },
            { data: randn(ws[3], 55), shape: [ws[3]] },
          ],
          { samples: 10 },
        );
      }
    });
  });
}
