// Depthwise 2-D convolution (NHWC): every channel is convolved with its own KH×KW filter, no mixing
// across channels (MobileNet's spatial half; a 1×1 conv2d does the channel mixing).
//   y[b, oy, ox, c] = bias[c] + Σ_{ky,kx} x[b, oy*S + ky - P, ox*S + kx - P, c] · w[ky, kx, c]
// with x = 0 outside the image. Weight layout [KH, KW, C]: tap-major, channel fastest, so that
// neighbouring invocations (neighbouring c) read neighbouring addresses everywhere.
//
// forward:         one invocation per output element, KH·KW taps each.
// backward_input:  one invocation per INPUT element gathers dy from every output whose window
//                  covered it (as conv2d.wgsl's col2im): no atomics, deterministic.
// backward_weight: dW[ky, kx, c] = Σ over batch and output pixels of dy · x. WGSL has no float
//                  atomics, so each (row slice, tap, channel) invocation sums the product over a
//                  stripe of ROWS_PER_SLICE output pixels (rows = B·OH·OW) into
//                  partial[slice, tap, c]; reduce.wgsl's sum_rows adds the slices (src/autograd/
//                  depthwise_conv2d.ts). Dispatch (ceil(KH·KW·C / WG), slices).
// Elementwise entries dispatch as elementwise.wgsl: (min(groups, 32768), ceil(groups / 32768)),
// p.row = 32768 * WG. The geometry is override constants so that llvmpipe folds the index
// divisions into multiply-shift (see conv2d.wgsl).

// When C % 4 == 0, the *4 entries do the same on channel quadruples through vec4 views of the same
// buffers (bindings 5–8): one 16-byte load where the scalar entries do four 4-byte ones, and on
// llvmpipe every lane-varying load is a gather of about the same cost whatever its width. `n` then
// counts vec4s.

struct Params { n: u32, row: u32, rows: u32, rowsPerSlice: u32 }
override WG: u32 = 64;
override H: u32;
override W: u32;
override C: u32;
override OH: u32;
override OW: u32;
override KH: u32;
override KW: u32;
override STRIDE: u32;
override PAD: u32;
override HAS_BIAS: u32 = 0;

@group(0) @binding(0) var<uniform> p: Params;
// forward: x; backward_input: dy; backward_weight: dy.
@group(0) @binding(1) var<storage, read> a: array<f32>;
// forward, backward_input: w; backward_weight: x.
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
// forward: y; backward_input: dx; backward_weight: partial sums [slices, KH·KW·C].
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read> a4: array<vec4f>;
@group(0) @binding(6) var<storage, read> b4: array<vec4f>;
@group(0) @binding(7) var<storage, read> bias4: array<vec4f>;
@group(0) @binding(8) var<storage, read_write> out4: array<vec4f>;
override C4: u32 = C / 4u;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c = i % C;
  let ox = (i / C) % OW;
  let oy = (i / (C * OW)) % OH;
  let n = i / (C * OW * OH);
  var s = 0.0;
  if (HAS_BIAS != 0u) { s = bias[c]; }
  for (var ky = 0u; ky < KH; ky++) {
    // i32 so that rows above the image (padding) are negative, not wrapped.
    let y = i32(oy * STRIDE + ky) - i32(PAD);
    if (y < 0 || y >= i32(H)) { continue; }
    for (var kx = 0u; kx < KW; kx++) {
      let x = i32(ox * STRIDE + kx) - i32(PAD);
      if (x < 0 || x >= i32(W)) { continue; }
      s += a[((n * H + u32(y)) * W + u32(x)) * C + c] * b[(ky * KW + kx) * C + c];
    }
  }
  out[i] = s;
}

@compute @workgroup_size(WG)
fn backward_input(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c = i % C;
  let x = (i / C) % W;
  let y = (i / (C * W)) % H;
  let n = i / (C * W * H);
  var s = 0.0;
  for (var ky = 0u; ky < KH; ky++) {
    let ty = i32(y + PAD) - i32(ky);   // = oy * STRIDE when output row oy's window covers y
    if (ty < 0 || ty % i32(STRIDE) != 0) { continue; }
    let oy = u32(ty) / STRIDE;
    if (oy >= OH) { continue; }
    for (var kx = 0u; kx < KW; kx++) {
      let tx = i32(x + PAD) - i32(kx);
      if (tx < 0 || tx % i32(STRIDE) != 0) { continue; }
      let ox = u32(tx) / STRIDE;
      if (ox >= OW) { continue; }
      s += a[((n * OH + oy) * OW + ox) * C + c] * b[(ky * KW + kx) * C + c];
    }
  }
  out[i] = s;
}

@compute @workgroup_size(WG)
fn backward_weight(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;                      // (ky, kx, c)
  if (j >= KH * KW * C) { return; }
  let c = j % C;
  let kx = (j / C) % KW;
  let ky = j / (C * KW);
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.rows);
  // Walk the stripe's output pixels with carried counters: one division per invocation, not per
  // row.
  var ox = start % OW;
  var oy = (start / OW) % OH;
  var n = start / (OW * OH);
  var s = 0.0;
  for (var r = start; r < end; r++) {
    let y = i32(oy * STRIDE + ky) - i32(PAD);
    let x = i32(ox * STRIDE + kx) - i32(PAD);
    if (y >= 0 && y < i32(H) && x >= 0 && x < i32(W)) {
      s += a[r * C + c] * b[((n * H + u32(y)) * W + u32(x)) * C + c];
    }
    ox++;
    if (ox == OW) {
      ox = 0u;
      oy++;
      if (oy == OH) {
        oy = 0u;
        n++;
      }
    }
  }
  out[gid.y * (KH * KW * C) + j] = s;
}

@compute @workgroup_size(WG)
fn forward4(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let q = i % C4;
  let ox = (i / C4) % OW;
  let oy = (i / (C4 * OW)) % OH;
  let n = i / (C4 * OW * OH);
  var s = vec4f(0.0);
  if (HAS_BIAS != 0u) { s = bias4[q]; }
  for (var ky = 0u; ky < KH; ky++) {
    let y = i32(oy * STRIDE + ky) - i32(PAD);
    if (y < 0 || y >= i32(H)) { continue; }
    for (var kx = 0u; kx < KW; kx++) {
      let x = i32(ox * STRIDE + kx) - i32(PAD);
      if (x < 0 || x >= i32(W)) { continue; }
      s += a4[((n * H + u32(y)) * W + u32(x)) * C4 + q] * b4[(ky * KW + kx) * C4 + q];
    }
  }
  out4[i] = s;
}

@compute @workgroup_size(WG)
fn backward_input4(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let q = i % C4;
  let x = (i / C4) % W;
  let y = (i / (C4 * W)) % H;
  let n = i / (C4 * W * H);
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
      s += a4[((n * OH + oy) * OW + ox) * C4 + q] * b4[(ky * KW + kx) * C4 + q];
    }
  }
  out4[i] = s;
}

@compute @workgroup_size(WG)
fn backward_weight4(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;                      // (ky, kx, quadruple)
  if (j >= KH * KW * C4) { return; }
  let q = j % C4;
  let kx = (j / C4) % KW;
  let ky = j / (C4 * KW);
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.rows);
  var ox = start % OW;
  var oy = (start / OW) % OH;
  var n = start / (OW * OH);
  var s = vec4f(0.0);
  for (var r = start; r < end; r++) {
    let y = i32(oy * STRIDE + ky) - i32(PAD);
    let x = i32(ox * STRIDE + kx) - i32(PAD);
    if (y >= 0 && y < i32(H) && x >= 0 && x < i32(W)) {
      s += a4[r * C4 + q] * b4[((n * H + u32(y)) * W + u32(x)) * C4 + q];
    }
    ox++;
    if (ox == OW) {
      ox = 0u;
      oy++;
      if (oy == OH) {
        oy = 0u;
        n++;
      }
    }
  }
  out4[gid.y * (KH * KW * C4) + j] = s;
}
