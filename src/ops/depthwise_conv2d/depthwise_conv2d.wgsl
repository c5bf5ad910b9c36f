// Depthwise 2-D convolution (NHWC): every channel is convolved with its own KH×KW filter, no mixing
// across channels (MobileNet's spatial half; a 1×1 conv2d does the channel mixing).
//   y[b, oy, ox, c] = bias[c] + Σ_{ky,kx} x[b, oy*S + ky - P, ox*S + kx - P, c] · w[ky, kx, c]
// with x = 0 outside the image. Weight layout [KH, KW, C]: tap-major, channel fastest, so that
// neighbouring invocations (neighbouring c) read neighbouring addresses everywhere.
//
// forward:         one invocation per output element, KH·KW taps each.
// backward_input:  one invocation per INPUT element gathers dy from every output whose window
//                  covered it (as im2col.wgsl's col2im): no atomics, deterministic.
// backward_weight: dW[ky, kx, c] = Σ over batch and output pixels of dy · x. WGSL has no float
//                  atomics, so each (row slice, tap, channel) invocation sums the product over a
//                  stripe of p.rowsPerSlice output pixels (p.rows = B·OH·OW) into
//                  partial[slice, tap, c]; reduce.wgsl's sum_rows adds the slices
//                  (depthwise_conv2d.ts). Dispatch (ceil(KH·KW·C / WG), slices).
// Elementwise entries dispatch as elementwise.wgsl: (min(groups, 32768), ceil(groups / 32768)),
// p.row = 32768 * WG. The geometry is override constants so that the software adapter folds the
// index divisions into multiply-shift (see im2col.wgsl).

// When C % 4 == 0 (and KH·KW <= MAX_TAPS), the *_px and *_taps entries below do the same on
// channel quadruples through vec4 views of the same buffers (a4, b4, bias4, out4): one 16-byte
// load where the scalar entries do four 4-byte ones, and on the software adapter every
// lane-varying load is a gather of about the same cost whatever its width. `n` then counts
// invocations.

// Bindings and `p` (n, row, rows, rowsPerSlice) are declared in depthwise_conv2d.ts and generated
// above this body; the spec there says what `a`, `b` and `out` hold in each entry.
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

// Pixel blocks: each invocation of the *_px entries takes one channel quadruple of PX neighbouring
// pixels along a row (output pixels for forward_px, input pixels for backward_input_px), so each
// of its KH·KW weights loads once for PX pixels, not once per pixel, and each column of a row
// under its windows (SPAN input columns, OUT_SPAN output columns) once, not once per tap and
// pixel: on the software adapter every lane-varying load is a gather. The loops over columns, taps and block
// pixels have constant trip counts and unroll, so the column arrays and accumulators stay in
// registers and, with PX a multiple of STRIDE, which column meets which pixel at which tap is
// decided at compile time. backward_weight_taps gives one invocation all KH·KW taps of a quadruple
// and row slice, so dy loads once per row, not once per tap. Every accumulator adds its terms in
// the order of the per-element entries (ky, then kx ascending; rows ascending for the weight
// gradient), and only terms inside the image, so the results are the same floats.
// TEXTURES: the big inputs (x or dy as `a`, x as `b` in backward_weight_taps) also as textures
// (aT, bT: flat vec4 arrays, src/gpu/gpu.ts `texture()`), read instead of a4, b4 where the adapter
// profile says so: on the software adapter a texel fetch is a vectorised gather, a storage load a
// per-lane loop. Unused ones get a 1×1 dummy.
// Needs C % 4 == 0, KH·KW <= MAX_TAPS, PX % STRIDE == 0 and SPAN <= MAX_SPAN (else
// depthwise_conv2d.ts takes the scalar entries).
// Dispatch: forward_px over B·OH·ceil(OW / PX)·C4 invocations, backward_input_px over
// B·H·ceil(W / PX)·C4, both as the elementwise entries; backward_weight_taps (ceil(C4 / WG),
// slices).
const PX = 4u;
const MAX_TAPS = 25u;
// Input columns under a block of PX output windows: (PX − 1)·STRIDE + KW, at most MAX_SPAN.
override SPAN: u32 = (PX - 1u) * STRIDE + KW;
// Output columns whose windows reach a block of PX input pixels, at most MAX_SPAN.
override OUT_SPAN: u32 = (PX + KW - 2u) / STRIDE + 1u;
const MAX_SPAN = 16u;
override TEXTURES: bool = false;

// #include gpu/texel
fn aAt(j: u32) -> vec4f {
  if (TEXTURES) { return texel(aT, j); }
  return a4[j];
}
fn bAt(j: u32) -> vec4f {
  if (TEXTURES) { return texel(bT, j); }
  return b4[j];
}

@compute @workgroup_size(WG)
fn forward_px(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let blocks = (OW + PX - 1u) / PX;
  let q = i % C4;
  let ox0 = ((i / C4) % blocks) * PX;
  let oy = (i / (C4 * blocks)) % OH;
  let n = i / (C4 * blocks * OH);
  var acc: array<vec4f, PX>;
  for (var t = 0u; t < PX; t++) {
    acc[t] = vec4f(0.0);
    if (HAS_BIAS != 0u) { acc[t] = bias4[q]; }
  }
  let x0 = i32(ox0 * STRIDE) - i32(PAD);
  for (var ky = 0u; ky < KH; ky++) {
    let y = i32(oy * STRIDE + ky) - i32(PAD);
    if (y < 0 || y >= i32(H)) { continue; }
    let rowBase = (n * H + u32(y)) * W;
    // The block's input columns, each loaded once for the windows that share it.
    var col: array<vec4f, MAX_SPAN>;
    var inside: array<bool, MAX_SPAN>;
    for (var u = 0u; u < SPAN; u++) {
      let x = x0 + i32(u);
      inside[u] = x >= 0 && x < i32(W);
      col[u] = aAt((rowBase + u32(clamp(x, 0, i32(W) - 1))) * C4 + q);
    }
    for (var kx = 0u; kx < KW; kx++) {
      let wk = b4[(ky * KW + kx) * C4 + q];
      for (var t = 0u; t < PX; t++) {
        if (inside[t * STRIDE + kx]) { acc[t] += col[t * STRIDE + kx] * wk; }
      }
    }
  }
  let base = (n * OH + oy) * OW;
  for (var t = 0u; t < PX; t++) {
    if (ox0 + t < OW) { out4[(base + ox0 + t) * C4 + q] = acc[t]; }
  }
}

@compute @workgroup_size(WG)
fn backward_input_px(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let blocks = (W + PX - 1u) / PX;
  let q = i % C4;
  let x0 = ((i / C4) % blocks) * PX;
  let y = (i / (C4 * blocks)) % H;
  let n = i / (C4 * blocks * H);
  var acc: array<vec4f, PX>;
  for (var t = 0u; t < PX; t++) { acc[t] = vec4f(0.0); }
  // The output columns whose windows reach the block, from the last one down (index j), each
  // loaded once. x0 is a multiple of STRIDE (PX is), so which column and whether it reaches pixel
  // x0 + t at tap kx is known at compile time once the loops unroll.
  let oxLast = i32((x0 + PX - 1u + PAD) / STRIDE);
  for (var ky = 0u; ky < KH; ky++) {
    let ty = i32(y + PAD) - i32(ky);
    if (ty < 0 || ty % i32(STRIDE) != 0) { continue; }
    let oy = u32(ty) / STRIDE;
    if (oy >= OH) { continue; }
    let rowBase = (n * OH + oy) * OW;
    var col: array<vec4f, MAX_SPAN>;
    var inside: array<bool, MAX_SPAN>;
    for (var j = 0u; j < OUT_SPAN; j++) {
      let ox = oxLast - i32(j);
      inside[j] = ox >= 0 && ox < i32(OW);
      col[j] = aAt((rowBase + u32(clamp(ox, 0, i32(OW) - 1))) * C4 + q);
    }
    for (var kx = 0u; kx < KW; kx++) {
      let wk = b4[(ky * KW + kx) * C4 + q];
      for (var t = 0u; t < PX; t++) {
        if ((t + PAD + STRIDE * KW - kx) % STRIDE != 0u) { continue; }
        // oxLast − ox, ox = (x0 + t + PAD − kx) / STRIDE (exact).
        let j = i32((PX - 1u + PAD) / STRIDE) - (i32(t + PAD) - i32(kx)) / i32(STRIDE);
        if (inside[j]) { acc[t] += col[j] * wk; }
      }
    }
  }
  let base = (n * H + y) * W;
  for (var t = 0u; t < PX; t++) {
    if (x0 + t < W) { out4[(base + x0 + t) * C4 + q] = acc[t]; }
  }
}

@compute @workgroup_size(WG)
fn backward_weight_taps(@builtin(global_invocation_id) gid: vec3u) {
  let q = gid.x;
  if (q >= C4) { return; }
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.rows);
  var ox = start % OW;
  var oy = (start / OW) % OH;
  var n = start / (OW * OH);
  var acc: array<vec4f, MAX_TAPS>;
  for (var t = 0u; t < KH * KW; t++) { acc[t] = vec4f(0.0); }
  for (var r = start; r < end; r++) {
    let g = aAt(r * C4 + q);
    for (var ky = 0u; ky < KH; ky++) {
      let y = i32(oy * STRIDE + ky) - i32(PAD);
      if (y < 0 || y >= i32(H)) { continue; }
      let rowBase = (n * H + u32(y)) * W;
      for (var kx = 0u; kx < KW; kx++) {
        let x = i32(ox * STRIDE + kx) - i32(PAD);
        if (x < 0 || x >= i32(W)) { continue; }
        acc[ky * KW + kx] += g * bAt((rowBase + u32(x)) * C4 + q);
      }
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
  for (var t = 0u; t < KH * KW; t++) { out4[gid.y * (KH * KW * C4) + t * C4 + q] = acc[t]; }
}
