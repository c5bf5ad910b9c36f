// Flat arrays in textures. `Gpu.texture()` copies a buffer into a texture as a flat array of
// 16-byte texels wrapped at 2^TEXTURE_WIDTH_LOG2 texels per row; the kernels that read such
// textures index them with the WGSL below, generated from the same constant so the two cannot
// disagree. A kernel body takes it with the line `// #include gpu/texel`.
import { defineInclude } from "../platform/mod.ts";

/** Texels per row of a flat texture, as a power of two (4096 texels: 64 KiB of rgba32float). */
export const TEXTURE_WIDTH_LOG2 = 12;
export const TEXTURE_WIDTH = 1 << TEXTURE_WIDTH_LOG2;

/** `texelCoords(i)`: texel i's (column, row) in a flat texture of any format. */
export const TEXEL_COORDS_WGSL = `const TEXTURE_WIDTH_LOG2: u32 = ${TEXTURE_WIDTH_LOG2}u;

fn texelCoords(i: u32) -> vec2u {
  return vec2u(i & ((1u << TEXTURE_WIDTH_LOG2) - 1u), i >> TEXTURE_WIDTH_LOG2);
}
`;

/** `TEXEL_COORDS_WGSL` and `texel(t, i)`: texel i of a flat rgba32float texture. */
export const TEXEL_WGSL = `${TEXEL_COORDS_WGSL}
fn texel(t: texture_2d<f32>, i: u32) -> vec4f {
  return textureLoad(t, texelCoords(i), 0);
}
`;

defineInclude("gpu/texel", TEXEL_WGSL);
