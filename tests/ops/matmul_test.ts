import { assertClose, checkGradients, gpuTest, randn, testGpu, withProfile } from "../helpers.ts";
import assert from "node:assert/strict";
import { gpu, Tensor } from "../../src/autograd/tensor.ts";
import { matmul, matmulBatchedInto, matmulInto } from "../../src/ops/matmul/matmul.ts";
import { generateMatmulRegister, generateMatmulTexture } from "../../src/ops/matmul/generate.ts";
import { matmulRef } from "../../src/ops/matmul/reference.ts";
import { MATMUL_STRATEGIES } from "../../src/gpu/profile.ts";

// Sizes that are not multiples of any tile or workgroup size; the last three have M, N, K that
// are multiples of 4 (but not of the tiles), which takes the texture kernel's entries
// ("texture", NN, NT and TN; TT stays on the register kernel).
const SHAPES = [[37, 13, 29], [1, 1, 1], [5, 70, 3], [67, 9, 130], [36, 44, 28], [4, 4, 4], [
  68,
  40,
  132,
]];

for (const strategy of MATMUL_STRATEGIES) {
  gpuTest(`matmul (${strategy}) forward matches the CPU for all transposes`, async () => {
    for (const [m, n, k] of SHAPES) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = randn(m * k, m + k);
          const b = randn(k * n, n + k);
          const c = Tensor.empty([m, n]);
          matmulInto(Tensor.from(a, [a.length]), Tensor.from(b, [b.length]), c, {
            m,
            n,
            k,
            transA,
            transB,
            strategy,
          });
          assertClose(
            await c.read(),
            matmulRef(a, b, m, n, k, transA, transB),
            1e-4,
            `${strategy} ${m}x${n}x${k} tA=${transA} tB=${transB}`,
          );
        }
      }
    }
  });
}

// Batched products as Winograd convolution runs them (src/autograd/conv2d.ts): operands back to
// back; shapes with vec4 rows (the texture path runs them one by one through offset textures),
// and odd ones (register kernel).
for (const strategy of MATMUL_STRATEGIES) {
  gpuTest(`matmulBatchedInto (${strategy}) matches the CPU per product`, async () => {
    for (
      const [batch, m, n, k] of [[3, 36, 44, 28], [5, 13, 8, 12], [2, 7, 5, 3], [16, 20, 4, 8]]
    ) {
      for (const [transA, transB] of [[false, false], [false, true], [true, false]]) {
        const a = randn(batch * m * k, m + k);
        const b = randn(batch * k * n, n + k);
        const c = Tensor.empty([batch, m, n]);
        matmulBatchedInto(Tensor.from(a, [a.length]), Tensor.from(b, [b.length]), c, {
          batch,
          m,
          n,
          k,
          transA,
          transB,
          strategy,
        });
        const got = await c.read();
        for (let i = 0; i < batch; i++) {
          assertClose(
            got.subarray(i * m * n, (i + 1) * m * n),
            matmulRef(
              a.subarray(i * m * k, (i + 1) * m * k),
              b.subarray(i * k * n, (i + 1) * k * n),
              m,
              n,
              k,
              transA,
              transB,
            ),
            1e-4,
            `${strategy} batch ${i} of ${batch}: ${m}x${n}x${k} tA=${transA} tB=${transB}`,
          );
        }
      }
    }
  });
}

for (const strategy of MATMUL_STRATEGIES) {
  gpuTest(`matmul (${strategy}) bias and accumulate flags`, async () => {
    // [20, 12, 72]: the texture kernel's vec4 entries (NN and NT both checked).
    for (const [m, n, k] of [[19, 11, 70], [20, 12, 72]]) {
      for (const transB of [false, true]) {
        const a = randn(m * k, 1);
        const b = randn(k * n, 2);
        const bias = randn(n, 3);
        const start = randn(m * n, 4);
        const c = Tensor.from(start, [m, n]);
        matmulInto(Tensor.from(a, [m, k]), Tensor.from(b, [k * n]), c, {
          m,
          n,
          k,
          transB,
          bias: Tensor.from(bias, [n]),
          accumulate: true,
          strategy,
        });
        const ref = matmulRef(a, b, m, n, k, false, transB).map((v, i) =>
          v + bias[i % n] + start[i]
        );
        assertClose(await c.read(), ref, 1e-4, `${strategy} bias+accumulate ${m}x${n}x${k}`);
      }
    }
  });
}

for (const strategy of MATMUL_STRATEGIES) {
  gpuTest(
    `matmul (${strategy}) Aᵀ·B with few outputs and a long K (split into chunks) matches the CPU`,
    async () => {
      // 9×5 outputs, K = 3·7·211: split into K-chunks run as a batch, then summed; 36×40 outputs
      // with K = 4096 split into chunks on the texture kernel's TN entry (batch offsets multiples
      // of 4).
      for (const [m, n, k] of [[9, 5, 4431], [3, 2, 1031], [36, 40, 4096]]) {
        const a = randn(m * k, 1);
        const b = randn(k * n, 2);
        const c = Tensor.empty([m, n]);
        matmulInto(Tensor.from(a, [k, m]), Tensor.from(b, [k, n]), c, {
          m,
          n,
          k,
          transA: true,
          strategy,
        });
        assertClose(await c.read(), matmulRef(a, b, m, n, k, true), 1e-3, `split ${m}x${n}x${k}`);
      }
    },
  );
}

gpuTest("matmul (texture) operands spanning several texture rows match the CPU", async () => {
  // A holds 130·260 floats = 8,450 vec4 texels: two full 4,096-texel rows and a partial third.
  const copies = gpu().counts.textureCopies;
  for (const transB of [false, true]) {
    const [m, n, k] = [130, 20, 260];
    const a = randn(m * k, 5);
    const b = randn(k * n, 6);
    const c = Tensor.empty([m, n]);
    matmulInto(Tensor.from(a, [m, k]), Tensor.from(b, [k * n]), c, {
      m,
      n,
      k,
      transB,
      strategy: "texture",
    });
    assertClose(await c.read(), matmulRef(a, b, m, n, k, false, transB), 1e-3, `tB=${transB}`);
  }
  if (gpu().profile.name !== "gpu") assert.equal(gpu().counts.textureCopies, copies + 4);
});

// The layer's backward runs dX = dY·Wᵀ (NT) and dW = Xᵀ·dY (TN) under the profile's strategy:
// each strategy forced there in turn.
for (const strategy of MATMUL_STRATEGIES) {
  gpuTest(`matmul (${strategy}) backward by finite differences`, async () => {
    const g = await testGpu();
    await withProfile(g, { ...g.profile, matmul: strategy }, async () => {
      for (const [m, n, k] of [[7, 5, 9], [12, 8, 16]]) {
        await checkGradients(([x, w, b]) => matmul(x, w, b), [
          { data: randn(m * k, 1), shape: [m, k] },
          { data: randn(k * n, 2), shape: [k, n] },
          { data: randn(n, 3), shape: [n] },
        ]);
      }
    });
  });
}

Deno.test("the matmul generators refuse tiles they cannot write", () => {
  assert.throws(() => generateMatmulRegister(8, 6), /TN must be a multiple of 4/);
  assert.throws(() => generateMatmulRegister(0, 8), /tile 0×8/);
  const tiles = { forward_nn: [16, 12], forward_nt: [12, 16], forward_tn: [6, 16] } as const;
  assert.throws(() => generateMatmulTexture(tiles), /forward_tn: tile 6×16/);
});
