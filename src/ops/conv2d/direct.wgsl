// Direct convolution (NHWC) for inputs with few channels, where im2col's patch matrix has only
// K = KH·KW·C columns (9 for a network's first 3×3 layer on a grey image) and its matmul mostly
// moves data. Same maths and layouts as im2col.wgsl:
//   y[b, oy, ox, f] = bias[f] + Σ_{ky, kx, c} x[b, oy·S + ky − P, ox·S + kx − P, c] · w[ky, kx, c, f]
// with w [KH, KW, C, F] (0 outside the image), and t = (ky·KW + kx)·C + c a weight row ("tap").
//
// forward:        one invocation per PPI output pixels and QPI filter quadruples (vec4 over f).
// backward_input: one invocation per input element: dx = Σ over the windows that cover it of dy·w
//                 (a gather, as col2im: no atomics, deterministic).
// dW, db:         dW[t, f] = Σ_{b, oy, ox} x(tap t at that pixel) · dy[b, oy, ox, f], a reduction
//                 over the B·OH·OW output pixels, done as batchnorm.wgsl's statistics (no workgroup
//                 memory: the software adapter punishes barriers): backward_weight_partial has one
//                 invocation per (input channel, filter quadruple, slice of p.rowsPerSlice pixels)
//                 with one accumulator per kernel tap, and sums dy for db; backward_weight_finish
//                 has one per (weight row t, quadruple), row T being db, and sums the slices.
//
// Dispatch: forward, backward_input as elementwise.wgsl over p.n invocations ((min(groups, 32768),
// ceil(groups / 32768)), p.row = 32768 · WG); backward_weight_partial (ceil(C·F4 / WG), slices);
// backward_weight_finish (ceil((T + 1)·F4 / WG)).
// The geometry is override constants so that the software adapter folds the index divisions (see
// im2col.wgsl). Bindings and `p` (n, row, pixels, rowsPerSlice, slices) are declared in direct.ts
// and generated above this body.

override H: u32;
override W: u32;
override C: u32;
override OH: u32;
override OW: u32;
override KH: u32;
override KW: u32;
override STRIDE: u32;
override PAD: u32;
override F: u32;
override HAS_BIAS: bool = false;
override F4: u32 = (F + 3u) / 4u;
// F % 4 == 0 (every zoo layer): a filter quadruple is one vec4 of w, dy and y. Other F assemble
// quadruples from scalars, masked past F.
override FALIGNED: bool = F % 4u == 0u;
override T: u32 = KH * KW * C;
// Filter quadruples per forward invocation: each input value fetched serves all of them.
override QPI: u32 = 1u;
override QGROUPS: u32 = (F4 + QPI - 1u) / QPI;
// Output pixels per forward invocation (consecutive in the flat B·OH·OW order): each weight
// quadruple loaded serves all of them. PPI·QPI ≤ MAX_ACC accumulators, PPI ≤ MAX_PPI.
override PPI: u32 = 1u;
const MAX_PPI: u32 = 8u;
const MAX_ACC: u32 = 32u;
// The weight gradient's first pass keeps one accumulator per kernel tap (KH·KW ≤ MAX_TAPS).
const MAX_TAPS: u32 = 25u;

// The weights `w` are a copy in a uniform buffer of MAX_W4 vec4s (direct.ts says why); T·F must
// fit (direct.ts `directApplies` checks).
const MAX_W4: u32 = 1024u;
// The outputs: y (forward), dx (backward_input), the partial sums, dW and db (finish). The vec4
// views are written when FALIGNED, the scalar ones otherwise; the other binding gets a spare
// buffer (writable bindings may not alias).
// TEXTURES: x and dy also as textures (xT, dyT: flat vec4 arrays, src/gpu/gpu.ts `texture()`), read
// instead of the buffers where the adapter profile says so: on the software adapter a texel fetch
// is a vectorised gather, a storage load a per-lane loop. Else a 1×1 dummy.
override TEXTURES: bool = false;

// #include gpu/texel
fn xAt(j: u32) -> f32 {
  if (TEXTURES) { return texel(xT, j / 4u)[j % 4u]; }
  return x[j];
}
fn dyAt(j: u32) -> f32 {
  if (TEXTURES) { return texel(dyT, j / 4u)[j % 4u]; }
  return dy[j];
}
// Filters 4q..4q+3 of dy at output pixel `pix`; zero past F.
fn dyQuad(pix: u32, q: u32) -> vec4f {
  if (FALIGNED) {
    if (TEXTURES) { return texel(dyT, pix * F4 + q); }
    return dy4[pix * F4 + q];
  }
  var v = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    if (4u * q + k < F) { v[k] = dyAt(pix * F + 4u * q + k); }
  }
  return v;
}
// Filters 4q..4q+3 of weight row t; zero past F.
fn wQuad(t: u32, q: u32) -> vec4f {
  if (FALIGNED) { return w[t * F4 + q]; }
  var v = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    let j = t * F + 4u * q + k;
    if (4u * q + k < F) { v[k] = w[j / 4u][j % 4u]; }
  }
  return v;
}
fn biasQuad(q: u32) -> vec4f {
  var v = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    if (4u * q + k < F) { v[k] = bias[4u * q + k]; }
  }
  return v;
}
// Stores filters 4q..4q+3 of row r of an [_, F] output (y, dW or db).
fn storeQuad(r: u32, q: u32, v: vec4f) {
  if (FALIGNED) {
    out4[r * F4 + q] = v;
    return;
  }
  for (var k = 0u; k < 4u; k++) {
    if (4u * q + k < F) { out[r * F + 4u * q + k] = v[k]; }
  }
}

// Where kernel tap (ky, kx) of output pixel (b, oy, ox) falls in x: the flat index of its channel 0,
// clamped into the image, and whether it is inside (else it reads padding, 0). Branch-free, so
// that the tap loops, whose bounds are constants, unroll and their indices fold.
struct Tap { index: u32, inside: bool }
fn tap(b: u32, oy: u32, ox: u32, ky: u32, kx: u32) -> Tap {
  // i32 so that positions left of / above the image (padding) are negative, not wrapped.
  let y = i32(oy * STRIDE + ky) - i32(PAD);
  let xx = i32(ox * STRIDE + kx) - i32(PAD);
  let inside = y >= 0 && y < i32(H) && xx >= 0 && xx < i32(W);
  let cy = u32(clamp(y, 0, i32(H) - 1));
  let cx = u32(clamp(xx, 0, i32(W) - 1));
  return Tap(((b * H + cy) * W + cx) * C, inside);
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  // With one quadruple group its index is the constant 0, which keeps weight indices uniform.
  var q0 = 0u;
  var pix0 = i * PPI;
  if (QGROUPS > 1u) {
    q0 = (i % QGROUPS) * QPI;
    pix0 = (i / QGROUPS) * PPI;
  }
  var acc: array<vec4f, MAX_ACC>;
  if (HAS_BIAS) {
    for (var j = 0u; j < QPI; j++) {
      let v = biasQuad(q0 + j);
      for (var k = 0u; k < PPI; k++) { acc[k * QPI + j] = v; }
    }
  }
  for (var t = 0u; t < T; t++) {
    let ky = t / (C * KW);
    let kx = (t / C) % KW;
    var xv: array<f32, MAX_PPI>;
    for (var k = 0u; k < PPI; k++) {
      let pix = min(pix0 + k, p.pixels - 1u);
      let at = tap(pix / (OW * OH), (pix / OW) % OH, pix % OW, ky, kx);
      xv[k] = select(0.0, xAt(at.index + t % C), at.inside);
    }
    for (var j = 0u; j < QPI; j++) {
      let wq = wQuad(t, q0 + j);
      for (var k = 0u; k < PPI; k++) { acc[k * QPI + j] += xv[k] * wq; }
    }
  }
  for (var k = 0u; k < PPI; k++) {
    for (var j = 0u; j < QPI; j++) {
      if (pix0 + k < p.pixels && q0 + j < F4) { storeQuad(pix0 + k, q0 + j, acc[k * QPI + j]); }
    }
  }
}

// Reads dy and w (not x): dx[b, y, x, c] = Σ_{ky, kx, f} dy[b, oy, ox, f] · w[ky, kx, c, f] over
// the (oy, ox) with oy·S + ky − P = y and ox·S + kx − P = x. Writes `out` (scalar).
@compute @workgroup_size(WG)
fn backward_input(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c = i % C;
  let xx = (i / C) % W;
  let y = (i / (C * W)) % H;
  let b = i / (C * W * H);
  var s = vec4f(0.0);
  for (var ky = 0u; ky < KH; ky++) {
    let ty = i32(y + PAD) - i32(ky);   // = oy · STRIDE when this window row covers y
    if (ty < 0 || ty % i32(STRIDE) != 0) { continue; }
    let oy = u32(ty) / STRIDE;
    if (oy >= OH) { continue; }
    for (var kx = 0u; kx < KW; kx++) {
      let tx = i32(xx + PAD) - i32(kx);
      if (tx < 0 || tx % i32(STRIDE) != 0) { continue; }
      let ox = u32(tx) / STRIDE;
      if (ox >= OW) { continue; }
      let pix = (b * OH + oy) * OW + ox;
      let t = (ky * KW + kx) * C + c;
      for (var q = 0u; q < F4; q++) {
        s += dyQuad(pix, q) * wQuad(t, q);
      }
    }
  }
  out[i] = s.x + s.y + s.z + s.w;
}

// Partial sums over one slice of output pixels of dW rows t = (ky·KW + kx)·C + c for all KH·KW
// taps of channel c and filter quadruple q, and of db (from the c = 0 invocations):
// partial[slice, t, q], partial[slice, T, q]. Each pixel's dy quadruple is fetched once for
// all its taps.
@compute @workgroup_size(WG)
fn backward_weight_partial(@builtin(global_invocation_id) gid: vec3u) {
  let cq = gid.x;
  if (cq >= C * F4) { return; }
  let q = cq % F4;
  let c = cq / F4;
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.pixels);
  var acc: array<vec4f, MAX_TAPS>;
  var sdy = vec4f(0.0);
  for (var pix = start; pix < end; pix++) {
    let g = dyQuad(pix, q);
    sdy += g;
    let ox = pix % OW;
    let oy = (pix / OW) % OH;
    let b = pix / (OW * OH);
    for (var ky = 0u; ky < KH; ky++) {
      for (var kx = 0u; kx < KW; kx++) {
        let at = tap(b, oy, ox, ky, kx);
        acc[ky * KW + kx] += select(0.0, xAt(at.index + c), at.inside) * g;
      }
    }
  }
  for (var k = 0u; k < KH * KW; k++) {
    partial[(gid.y * (T + 1u) + k * C + c) * F4 + q] = acc[k];
  }
  if (HAS_BIAS && c == 0u) { partial[(gid.y * (T + 1u) + T) * F4 + q] = sdy; }
}

// dW = Σ over slices of the partial sums (into `out` / `out4`, laid out as w), and db (`db` /
// `db4`) from row T when HAS_BIAS.
@compute @workgroup_size(WG)
fn backward_weight_finish(@builtin(global_invocation_id) gid: vec3u) {
  let tq = gid.x;
  let rows = select(T, T + 1u, HAS_BIAS);
  if (tq >= rows * F4) { return; }
  let q = tq % F4;
  let t = tq / F4;
  var s = vec4f(0.0);
  for (var i = 0u; i < p.slices; i++) {
    s += partial[(i * (T + 1u) + t) * F4 + q];
  }
  if (t < T) {
    storeQuad(t, q, s);
    return;
  }
  if (FALIGNED) {
    db4[q] = s;
    return;
  }
  for (var k = 0u; k < 4u; k++) {
    if (4u * q + k < F) { db[4u * q + k] = s[k]; }
  }
}
