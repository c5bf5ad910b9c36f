// int8 convolutions for int8 inference (src/quant/). Tensors are NHWC int8 packed four to a u32
// (byte j of word i = flat element 4i + j), so a tensor whose per-pixel channel count is not a
// multiple of 4 still packs densely.
//
// im2col     patch rows for quant_matmul.wgsl: row m = output pixel (b, oy, ox), K = KH·KW·C
//            bytes in (ky, kx, c) order, padded with zero bytes to K4 words. Taps outside the
//            image read Z_IN, the input's zero point, which stands for the real value 0 (the
//            zero padding of the f32 network). One invocation per output word; when C % 4 == 0
//            (ALIGNED) a word's four bytes are channels c..c+3 of one tap: one load, no repacking.
// im2col_tex the same patch rows written as rgba32uint texels (16 bytes each, KT = ceil(K / 16)
//            per row, zero-padded) into outT, a flat texel array (texelCoords, generated before
//            this text by src/quant/kernels.ts), for the texture product's `forward_tex`. One
//            invocation per texel.
// depthwise  one KH×KW filter per channel: acc = biasEff[c] + Σ w[c, ky, kx] · x, requantized as
//            quant_matmul.wgsl does (clamp(round(f32(acc) · mult[c]) + Z_OUT, LO, 127)). Weights
//            are i32 (C·KH·KW of them: few), the input bytes are sign-extended. One invocation per
//            output word; ALIGNED: the four bytes are channels c..c+3 of one output pixel, so each
//            tap is one word load.
//
// The geometry is override constants so that index divisions fold into multiply-shift (as in
// conv2d.wgsl). Dispatch as elementwise.wgsl: id = gid.y · p.row + gid.x over p.n output words;
// p.count: output elements (bytes) of depthwise, whose last word may be part full.

override H: u32;
override W: u32;
override C: u32;
override OH: u32;
override OW: u32;
override KH: u32;
override KW: u32;
override S: u32;
override P: u32;
override K: u32 = KH * KW * C;
override K4: u32 = (K + 3u) / 4u;
override Z_IN: i32;
override Z_OUT: i32 = 0;
override LO: i32 = -128;
override ALIGNED: bool = C % 4u == 0u;
override KT: u32 = (K + 15u) / 16u;

fn byteAt(i: u32) -> i32 {
  return i32(x[i >> 2u] << (24u - 8u * (i & 3u))) >> 24u;
}

fn unpack(v: u32) -> vec4i {
  return vec4i(i32(v << 24u), i32(v << 16u), i32(v << 8u), i32(v)) >> vec4u(24u);
}

fn pack(q: vec4i) -> u32 {
  let b = vec4u(q) & vec4u(255u);
  return b.x | (b.y << 8u) | (b.z << 16u) | (b.w << 24u);
}

fn requantize(acc: i32, m: f32) -> i32 {
  let r = clamp(round(f32(acc) * m), -1024.0, 1024.0);
  return clamp(i32(r) + Z_OUT, LO, 127);
}

// Input pixel (b, iy, ix) for output pixel `m`'s tap (ky, kx), or -1 when outside the image.
fn tap(m: u32, ky: u32, kx: u32) -> i32 {
  let ox = m % OW;
  let oy = (m / OW) % OH;
  let b = m / (OW * OH);
  let iy = i32(oy * S + ky) - i32(P);
  let ix = i32(ox * S + kx) - i32(P);
  if (iy < 0 || iy >= i32(H) || ix < 0 || ix >= i32(W)) { return -1; }
  return i32((b * H + u32(iy)) * W + u32(ix));
}

// Patch word: bytes k0..k0+3 of output pixel m's patch row (zero past K).
fn patchWord(m: u32, k0: u32) -> u32 {
  if (k0 >= K) { return 0u; }
  if (ALIGNED) {
    // K is a multiple of 4: channels c..c+3 of tap (ky, kx), one load.
    let c = k0 % C;
    let t = k0 / C;
    let pixel = tap(m, t / KW, t % KW);
    if (pixel < 0) { return pack(vec4i(Z_IN)); }
    return x[(u32(pixel) * C + c) >> 2u];
  }
  var q = vec4i(0);
  for (var j = 0u; j < 4u; j++) {
    let k = k0 + j;
    if (k >= K) { break; }
    let c = k % C;
    let t = k / C;
    let pixel = tap(m, t / KW, t % KW);
    q[j] = select(byteAt(u32(max(pixel, 0)) * C + c), Z_IN, pixel < 0);
  }
  return pack(q);
}

@compute @workgroup_size(WG)
fn im2col(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.y * p.row + gid.x;
  if (id >= p.n) { return; }
  out[id] = patchWord(id / K4, (id % K4) * 4u);
}

@compute @workgroup_size(WG)
fn im2col_tex(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.y * p.row + gid.x;
  if (id >= p.n) { return; }
  let m = id / KT;
  let k0 = (id % KT) * 16u;
  let v = vec4u(patchWord(m, k0), patchWord(m, k0 + 4u), patchWord(m, k0 + 8u),
                patchWord(m, k0 + 12u));
  textureStore(outT, texelCoords(id), v);
}

@compute @workgroup_size(WG)
fn depthwise(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.y * p.row + gid.x;
  if (id >= p.n) { return; }
  if (ALIGNED) {
    let c = (id * 4u) % C;
    let m = (id * 4u) / C;
    var acc = vec4i(bias[c], bias[c + 1u], bias[c + 2u], bias[c + 3u]);
    for (var ky = 0u; ky < KH; ky++) {
      for (var kx = 0u; kx < KW; kx++) {
        let pixel = tap(m, ky, kx);
        var v = vec4i(Z_IN);
        if (pixel >= 0) { v = unpack(x[(u32(pixel) * C + c) >> 2u]); }
        let t = ky * KW + kx;
        let wv = vec4i(wd[c * KH * KW + t], wd[(c + 1u) * KH * KW + t],
                       wd[(c + 2u) * KH * KW + t], wd[(c + 3u) * KH * KW + t]);
        acc += v * wv;
      }
    }
    let mv = vec4f(mult[c], mult[c + 1u], mult[c + 2u], mult[c + 3u]);
    out[id] = pack(vec4i(requantize(acc.x, mv.x), requantize(acc.y, mv.y),
                         requantize(acc.z, mv.z), requantize(acc.w, mv.w)));
    return;
  }
  var q = vec4i(0);
  for (var j = 0u; j < 4u; j++) {
    let i = id * 4u + j;
    if (i >= p.count) { break; }
    let c = i % C;
    let m = i / C;
    var acc = bias[c];
    for (var ky = 0u; ky < KH; ky++) {
      for (var kx = 0u; kx < KW; kx++) {
        let pixel = tap(m, ky, kx);
        let v = select(byteAt(u32(max(pixel, 0)) * C + c), Z_IN, pixel < 0);
        acc += wd[c * KH * KW + ky * KW + kx] * v;
      }
    }
    q[j] = requantize(acc, mult[c]);
  }
  out[id] = pack(q);
}
