// The workgroup-tiled GEMM skeleton (the storage-buffer path meant for real GPUs), written as WGSL
// text when a pipeline is made, and matmul's two kernels built on it.
//
// A workgroup computes a BM×BN = 64×64 block of C = A·B, each invocation a TM×TN register tile
// (4×4: 16×16 invocations; 8×8: 8×8 invocations), stepping the reduction by BK = 16: per step the
// workgroup's invocations copy a BK×64 slice of A and of B into workgroup memory (each element
// read from device memory once per workgroup, not once per invocation), meet at a barrier, then
// every invocation multiplies its rows of the A slice with its columns of the B slice out of that
// shared memory. This is the classic shared-memory tiling (Volkov & Demmel 2008; CUTLASS's
// "threadblock tile", CubeCL's matmul "tiling2d").
//
// The skeleton knows nothing about layouts. Each entry E is given by WGSL functions that sit in the
// op's own .wgsl body (src/ops/matmul/matmul.wgsl, src/ops/conv2d/implicit_gemm.wgsl):
//   fn E_rows() -> u32, fn E_cols() -> u32     M and N of the product
//   fn E_kRange(z: u32) -> vec2u               the reduction range [begin, end) of z = wid.z
//   fn E_loadA(z: u32, i: u32, k: u32) -> f32  A[i, k], called only for i < M, begin <= k < end
//   fn E_loadB(z: u32, k: u32, j: u32) -> f32  B[k, j], called only for j < N, begin <= k < end
//   fn E_store(z: u32, i: u32, j: u32, v: f32) writes C[i, j] = v, called only for i < M, j < N
// so a convolution computes its patches on the fly ("implicit GEMM", no im2col buffer) with the
// same skeleton as a plain product. `aAlongK`/`bAlongK` say (as WGSL bool expressions, constants or
// overrides) whether consecutive k of A or B are consecutive in memory: the copies into workgroup
// memory then walk k fastest so that neighbouring invocations read neighbouring floats (coalesced
// loads on a GPU).
//
// Dispatch: (⌈N / 64⌉, ⌈M / 64⌉, Z) workgroups; z = wid.z is a batch index or a K-chunk, as the
// entry's functions read it.

import { defineKernel } from "../../gpu/kernel.ts";

/** The output block of a workgroup (rows × columns of C) and the reduction step. */
export const GEMM_BLOCK = 64;
const BK = 16;

/** One entry of a tiled GEMM module: its name (the prefix of its functions) and operand layouts. */
export interface TiledGemmEntry {
  name: string;
  /** WGSL bool expression: A's consecutive k are consecutive in memory. */
  aAlongK: string;
  /** WGSL bool expression: B's consecutive k are consecutive in memory. */
  bAlongK: string;
}

/** The per-invocation tiles the skeleton is written for (64 / tile invocations on each axis). */
export type GemmTile = 4 | 8;

/**
 * The skeleton's WGSL for `entries`, each an entry point computing 64×64 blocks with `tile`×`tile`
 * outputs per invocation (workgroup (64/tile, 64/tile)). The entries' functions (see the top of
 * this file) must be defined in the rest of the module. Throws on a tile other than 4 or 8.
 */
export function generateTiledGemm(entries: readonly TiledGemmEntry[], tile: GemmTile): string {
  if (tile !== 4 && tile !== 8) throw new Error(`generateTiledGemm: tile ${tile} (4 or 8)`);
  const B = GEMM_BLOCK, side = B / tile, threads = side * side, per = (BK * B) / threads;
  const R = [...Array(tile).keys()], C4 = [...Array(tile / 4).keys()];
  const L: string[] = [];
  const line = (s: string) => L.push(s);
  line(`// The workgroup-tiled GEMM: 64×64 blocks, ${tile}×${tile} per invocation, K step ${BK}
// (src/ops/matmul/tiled.ts).
var<workgroup> gemmA: array<f32, ${BK * B}>; // [k][i]
var<workgroup> gemmB: array<f32, ${BK * B}>; // [k][j]`);
  for (const e of entries) {
    const E = e.name;
    line(`
@compute @workgroup_size(${side}, ${side})
fn ${E}(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let z = wid.z;
  let M = ${E}_rows();
  let N = ${E}_cols();
  let kr = ${E}_kRange(z);
  let row0 = wid.y * ${B}u;
  let col0 = wid.x * ${B}u;
  let t = lid.y * ${side}u + lid.x;
  let ti = lid.y * ${tile}u;
  let tj = lid.x * ${tile}u;`);
    for (const r of R) for (const j of C4) line(`  var acc${r}_${j} = vec4f(0.0);`);
    line(`  for (var k0 = kr.x; k0 < kr.y; k0 += ${BK}u) {
    for (var e = 0u; e < ${per}u; e++) {
      let flat = e * ${threads}u + t;
      // k fastest where memory runs along k, else the rows (columns): neighbours read neighbours.
      var kk = flat / ${B}u;
      var mm = flat % ${B}u;
      if (${e.aAlongK}) { kk = flat % ${BK}u; mm = flat / ${BK}u; }
      var va = 0.0;
      if (row0 + mm < M && k0 + kk < kr.y) { va = ${E}_loadA(z, row0 + mm, k0 + kk); }
      gemmA[kk * ${B}u + mm] = va;
      kk = flat / ${B}u;
      mm = flat % ${B}u;
      if (${e.bAlongK}) { kk = flat % ${BK}u; mm = flat / ${BK}u; }
      var vb = 0.0;
      if (col0 + mm < N && k0 + kk < kr.y) { vb = ${E}_loadB(z, k0 + kk, col0 + mm); }
      gemmB[kk * ${B}u + mm] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk++) {
      let ao = kk * ${B}u + ti;
      let bo = kk * ${B}u + tj;`);
    for (const j of C4) {
      const o = 4 * j;
      line(
        `      let b${j} = vec4f(gemmB[bo + ${o}u], gemmB[bo + ${o + 1}u], ` +
          `gemmB[bo + ${o + 2}u], gemmB[bo + ${o + 3}u]);`,
      );
    }
    for (const r of R) {
      line(`      let a${r} = vec4f(gemmA[ao + ${r}u]);`);
      for (const j of C4) line(`      acc${r}_${j} = fma(a${r}, b${j}, acc${r}_${j});`);
    }
    line(`    }
    workgroupBarrier();
  }`);
    for (const r of R) {
      line(`  if (row0 + ti + ${r}u < M) {`);
      line(`    let i = row0 + ti + ${r}u;`);
      for (const j of C4) {
        for (let s = 0; s < 4; s++) {
          const c = 4 * j + s;
          line(
            `    if (col0 + tj + ${c}u < N) { ${E}_store(z, i, col0 + tj + ${c}u, acc${r}_${j}[${s}]); }`,
          );
        }
      }
      line(`  }`);
    }
    line(`}`);
  }
  return L.join("\n") + "\n";
}

/**
 * The uniform parameters of matmul's kernels (shared with the register and texture kernels,
 * src/ops/matmul/matmul.ts): C[bi] = op(A[bi])·op(B[bi]) for bi < batch, op(A) M×K, op(B) K×N;
 * product bi's A, B and C start bi · a/b/cBatchStride floats into their buffers; flags bit0 adds
 * bias[j], bit1 accumulates (C += A·B).
 */
export const MATMUL_PARAMS = {
  M: "u32",
  N: "u32",
  K: "u32",
  batch: "u32",
  aBatchStride: "u32",
  bBatchStride: "u32",
  cBatchStride: "u32",
  flags: "u32",
} as const;

/** Operands and result as f32 storage buffers (the register and workgroup-tiled kernels). */
export const STORAGE_BINDINGS = {
  a: "read array<f32>",
  b: "read array<f32>",
  bias: "read array<f32>",
  c: "read_write array<f32>",
} as const;

/** matmul.wgsl's layouts: A along k unless stored K×M (TRANS_A); B along k when stored N×K. */
const MATMUL_ENTRY: TiledGemmEntry = {
  name: "forward_tiled",
  aAlongK: "!TRANS_A",
  bAlongK: "TRANS_B",
};

/**
 * matmul's workgroup-tiled kernel with `tile`×`tile` outputs per invocation: entry
 * `forward_tiled`, the skeleton above with matmul.wgsl's operand functions (any transposes, as
 * overrides TRANS_A and TRANS_B, a batch along z, bias and accumulate flags). Dispatch
 * (⌈N / 64⌉, ⌈M / 64⌉, batch).
 */
function matmulTiled(tile: GemmTile) {
  return defineKernel({
    source: () => generateTiledGemm([MATMUL_ENTRY], tile) + "// #include ops/matmul/matmul\n",
    label: tile === 4 ? "ops/matmul/matmul_tiled" : `ops/matmul/matmul_tiled${tile}`,
    params: MATMUL_PARAMS,
    bindings: STORAGE_BINDINGS,
    entries: { forward_tiled: ["p", "a", "b", "bias", "c"] },
  });
}

/** 64×64 blocks, 4×4 per invocation (strategy "tiled"). */
export const matmulTiledKernel = matmulTiled(4);
/** 64×64 blocks, 8×8 per invocation (strategy "tiled8"). */
export const matmulTiled8Kernel = matmulTiled(8);
