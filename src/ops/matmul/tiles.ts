/**
 * TM×TN (outputs per invocation) of each entry of the generated register-tile matmul kernel.
 * tools/gen_matmul.ts writes kernels/matmul_texture.wgsl from this table and
 * src/autograd/matmul.ts sizes its dispatches from it, so they can't disagree. Tiles were tuned on
 * llvmpipe at the CNN's shapes and 1024³ (bench/matmul_probe.ts).
 */
export const MATMUL_TILES = {
  matmul_texture: { forward_nn: [16, 12], forward_nt: [12, 16], forward_tn: [16, 16] },
} as const;

export type GeneratedMatmul = keyof typeof MATMUL_TILES;
export type MatmulEntry = keyof typeof MATMUL_TILES.matmul_texture;
