/**
 * Rows × columns of outputs per invocation of kernels/quant_matmul_texture.wgsl. The kernel is
 * generated from this by tools/gen_quant_matmul.ts, and src/quant/forward.ts sizes its dispatches
 * from it, so the two cannot disagree. TN is a multiple of 4 (whole output words); 4 × 8 was the
 * fastest of 4×4, 4×8, 8×4, 8×8 and 16×4 on llvmpipe at the reference CNN's second convolution.
 */
export const QUANT_TEXTURE_TILE = { TM: 4, TN: 8 } as const;
