// conv2d as im2col + matmul (NHWC). The matmul does the arithmetic (kernels/matmul.wgsl); these two
// entry points move data between the image layout and the patch-matrix ("col") layout:
//   col[(b*OH + oy)*OW + ox, (ky*KW + kx)*C + c] = x[b, oy*S + ky - P, ox*S + kx - P, c]  (0 outside)
// forward:        col = im2col(x);  y = col · W[KH*KW*C, F] + bias
// backward_input: dx = col2im(dy · Wᵀ)   (a gather: each input pixel sums the patches it fell into,
//                 so no atomics are needed and the result is deterministic)
// backward_weight: dW = colᵀ · dy; bias gradient: column sums of dy.
// One invocation per output element; dispatch as elementwise.wgsl: (min(groups, 32768),
// ceil(groups / 32768)), groups = ceil(n / WG), p.row = 32768 * WG.

struct Params {
  batch: u32, h: u32, w: u32, c: u32,
  oh: u32, ow: u32, kh: u32, kw: u32,
  stride: u32, pad: u32, n: u32, row: u32,
}
override WG: u32 = 256;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn im2col(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let k = p.kh * p.kw * p.c;
  let r = i / k;                 // patch row: (b, oy, ox)
  let q = i - r * k;             // patch column: (ky, kx, c)
  let ox = r % p.ow;
  let oy = (r / p.ow) % p.oh;
  let b = r / (p.ow * p.oh);
  let c = q % p.c;
  let kx = (q / p.c) % p.kw;
  let ky = q / (p.c * p.kw);
  // i32 so that positions left of / above the image (padding) are negative, not wrapped.
  let y = i32(oy * p.stride + ky) - i32(p.pad);
  let x = i32(ox * p.stride + kx) - i32(p.pad);
  var v = 0.0;
  if (y >= 0 && y < i32(p.h) && x >= 0 && x < i32(p.w)) {
    v = src[((b * p.h + u32(y)) * p.w + u32(x)) * p.c + c];
  }
  dst[i] = v;
}

@compute @workgroup_size(WG)
fn col2im(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c = i % p.c;
  let x = (i / p.c) % p.w;
  let y = (i / (p.c * p.w)) % p.h;
  let b = i / (p.c * p.w * p.h);
  let k = p.kh * p.kw * p.c;
  var s = 0.0;
  for (var ky = 0u; ky < p.kh; ky++) {
    let ty = i32(y + p.pad) - i32(ky);   // = oy * stride when this patch row covers y
    if (ty < 0 || ty % i32(p.stride) != 0) { continue; }
    let oy = u32(ty) / p.stride;
    if (oy >= p.oh) { continue; }
    for (var kx = 0u; kx < p.kw; kx++) {
      let tx = i32(x + p.pad) - i32(kx);
      if (tx < 0 || tx % i32(p.stride) != 0) { continue; }
      let ox = u32(tx) / p.stride;
      if (ox >= p.ow) { continue; }
      s += src[((b * p.oh + oy) * p.ow + ox) * k + (ky * p.kw + kx) * p.c + c];
    }
  }
  dst[i] = s;
}
