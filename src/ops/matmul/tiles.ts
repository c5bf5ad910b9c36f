/**
 * TM×TN (outputs per invocation) of the generated matmul kernels: src/ops/matmul/generate.ts
 * writes each kernel from this table and src/ops/matmul/matmul.ts sizes its dispatches from it, so
 * they cannot disagree. `register` is small on purpose: 32×32 compiled for 85 s on the software
 * adapter, and a real GPU's 64×64 block as registers (4,096 accumulators per
 * invocation) failed on an NVIDIA H200; it only runs products that vec4 layouts rule out (a dense
 * layer's 10 logits) or where there are no textures. The `texture` tiles were tuned on the software
 * adapter at the CNN's shapes and 1024³ (bench/matmul_probe.ts). The workgroup-tiled kernel's 64×64
 * block is fixed in matmul.wgsl (TILE_MN).
 */
export const MATMUL_TILES = {
  register: [8, 8],
  texture: { forward_nn: [16, 12], forward_nt: [12, 16], forward_tn: [16, 16] },
} as const;

/** An entry of the texture kernel (one per operand layout). */
export type MatmulEntry = keyof typeof MATMUL_TILES.texture;
