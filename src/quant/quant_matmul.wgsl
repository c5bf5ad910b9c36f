// int8 matrix product for int8 inference (src/quant/): out[m, n] from the int32 accumulator
//   acc = biasEff[n] + Σ_k a[m, k] · w[n, k]
// over int8 values packed four to a u32 (byte j of a word = element 4i + j, little-endian), so one
// load brings four values and one dot4 does four multiply-adds. Rows of `a` (a convolution's
// patches from quant_conv.wgsl `im2col`, or a dense layer's input) and of `w` (one output channel
// each) are K4 = ceil(K / 4) words, zero-padded; padded weights are 0, so padding adds nothing.
// The accumulator is exact int32 (|acc| < 2^31 for K < 66,000 bytes of ±127·±128).
//
// Requantization (src/quant/quantize.ts GemmOp; Jacob et al. 2018 eq. 7 with an f32 multiplier):
//   int8 out = clamp(round(f32(acc) · mult[n]) + Z_OUT, LO, 127)      (LO = Z_OUT after a ReLU)
//   logits   = f32(acc) · mult[n]                                       (the last dense layer)
// Each is one f32 product of exact operands (acc < 2^24 is exact in f32) and, for int8, one
// round-half-to-even: nothing a compiler could fuse, so the CPU reference (reference.ts) gives
// the same bytes.
//
// The four-way products (UNPACK, src/quant/kernels.ts Dot4Mode):
//   false  `dot4I8Packed`, WGSL's packed 4×8-bit dot product (language feature
//          packed_4x8_integer_dot_product): one instruction on GPUs with dp4a-style hardware;
//   true   each word's bytes sign-extended to a vec4i by shifts and multiplied in i32; the
//          texture kernel unpacks each loaded word once and reuses it across its register tile.
//          Where the implementation lacks the language feature, src/quant/kernels.ts compiles
//          this file with the built-in's call replaced by `dot4_shifts`, so it still compiles.
// Both give the same int32 sums.
//
// Entries (p.m = rows M; dispatch as elementwise.wgsl: id = gid.y · p.row + gid.x):
//   forward      N % 4 == 0: TM = 4 rows × 4 columns per invocation (one output word per row):
//                per k-word 4 + 4 loads feed 16 products. id → (row tile, column quad).
//   forward_any  any N: one output word (4 consecutive flat outputs) per invocation.
//   logits       f32 out, any N: 4 rows × 4 columns per invocation, columns ≥ N skipped.
// The texture product (src/quant/generate.ts) is the same with both operands read from textures,
// for the software adapter (src/gpu/profile.ts textureInputs).

override K4: u32;
override N: u32;
override Z_OUT: i32 = 0;
override LO: i32 = -128;
override NQ: u32 = (N + 3u) / 4u;
override UNPACK: bool = false;
const TM: u32 = 4u;

fn dot4(x: u32, y: u32) -> i32 {
  return dot4I8Packed(x, y);
}

fn unpack(v: u32) -> vec4i {
  return vec4i(i32(v << 24u), i32(v << 16u), i32(v << 8u), i32(v)) >> vec4u(24u);
}

fn dot4_shifts(x: u32, y: u32) -> i32 {
  return dot(unpack(x), unpack(y));
}

fn product(x: u32, y: u32) -> i32 {
  if (UNPACK) { return dot4_shifts(x, y); }
  return dot4(x, y);
}

fn requantize(acc: i32, m: f32) -> i32 {
  let r = clamp(round(f32(acc) * m), -1024.0, 1024.0);
  return clamp(i32(r) + Z_OUT, LO, 127);
}

fn pack(q: vec4i) -> u32 {
  let b = vec4u(q) & vec4u(255u);
  return b.x | (b.y << 8u) | (b.z << 16u) | (b.w << 24u);
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.y * p.row + gid.x;
  let quad = id % NQ;
  let m0 = (id / NQ) * TM;
  if (m0 >= p.m) { return; }
  let n0 = quad * 4u;
  var rows: array<u32, 4>;
  for (var r = 0u; r < TM; r++) { rows[r] = min(m0 + r, p.m - 1u) * K4; }
  var acc: array<vec4i, 4>;
  let b = vec4i(bias[n0], bias[n0 + 1u], bias[n0 + 2u], bias[n0 + 3u]);
  for (var r = 0u; r < TM; r++) { acc[r] = b; }
  for (var k = 0u; k < K4; k++) {
    let w0 = w[n0 * K4 + k];
    let w1 = w[(n0 + 1u) * K4 + k];
    let w2 = w[(n0 + 2u) * K4 + k];
    let w3 = w[(n0 + 3u) * K4 + k];
    for (var r = 0u; r < TM; r++) {
      let x = a[rows[r] + k];
      acc[r] += vec4i(product(x, w0), product(x, w1), product(x, w2), product(x, w3));
    }
  }
  let m = vec4f(mult[n0], mult[n0 + 1u], mult[n0 + 2u], mult[n0 + 3u]);
  for (var r = 0u; r < TM; r++) {
    if (m0 + r >= p.m) { break; }
    let q = vec4i(
      requantize(acc[r].x, m.x),
      requantize(acc[r].y, m.y),
      requantize(acc[r].z, m.z),
      requantize(acc[r].w, m.w),
    );
    out[(m0 + r) * NQ + quad] = pack(q);
  }
}

@compute @workgroup_size(WG)
fn forward_any(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.y * p.row + gid.x;
  let total = p.m * N;
  if (id * 4u >= total) { return; }
  var q = vec4i(0);
  for (var j = 0u; j < 4u; j++) {
    let i = id * 4u + j;
    if (i >= total) { break; }
    let row = i / N;
    let n = i % N;
    var acc = bias[n];
    for (var k = 0u; k < K4; k++) { acc += product(a[row * K4 + k], w[n * K4 + k]); }
    q[j] = requantize(acc, mult[n]);
  }
  out[id] = pack(q);
}

@compute @workgroup_size(WG)
fn logits(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.y * p.row + gid.x;
  let quad = id % NQ;
  let m0 = (id / NQ) * TM;
  if (m0 >= p.m) { return; }
  let n0 = quad * 4u;
  var rows: array<u32, 4>;
  for (var r = 0u; r < TM; r++) { rows[r] = min(m0 + r, p.m - 1u) * K4; }
  var cols: array<u32, 4>;
  for (var c = 0u; c < 4u; c++) { cols[c] = min(n0 + c, N - 1u); }
  var acc: array<vec4i, 4>;
  let b = vec4i(bias[cols[0]], bias[cols[1]], bias[cols[2]], bias[cols[3]]);
  for (var r = 0u; r < TM; r++) { acc[r] = b; }
  for (var k = 0u; k < K4; k++) {
    let w0 = w[cols[0] * K4 + k];
    let w1 = w[cols[1] * K4 + k];
    let w2 = w[cols[2] * K4 + k];
    let w3 = w[cols[3] * K4 + k];
    for (var r = 0u; r < TM; r++) {
      let x = a[rows[r] + k];
      acc[r] += vec4i(product(x, w0), product(x, w1), product(x, w2), product(x, w3));
    }
  }
  let m = vec4f(mult[cols[0]], mult[cols[1]], mult[cols[2]], mult[cols[3]]);
  for (var r = 0u; r < TM; r++) {
    if (m0 + r >= p.m) { break; }
    let y = vec4f(acc[r]) * m;
    for (var c = 0u; c < 4u; c++) {
      if (n0 + c < N) { logits_out[(m0 + r) * N + n0 + c] = y[c]; }
    }
  }
}

