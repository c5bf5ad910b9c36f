// General batched matmul  C[bi] = op(A[bi]) · op(B[bi]) (+ bias[j]) (+ C[bi])  — tuned for llvmpipe.
//
// Dispatch geometry (TM, TN, WG are the override constants below, defaults 16, 16, 8):
//   tiles  = ceil(M / TM) * ceil(N / TN)          (one TM×TN output tile per invocation)
//   groups = ceil(tiles / WG)
//   dispatchWorkgroups(x = min(groups, 65535), y = ceil(groups / x), z = batch)
// Invocation g = (wid.y * x + wid.x) * WG + local_index owns tile g (tile column fastest);
// invocations with g >= tiles exit.  Constraints: 1 <= TM <= 16, TN in {4, 8, 12, 16}.
//
// Why this shape (measured with bench/matmul_probe.ts on llvmpipe, 2 cores): llvmpipe runs the
// invocations of a workgroup as 8-wide SIMD lanes, and every storage load whose address is not a
// compile-time constant becomes a per-lane scalar loop (one branchy scalar load + insert per lane),
// so the cost is ~ (number of f32 loads per invocation); FMAs are almost free.  A TM×TN register
// tile loads TM + TN values per k for 2·TM·TN flops, so big tiles win: 8×8 ≈ 1.9 GFLOP/s at 1024³,
// 16×16 ≈ 3.2.  Workgroup memory + barriers are slower (coroutine switches, and shared loads are
// per-lane loops too).  The source is fully unrolled (every row/column has its own variables) so
// that the accumulators stay in registers; rows/columns beyond TM/TN are removed by constant folding
// once the overrides are known.

struct Params { M: u32, N: u32, K: u32, batch: u32, aBatchStride: u32, bBatchStride: u32, cBatchStride: u32, flags: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override WG: u32 = 8;
override TM: u32 = 16u;
override TN: u32 = 16u;

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
  var acc0_0 = vec4<f32>();
  var acc0_1 = vec4<f32>();
  var acc0_2 = vec4<f32>();
  var acc0_3 = vec4<f32>();
  var acc1_0 = vec4<f32>();
  var acc1_1 = vec4<f32>();
  var acc1_2 = vec4<f32>();
  var acc1_3 = vec4<f32>();
  var acc2_0 = vec4<f32>();
  var acc2_1 = vec4<f32>();
  var acc2_2 = vec4<f32>();
  var acc2_3 = vec4<f32>();
  var acc3_0 = vec4<f32>();
  var acc3_1 = vec4<f32>();
  var acc3_2 = vec4<f32>();
  var acc3_3 = vec4<f32>();
  var acc4_0 = vec4<f32>();
  var acc4_1 = vec4<f32>();
  var acc4_2 = vec4<f32>();
  var acc4_3 = vec4<f32>();
  var acc5_0 = vec4<f32>();
  var acc5_1 = vec4<f32>();
  var acc5_2 = vec4<f32>();
  var acc5_3 = vec4<f32>();
  var acc6_0 = vec4<f32>();
  var acc6_1 = vec4<f32>();
  var acc6_2 = vec4<f32>();
  var acc6_3 = vec4<f32>();
  var acc7_0 = vec4<f32>();
  var acc7_1 = vec4<f32>();
  var acc7_2 = vec4<f32>();
  var acc7_3 = vec4<f32>();
  var acc8_0 = vec4<f32>();
  var acc8_1 = vec4<f32>();
  var acc8_2 = vec4<f32>();
  var acc8_3 = vec4<f32>();
  var acc9_0 = vec4<f32>();
  var acc9_1 = vec4<f32>();
  var acc9_2 = vec4<f32>();
  var acc9_3 = vec4<f32>();
  var acc10_0 = vec4<f32>();
  var acc10_1 = vec4<f32>();
  var acc10_2 = vec4<f32>();
  var acc10_3 = vec4<f32>();
  var acc11_0 = vec4<f32>();
  var acc11_1 = vec4<f32>();
  var acc11_2 = vec4<f32>();
  var acc11_3 = vec4<f32>();
  var acc12_0 = vec4<f32>();
  var acc12_1 = vec4<f32>();
  var acc12_2 = vec4<f32>();
  var acc12_3 = vec4<f32>();
  var acc13_0 = vec4<f32>();
  var acc13_1 = vec4<f32>();
  var acc13_2 = vec4<f32>();
  var acc13_3 = vec4<f32>();
  var acc14_0 = vec4<f32>();
  var acc14_1 = vec4<f32>();
  var acc14_2 = vec4<f32>();
  var acc14_3 = vec4<f32>();
  var acc15_0 = vec4<f32>();
  var acc15_1 = vec4<f32>();
  var acc15_2 = vec4<f32>();
  var acc15_3 = vec4<f32>();
  for (var k = 0u; k < K; k++) {
    var b0 = vec4<f32>();
    if (TN > 0u) { b0 = vec4<f32>(b[bo0], b[bo1], b[bo2], b[bo3]); }
    var b1 = vec4<f32>();
    if (TN > 4u) { b1 = vec4<f32>(b[bo4], b[bo5], b[bo6], b[bo7]); }
    var b2 = vec4<f32>();
    if (TN > 8u) { b2 = vec4<f32>(b[bo8], b[bo9], b[bo10], b[bo11]); }
    var b3 = vec4<f32>();
    if (TN > 12u) { b3 = vec4<f32>(b[bo12], b[bo13], b[bo14], b[bo15]); }
    if (TM > 0u) {
      let a0 = vec4<f32>(a[ao0]);
      if (TN > 0u) { acc0_0 = fma(a0, b0, acc0_0); }
      if (TN > 4u) { acc0_1 = fma(a0, b1, acc0_1); }
      if (TN > 8u) { acc0_2 = fma(a0, b2, acc0_2); }
      if (TN > 12u) { acc0_3 = fma(a0, b3, acc0_3); }
    }
    if (TM > 1u) {
      let a1 = vec4<f32>(a[ao1]);
      if (TN > 0u) { acc1_0 = fma(a1, b0, acc1_0); }
      if (TN > 4u) { acc1_1 = fma(a1, b1, acc1_1); }
      if (TN > 8u) { acc1_2 = fma(a1, b2, acc1_2); }
      if (TN > 12u) { acc1_3 = fma(a1, b3, acc1_3); }
    }
    if (TM > 2u) {
      let a2 = vec4<f32>(a[ao2]);
      if (TN > 0u) { acc2_0 = fma(a2, b0, acc2_0); }
      if (TN > 4u) { acc2_1 = fma(a2, b1, acc2_1); }
      if (TN > 8u) { acc2_2 = fma(a2, b2, acc2_2); }
      if (TN > 12u) { acc2_3 = fma(a2, b3, acc2_3); }
    }
    if (TM > 3u) {
      let a3 = vec4<f32>(a[ao3]);
      if (TN > 0u) { acc3_0 = fma(a3, b0, acc3_0); }
      if (TN > 4u) { acc3_1 = fma(a3, b1, acc3_1); }
      if (TN > 8u) { acc3_2 = fma(a3, b2, acc3_2); }
      if (TN > 12u) { acc3_3 = fma(a3, b3, acc3_3); }
    }
    if (TM > 4u) {
      let a4 = vec4<f32>(a[ao4]);
      if (TN > 0u) { acc4_0 = fma(a4, b0, acc4_0); }
      if (TN > 4u) { acc4_1 = fma(a4, b1, acc4_1); }
      if (TN > 8u) { acc4_2 = fma(a4, b2, acc4_2); }
      if (TN > 12u) { acc4_3 = fma(a4, b3, acc4_3); }
    }
    if (TM > 5u) {
      let a5 = vec4<f32>(a[ao5]);
      if (TN > 0u) { acc5_0 = fma(a5, b0, acc5_0); }
      if (TN > 4u) { acc5_1 = fma(a5, b1, acc5_1); }
      if (TN > 8u) { acc5_2 = fma(a5, b2, acc5_2); }
      if (TN > 12u) { acc5_3 = fma(a5, b3, acc5_3); }
    }
    if (TM > 6u) {
      let a6 = vec4<f32>(a[ao6]);
      if (TN > 0u) { acc6_0 = fma(a6, b0, acc6_0); }
      if (TN > 4u) { acc6_1 = fma(a6, b1, acc6_1); }
      if (TN > 8u) { acc6_2 = fma(a6, b2, acc6_2); }
      if (TN > 12u) { acc6_3 = fma(a6, b3, acc6_3); }
    }
    if (TM > 7u) {
      let a7 = vec4<f32>(a[ao7]);
      if (TN > 0u) { acc7_0 = fma(a7, b0, acc7_0); }
      if (TN > 4u) { acc7_1 = fma(a7, b1, acc7_1); }
      if (TN > 8u) { acc7_2 = fma(a7, b2, acc7_2); }
      if (TN > 12u) { acc7_3 = fma(a7, b3, acc7_3); }
    }
    if (TM > 8u) {
      let a8 = vec4<f32>(a[ao8]);
      if (TN > 0u) { acc8_0 = fma(a8, b0, acc8_0); }
      if (TN > 4u) { acc8_1 = fma(a8, b1, acc8_1); }
      if (TN > 8u) { acc8_2 = fma(a8, b2, acc8_2); }
      if (TN > 12u) { acc8_3 = fma(a8, b3, acc8_3); }
    }
    if (TM > 9u) {
      let a9 = vec4<f32>(a[ao9]);
      if (TN > 0u) { acc9_0 = fma(a9, b0, acc9_0); }
      if (TN > 4u) { acc9_1 = fma(a9, b1, acc9_1); }
      if (TN > 8u) { acc9_2 = fma(a9, b2, acc9_2); }
      if (TN > 12u) { acc9_3 = fma(a9, b3, acc9_3); }
    }
    if (TM > 10u) {
      let a10 = vec4<f32>(a[ao10]);
      if (TN > 0u) { acc10_0 = fma(a10, b0, acc10_0); }
      if (TN > 4u) { acc10_1 = fma(a10, b1, acc10_1); }
      if (TN > 8u) { acc10_2 = fma(a10, b2, acc10_2); }
      if (TN > 12u) { acc10_3 = fma(a10, b3, acc10_3); }
    }
    if (TM > 11u) {
      let a11 = vec4<f32>(a[ao11]);
      if (TN > 0u) { acc11_0 = fma(a11, b0, acc11_0); }
      if (TN > 4u) { acc11_1 = fma(a11, b1, acc11_1); }
      if (TN > 8u) { acc11_2 = fma(a11, b2, acc11_2); }
      if (TN > 12u) { acc11_3 = fma(a11, b3, acc11_3); }
    }
    if (TM > 12u) {
      let a12 = vec4<f32>(a[ao12]);
      if (TN > 0u) { acc12_0 = fma(a12, b0, acc12_0); }
      if (TN > 4u) { acc12_1 = fma(a12, b1, acc12_1); }
      if (TN > 8u) { acc12_2 = fma(a12, b2, acc12_2); }
      if (TN > 12u) { acc12_3 = fma(a12, b3, acc12_3); }
    }
    if (TM > 13u) {
      let a13 = vec4<f32>(a[ao13]);
      if (TN > 0u) { acc13_0 = fma(a13, b0, acc13_0); }
      if (TN > 4u) { acc13_1 = fma(a13, b1, acc13_1); }
      if (TN > 8u) { acc13_2 = fma(a13, b2, acc13_2); }
      if (TN > 12u) { acc13_3 = fma(a13, b3, acc13_3); }
    }
    if (TM > 14u) {
      let a14 = vec4<f32>(a[ao14]);
      if (TN > 0u) { acc14_0 = fma(a14, b0, acc14_0); }
      if (TN > 4u) { acc14_1 = fma(a14, b1, acc14_1); }
      if (TN > 8u) { acc14_2 = fma(a14, b2, acc14_2); }
      if (TN > 12u) { acc14_3 = fma(a14, b3, acc14_3); }
    }
    if (TM > 15u) {
      let a15 = vec4<f32>(a[ao15]);
      if (TN > 0u) { acc15_0 = fma(a15, b0, acc15_0); }
      if (TN > 4u) { acc15_1 = fma(a15, b1, acc15_1); }
      if (TN > 8u) { acc15_2 = fma(a15, b2, acc15_2); }
      if (TN > 12u) { acc15_3 = fma(a15, b3, acc15_3); }
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
  }
}
