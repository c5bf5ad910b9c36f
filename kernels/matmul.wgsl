// General batched matmul  C[bi] = op(A[bi]) · op(B[bi]) (+ bias[j]) (+ C[bi]).
// Two strategies, chosen per adapter by src/autograd/matmul.ts: `forward` (register tiles, no
// workgroup memory; tuned for llvmpipe, described here) and `forward_tiled` (workgroup-memory
// tiles for real GPUs, at the end of the file).
//
// Dispatch geometry (TM, TN, WG are the override constants below, defaults 32, 32, 8):
//   tiles  = ceil(M / TM) * ceil(N / TN)          (one TM×TN output tile per invocation)
//   groups = ceil(tiles / WG)
//   dispatchWorkgroups(x = min(groups, 65535), y = ceil(groups / x), z = batch)
// Invocation g = (wid.y * x + wid.x) * WG + local_index owns tile g (tile column fastest);
// invocations with g >= tiles exit.  Constraints: 1 <= TM <= 32, TN a multiple of 4 in 4..32.
//
// Why this shape (measured with bench/matmul_probe.ts on llvmpipe, 2 cores): llvmpipe runs the
// invocations of a workgroup as 8-wide SIMD lanes, and every storage load whose address is not a
// compile-time constant becomes a per-lane scalar loop (one branchy scalar load + insert per lane),
// so the cost is ~ (number of f32 loads per invocation); FMAs are almost free.  A TM×TN register
// tile loads TM + TN values per k for 2·TM·TN flops, so big tiles win (Vulkan, 1024³): 8×8 ≈ 1.9
// GFLOP/s, 16×16 ≈ 3.2, 32×16 ≈ 3.9, 32×32 ≈ 6.3 (accumulators spill to the stack, which is still
// far cheaper than the gathers).  Cost: compile time.  Vulkan/lavapipe builds a 32×32 pipeline in
// ~3.6 s, but Mesa's GL path takes ~14 s for 16×16 and ~50 s for 32×16 on the first dispatch, so on
// the GL backend pass smaller TM/TN (e.g. 8×8).  WG (lanes per workgroup) barely matters; 8 = one
// SIMD vector.  No split-K: even conv grad-weight (288×64 outputs) gives enough invocations for
// 2 cores, and splitting would need a second pass to stay exact.  Workgroup memory + barriers are
// slower (coroutine switches, and shared loads are per-lane loops too).  The source is fully
// unrolled (every row/column has its own variables, no dynamically indexed arrays); rows/columns
// beyond TM/TN are removed by constant folding once the overrides are known.  Loads use clamped
// indices (min(row, M-1), min(col, N-1)) so the k loop has no bounds checks; only stores check.
//
// Params.flags bit0: add bias[j]; bit1: accumulate (C += A·B).  TRANS_A: A stored K×M;
// TRANS_B: B stored N×K.  Batch bi offsets A, B, C by bi * a/b/cBatchStride elements.

struct Params { M: u32, N: u32, K: u32, batch: u32, aBatchStride: u32, bBatchStride: u32, cBatchStride: u32, flags: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override WG: u32 = 8;
override TM: u32 = 32u;
override TN: u32 = 32u;

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  let M = p.M; let N = p.N; let K = p.K;
  let tilesN = (N + TN - 1u) / TN;
  let tilesM = (M + TM - 1u) / TM;
  let g = (wid.y * nwg.x + wid.x) * WG + lid;
  if (g >= tilesM * tilesN) { return; }
  let row0 = (g / tilesN) * TM;
  let col0 = (g % tilesN) * TN;
  let bi = wid.z;
  let aBase = bi * p.aBatchStride;
  let bBase = bi * p.bBatchStride;
  let aRowStride = select(K, 1u, TRANS_A);
  let aStep = select(1u, M, TRANS_A);
  let bColStride = select(1u, K, TRANS_B);
  let bStep = select(N, 1u, TRANS_B);
  var ao0 = aBase + min(row0 + 0u, M - 1u) * aRowStride;
  var ao1 = aBase + min(row0 + 1u, M - 1u) * aRowStride;
  var ao2 = aBase + min(row0 + 2u, M - 1u) * aRowStride;
  var ao3 = aBase + min(row0 + 3u, M - 1u) * aRowStride;
  var ao4 = aBase + min(row0 + 4u, M - 1u) * aRowStride;
  var ao5 = aBase + min(row0 + 5u, M - 1u) * aRowStride;
  var ao6 = aBase + min(row0 + 6u, M - 1u) * aRowStride;
  var ao7 = aBase + min(row0 + 7u, M - 1u) * aRowStride;
  var ao8 = aBase + min(row0 + 8u, M - 1u) * aRowStride;
  var ao9 = aBase + min(row0 + 9u, M - 1u) * aRowStride;
  var ao10 = aBase + min(row0 + 10u, M - 1u) * aRowStride;
  var ao11 = aBase + min(row0 + 11u, M - 1u) * aRowStride;
  var ao12 = aBase + min(row0 + 12u, M - 1u) * aRowStride;
  var ao13 = aBase + min(row0 + 13u, M - 1u) * aRowStride;
  var ao14 = aBase + min(row0 + 14u, M - 1u) * aRowStride;
  var ao15 = aBase + min(row0 + 15u, M - 1u) * aRowStride;
  var ao16 = aBase + min(row0 + 16u, M - 1u) * aRowStride;
  var ao17 = aBase + min(row0 + 17u, M - 1u) * aRowStride;
  var ao18 = aBase + min(row0 + 18u, M - 1u) * aRowStride;
  var ao19 = aBase + min(row0 + 19u, M - 1u) * aRowStride;
  var ao20 = aBase + min(row0 + 20u, M - 1u) * aRowStride;
  var ao21 = aBase + min(row0 + 21u, M - 1u) * aRowStride;
  var ao22 = aBase + min(row0 + 22u, M - 1u) * aRowStride;
  var ao23 = aBase + min(row0 + 23u, M - 1u) * aRowStride;
  var ao24 = aBase + min(row0 + 24u, M - 1u) * aRowStride;
  var ao25 = aBase + min(row0 + 25u, M - 1u) * aRowStride;
  var ao26 = aBase + min(row0 + 26u, M - 1u) * aRowStride;
  var ao27 = aBase + min(row0 + 27u, M - 1u) * aRowStride;
  var ao28 = aBase + min(row0 + 28u, M - 1u) * aRowStride;
  var ao29 = aBase + min(row0 + 29u, M - 1u) * aRowStride;
  var ao30 = aBase + min(row0 + 30u, M - 1u) * aRowStride;
  var ao31 = aBase + min(row0 + 31u, M - 1u) * aRowStride;
  var bo0 = bBase + min(col0 + 0u, N - 1u) * bColStride;
  var bo1 = bBase + min(col0 + 1u, N - 1u) * bColStride;
  var bo2 = bBase + min(col0 + 2u, N - 1u) * bColStride;
  var bo3 = bBase + min(col0 + 3u, N - 1u) * bColStride;
  var bo4 = bBase + min(col0 + 4u, N - 1u) * bColStride;
  var bo5 = bBase + min(col0 + 5u, N - 1u) * bColStride;
  var bo6 = bBase + min(col0 + 6u, N - 1u) * bColStride;
  var bo7 = bBase + min(col0 + 7u, N - 1u) * bColStride;
  var bo8 = bBase + min(col0 + 8u, N - 1u) * bColStride;
  var bo9 = bBase + min(col0 + 9u, N - 1u) * bColStride;
  var bo10 = bBase + min(col0 + 10u, N - 1u) * bColStride;
  var bo11 = bBase + min(col0 + 11u, N - 1u) * bColStride;
  var bo12 = bBase + min(col0 + 12u, N - 1u) * bColStride;
  var bo13 = bBase + min(col0 + 13u, N - 1u) * bColStride;
  var bo14 = bBase + min(col0 + 14u, N - 1u) * bColStride;
  var bo15 = bBase + min(col0 + 15u, N - 1u) * bColStride;
  var bo16 = bBase + min(col0 + 16u, N - 1u) * bColStride;
  var bo17 = bBase + min(col0 + 17u, N - 1u) * bColStride;
  var bo18 = bBase + min(col0 + 18u, N - 1u) * bColStride;
  var bo19 = bBase + min(col0 + 19u, N - 1u) * bColStride;
  var bo20 = bBase + min(col0 + 20u, N - 1u) * bColStride;
  var bo21 = bBase + min(col0 + 21u, N - 1u) * bColStride;
  var bo22 = bBase + min(col0 + 22u, N - 1u) * bColStride;
  var bo23 = bBase + min(col0 + 23u, N - 1u) * bColStride;
  var bo24 = bBase + min(col0 + 24u, N - 1u) * bColStride;
  var bo25 = bBase + min(col0 + 25u, N - 1u) * bColStride;
  var bo26 = bBase + min(col0 + 26u, N - 1u) * bColStride;
  var bo27 = bBase + min(col0 + 27u, N - 1u) * bColStride;
  var bo28 = bBase + min(col0 + 28u, N - 1u) * bColStride;
  var bo29 = bBase + min(col0 + 29u, N - 1u) * bColStride;
  var bo30 = bBase + min(col0 + 30u, N - 1u) * bColStride;
  var bo31 = bBase + min(col0 + 31u, N - 1u) * bColStride;
  var acc0_0 = vec4<f32>();
  var acc0_1 = vec4<f32>();
  var acc0_2 = vec4<f32>();
  var acc0_3 = vec4<f32>();
  var acc0_4 = vec4<f32>();
  var acc0_5 = vec4<f32>();
  var acc0_6 = vec4<f32>();
  var acc0_7 = vec4<f32>();
  var acc1_0 = vec4<f32>();
  var acc1_1 = vec4<f32>();
  var acc1_2 = vec4<f32>();
  var acc1_3 = vec4<f32>();
  var acc1_4 = vec4<f32>();
  var acc1_5 = vec4<f32>();
  var acc1_6 = vec4<f32>();
  var acc1_7 = vec4<f32>();
  var acc2_0 = vec4<f32>();
  var acc2_1 = vec4<f32>();
  var acc2_2 = vec4<f32>();
  var acc2_3 = vec4<f32>();
  var acc2_4 = vec4<f32>();
  var acc2_5 = vec4<f32>();
  var acc2_6 = vec4<f32>();
  var acc2_7 = vec4<f32>();
  var acc3_0 = vec4<f32>();
  var acc3_1 = vec4<f32>();
  var acc3_2 = vec4<f32>();
  var acc3_3 = vec4<f32>();
  var acc3_4 = vec4<f32>();
  var acc3_5 = vec4<f32>();
  var acc3_6 = vec4<f32>();
  var acc3_7 = vec4<f32>();
  var acc4_0 = vec4<f32>();
  var acc4_1 = vec4<f32>();
  var acc4_2 = vec4<f32>();
  var acc4_3 = vec4<f32>();
  var acc4_4 = vec4<f32>();
  var acc4_5 = vec4<f32>();
  var acc4_6 = vec4<f32>();
  var acc4_7 = vec4<f32>();
  var acc5_0 = vec4<f32>();
  var acc5_1 = vec4<f32>();
  var acc5_2 = vec4<f32>();
  var acc5_3 = vec4<f32>();
  var acc5_4 = vec4<f32>();
  var acc5_5 = vec4<f32>();
  var acc5_6 = vec4<f32>();
  var acc5_7 = vec4<f32>();
  var acc6_0 = vec4<f32>();
  var acc6_1 = vec4<f32>();
  var acc6_2 = vec4<f32>();
  var acc6_3 = vec4<f32>();
  var acc6_4 = vec4<f32>();
  var acc6_5 = vec4<f32>();
  var acc6_6 = vec4<f32>();
  var acc6_7 = vec4<f32>();
  var acc7_0 = vec4<f32>();
  var acc7_1 = vec4<f32>();
  var acc7_2 = vec4<f32>();
  var acc7_3 = vec4<f32>();
  var acc7_4 = vec4<f32>();
  var acc7_5 = vec4<f32>();
  var acc7_6 = vec4<f32>();
  var acc7_7 = vec4<f32>();
  var acc8_0 = vec4<f32>();
  var acc8_1 = vec4<f32>();
  var acc8_2 = vec4<f32>();
  var acc8_3 = vec4<f32>();
  var acc8_4 = vec4<f32>();
  var acc8_5 = vec4<f32>();
  var acc8_6 = vec4<f32>();
  var acc8_7 = vec4<f32>();
  var acc9_0 = vec4<f32>();
  var acc9_1 = vec4<f32>();
  var acc9_2 = vec4<f32>();
  var acc9_3 = vec4<f32>();
  var acc9_4 = vec4<f32>();
  var acc9_5 = vec4<f32>();
  var acc9_6 = vec4<f32>();
  var acc9_7 = vec4<f32>();
  var acc10_0 = vec4<f32>();
  var acc10_1 = vec4<f32>();
  var acc10_2 = vec4<f32>();
  var acc10_3 = vec4<f32>();
  var acc10_4 = vec4<f32>();
  var acc10_5 = vec4<f32>();
  var acc10_6 = vec4<f32>();
  var acc10_7 = vec4<f32>();
  var acc11_0 = vec4<f32>();
  var acc11_1 = vec4<f32>();
  var acc11_2 = vec4<f32>();
  var acc11_3 = vec4<f32>();
  var acc11_4 = vec4<f32>();
  var acc11_5 = vec4<f32>();
  var acc11_6 = vec4<f32>();
  var acc11_7 = vec4<f32>();
  var acc12_0 = vec4<f32>();
  var acc12_1 = vec4<f32>();
  var acc12_2 = vec4<f32>();
  var acc12_3 = vec4<f32>();
  var acc12_4 = vec4<f32>();
  var acc12_5 = vec4<f32>();
  var acc12_6 = vec4<f32>();
  var acc12_7 = vec4<f32>();
  var acc13_0 = vec4<f32>();
  var acc13_1 = vec4<f32>();
  var acc13_2 = vec4<f32>();
  var acc13_3 = vec4<f32>();
  var acc13_4 = vec4<f32>();
  var acc13_5 = vec4<f32>();
  var acc13_6 = vec4<f32>();
  var acc13_7 = vec4<f32>();
  var acc14_0 = vec4<f32>();
  var acc14_1 = vec4<f32>();
  var acc14_2 = vec4<f32>();
  var acc14_3 = vec4<f32>();
  var acc14_4 = vec4<f32>();
  var acc14_5 = vec4<f32>();
  var acc14_6 = vec4<f32>();
  var acc14_7 = vec4<f32>();
  var acc15_0 = vec4<f32>();
  var acc15_1 = vec4<f32>();
  var acc15_2 = vec4<f32>();
  var acc15_3 = vec4<f32>();
  var acc15_4 = vec4<f32>();
  var acc15_5 = vec4<f32>();
  var acc15_6 = vec4<f32>();
  var acc15_7 = vec4<f32>();
  var acc16_0 = vec4<f32>();
  var acc16_1 = vec4<f32>();
  var acc16_2 = vec4<f32>();
  var acc16_3 = vec4<f32>();
  var acc16_4 = vec4<f32>();
  var acc16_5 = vec4<f32>();
  var acc16_6 = vec4<f32>();
  var acc16_7 = vec4<f32>();
  var acc17_0 = vec4<f32>();
  var acc17_1 = vec4<f32>();
  var acc17_2 = vec4<f32>();
  var acc17_3 = vec4<f32>();
  var acc17_4 = vec4<f32>();
  var acc17_5 = vec4<f32>();
  var acc17_6 = vec4<f32>();
  var acc17_7 = vec4<f32>();
  var acc18_0 = vec4<f32>();
  var acc18_1 = vec4<f32>();
  var acc18_2 = vec4<f32>();
  var acc18_3 = vec4<f32>();
  var acc18_4 = vec4<f32>();
  var acc18_5 = vec4<f32>();
  var acc18_6 = vec4<f32>();
  var acc18_7 = vec4<f32>();
  var acc19_0 = vec4<f32>();
  var acc19_1 = vec4<f32>();
  var acc19_2 = vec4<f32>();
  var acc19_3 = vec4<f32>();
  var acc19_4 = vec4<f32>();
  var acc19_5 = vec4<f32>();
  var acc19_6 = vec4<f32>();
  var acc19_7 = vec4<f32>();
  var acc20_0 = vec4<f32>();
  var acc20_1 = vec4<f32>();
  var acc20_2 = vec4<f32>();
  var acc20_3 = vec4<f32>();
  var acc20_4 = vec4<f32>();
  var acc20_5 = vec4<f32>();
  var acc20_6 = vec4<f32>();
  var acc20_7 = vec4<f32>();
  var acc21_0 = vec4<f32>();
  var acc21_1 = vec4<f32>();
  var acc21_2 = vec4<f32>();
  var acc21_3 = vec4<f32>();
  var acc21_4 = vec4<f32>();
  var acc21_5 = vec4<f32>();
  var acc21_6 = vec4<f32>();
  var acc21_7 = vec4<f32>();
  var acc22_0 = vec4<f32>();
  var acc22_1 = vec4<f32>();
  var acc22_2 = vec4<f32>();
  var acc22_3 = vec4<f32>();
  var acc22_4 = vec4<f32>();
  var acc22_5 = vec4<f32>();
  var acc22_6 = vec4<f32>();
  var acc22_7 = vec4<f32>();
  var acc23_0 = vec4<f32>();
  var acc23_1 = vec4<f32>();
  var acc23_2 = vec4<f32>();
  var acc23_3 = vec4<f32>();
  var acc23_4 = vec4<f32>();
  var acc23_5 = vec4<f32>();
  var acc23_6 = vec4<f32>();
  var acc23_7 = vec4<f32>();
  var acc24_0 = vec4<f32>();
  var acc24_1 = vec4<f32>();
  var acc24_2 = vec4<f32>();
  var acc24_3 = vec4<f32>();
  var acc24_4 = vec4<f32>();
  var acc24_5 = vec4<f32>();
  var acc24_6 = vec4<f32>();
  var acc24_7 = vec4<f32>();
  var acc25_0 = vec4<f32>();
  var acc25_1 = vec4<f32>();
  var acc25_2 = vec4<f32>();
  var acc25_3 = vec4<f32>();
  var acc25_4 = vec4<f32>();
  var acc25_5 = vec4<f32>();
  var acc25_6 = vec4<f32>();
  var acc25_7 = vec4<f32>();
  var acc26_0 = vec4<f32>();
  var acc26_1 = vec4<f32>();
  var acc26_2 = vec4<f32>();
  var acc26_3 = vec4<f32>();
  var acc26_4 = vec4<f32>();
  var acc26_5 = vec4<f32>();
  var acc26_6 = vec4<f32>();
  var acc26_7 = vec4<f32>();
  var acc27_0 = vec4<f32>();
  var acc27_1 = vec4<f32>();
  var acc27_2 = vec4<f32>();
  var acc27_3 = vec4<f32>();
  var acc27_4 = vec4<f32>();
  var acc27_5 = vec4<f32>();
  var acc27_6 = vec4<f32>();
  var acc27_7 = vec4<f32>();
  var acc28_0 = vec4<f32>();
  var acc28_1 = vec4<f32>();
  var acc28_2 = vec4<f32>();
  var acc28_3 = vec4<f32>();
  var acc28_4 = vec4<f32>();
  var acc28_5 = vec4<f32>();
  var acc28_6 = vec4<f32>();
  var acc28_7 = vec4<f32>();
  var acc29_0 = vec4<f32>();
  var acc29_1 = vec4<f32>();
  var acc29_2 = vec4<f32>();
  var acc29_3 = vec4<f32>();
  var acc29_4 = vec4<f32>();
  var acc29_5 = vec4<f32>();
  var acc29_6 = vec4<f32>();
  var acc29_7 = vec4<f32>();
  var acc30_0 = vec4<f32>();
  var acc30_1 = vec4<f32>();
  var acc30_2 = vec4<f32>();
  var acc30_3 = vec4<f32>();
  var acc30_4 = vec4<f32>();
  var acc30_5 = vec4<f32>();
  var acc30_6 = vec4<f32>();
  var acc30_7 = vec4<f32>();
  var acc31_0 = vec4<f32>();
  var acc31_1 = vec4<f32>();
  var acc31_2 = vec4<f32>();
  var acc31_3 = vec4<f32>();
  var acc31_4 = vec4<f32>();
  var acc31_5 = vec4<f32>();
  var acc31_6 = vec4<f32>();
  var acc31_7 = vec4<f32>();
  for (var k = 0u; k < K; k++) {
    var b0 = vec4<f32>();
    if (TN > 0u) { b0 = vec4<f32>(b[bo0], b[bo1], b[bo2], b[bo3]); }
    var b1 = vec4<f32>();
    if (TN > 4u) { b1 = vec4<f32>(b[bo4], b[bo5], b[bo6], b[bo7]); }
    var b2 = vec4<f32>();
    if (TN > 8u) { b2 = vec4<f32>(b[bo8], b[bo9], b[bo10], b[bo11]); }
    var b3 = vec4<f32>();
    if (TN > 12u) { b3 = vec4<f32>(b[bo12], b[bo13], b[bo14], b[bo15]); }
    var b4 = vec4<f32>();
    if (TN > 16u) { b4 = vec4<f32>(b[bo16], b[bo17], b[bo18], b[bo19]); }
    var b5 = vec4<f32>();
    if (TN > 20u) { b5 = vec4<f32>(b[bo20], b[bo21], b[bo22], b[bo23]); }
    var b6 = vec4<f32>();
    if (TN > 24u) { b6 = vec4<f32>(b[bo24], b[bo25], b[bo26], b[bo27]); }
    var b7 = vec4<f32>();
    if (TN > 28u) { b7 = vec4<f32>(b[bo28], b[bo29], b[bo30], b[bo31]); }
    if (TM > 0u) {
      let a0 = vec4<f32>(a[ao0]);
      if (TN > 0u) { acc0_0 = fma(a0, b0, acc0_0); }
      if (TN > 4u) { acc0_1 = fma(a0, b1, acc0_1); }
      if (TN > 8u) { acc0_2 = fma(a0, b2, acc0_2); }
      if (TN > 12u) { acc0_3 = fma(a0, b3, acc0_3); }
      if (TN > 16u) { acc0_4 = fma(a0, b4, acc0_4); }
      if (TN > 20u) { acc0_5 = fma(a0, b5, acc0_5); }
      if (TN > 24u) { acc0_6 = fma(a0, b6, acc0_6); }
      if (TN > 28u) { acc0_7 = fma(a0, b7, acc0_7); }
    }
    if (TM > 1u) {
      let a1 = vec4<f32>(a[ao1]);
      if (TN > 0u) { acc1_0 = fma(a1, b0, acc1_0); }
      if (TN > 4u) { acc1_1 = fma(a1, b1, acc1_1); }
      if (TN > 8u) { acc1_2 = fma(a1, b2, acc1_2); }
      if (TN > 12u) { acc1_3 = fma(a1, b3, acc1_3); }
      if (TN > 16u) { acc1_4 = fma(a1, b4, acc1_4); }
      if (TN > 20u) { acc1_5 = fma(a1, b5, acc1_5); }
      if (TN > 24u) { acc1_6 = fma(a1, b6, acc1_6); }
      if (TN > 28u) { acc1_7 = fma(a1, b7, acc1_7); }
    }
    if (TM > 2u) {
      let a2 = vec4<f32>(a[ao2]);
      if (TN > 0u) { acc2_0 = fma(a2, b0, acc2_0); }
      if (TN > 4u) { acc2_1 = fma(a2, b1, acc2_1); }
      if (TN > 8u) { acc2_2 = fma(a2, b2, acc2_2); }
      if (TN > 12u) { acc2_3 = fma(a2, b3, acc2_3); }
      if (TN > 16u) { acc2_4 = fma(a2, b4, acc2_4); }
      if (TN > 20u) { acc2_5 = fma(a2, b5, acc2_5); }
      if (TN > 24u) { acc2_6 = fma(a2, b6, acc2_6); }
      if (TN > 28u) { acc2_7 = fma(a2, b7, acc2_7); }
    }
    if (TM > 3u) {
      let a3 = vec4<f32>(a[ao3]);
      if (TN > 0u) { acc3_0 = fma(a3, b0, acc3_0); }
      if (TN > 4u) { acc3_1 = fma(a3, b1, acc3_1); }
      if (TN > 8u) { acc3_2 = fma(a3, b2, acc3_2); }
      if (TN > 12u) { acc3_3 = fma(a3, b3, acc3_3); }
      if (TN > 16u) { acc3_4 = fma(a3, b4, acc3_4); }
      if (TN > 20u) { acc3_5 = fma(a3, b5, acc3_5); }
      if (TN > 24u) { acc3_6 = fma(a3, b6, acc3_6); }
      if (TN > 28u) { acc3_7 = fma(a3, b7, acc3_7); }
    }
    if (TM > 4u) {
      let a4 = vec4<f32>(a[ao4]);
      if (TN > 0u) { acc4_0 = fma(a4, b0, acc4_0); }
      if (TN > 4u) { acc4_1 = fma(a4, b1, acc4_1); }
      if (TN > 8u) { acc4_2 = fma(a4, b2, acc4_2); }
      if (TN > 12u) { acc4_3 = fma(a4, b3, acc4_3); }
      if (TN > 16u) { acc4_4 = fma(a4, b4, acc4_4); }
      if (TN > 20u) { acc4_5 = fma(a4, b5, acc4_5); }
      if (TN > 24u) { acc4_6 = fma(a4, b6, acc4_6); }
      if (TN > 28u) { acc4_7 = fma(a4, b7, acc4_7); }
    }
    if (TM > 5u) {
      let a5 = vec4<f32>(a[ao5]);
      if (TN > 0u) { acc5_0 = fma(a5, b0, acc5_0); }
      if (TN > 4u) { acc5_1 = fma(a5, b1, acc5_1); }
      if (TN > 8u) { acc5_2 = fma(a5, b2, acc5_2); }
      if (TN > 12u) { acc5_3 = fma(a5, b3, acc5_3); }
      if (TN > 16u) { acc5_4 = fma(a5, b4, acc5_4); }
      if (TN > 20u) { acc5_5 = fma(a5, b5, acc5_5); }
      if (TN > 24u) { acc5_6 = fma(a5, b6, acc5_6); }
      if (TN > 28u) { acc5_7 = fma(a5, b7, acc5_7); }
    }
    if (TM > 6u) {
      let a6 = vec4<f32>(a[ao6]);
      if (TN > 0u) { acc6_0 = fma(a6, b0, acc6_0); }
      if (TN > 4u) { acc6_1 = fma(a6, b1, acc6_1); }
      if (TN > 8u) { acc6_2 = fma(a6, b2, acc6_2); }
      if (TN > 12u) { acc6_3 = fma(a6, b3, acc6_3); }
      if (TN > 16u) { acc6_4 = fma(a6, b4, acc6_4); }
      if (TN > 20u) { acc6_5 = fma(a6, b5, acc6_5); }
      if (TN > 24u) { acc6_6 = fma(a6, b6, acc6_6); }
      if (TN > 28u) { acc6_7 = fma(a6, b7, acc6_7); }
    }
    if (TM > 7u) {
      let a7 = vec4<f32>(a[ao7]);
      if (TN > 0u) { acc7_0 = fma(a7, b0, acc7_0); }
      if (TN > 4u) { acc7_1 = fma(a7, b1, acc7_1); }
      if (TN > 8u) { acc7_2 = fma(a7, b2, acc7_2); }
      if (TN > 12u) { acc7_3 = fma(a7, b3, acc7_3); }
      if (TN > 16u) { acc7_4 = fma(a7, b4, acc7_4); }
      if (TN > 20u) { acc7_5 = fma(a7, b5, acc7_5); }
      if (TN > 24u) { acc7_6 = fma(a7, b6, acc7_6); }
      if (TN > 28u) { acc7_7 = fma(a7, b7, acc7_7); }
    }
    if (TM > 8u) {
      let a8 = vec4<f32>(a[ao8]);
      if (TN > 0u) { acc8_0 = fma(a8, b0, acc8_0); }
      if (TN > 4u) { acc8_1 = fma(a8, b1, acc8_1); }
      if (TN > 8u) { acc8_2 = fma(a8, b2, acc8_2); }
      if (TN > 12u) { acc8_3 = fma(a8, b3, acc8_3); }
      if (TN > 16u) { acc8_4 = fma(a8, b4, acc8_4); }
      if (TN > 20u) { acc8_5 = fma(a8, b5, acc8_5); }
      if (TN > 24u) { acc8_6 = fma(a8, b6, acc8_6); }
      if (TN > 28u) { acc8_7 = fma(a8, b7, acc8_7); }
    }
    if (TM > 9u) {
      let a9 = vec4<f32>(a[ao9]);
      if (TN > 0u) { acc9_0 = fma(a9, b0, acc9_0); }
      if (TN > 4u) { acc9_1 = fma(a9, b1, acc9_1); }
      if (TN > 8u) { acc9_2 = fma(a9, b2, acc9_2); }
      if (TN > 12u) { acc9_3 = fma(a9, b3, acc9_3); }
      if (TN > 16u) { acc9_4 = fma(a9, b4, acc9_4); }
      if (TN > 20u) { acc9_5 = fma(a9, b5, acc9_5); }
      if (TN > 24u) { acc9_6 = fma(a9, b6, acc9_6); }
      if (TN > 28u) { acc9_7 = fma(a9, b7, acc9_7); }
    }
    if (TM > 10u) {
      let a10 = vec4<f32>(a[ao10]);
      if (TN > 0u) { acc10_0 = fma(a10, b0, acc10_0); }
      if (TN > 4u) { acc10_1 = fma(a10, b1, acc10_1); }
      if (TN > 8u) { acc10_2 = fma(a10, b2, acc10_2); }
      if (TN > 12u) { acc10_3 = fma(a10, b3, acc10_3); }
      if (TN > 16u) { acc10_4 = fma(a10, b4, acc10_4); }
      if (TN > 20u) { acc10_5 = fma(a10, b5, acc10_5); }
      if (TN > 24u) { acc10_6 = fma(a10, b6, acc10_6); }
      if (TN > 28u) { acc10_7 = fma(a10, b7, acc10_7); }
    }
    if (TM > 11u) {
      let a11 = vec4<f32>(a[ao11]);
      if (TN > 0u) { acc11_0 = fma(a11, b0, acc11_0); }
      if (TN > 4u) { acc11_1 = fma(a11, b1, acc11_1); }
      if (TN > 8u) { acc11_2 = fma(a11, b2, acc11_2); }
      if (TN > 12u) { acc11_3 = fma(a11, b3, acc11_3); }
      if (TN > 16u) { acc11_4 = fma(a11, b4, acc11_4); }
      if (TN > 20u) { acc11_5 = fma(a11, b5, acc11_5); }
      if (TN > 24u) { acc11_6 = fma(a11, b6, acc11_6); }
      if (TN > 28u) { acc11_7 = fma(a11, b7, acc11_7); }
    }
    if (TM > 12u) {
      let a12 = vec4<f32>(a[ao12]);
      if (TN > 0u) { acc12_0 = fma(a12, b0, acc12_0); }
      if (TN > 4u) { acc12_1 = fma(a12, b1, acc12_1); }
      if (TN > 8u) { acc12_2 = fma(a12, b2, acc12_2); }
      if (TN > 12u) { acc12_3 = fma(a12, b3, acc12_3); }
      if (TN > 16u) { acc12_4 = fma(a12, b4, acc12_4); }
      if (TN > 20u) { acc12_5 = fma(a12, b5, acc12_5); }
      if (TN > 24u) { acc12_6 = fma(a12, b6, acc12_6); }
      if (TN > 28u) { acc12_7 = fma(a12, b7, acc12_7); }
    }
    if (TM > 13u) {
      let a13 = vec4<f32>(a[ao13]);
      if (TN > 0u) { acc13_0 = fma(a13, b0, acc13_0); }
      if (TN > 4u) { acc13_1 = fma(a13, b1, acc13_1); }
      if (TN > 8u) { acc13_2 = fma(a13, b2, acc13_2); }
      if (TN > 12u) { acc13_3 = fma(a13, b3, acc13_3); }
      if (TN > 16u) { acc13_4 = fma(a13, b4, acc13_4); }
      if (TN > 20u) { acc13_5 = fma(a13, b5, acc13_5); }
      if (TN > 24u) { acc13_6 = fma(a13, b6, acc13_6); }
      if (TN > 28u) { acc13_7 = fma(a13, b7, acc13_7); }
    }
    if (TM > 14u) {
      let a14 = vec4<f32>(a[ao14]);
      if (TN > 0u) { acc14_0 = fma(a14, b0, acc14_0); }
      if (TN > 4u) { acc14_1 = fma(a14, b1, acc14_1); }
      if (TN > 8u) { acc14_2 = fma(a14, b2, acc14_2); }
      if (TN > 12u) { acc14_3 = fma(a14, b3, acc14_3); }
      if (TN > 16u) { acc14_4 = fma(a14, b4, acc14_4); }
      if (TN > 20u) { acc14_5 = fma(a14, b5, acc14_5); }
      if (TN > 24u) { acc14_6 = fma(a14, b6, acc14_6); }
      if (TN > 28u) { acc14_7 = fma(a14, b7, acc14_7); }
    }
    if (TM > 15u) {
      let a15 = vec4<f32>(a[ao15]);
      if (TN > 0u) { acc15_0 = fma(a15, b0, acc15_0); }
      if (TN > 4u) { acc15_1 = fma(a15, b1, acc15_1); }
      if (TN > 8u) { acc15_2 = fma(a15, b2, acc15_2); }
      if (TN > 12u) { acc15_3 = fma(a15, b3, acc15_3); }
      if (TN > 16u) { acc15_4 = fma(a15, b4, acc15_4); }
      if (TN > 20u) { acc15_5 = fma(a15, b5, acc15_5); }
      if (TN > 24u) { acc15_6 = fma(a15, b6, acc15_6); }
      if (TN > 28u) { acc15_7 = fma(a15, b7, acc15_7); }
    }
    if (TM > 16u) {
      let a16 = vec4<f32>(a[ao16]);
      if (TN > 0u) { acc16_0 = fma(a16, b0, acc16_0); }
      if (TN > 4u) { acc16_1 = fma(a16, b1, acc16_1); }
      if (TN > 8u) { acc16_2 = fma(a16, b2, acc16_2); }
      if (TN > 12u) { acc16_3 = fma(a16, b3, acc16_3); }
      if (TN > 16u) { acc16_4 = fma(a16, b4, acc16_4); }
      if (TN > 20u) { acc16_5 = fma(a16, b5, acc16_5); }
      if (TN > 24u) { acc16_6 = fma(a16, b6, acc16_6); }
      if (TN > 28u) { acc16_7 = fma(a16, b7, acc16_7); }
    }
    if (TM > 17u) {
      let a17 = vec4<f32>(a[ao17]);
      if (TN > 0u) { acc17_0 = fma(a17, b0, acc17_0); }
      if (TN > 4u) { acc17_1 = fma(a17, b1, acc17_1); }
      if (TN > 8u) { acc17_2 = fma(a17, b2, acc17_2); }
      if (TN > 12u) { acc17_3 = fma(a17, b3, acc17_3); }
      if (TN > 16u) { acc17_4 = fma(a17, b4, acc17_4); }
      if (TN > 20u) { acc17_5 = fma(a17, b5, acc17_5); }
      if (TN > 24u) { acc17_6 = fma(a17, b6, acc17_6); }
      if (TN > 28u) { acc17_7 = fma(a17, b7, acc17_7); }
    }
    if (TM > 18u) {
      let a18 = vec4<f32>(a[ao18]);
      if (TN > 0u) { acc18_0 = fma(a18, b0, acc18_0); }
      if (TN > 4u) { acc18_1 = fma(a18, b1, acc18_1); }
      if (TN > 8u) { acc18_2 = fma(a18, b2, acc18_2); }
      if (TN > 12u) { acc18_3 = fma(a18, b3, acc18_3); }
      if (TN > 16u) { acc18_4 = fma(a18, b4, acc18_4); }
      if (TN > 20u) { acc18_5 = fma(a18, b5, acc18_5); }
      if (TN > 24u) { acc18_6 = fma(a18, b6, acc18_6); }
      if (TN > 28u) { acc18_7 = fma(a18, b7, acc18_7); }
    }
    if (TM > 19u) {
      let a19 = vec4<f32>(a[ao19]);
      if (TN > 0u) { acc19_0 = fma(a19, b0, acc19_0); }
      if (TN > 4u) { acc19_1 = fma(a19, b1, acc19_1); }
      if (TN > 8u) { acc19_2 = fma(a19, b2, acc19_2); }
      if (TN > 12u) { acc19_3 = fma(a19, b3, acc19_3); }
      if (TN > 16u) { acc19_4 = fma(a19, b4, acc19_4); }
      if (TN > 20u) { acc19_5 = fma(a19, b5, acc19_5); }
      if (TN > 24u) { acc19_6 = fma(a19, b6, acc19_6); }
      if (TN > 28u) { acc19_7 = fma(a19, b7, acc19_7); }
    }
    if (TM > 20u) {
      let a20 = vec4<f32>(a[ao20]);
      if (TN > 0u) { acc20_0 = fma(a20, b0, acc20_0); }
      if (TN > 4u) { acc20_1 = fma(a20, b1, acc20_1); }
      if (TN > 8u) { acc20_2 = fma(a20, b2, acc20_2); }
      if (TN > 12u) { acc20_3 = fma(a20, b3, acc20_3); }
      if (TN > 16u) { acc20_4 = fma(a20, b4, acc20_4); }
      if (TN > 20u) { acc20_5 = fma(a20, b5, acc20_5); }
      if (TN > 24u) { acc20_6 = fma(a20, b6, acc20_6); }
      if (TN > 28u) { acc20_7 = fma(a20, b7, acc20_7); }
    }
    if (TM > 21u) {
      let a21 = vec4<f32>(a[ao21]);
      if (TN > 0u) { acc21_0 = fma(a21, b0, acc21_0); }
      if (TN > 4u) { acc21_1 = fma(a21, b1, acc21_1); }
      if (TN > 8u) { acc21_2 = fma(a21, b2, acc21_2); }
      if (TN > 12u) { acc21_3 = fma(a21, b3, acc21_3); }
      if (TN > 16u) { acc21_4 = fma(a21, b4, acc21_4); }
      if (TN > 20u) { acc21_5 = fma(a21, b5, acc21_5); }
      if (TN > 24u) { acc21_6 = fma(a21, b6, acc21_6); }
      if (TN > 28u) { acc21_7 = fma(a21, b7, acc21_7); }
    }
    if (TM > 22u) {
      let a22 = vec4<f32>(a[ao22]);
      if (TN > 0u) { acc22_0 = fma(a22, b0, acc22_0); }
      if (TN > 4u) { acc22_1 = fma(a22, b1, acc22_1); }
      if (TN > 8u) { acc22_2 = fma(a22, b2, acc22_2); }
      if (TN > 12u) { acc22_3 = fma(a22, b3, acc22_3); }
      if (TN > 16u) { acc22_4 = fma(a22, b4, acc22_4); }
      if (TN > 20u) { acc22_5 = fma(a22, b5, acc22_5); }
      if (TN > 24u) { acc22_6 = fma(a22, b6, acc22_6); }
      if (TN > 28u) { acc22_7 = fma(a22, b7, acc22_7); }
    }
    if (TM > 23u) {
      let a23 = vec4<f32>(a[ao23]);
      if (TN > 0u) { acc23_0 = fma(a23, b0, acc23_0); }
      if (TN > 4u) { acc23_1 = fma(a23, b1, acc23_1); }
      if (TN > 8u) { acc23_2 = fma(a23, b2, acc23_2); }
      if (TN > 12u) { acc23_3 = fma(a23, b3, acc23_3); }
      if (TN > 16u) { acc23_4 = fma(a23, b4, acc23_4); }
      if (TN > 20u) { acc23_5 = fma(a23, b5, acc23_5); }
      if (TN > 24u) { acc23_6 = fma(a23, b6, acc23_6); }
      if (TN > 28u) { acc23_7 = fma(a23, b7, acc23_7); }
    }
    if (TM > 24u) {
      let a24 = vec4<f32>(a[ao24]);
      if (TN > 0u) { acc24_0 = fma(a24, b0, acc24_0); }
      if (TN > 4u) { acc24_1 = fma(a24, b1, acc24_1); }
      if (TN > 8u) { acc24_2 = fma(a24, b2, acc24_2); }
      if (TN > 12u) { acc24_3 = fma(a24, b3, acc24_3); }
      if (TN > 16u) { acc24_4 = fma(a24, b4, acc24_4); }
      if (TN > 20u) { acc24_5 = fma(a24, b5, acc24_5); }
      if (TN > 24u) { acc24_6 = fma(a24, b6, acc24_6); }
      if (TN > 28u) { acc24_7 = fma(a24, b7, acc24_7); }
    }
    if (TM > 25u) {
      let a25 = vec4<f32>(a[ao25]);
      if (TN > 0u) { acc25_0 = fma(a25, b0, acc25_0); }
      if (TN > 4u) { acc25_1 = fma(a25, b1, acc25_1); }
      if (TN > 8u) { acc25_2 = fma(a25, b2, acc25_2); }
      if (TN > 12u) { acc25_3 = fma(a25, b3, acc25_3); }
      if (TN > 16u) { acc25_4 = fma(a25, b4, acc25_4); }
      if (TN > 20u) { acc25_5 = fma(a25, b5, acc25_5); }
      if (TN > 24u) { acc25_6 = fma(a25, b6, acc25_6); }
      if (TN > 28u) { acc25_7 = fma(a25, b7, acc25_7); }
    }
    if (TM > 26u) {
      let a26 = vec4<f32>(a[ao26]);
      if (TN > 0u) { acc26_0 = fma(a26, b0, acc26_0); }
      if (TN > 4u) { acc26_1 = fma(a26, b1, acc26_1); }
      if (TN > 8u) { acc26_2 = fma(a26, b2, acc26_2); }
      if (TN > 12u) { acc26_3 = fma(a26, b3, acc26_3); }
      if (TN > 16u) { acc26_4 = fma(a26, b4, acc26_4); }
      if (TN > 20u) { acc26_5 = fma(a26, b5, acc26_5); }
      if (TN > 24u) { acc26_6 = fma(a26, b6, acc26_6); }
      if (TN > 28u) { acc26_7 = fma(a26, b7, acc26_7); }
    }
    if (TM > 27u) {
      let a27 = vec4<f32>(a[ao27]);
      if (TN > 0u) { acc27_0 = fma(a27, b0, acc27_0); }
      if (TN > 4u) { acc27_1 = fma(a27, b1, acc27_1); }
      if (TN > 8u) { acc27_2 = fma(a27, b2, acc27_2); }
      if (TN > 12u) { acc27_3 = fma(a27, b3, acc27_3); }
      if (TN > 16u) { acc27_4 = fma(a27, b4, acc27_4); }
      if (TN > 20u) { acc27_5 = fma(a27, b5, acc27_5); }
      if (TN > 24u) { acc27_6 = fma(a27, b6, acc27_6); }
      if (TN > 28u) { acc27_7 = fma(a27, b7, acc27_7); }
    }
    if (TM > 28u) {
      let a28 = vec4<f32>(a[ao28]);
      if (TN > 0u) { acc28_0 = fma(a28, b0, acc28_0); }
      if (TN > 4u) { acc28_1 = fma(a28, b1, acc28_1); }
      if (TN > 8u) { acc28_2 = fma(a28, b2, acc28_2); }
      if (TN > 12u) { acc28_3 = fma(a28, b3, acc28_3); }
      if (TN > 16u) { acc28_4 = fma(a28, b4, acc28_4); }
      if (TN > 20u) { acc28_5 = fma(a28, b5, acc28_5); }
      if (TN > 24u) { acc28_6 = fma(a28, b6, acc28_6); }
      if (TN > 28u) { acc28_7 = fma(a28, b7, acc28_7); }
    }
    if (TM > 29u) {
      let a29 = vec4<f32>(a[ao29]);
      if (TN > 0u) { acc29_0 = fma(a29, b0, acc29_0); }
      if (TN > 4u) { acc29_1 = fma(a29, b1, acc29_1); }
      if (TN > 8u) { acc29_2 = fma(a29, b2, acc29_2); }
      if (TN > 12u) { acc29_3 = fma(a29, b3, acc29_3); }
      if (TN > 16u) { acc29_4 = fma(a29, b4, acc29_4); }
      if (TN > 20u) { acc29_5 = fma(a29, b5, acc29_5); }
      if (TN > 24u) { acc29_6 = fma(a29, b6, acc29_6); }
      if (TN > 28u) { acc29_7 = fma(a29, b7, acc29_7); }
    }
    if (TM > 30u) {
      let a30 = vec4<f32>(a[ao30]);
      if (TN > 0u) { acc30_0 = fma(a30, b0, acc30_0); }
      if (TN > 4u) { acc30_1 = fma(a30, b1, acc30_1); }
      if (TN > 8u) { acc30_2 = fma(a30, b2, acc30_2); }
      if (TN > 12u) { acc30_3 = fma(a30, b3, acc30_3); }
      if (TN > 16u) { acc30_4 = fma(a30, b4, acc30_4); }
      if (TN > 20u) { acc30_5 = fma(a30, b5, acc30_5); }
      if (TN > 24u) { acc30_6 = fma(a30, b6, acc30_6); }
      if (TN > 28u) { acc30_7 = fma(a30, b7, acc30_7); }
    }
    if (TM > 31u) {
      let a31 = vec4<f32>(a[ao31]);
      if (TN > 0u) { acc31_0 = fma(a31, b0, acc31_0); }
      if (TN > 4u) { acc31_1 = fma(a31, b1, acc31_1); }
      if (TN > 8u) { acc31_2 = fma(a31, b2, acc31_2); }
      if (TN > 12u) { acc31_3 = fma(a31, b3, acc31_3); }
      if (TN > 16u) { acc31_4 = fma(a31, b4, acc31_4); }
      if (TN > 20u) { acc31_5 = fma(a31, b5, acc31_5); }
      if (TN > 24u) { acc31_6 = fma(a31, b6, acc31_6); }
      if (TN > 28u) { acc31_7 = fma(a31, b7, acc31_7); }
    }
    ao0 += aStep;
    ao1 += aStep;
    ao2 += aStep;
    ao3 += aStep;
    ao4 += aStep;
    ao5 += aStep;
    ao6 += aStep;
    ao7 += aStep;
    ao8 += aStep;
    ao9 += aStep;
    ao10 += aStep;
    ao11 += aStep;
    ao12 += aStep;
    ao13 += aStep;
    ao14 += aStep;
    ao15 += aStep;
    ao16 += aStep;
    ao17 += aStep;
    ao18 += aStep;
    ao19 += aStep;
    ao20 += aStep;
    ao21 += aStep;
    ao22 += aStep;
    ao23 += aStep;
    ao24 += aStep;
    ao25 += aStep;
    ao26 += aStep;
    ao27 += aStep;
    ao28 += aStep;
    ao29 += aStep;
    ao30 += aStep;
    ao31 += aStep;
    bo0 += bStep;
    bo1 += bStep;
    bo2 += bStep;
    bo3 += bStep;
    bo4 += bStep;
    bo5 += bStep;
    bo6 += bStep;
    bo7 += bStep;
    bo8 += bStep;
    bo9 += bStep;
    bo10 += bStep;
    bo11 += bStep;
    bo12 += bStep;
    bo13 += bStep;
    bo14 += bStep;
    bo15 += bStep;
    bo16 += bStep;
    bo17 += bStep;
    bo18 += bStep;
    bo19 += bStep;
    bo20 += bStep;
    bo21 += bStep;
    bo22 += bStep;
    bo23 += bStep;
    bo24 += bStep;
    bo25 += bStep;
    bo26 += bStep;
    bo27 += bStep;
    bo28 += bStep;
    bo29 += bStep;
    bo30 += bStep;
    bo31 += bStep;
  }
  let cBase = bi * p.cBatchStride;
  let addBias = (p.flags & 1u) != 0u;
  let accum = (p.flags & 2u) != 0u;
  if (TM > 0u && row0 + 0u < M) {
    let crow = cBase + (row0 + 0u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc0_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc0_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc0_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc0_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc0_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc0_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc0_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc0_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc0_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc0_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc0_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc0_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc0_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc0_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc0_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc0_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc0_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc0_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc0_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc0_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc0_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc0_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc0_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc0_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc0_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc0_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc0_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc0_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc0_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc0_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc0_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc0_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 1u && row0 + 1u < M) {
    let crow = cBase + (row0 + 1u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc1_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc1_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc1_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc1_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc1_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc1_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc1_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc1_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc1_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc1_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc1_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc1_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc1_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc1_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc1_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc1_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc1_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc1_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc1_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc1_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc1_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc1_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc1_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc1_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc1_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc1_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc1_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc1_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc1_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc1_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc1_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc1_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 2u && row0 + 2u < M) {
    let crow = cBase + (row0 + 2u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc2_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc2_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc2_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc2_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc2_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc2_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc2_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc2_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc2_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc2_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc2_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc2_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc2_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc2_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc2_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc2_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc2_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc2_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc2_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc2_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc2_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc2_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc2_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc2_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc2_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc2_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc2_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc2_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc2_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc2_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc2_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc2_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 3u && row0 + 3u < M) {
    let crow = cBase + (row0 + 3u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc3_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc3_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc3_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc3_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc3_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc3_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc3_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc3_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc3_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc3_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc3_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc3_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc3_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc3_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc3_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc3_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc3_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc3_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc3_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc3_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc3_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc3_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc3_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc3_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc3_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc3_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc3_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc3_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc3_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc3_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc3_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc3_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 4u && row0 + 4u < M) {
    let crow = cBase + (row0 + 4u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc4_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc4_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc4_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc4_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc4_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc4_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc4_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc4_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc4_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc4_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc4_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc4_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc4_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc4_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc4_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc4_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc4_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc4_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc4_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc4_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc4_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc4_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc4_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc4_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc4_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc4_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc4_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc4_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc4_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc4_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc4_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc4_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 5u && row0 + 5u < M) {
    let crow = cBase + (row0 + 5u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc5_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc5_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc5_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc5_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc5_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc5_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc5_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc5_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc5_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc5_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc5_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc5_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc5_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc5_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc5_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc5_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc5_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc5_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc5_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc5_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc5_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc5_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc5_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc5_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc5_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc5_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc5_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc5_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc5_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc5_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc5_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc5_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 6u && row0 + 6u < M) {
    let crow = cBase + (row0 + 6u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc6_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc6_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc6_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc6_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc6_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc6_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc6_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc6_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc6_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc6_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc6_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc6_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc6_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc6_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc6_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc6_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc6_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc6_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc6_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc6_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc6_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc6_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc6_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc6_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc6_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc6_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc6_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc6_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc6_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc6_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc6_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc6_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 7u && row0 + 7u < M) {
    let crow = cBase + (row0 + 7u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc7_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc7_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc7_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc7_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc7_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc7_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc7_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc7_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc7_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc7_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc7_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc7_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc7_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc7_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc7_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc7_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc7_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc7_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc7_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc7_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc7_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc7_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc7_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc7_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc7_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc7_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc7_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc7_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc7_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc7_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc7_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc7_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 8u && row0 + 8u < M) {
    let crow = cBase + (row0 + 8u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc8_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc8_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc8_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc8_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc8_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc8_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc8_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc8_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc8_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc8_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc8_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc8_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc8_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc8_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc8_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc8_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc8_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc8_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc8_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc8_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc8_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc8_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc8_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc8_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc8_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc8_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc8_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc8_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc8_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc8_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc8_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc8_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 9u && row0 + 9u < M) {
    let crow = cBase + (row0 + 9u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc9_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc9_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc9_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc9_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc9_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc9_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc9_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc9_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc9_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc9_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc9_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc9_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc9_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc9_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc9_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc9_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc9_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc9_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc9_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc9_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc9_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc9_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc9_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc9_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc9_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc9_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc9_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc9_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc9_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc9_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc9_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc9_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 10u && row0 + 10u < M) {
    let crow = cBase + (row0 + 10u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc10_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc10_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc10_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc10_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc10_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc10_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc10_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc10_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc10_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc10_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc10_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc10_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc10_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc10_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc10_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc10_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc10_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc10_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc10_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc10_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc10_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc10_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc10_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc10_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc10_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc10_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc10_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc10_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc10_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc10_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc10_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc10_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 11u && row0 + 11u < M) {
    let crow = cBase + (row0 + 11u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc11_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc11_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc11_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc11_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc11_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc11_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc11_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc11_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc11_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc11_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc11_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc11_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc11_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc11_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc11_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc11_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc11_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc11_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc11_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc11_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc11_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc11_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc11_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc11_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc11_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc11_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc11_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc11_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc11_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc11_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc11_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc11_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 12u && row0 + 12u < M) {
    let crow = cBase + (row0 + 12u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc12_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc12_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc12_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc12_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc12_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc12_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc12_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc12_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc12_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc12_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc12_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc12_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc12_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc12_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc12_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc12_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc12_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc12_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc12_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc12_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc12_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc12_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc12_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc12_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc12_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc12_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc12_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc12_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc12_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc12_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc12_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc12_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 13u && row0 + 13u < M) {
    let crow = cBase + (row0 + 13u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc13_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc13_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc13_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc13_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc13_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc13_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc13_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc13_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc13_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc13_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc13_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc13_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc13_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc13_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc13_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc13_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc13_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc13_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc13_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc13_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc13_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc13_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc13_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc13_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc13_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc13_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc13_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc13_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc13_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc13_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc13_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc13_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 14u && row0 + 14u < M) {
    let crow = cBase + (row0 + 14u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc14_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc14_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc14_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc14_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc14_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc14_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc14_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc14_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc14_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc14_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc14_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc14_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc14_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc14_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc14_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc14_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc14_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc14_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc14_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc14_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc14_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc14_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc14_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc14_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc14_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc14_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc14_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc14_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc14_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc14_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc14_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc14_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 15u && row0 + 15u < M) {
    let crow = cBase + (row0 + 15u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc15_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc15_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc15_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc15_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc15_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc15_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc15_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc15_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc15_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc15_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc15_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc15_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc15_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc15_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc15_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc15_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc15_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc15_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc15_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc15_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc15_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc15_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc15_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc15_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc15_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc15_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc15_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc15_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc15_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc15_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc15_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc15_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 16u && row0 + 16u < M) {
    let crow = cBase + (row0 + 16u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc16_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc16_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc16_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc16_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc16_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc16_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc16_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc16_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc16_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc16_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc16_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc16_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc16_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc16_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc16_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc16_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc16_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc16_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc16_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc16_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc16_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc16_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc16_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc16_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc16_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc16_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc16_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc16_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc16_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc16_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc16_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc16_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 17u && row0 + 17u < M) {
    let crow = cBase + (row0 + 17u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc17_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc17_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc17_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc17_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc17_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc17_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc17_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc17_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc17_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc17_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc17_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc17_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc17_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc17_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc17_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc17_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc17_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc17_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc17_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc17_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc17_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc17_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc17_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc17_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc17_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc17_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc17_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc17_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc17_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc17_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc17_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc17_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 18u && row0 + 18u < M) {
    let crow = cBase + (row0 + 18u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc18_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc18_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc18_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc18_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc18_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc18_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc18_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc18_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc18_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc18_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc18_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc18_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc18_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc18_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc18_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc18_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc18_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc18_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc18_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc18_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc18_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc18_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc18_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc18_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc18_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc18_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc18_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc18_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc18_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc18_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc18_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc18_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 19u && row0 + 19u < M) {
    let crow = cBase + (row0 + 19u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc19_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc19_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc19_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc19_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc19_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc19_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc19_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc19_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc19_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc19_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc19_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc19_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc19_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc19_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc19_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc19_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc19_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc19_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc19_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc19_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc19_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc19_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc19_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc19_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc19_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc19_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc19_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc19_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc19_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc19_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc19_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc19_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 20u && row0 + 20u < M) {
    let crow = cBase + (row0 + 20u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc20_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc20_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc20_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc20_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc20_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc20_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc20_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc20_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc20_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc20_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc20_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc20_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc20_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc20_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc20_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc20_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc20_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc20_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc20_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc20_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc20_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc20_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc20_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc20_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc20_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc20_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc20_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc20_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc20_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc20_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc20_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc20_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 21u && row0 + 21u < M) {
    let crow = cBase + (row0 + 21u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc21_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc21_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc21_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc21_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc21_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc21_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc21_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc21_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc21_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc21_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc21_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc21_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc21_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc21_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc21_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc21_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc21_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc21_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc21_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc21_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc21_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc21_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc21_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc21_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc21_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc21_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc21_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc21_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc21_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc21_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc21_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc21_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 22u && row0 + 22u < M) {
    let crow = cBase + (row0 + 22u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc22_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc22_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc22_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc22_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc22_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc22_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc22_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc22_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc22_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc22_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc22_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc22_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc22_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc22_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc22_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc22_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc22_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc22_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc22_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc22_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc22_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc22_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc22_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc22_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc22_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc22_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc22_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc22_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc22_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc22_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc22_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc22_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 23u && row0 + 23u < M) {
    let crow = cBase + (row0 + 23u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc23_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc23_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc23_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc23_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc23_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc23_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc23_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc23_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc23_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc23_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc23_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc23_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc23_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc23_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc23_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc23_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc23_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc23_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc23_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc23_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc23_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc23_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc23_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc23_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc23_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc23_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc23_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc23_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc23_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc23_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc23_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc23_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 24u && row0 + 24u < M) {
    let crow = cBase + (row0 + 24u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc24_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc24_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc24_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc24_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc24_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc24_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc24_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc24_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc24_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc24_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc24_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc24_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc24_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc24_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc24_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc24_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc24_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc24_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc24_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc24_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc24_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc24_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc24_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc24_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc24_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc24_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc24_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc24_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc24_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc24_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc24_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc24_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 25u && row0 + 25u < M) {
    let crow = cBase + (row0 + 25u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc25_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc25_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc25_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc25_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc25_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc25_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc25_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc25_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc25_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc25_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc25_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc25_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc25_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc25_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc25_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc25_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc25_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc25_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc25_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc25_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc25_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc25_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc25_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc25_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc25_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc25_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc25_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc25_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc25_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc25_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc25_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc25_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 26u && row0 + 26u < M) {
    let crow = cBase + (row0 + 26u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc26_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc26_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc26_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc26_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc26_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc26_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc26_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc26_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc26_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc26_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc26_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc26_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc26_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc26_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc26_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc26_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc26_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc26_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc26_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc26_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc26_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc26_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc26_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc26_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc26_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc26_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc26_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc26_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc26_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc26_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc26_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc26_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 27u && row0 + 27u < M) {
    let crow = cBase + (row0 + 27u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc27_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc27_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc27_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc27_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc27_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc27_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc27_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc27_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc27_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc27_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc27_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc27_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc27_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc27_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc27_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc27_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc27_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc27_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc27_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc27_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc27_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc27_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc27_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc27_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc27_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc27_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc27_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc27_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc27_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc27_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc27_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc27_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 28u && row0 + 28u < M) {
    let crow = cBase + (row0 + 28u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc28_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc28_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc28_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc28_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc28_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc28_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc28_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc28_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc28_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc28_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc28_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc28_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc28_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc28_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc28_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc28_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc28_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc28_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc28_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc28_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc28_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc28_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc28_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc28_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc28_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc28_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc28_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc28_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc28_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc28_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc28_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc28_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 29u && row0 + 29u < M) {
    let crow = cBase + (row0 + 29u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc29_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc29_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc29_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc29_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc29_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc29_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc29_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc29_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc29_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc29_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc29_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc29_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc29_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc29_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc29_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc29_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc29_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc29_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc29_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc29_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc29_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc29_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc29_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc29_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc29_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc29_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc29_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc29_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc29_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc29_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc29_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc29_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 30u && row0 + 30u < M) {
    let crow = cBase + (row0 + 30u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc30_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc30_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc30_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc30_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc30_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc30_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc30_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc30_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc30_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc30_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc30_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc30_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc30_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc30_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc30_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc30_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc30_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc30_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc30_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc30_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc30_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc30_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc30_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc30_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc30_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc30_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc30_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc30_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc30_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc30_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc30_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc30_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
  if (TM > 31u && row0 + 31u < M) {
    let crow = cBase + (row0 + 31u) * N + col0;
    if (TN > 0u && col0 + 0u < N) { var v = acc31_0[0]; if (addBias) { v += bias[col0 + 0u]; } if (accum) { v += c[crow + 0u]; } c[crow + 0u] = v; }
    if (TN > 1u && col0 + 1u < N) { var v = acc31_0[1]; if (addBias) { v += bias[col0 + 1u]; } if (accum) { v += c[crow + 1u]; } c[crow + 1u] = v; }
    if (TN > 2u && col0 + 2u < N) { var v = acc31_0[2]; if (addBias) { v += bias[col0 + 2u]; } if (accum) { v += c[crow + 2u]; } c[crow + 2u] = v; }
    if (TN > 3u && col0 + 3u < N) { var v = acc31_0[3]; if (addBias) { v += bias[col0 + 3u]; } if (accum) { v += c[crow + 3u]; } c[crow + 3u] = v; }
    if (TN > 4u && col0 + 4u < N) { var v = acc31_1[0]; if (addBias) { v += bias[col0 + 4u]; } if (accum) { v += c[crow + 4u]; } c[crow + 4u] = v; }
    if (TN > 5u && col0 + 5u < N) { var v = acc31_1[1]; if (addBias) { v += bias[col0 + 5u]; } if (accum) { v += c[crow + 5u]; } c[crow + 5u] = v; }
    if (TN > 6u && col0 + 6u < N) { var v = acc31_1[2]; if (addBias) { v += bias[col0 + 6u]; } if (accum) { v += c[crow + 6u]; } c[crow + 6u] = v; }
    if (TN > 7u && col0 + 7u < N) { var v = acc31_1[3]; if (addBias) { v += bias[col0 + 7u]; } if (accum) { v += c[crow + 7u]; } c[crow + 7u] = v; }
    if (TN > 8u && col0 + 8u < N) { var v = acc31_2[0]; if (addBias) { v += bias[col0 + 8u]; } if (accum) { v += c[crow + 8u]; } c[crow + 8u] = v; }
    if (TN > 9u && col0 + 9u < N) { var v = acc31_2[1]; if (addBias) { v += bias[col0 + 9u]; } if (accum) { v += c[crow + 9u]; } c[crow + 9u] = v; }
    if (TN > 10u && col0 + 10u < N) { var v = acc31_2[2]; if (addBias) { v += bias[col0 + 10u]; } if (accum) { v += c[crow + 10u]; } c[crow + 10u] = v; }
    if (TN > 11u && col0 + 11u < N) { var v = acc31_2[3]; if (addBias) { v += bias[col0 + 11u]; } if (accum) { v += c[crow + 11u]; } c[crow + 11u] = v; }
    if (TN > 12u && col0 + 12u < N) { var v = acc31_3[0]; if (addBias) { v += bias[col0 + 12u]; } if (accum) { v += c[crow + 12u]; } c[crow + 12u] = v; }
    if (TN > 13u && col0 + 13u < N) { var v = acc31_3[1]; if (addBias) { v += bias[col0 + 13u]; } if (accum) { v += c[crow + 13u]; } c[crow + 13u] = v; }
    if (TN > 14u && col0 + 14u < N) { var v = acc31_3[2]; if (addBias) { v += bias[col0 + 14u]; } if (accum) { v += c[crow + 14u]; } c[crow + 14u] = v; }
    if (TN > 15u && col0 + 15u < N) { var v = acc31_3[3]; if (addBias) { v += bias[col0 + 15u]; } if (accum) { v += c[crow + 15u]; } c[crow + 15u] = v; }
    if (TN > 16u && col0 + 16u < N) { var v = acc31_4[0]; if (addBias) { v += bias[col0 + 16u]; } if (accum) { v += c[crow + 16u]; } c[crow + 16u] = v; }
    if (TN > 17u && col0 + 17u < N) { var v = acc31_4[1]; if (addBias) { v += bias[col0 + 17u]; } if (accum) { v += c[crow + 17u]; } c[crow + 17u] = v; }
    if (TN > 18u && col0 + 18u < N) { var v = acc31_4[2]; if (addBias) { v += bias[col0 + 18u]; } if (accum) { v += c[crow + 18u]; } c[crow + 18u] = v; }
    if (TN > 19u && col0 + 19u < N) { var v = acc31_4[3]; if (addBias) { v += bias[col0 + 19u]; } if (accum) { v += c[crow + 19u]; } c[crow + 19u] = v; }
    if (TN > 20u && col0 + 20u < N) { var v = acc31_5[0]; if (addBias) { v += bias[col0 + 20u]; } if (accum) { v += c[crow + 20u]; } c[crow + 20u] = v; }
    if (TN > 21u && col0 + 21u < N) { var v = acc31_5[1]; if (addBias) { v += bias[col0 + 21u]; } if (accum) { v += c[crow + 21u]; } c[crow + 21u] = v; }
    if (TN > 22u && col0 + 22u < N) { var v = acc31_5[2]; if (addBias) { v += bias[col0 + 22u]; } if (accum) { v += c[crow + 22u]; } c[crow + 22u] = v; }
    if (TN > 23u && col0 + 23u < N) { var v = acc31_5[3]; if (addBias) { v += bias[col0 + 23u]; } if (accum) { v += c[crow + 23u]; } c[crow + 23u] = v; }
    if (TN > 24u && col0 + 24u < N) { var v = acc31_6[0]; if (addBias) { v += bias[col0 + 24u]; } if (accum) { v += c[crow + 24u]; } c[crow + 24u] = v; }
    if (TN > 25u && col0 + 25u < N) { var v = acc31_6[1]; if (addBias) { v += bias[col0 + 25u]; } if (accum) { v += c[crow + 25u]; } c[crow + 25u] = v; }
    if (TN > 26u && col0 + 26u < N) { var v = acc31_6[2]; if (addBias) { v += bias[col0 + 26u]; } if (accum) { v += c[crow + 26u]; } c[crow + 26u] = v; }
    if (TN > 27u && col0 + 27u < N) { var v = acc31_6[3]; if (addBias) { v += bias[col0 + 27u]; } if (accum) { v += c[crow + 27u]; } c[crow + 27u] = v; }
    if (TN > 28u && col0 + 28u < N) { var v = acc31_7[0]; if (addBias) { v += bias[col0 + 28u]; } if (accum) { v += c[crow + 28u]; } c[crow + 28u] = v; }
    if (TN > 29u && col0 + 29u < N) { var v = acc31_7[1]; if (addBias) { v += bias[col0 + 29u]; } if (accum) { v += c[crow + 29u]; } c[crow + 29u] = v; }
    if (TN > 30u && col0 + 30u < N) { var v = acc31_7[2]; if (addBias) { v += bias[col0 + 30u]; } if (accum) { v += c[crow + 30u]; } c[crow + 30u] = v; }
    if (TN > 31u && col0 + 31u < N) { var v = acc31_7[3]; if (addBias) { v += bias[col0 + 31u]; } if (accum) { v += c[crow + 31u]; } c[crow + 31u] = v; }
  }
}

// ---------------------------------------------------------------------------------------------
// forward_tiled: the classic workgroup-memory tiling for real GPUs, where a workgroup's threads
// share each loaded tile through fast on-chip memory: a 16×16 workgroup computes a 64×64 block
// of C, each invocation a 4×4 register tile, stepping K by 16. Each element of A and B is loaded
// from device memory once per workgroup instead of once per invocation (16× fewer loads than
// naive). On llvmpipe this loses (barriers and per-lane shared loads, see the header), so
// matmul.ts picks it only for adapters that are not llvmpipe.
// Dispatch: (ceil(N / 64), ceil(M / 64), batch) workgroups of 16×16.

const TILE_MN = 64u;
const TILE_K = 16u;
var<workgroup> tileA: array<array<f32, 64>, 16>; // [k][m]
var<workgroup> tileB: array<array<f32, 64>, 16>; // [k][n]

fn loadA(base: u32, i: u32, k: u32) -> f32 {
  if (i >= p.M || k >= p.K) { return 0.0; }
  return a[base + select(i * p.K + k, k * p.M + i, TRANS_A)];
}

fn loadB(base: u32, k: u32, j: u32) -> f32 {
  if (j >= p.N || k >= p.K) { return 0.0; }
  return b[base + select(k * p.N + j, j * p.K + k, TRANS_B)];
}

@compute @workgroup_size(16, 16)
fn forward_tiled(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let bi = wid.z;
  let aBase = bi * p.aBatchStride;
  let bBase = bi * p.bBatchStride;
  let row0 = wid.y * TILE_MN;
  let col0 = wid.x * TILE_MN;
  let t = lid.y * 16u + lid.x; // 0..255
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < p.K; k0 += TILE_K) {
    // 256 invocations load the 16×64 tiles of A and B, 4 elements each.
    for (var e = 0u; e < 4u; e++) {
      let flat = t * 4u + e;        // 0..1023
      let kk = flat / TILE_MN;      // 0..15
      let mm = flat % TILE_MN;      // 0..63
      tileA[kk][mm] = loadA(aBase, row0 + mm, k0 + kk);
      tileB[kk][mm] = loadB(bBase, k0 + kk, col0 + mm);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var r = 0u; r < 4u; r++) {
        av[r] = tileA[kk][lid.y * 4u + r];
        bv[r] = tileB[kk][lid.x * 4u + r];
      }
      for (var r = 0u; r < 4u; r++) {
        for (var s = 0u; s < 4u; s++) { acc[r][s] += av[r] * bv[s]; }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let i = row0 + lid.y * 4u + r;
    if (i >= p.M) { continue; }
    for (var s = 0u; s < 4u; s++) {
      let j = col0 + lid.x * 4u + s;
      if (j >= p.N) { continue; }
      let o = bi * p.cBatchStride + i * p.N + j;
      var v = acc[r][s];
      if ((p.flags & 1u) != 0u) { v += bias[j]; }
      if ((p.flags & 2u) != 0u) { v += c[o]; }
      c[o] = v;
    }
  }
}
