/**
 * Rows × columns of outputs per invocation of the int8 texture product. src/quant/generate.ts
 * writes the kernel from this and src/quant/forward.ts sizes its dispatches from it, so the two
 * cannot disagree. TN = 16: each row's outputs leave in one 16-byte store. Timed on the software
 * adapter at the reference CNN's two convolutions (batch 500, a busy machine), 4 × 16 was the
 * fastest of 2×16, 4×16, 8×16 (vec4 stores) and 4×4, 4×8, 8×4, 8×8, 16×4 (word stores).
 */
export const QUANT_TEXTURE_TILE = { TM: 4, TN: 16 } as const;
