// matmul's operands for the workgroup-tiled GEMM skeleton (src/ops/matmul/tiled.ts writes the
// entry `forward_tiled` and includes this body): C[bi] = op(A[bi])·op(B[bi]) (+ bias[j]) (+ C[bi]),
// batch bi = wid.z. The skeleton copies 64×16 slices of A and B into workgroup memory and runs
// the 64×64 block's products from there; these functions say where the operands' elements are.
// On the software adapter the tiling loses (barriers and per-lane loads from workgroup memory),
// where the register kernels of src/ops/matmul/generate.ts run instead.
// Dispatch: (ceil(N / 64), ceil(M / 64), batch) workgroups.
//
// Bindings and `p` (M, N, K, batch, a/b/cBatchStride, flags) are declared in tiled.ts and
// generated above this body. p.flags bit0: add bias[j]; bit1: accumulate (C += A·B). TRANS_A:
// A stored K×M; TRANS_B: B stored N×K. Batch bi offsets A, B, C by bi · a/b/cBatchStride floats.
override TRANS_A: bool = false;
override TRANS_B: bool = false;

fn forward_tiled_rows() -> u32 { return p.M; }
fn forward_tiled_cols() -> u32 { return p.N; }
fn forward_tiled_kRange(bi: u32) -> vec2u { return vec2u(0u, p.K); }

fn forward_tiled_loadA(bi: u32, i: u32, k: u32) -> f32 {
  return a[bi * p.aBatchStride + select(i * p.K + k, k * p.M + i, TRANS_A)];
}

fn forward_tiled_loadB(bi: u32, k: u32, j: u32) -> f32 {
  return b[bi * p.bBatchStride + select(k * p.N + j, j * p.K + k, TRANS_B)];
}

fn forward_tiled_store(bi: u32, i: u32, j: u32, value: f32) {
  let o = bi * p.cBatchStride + i * p.N + j;
  var v = value;
  if ((p.flags & 1u) != 0u) { v += bias[j]; }
  if ((p.flags & 2u) != 0u) { v += c[o]; }
  c[o] = v;
}
