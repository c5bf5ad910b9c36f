// int8 pooling for int8 inference (src/quant/), NHWC int8 packed four to a u32 (byte j of word i
// = flat element 4i + j).
//
// maxpool  max over a KH×KW window (stride S, no padding, floor mode) of the int8 values: max
//          commutes with the monotone map q → s·(q − z), so input and output share (s, z).
// gap      global average pooling [H, W, C] → [C]: sum = Σ (q − Z_IN) over the H·W pixels, exact
//          in i32; out = clamp(round(f32(sum) · MULT) + Z_OUT, −128, 127), MULT = s_in / (H·W·s_out)
//          (src/quant/quantize.ts GapOp).
//
// One invocation per output word; when C % 4 == 0 (ALIGNED) its four bytes are channels c..c+3
// of one output pixel, so each tap is one word load. Dispatch as elementwise.wgsl: id = gid.y ·
// p.row + gid.x over p.n output words; p.count = output elements.

override H: u32;
override W: u32;
override C: u32;
override OH: u32 = 1u;
override OW: u32 = 1u;
override KH: u32 = 1u;
override KW: u32 = 1u;
override S: u32 = 1u;
override Z_IN: i32 = 0;
override Z_OUT: i32 = 0;
override MULT: f32 = 1.0;
override ALIGNED: bool = C % 4u == 0u;

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

// First input element (channel 0) of output pixel m's window tap (ky, kx).
fn tapBase(m: u32, ky: u32, kx: u32) -> u32 {
  let ox = m % OW;
  let oy = (m / OW) % OH;
  let b = m / (OW * OH);
  return ((b * H + oy * S + ky) * W + ox * S + kx) * C;
}

@compute @workgroup_size(WG)
fn maxpool(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.y * p.row + gid.x;
  if (id >= p.n) { return; }
  if (ALIGNED) {
    let c = (id * 4u) % C;
    let m = (id * 4u) / C;
    var most = vec4i(-128);
    for (var ky = 0u; ky < KH; ky++) {
      for (var kx = 0u; kx < KW; kx++) {
        most = max(most, unpack(x[(tapBase(m, ky, kx) + c) >> 2u]));
      }
    }
    out[id] = pack(most);
    return;
  }
  var q = vec4i(0);
  for (var j = 0u; j < 4u; j++) {
    let i = id * 4u + j;
    if (i >= p.count) { break; }
    let c = i % C;
    let m = i / C;
    var most = -128;
    for (var ky = 0u; ky < KH; ky++) {
      for (var kx = 0u; kx < KW; kx++) { most = max(most, byteAt(tapBase(m, ky, kx) + c)); }
    }
    q[j] = most;
  }
  out[id] = pack(q);
}

fn requantize(sum: i32) -> i32 {
  let r = clamp(round(f32(sum) * MULT), -1024.0, 1024.0);
  return clamp(i32(r) + Z_OUT, -128, 127);
}

@compute @workgroup_size(WG)
fn gap(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.y * p.row + gid.x;
  if (id >= p.n) { return; }
  if (ALIGNED) {
    let c = (id * 4u) % C;
    let b = (id * 4u) / C;
    var sum = vec4i(0);
    for (var i = 0u; i < H * W; i++) {
      sum += unpack(x[((b * H * W + i) * C + c) >> 2u]) - vec4i(Z_IN);
    }
    out[id] = pack(vec4i(requantize(sum.x), requantize(sum.y), requantize(sum.z),
                         requantize(sum.w)));
    return;
  }
  var q = vec4i(0);
  for (var j = 0u; j < 4u; j++) {
    let o = id * 4u + j;
    if (o >= p.count) { break; }
    let c = o % C;
    let b = o / C;
    var sum = 0;
    for (var i = 0u; i < H * W; i++) { sum += byteAt((b * H * W + i) * C + c) - Z_IN; }
    q[j] = requantize(sum);
  }
  out[id] = pack(q);
}
