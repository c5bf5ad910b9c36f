// The register-tile matmul kernels, written out as WGSL text when their pipeline is made
// (src/ops/matmul/matmul.ts declares them with these functions as their source). Pure TypeScript
// with no file access: it runs in Deno and in the page.
//
// Why register tiles, unrolled (measured with bench/matmul_probe.ts on the software adapter, 2
// cores): it runs the invocations of a workgroup as 8-wide SIMD lanes, and every storage load
// whose address is not a compile-time constant becomes a per-lane scalar loop (one branchy load
// and insert per lane), so the cost is about the number of loads per invocation; FMAs are almost
// free. A TM×TN tile loads TM + TN values per k for 2·TM·TN flops, so big tiles win (Vulkan,
// 1024³): 8×8 ≈ 1.9 GFLOP/s, 16×16 ≈ 3.2, 32×16 ≈ 3.9, 32×32 ≈ 6.3 (accumulators spill to the
// stack, still far cheaper than the gathers). The price is compile time: Vulkan builds a 32×32
// pipeline in ~3.6 s, the GL backend takes ~14 s for 16×16 and ~50 s for 32×16. Workgroup memory
// and barriers are slower there (coroutine switches, and shared loads are per-lane loops too).
// The text is fully unrolled, one variable per accumulator and per loaded row or column, because
// the software adapter keeps dynamically indexed arrays in memory.
//
// Both kernels compute C[bi] = op(A[bi])·op(B[bi]) (+ bias[j]) (+ C[bi]) with the uniform
// parameters matmul.ts declares (M, N, K, batch, a/b/cBatchStride, flags: bit0 adds bias[j],
// bit1 accumulates, C += A·B); batch bi offsets A, B and C by bi · a/b/cBatchStride floats. The
// texture kernel also takes batchBase: its dispatch runs products batchBase .. batchBase + batch.
// Loads use clamped indices (min(row, M − 1), min(col, N − 1)) so the k loop has no bounds
// checks; only stores check. Invocation g = (wid.y · nwg.x + wid.x) · WG + local index owns one
// TM×TN tile of C (tile column fastest).

import type { MatmulEntry } from "./tiles.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Throws unless `tm`×`tn` is a tile the generators can write (TN in quadruples of columns). */
function checkTile(what: string, tm: number, tn: number, rowQuads = false) {
  const ok = Number.isInteger(tm) && Number.isInteger(tn) && tm >= 1 && tn >= 4 &&
    tn % 4 === 0 && (!rowQuads || tm % 4 === 0);
  if (!ok) {
    throw new Error(
      `${what}: tile ${tm}×${tn} (TN must be a multiple of 4${rowQuads ? ", TM too" : ""})`,
    );
  }
}

/**
 * The body of the register kernel (src/ops/matmul/matmul.ts `matmulRegisterKernel`): one entry,
 * `forward`, over storage buffers `a`, `b`, `bias`, `c` (f32) with any layout, a `tm`×`tn` tile
 * per invocation (`tn` a multiple of 4: a row's accumulators are vec4s). Override constants:
 * TRANS_A (A stored K×M), TRANS_B (B stored N×K), WG (invocations per workgroup). Dispatch:
 * groups = ⌈⌈M/TM⌉·⌈N/TN⌉ / WG⌉ as (min(groups, 65535), ⌈groups / 65535⌉, batch): the batch is
 * the z axis. Each step of k loads TM + TN floats for 2·TM·TN flops, so bigger tiles load less
 * per flop but compile slower (bench/matmul_probe.ts tries other tiles). Throws on a tile it
 * cannot write.
 */
export function generateMatmulRegister(tm: number, tn: number): string {
  checkTile("generateMatmulRegister", tm, tn);
  const L: string[] = [];
  const line = (s: string) => L.push(s);
  const R = range(tm), C = range(tn), C4 = range(tn / 4);
  line(
    `// The register-tile matmul, ${tm}×${tn} outputs per invocation (src/ops/matmul/generate.ts).
override TRANS_A: bool = false;
override TRANS_B: bool = false;

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  let M = p.M; let N = p.N; let K = p.K;
  let tilesN = (N + ${tn}u - 1u) / ${tn}u;
  let tilesM = (M + ${tm}u - 1u) / ${tm}u;
  let g = (wid.y * nwg.x + wid.x) * WG + lid;
  if (g >= tilesM * tilesN) { return; }
  let row0 = (g / tilesN) * ${tm}u;
  let col0 = (g % tilesN) * ${tn}u;
  let bi = wid.z;
  let aBase = bi * p.aBatchStride;
  let bBase = bi * p.bBatchStride;
  let aRowStride = select(K, 1u, TRANS_A);
  let aStep = select(1u, M, TRANS_A);
  let bColStride = select(1u, K, TRANS_B);
  let bStep = select(N, 1u, TRANS_B);`,
  );
  for (const r of R) line(`  var ao${r} = aBase + min(row0 + ${r}u, M - 1u) * aRowStride;`);
  for (const c of C) line(`  var bo${c} = bBase + min(col0 + ${c}u, N - 1u) * bColStride;`);
  for (const r of R) for (const j of C4) line(`  var acc${r}_${j} = vec4<f32>();`);
  // Per k: columns in vec4s b_j, each row's A value splatted, one fma per vec4 accumulator.
  line(`  for (var k = 0u; k < K; k++) {`);
  for (const j of C4) {
    const cols = range(4).map((i) => `b[bo${4 * j + i}]`).join(", ");
    line(`    let b${j} = vec4<f32>(${cols});`);
  }
  for (const r of R) {
    line(`    let a${r} = vec4<f32>(a[ao${r}]);`);
    for (const j of C4) line(`    acc${r}_${j} = fma(a${r}, b${j}, acc${r}_${j});`);
  }
  for (const r of R) line(`    ao${r} += aStep;`);
  for (const c of C) line(`    bo${c} += bStep;`);
  line(`  }
  let cBase = bi * p.cBatchStride;
  let addBias = (p.flags & 1u) != 0u;
  let accum = (p.flags & 2u) != 0u;`);
  for (const r of R) {
    line(`  if (row0 + ${r}u < M) {`);
    line(`    let crow = cBase + (row0 + ${r}u) * N + col0;`);
    for (const c of C) {
      line(
        `    if (col0 + ${c}u < N) { var v = acc${r}_${c >> 2}[${c & 3}]; ` +
          `if (addBias) { v += bias[col0 + ${c}u]; } if (accum) { v += c[crow + ${c}u]; } ` +
          `c[crow + ${c}u] = v; }`,
      );
    }
    line(`  }`);
  }
  line(`}`);
  return L.join("\n") + "\n";
}

/**
 * The body of the texture kernel (src/ops/matmul/matmul.ts `matmulTextureKernel`): the register
 * tiles with both operands read from rgba32float textures `a`, `b` (flat vec4 arrays, src/gpu/gpu.ts
 * `texture()`), `bias` (f32) and the output as vec4s `c4`. On the software adapter a texel fetch
 * is a vectorised gather (~6× cheaper per float than a storage-buffer load, a branchy per-lane
 * loop), so loads stop dominating and small tiles without spills win. Three entries, one per
 * operand layout, each loading TM + TN vec4s per 4 steps of k:
 *   forward_nn  C = A·B    A: M×K (rows along k), B: K×N (rows along n)   needs K, N % 4 == 0
 *   forward_nt  C = A·Bᵀ   A: M×K, B stored N×K (both along k)           needs K, N % 4 == 0
 *   forward_tn  C = Aᵀ·B   A stored K×M (along m), B: K×N (along n)       needs M, N % 4 == 0
 * with TM×TN from `tiles` (forward_tn needs TM % 4 == 0 too). Batch strides must be multiples of
 * 4 too. Dispatch: invocations (WG per workgroup, an override) run over batch × tiles, one tile
 * each, and groups = ⌈batch · tiles / WG⌉ are dispatched as (min(groups, 65535),
 * ⌈groups / 65535⌉). Throws on a tile it cannot write.
 */
export function generateMatmulTexture(
  tiles: Readonly<Record<MatmulEntry, readonly [number, number]>>,
): string {
  checkTile("generateMatmulTexture forward_nn", ...tiles.forward_nn);
  checkTile("generateMatmulTexture forward_nt", ...tiles.forward_nt);
  checkTile("generateMatmulTexture forward_tn", ...tiles.forward_tn, true);
  const L: string[] = [];
  const line = (s = "") => L.push(s);
  const load = (name: "a" | "b", index: string) => `texel(${name}, ${index})`;
  line(
    `// The register-tile matmul over textures (src/ops/matmul/generate.ts). Tiles (TM×TN):
// forward_nn ${tiles.forward_nn.join("×")}, forward_nt ${tiles.forward_nt.join("×")}, ` +
      `forward_tn ${tiles.forward_tn.join("×")}.

// #include gpu/texel`,
  );

  /** The prologue every entry shares: which tile this invocation owns. */
  function prologue(TM: number, TN: number) {
    line(`  let M = p.M; let N = p.N; let K = p.K;
  let tilesN = (N + ${TN}u - 1u) / ${TN}u;
  let tilesM = (M + ${TM}u - 1u) / ${TM}u;
  // Invocations run over batch × tiles (tile column fastest), so a batch of few tiles each
  // (split-K weight gradients) still fills every SIMD lane.
  let tiles = tilesM * tilesN;
  let gi = (wid.y * nwg.x + wid.x) * WG + lid;
  if (gi >= tiles * p.batch) { return; }
  // Products [batchBase, batchBase + batch) of the operands' batch: one dispatch may run a
  // single product of textures that hold them all.
  let bl = gi / tiles;
  let bi = bl + p.batchBase;
  let g = gi - bl * tiles;
  let row0 = (g / tilesN) * ${TM}u;
  let col0 = (g % tilesN) * ${TN}u;
  let aBase = bi * p.aBatchStride / 4u;
  let bBase = bi * p.bBatchStride / 4u;
  let cBase = bi * p.cBatchStride;`);
  }

  const header = (name: string) =>
    line(`
@compute @workgroup_size(WG)
fn ${name}(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32,
           @builtin(num_workgroups) nwg: vec3<u32>) {`);

  /** Stores vec4 accumulators {acc}{r}_{j} (columns 4j..4j+3 of row r), with bias and accumulate. */
  function storeVec4(TM: number, TN: number, acc = "acc") {
    line(`  let hasBias = (p.flags & 1u) != 0u;
  let accumulate = (p.flags & 2u) != 0u;`);
    for (const j of range(TN / 4)) {
      line(`  let oc${j} = col0 + ${4 * j}u;`);
      line(
        `  var bias${j} = vec4f(0.0);
  if (hasBias && oc${j} < N) { bias${j} = vec4f(bias[oc${j}], bias[oc${j} + 1u], bias[oc${j} + 2u], bias[oc${j} + 3u]); }`,
      );
    }
    for (const r of range(TM)) {
      line(`  if (row0 + ${r}u < M) {`);
      line(`    let o = cBase / 4u + (row0 + ${r}u) * n4;`);
      for (const j of range(TN / 4)) {
        line(`    if (oc${j} < N) {`);
        line(`      var v = ${acc}${r}_${j} + bias${j};`);
        line(`      if (accumulate) { v += c4[o + oc${j} / 4u]; }`);
        line(`      c4[o + oc${j} / 4u] = v;`);
        line(`    }`);
      }
      line(`  }`);
    }
  }

  // forward_nn: a4 = A[row, k..k+3]; b4 = B[k+kk, col..col+3]; acc (vec4 over n) += a4[kk] · b4.
  {
    const [TM, TN] = tiles.forward_nn, R = range(TM), C4 = range(TN / 4);
    header("forward_nn");
    prologue(TM, TN);
    line(`  let k4 = K / 4u;
  let n4 = N / 4u;`);
    for (const r of R) line(`  let ar${r} = aBase + min(row0 + ${r}u, M - 1u) * k4;`);
    for (const j of C4) line(`  let bc${j} = bBase + min(col0 + ${4 * j}u, N - 4u) / 4u;`);
    for (const r of R) for (const j of C4) line(`  var acc${r}_${j} = vec4f(0.0);`);
    line(`  for (var k = 0u; k < k4; k++) {`);
    for (const r of R) line(`    let a${r} = ${load("a", `ar${r} + k`)};`);
    for (const kk of range(4)) {
      line(`    let bk${kk} = (4u * k + ${kk}u) * n4;`);
      for (const j of C4) line(`    let b${kk}_${j} = ${load("b", `bc${j} + bk${kk}`)};`);
      for (const r of R) {
        for (const j of C4) {
          line(`    acc${r}_${j} = fma(vec4f(a${r}[${kk}]), b${kk}_${j}, acc${r}_${j});`);
        }
      }
    }
    line(`  }`);
    storeVec4(TM, TN);
    line(`}`);
  }

  // forward_tn: a4 = A[k, row..row+3] (A stored K×M); b4 = B[k, col..col+3].
  {
    const [TM, TN] = tiles.forward_tn, R = range(TM), C4 = range(TN / 4);
    header("forward_tn");
    prologue(TM, TN);
    line(`  let m4 = M / 4u;
  let n4 = N / 4u;`);
    for (const i of range(TM / 4)) {
      line(`  let ac${i} = aBase + min(row0 + ${4 * i}u, M - 4u) / 4u;`);
    }
    for (const j of C4) line(`  let bc${j} = bBase + min(col0 + ${4 * j}u, N - 4u) / 4u;`);
    for (const r of R) for (const j of C4) line(`  var acc${r}_${j} = vec4f(0.0);`);
    line(`  for (var k = 0u; k < K; k++) {`);
    for (const i of range(TM / 4)) line(`    let a${i} = ${load("a", `ac${i} + k * m4`)};`);
    for (const j of C4) line(`    let b${j} = ${load("b", `bc${j} + k * n4`)};`);
    for (const r of R) {
      for (const j of C4) {
        line(`    acc${r}_${j} = fma(vec4f(a${r >> 2}[${r & 3}]), b${j}, acc${r}_${j});`);
      }
    }
    line(`  }`);
    storeVec4(TM, TN);
    line(`}`);
  }

  // forward_nt: a4 = A[row, k..k+3]; b4 = B[col, k..k+3] (B stored N×K); acc (scalar) += a4 · b4.
  {
    const [TM, TN] = tiles.forward_nt, R = range(TM), C = range(TN);
    header("forward_nt");
    prologue(TM, TN);
    line(`  let k4 = K / 4u;`);
    for (const r of R) line(`  let ar${r} = aBase + min(row0 + ${r}u, M - 1u) * k4;`);
    for (const cc of C) line(`  let br${cc} = bBase + min(col0 + ${cc}u, N - 1u) * k4;`);
    for (const r of R) for (const cc of C) line(`  var acc${r}_${cc} = 0.0;`);
    line(`  for (var k = 0u; k < k4; k++) {`);
    for (const r of R) line(`    let a${r} = ${load("a", `ar${r} + k`)};`);
    for (const cc of C) line(`    let b${cc} = ${load("b", `br${cc} + k`)};`);
    for (const r of R) for (const cc of C) line(`    acc${r}_${cc} += dot(a${r}, b${cc});`);
    line(`  }`);
    // Columns in quadruples (N % 4 == 0): one vec4 store per four outputs, half the cost of four
    // scalar ones on the software adapter.
    line(`  let n4 = N / 4u;`);
    for (const r of R) {
      for (const j of range(TN / 4)) {
        const cols = range(4).map((k) => `acc${r}_${4 * j + k}`).join(", ");
        line(`  let quad${r}_${j} = vec4f(${cols});`);
      }
    }
    storeVec4(TM, TN, "quad");
    line(`}`);
  }
  return L.join("\n") + "\n";
}
