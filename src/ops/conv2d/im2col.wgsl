// conv2d as im2col + matmul (NHWC). The matmul does the arithmetic (src/ops/matmul); these
// entry points move data between the image layout and the patch-matrix ("col") layout:
//   col[(b*OH + oy)*OW + ox, (ky*KW + kx)*C + c] = x[b, oy*S + ky - P, ox*S + kx - P, c]  (0 outside)
// forward:        col = im2col(x);  y = col · W[KH*KW*C, F] + bias
// backward_input: dx = col2im(dy · Wᵀ)   (a gather: each input pixel sums the patches it fell into,
//                 so no atomics are needed and the result is deterministic)
// backward_weight: dW = colᵀ · dy; bias gradient: column sums of dy.
// One invocation per output element; dispatch as elementwise.wgsl: (min(groups, 32768),
// ceil(groups / 32768)), groups = ceil(n / WG), p.row = 32768 * WG.
// The layer's geometry is override constants, not uniforms: the index arithmetic is all integer
// division, which the software adapter executes lane by lane for runtime divisors but folds into
// multiply-and-shift for constants (3-5x faster there). One pipeline per layer shape is cached.

// When C % 4 == 0, im2col4 / col2im4 do the same on channel quadruples through vec4 views of the
// same buffers (src4, dst4): a 16-byte gather costs on the software adapter about what a 4-byte
// one does. `n` then counts vec4s.

// Bindings and `p` (n, row) are declared in im2col.ts and generated above this body.
override H: u32;
override W: u32;
override C: u32;
override OH: u32;
override OW: u32;
override KH: u32;
override KW: u32;
override STRIDE: u32;
override PAD: u32;

override C4: u32 = C / 4u;
// The patch matrix's row length: K = KH·KW·C, rounded up to 4 by im2col.ts when K isn't a
// multiple of 4 (conv1's 9), so the matmuls get vec4 rows; the extra columns hold zeros.
override KP: u32 = KH * KW * C;
// TEXTURES: src also as a texture (srcT: a flat vec4 array, src/gpu/gpu.ts `texture()`), read
// instead of src / src4 where the adapter profile says so (src/gpu/profile.ts textureInputs): on
// the software adapter a texel fetch is a vectorised gather, a storage load a per-lane loop.
// Else srcT is a 1×1 dummy.
override TEXTURES: bool = false;

// #include gpu/texel
fn srcAt(j: u32) -> f32 {
  if (TEXTURES) { return texel(srcT, j / 4u)[j % 4u]; }
  return src[j];
}
fn src4At(j: u32) -> vec4f {
  if (TEXTURES) { return texel(srcT, j); }
  return src4[j];
}

@compute @workgroup_size(WG)
fn im2col(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let r = i / KP;                // patch row: (b, oy, ox)
  let q = i - r * KP;            // patch column: (ky, kx, c)
  let ox = r % OW;
  let oy = (r / OW) % OH;
  let b = r / (OW * OH);
  let c = q % C;
  let kx = (q / C) % KW;
  let ky = q / (C * KW);
  // i32 so that positions left of / above the image (padding) are negative, not wrapped.
  let y = i32(oy * STRIDE + ky) - i32(PAD);
  let x = i32(ox * STRIDE + kx) - i32(PAD);
  var v = 0.0;
  if (q < KH * KW * C && y >= 0 && y < i32(H) && x >= 0 && x < i32(W)) {
    v = srcAt(((b * H + u32(y)) * W + u32(x)) * C + c);
  }
  dst[i] = v;
}

@compute @workgroup_size(WG)
fn col2im(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c = i % C;
  let x = (i / C) % W;
  let y = (i / (C * W)) % H;
  let b = i / (C * W * H);
  var s = 0.0;
  for (var ky = 0u; ky < KH; ky++) {
    let ty = i32(y + PAD) - i32(ky);   // = oy * stride when this patch row covers y
    if (ty < 0 || ty % i32(STRIDE) != 0) { continue; }
    let oy = u32(ty) / STRIDE;
    if (oy >= OH) { continue; }
    for (var kx = 0u; kx < KW; kx++) {
      let tx = i32(x + PAD) - i32(kx);
      if (tx < 0 || tx % i32(STRIDE) != 0) { continue; }
      let ox = u32(tx) / STRIDE;
      if (ox >= OW) { continue; }
      s += srcAt(((b * OH + oy) * OW + ox) * KP + (ky * KW + kx) * C + c);
    }
  }
  dst[i] = s;
}

@compute @workgroup_size(WG)
fn im2col4(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let k = KH * KW * C4;
  let r = i / k;
  let q = i - r * k;
  let ox = r % OW;
  let oy = (r / OW) % OH;
  let b = r / (OW * OH);
  let c = q % C4;
  let kx = (q / C4) % KW;
  let ky = q / (C4 * KW);
  let y = i32(oy * STRIDE + ky) - i32(PAD);
  let x = i32(ox * STRIDE + kx) - i32(PAD);
  var v = vec4f(0.0);
  if (y >= 0 && y < i32(H) && x >= 0 && x < i32(W)) {
    v = src4At(((b * H + u32(y)) * W + u32(x)) * C4 + c);
  }
  dst4[i] = v;
}

@compute @workgroup_size(WG)
fn col2im4(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c = i % C4;
  let x = (i / C4) % W;
  let y = (i / (C4 * W)) % H;
  let b = i / (C4 * W * H);
  let k = KH * KW * C4;
  var s = vec4f(0.0);
  for (var ky = 0u; ky < KH; ky++) {
    let ty = i32(y + PAD) - i32(ky);
    if (ty < 0 || ty % i32(STRIDE) != 0) { continue; }
    let oy = u32(ty) / STRIDE;
    if (oy >= OH) { continue; }
    for (var kx = 0u; kx < KW; kx++) {
      let tx = i32(x + PAD) - i32(kx);
      if (tx < 0 || tx % i32(STRIDE) != 0) { continue; }
      let ox = u32(tx) / STRIDE;
      if (ox >= OW) { continue; }
      s += src4At(((b * OH + oy) * OW + ox) * k + (ky * KW + kx) * C4 + c);
    }
  }
  dst4[i] = s;
}

// The weight [K, F] (K = KH·KW·C rows) transposed and zero-padded to Wᵀ [F, KP], for the forward
// product y = col·(Wᵀ)ᵀ: the matmul's nt entry (12×16 tiles) ran 1.1-1.35× as fast as its nn
// entry (16×12) at the zoo's im2col shapes on the software adapter (im2col.ts). One invocation
// per vec4 of Wᵀ (p.n = F·KP/4).
override F: u32 = 1u;
@compute @workgroup_size(WG)
fn weight_t(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let k = 4u * (i % (KP / 4u));
  let f = i / (KP / 4u);
  var v = vec4f(0.0);
  for (var j = 0u; j < 4u; j++) {
    if (k + j < KH * KW * C) { v[j] = src[(k + j) * F + f]; }
  }
  dst4[i] = v;
}
