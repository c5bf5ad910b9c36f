// The workgroup-tiled matmul for real GPUs (src/ops/matmul/matmul.ts, strategy "tiled"):
// C[bi] = op(A[bi])·op(B[bi]) (+ bias[j]) (+ C[bi]). The classic workgroup-memory tiling, where a
// workgroup's threads share each loaded tile through fast on-chip memory: a 16×16 workgroup
// computes a 64×64 block of C, each invocation a 4×4 register tile, stepping K by 16. Each element
// of A and B is loaded from device memory once per workgroup instead of once per invocation (16×
// fewer loads than naive). On the software adapter this loses (barriers and per-lane loads from
// workgroup memory), where the register kernels of src/ops/matmul/generate.ts run instead.
// Dispatch: (ceil(N / 64), ceil(M / 64), batch) workgroups of 16×16.
//
// Bindings and `p` (M, N, K, batch, a/b/cBatchStride, flags) are declared in matmul.ts and
// generated above this body. p.flags bit0: add bias[j]; bit1: accumulate (C += A·B). TRANS_A:
// A stored K×M; TRANS_B: B stored N×K. Batch bi offsets A, B, C by bi · a/b/cBatchStride floats.
override TRANS_A: bool = false;
override TRANS_B: bool = false;

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
