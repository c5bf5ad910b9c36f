// Helpers shared by the kernels that read flat vec4 arrays from textures; a kernel takes them with
// the line `// #include gpu/texel` (src/platform/mod.ts kernelText).

// Texel i of a flat vec4 array wrapped at 4096 texels per row (src/gpu/gpu.ts TEXTURE_WIDTH_LOG2).
fn texel(t: texture_2d<f32>, i: u32) -> vec4f {
  return textureLoad(t, vec2u(i & 4095u, i >> 12u), 0);
}
