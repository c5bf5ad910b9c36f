// 3×3, stride-1, "same"-padded convolution as Winograd's minimal filtering F(2×2, 3×3) (Lavin &
// Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016): each 2×2 block of outputs
// ("tile") comes from a 4×4 input patch d and the 3×3 filter g as
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
// summed over input channels. Over a batch the ⊙-and-sum becomes 16 independent matmuls, one per
// position e = 4ξ + ν of the 4×4 transformed tile: M[e] = V[e] · U[e] with V[e] [T, C] (the
// transformed inputs), U[e] [C, F] (the transformed filters), T tiles. That is 16 · T · C · F
// multiplies against im2col's 36 · T · C · F: 2.25× fewer (winograd.ts runs the matmuls).
//
//   Bᵀ = [1  0 -1  0]    G = [ 1    0    0 ]    Aᵀ = [1 1  1  0]
//        [0  1  1  0]        [ 1/2  1/2  1/2]         [0 1 -1 -1]
//        [0 -1  1  0]        [ 1/2 -1/2  1/2]
//        [0  1  0 -1]        [ 0    0    1 ]
//
// Every map is linear, so the backward passes are the transposed maps (adjoints):
//   dM = A dY Aᵀ (output_transform_backward),  dU[e] = V[e]ᵀ dM[e],  dg = Gᵀ dU G
//   (weight_transform_backward),  dV[e] = dM[e] U[e]ᵀ,  dd = B dV Bᵀ, and each input pixel sums
//   the dd entries of the (up to 2×2) overlapping tiles it belongs to (input_transform_backward,
//   a gather by 2×2 blocks of pixels: no atomics, deterministic).
//
// Layouts (NHWC activations, channels in vec4s: C and F are multiples of 4):
//   x, dx [B, H, W, C]; y, dy [B, H, W, F] (same size: stride 1, padding 1)
//   tiles t = (b·TY + ty)·TX + tx, TY = ⌈H/2⌉, TX = ⌈W/2⌉; tile (ty, tx) covers outputs
//   (2ty..2ty+1, 2tx..2tx+1) and reads inputs (2ty-1..2ty+2, 2tx-1..2tx+2), zero outside
//   V, dV [16, T, C]; U [16, C, F] (Uᵀ [16, F, C] for the forward); dU [16, SPLIT, C, F];
//   M, dM [16, T, F]; weight, dweight [3, 3, C, F]
// One invocation per vec4 of output; dispatch as elementwise.wgsl (p.row = 32768 · WG). T is a
// runtime parameter (p.t: it grows with the batch) and the geometry override constants (see
// im2col.wgsl for why: the software adapter folds divisions by constants).

// Bindings and `p` (n, row, t) are declared in winograd.ts and generated above this body.
override H: u32;
override W: u32;
override C4: u32;
override F4: u32;
override HAS_BIAS: bool = false;
// weight_transform_backward's dU comes as SPLIT partial sums per position e (K-chunks of the
// product Vᵀ·dM, src/ops/matmul/matmul.ts matmulBatchedSplitInto): dU [16, SPLIT, C, F].
override SPLIT: u32 = 1u;
override TY: u32 = (H + 1u) / 2u;
override TX: u32 = (W + 1u) / 2u;

// TEXTURES: the transforms of activations and their gradients read `src` as a texture copy (srcT:
// a flat vec4 array, src/gpu/gpu.ts `texture()`) instead of the buffer where the adapter profile
// says so: on the software adapter a texel fetch is a vectorised gather, a storage load a per-lane
// loop. Else srcT is a 1×1 dummy. The weight transforms read the buffer (C·F values).
override TEXTURES: bool = false;

fn ld(i: u32) -> vec4f {
  if (TEXTURES) { return textureLoad(srcT, vec2u(i & 4095u, i >> 12u), 0); }
  return src[i];
}

// x[b, y, x, c4], zero in the padding.
fn pixel(b: u32, y: i32, x: i32, c4: u32) -> vec4f {
  if (y < 0 || y >= i32(H) || x < 0 || x >= i32(W)) { return vec4f(0.0); }
  return ld(((b * H + u32(y)) * W + u32(x)) * C4 + c4);
}

// Bᵀ v for a column (or row) v of four values.
fn bt(v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) -> array<vec4f, 4> {
  return array<vec4f, 4>(v0 - v2, v1 + v2, v2 - v1, v1 - v3);
}

@compute @workgroup_size(WG)
fn input_transform(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c4 = i % C4;
  let t = i / C4;
  let tx = t % TX;
  let ty = (t / TX) % TY;
  let b = t / (TX * TY);
  let y0 = i32(2u * ty) - 1;
  let x0 = i32(2u * tx) - 1;
  // Rows of Bᵀ d, each row then times B (the same combination along the row).
  var r: array<array<vec4f, 4>, 4>;
  for (var j = 0; j < 4; j++) {
    let col = bt(pixel(b, y0, x0 + j, c4), pixel(b, y0 + 1, x0 + j, c4),
                 pixel(b, y0 + 2, x0 + j, c4), pixel(b, y0 + 3, x0 + j, c4));
    for (var k = 0; k < 4; k++) { r[k][j] = col[k]; }
  }
  for (var k = 0u; k < 4u; k++) {
    let v = bt(r[k][0], r[k][1], r[k][2], r[k][3]);
    for (var l = 0u; l < 4u; l++) { dst[((4u * k + l) * p.t + t) * C4 + c4] = v[l]; }
  }
}

// Aᵀ v for four values: two.
fn at(v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) -> array<vec4f, 2> {
  return array<vec4f, 2>(v0 + v1 + v2, v1 - v2 - v3);
}

@compute @workgroup_size(WG)
fn output_transform(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let f4 = i % F4;
  let t = i / F4;
  let tx = t % TX;
  let ty = (t / TX) % TY;
  let b = t / (TX * TY);
  var s: array<array<vec4f, 4>, 2>; // Aᵀ M
  for (var l = 0u; l < 4u; l++) {
    let m = at(ld(((0u + l) * p.t + t) * F4 + f4), ld(((4u + l) * p.t + t) * F4 + f4),
               ld(((8u + l) * p.t + t) * F4 + f4), ld(((12u + l) * p.t + t) * F4 + f4));
    s[0][l] = m[0];
    s[1][l] = m[1];
  }
  var add = vec4f(0.0);
  if (HAS_BIAS) { add = bias[f4]; }
  for (var k = 0u; k < 2u; k++) {
    let y = 2u * ty + k;
    if (y >= H) { continue; }
    let v = at(s[k][0], s[k][1], s[k][2], s[k][3]);
    for (var l = 0u; l < 2u; l++) {
      let x = 2u * tx + l;
      if (x < W) { dst[((b * H + y) * W + x) * F4 + f4] = v[l] + add; }
    }
  }
}

// A v for two values: four (the adjoint of `at`).
fn a2(v0: vec4f, v1: vec4f) -> array<vec4f, 4> {
  return array<vec4f, 4>(v0, v0 + v1, v0 - v1, -v1);
}

@compute @workgroup_size(WG)
fn output_transform_backward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let f4 = i % F4;
  let t = i / F4;
  let tx = t % TX;
  let ty = (t / TX) % TY;
  let b = t / (TX * TY);
  // dy of the tile's 2×2 outputs; outputs past the image edge had no gradient.
  var dy: array<array<vec4f, 2>, 2>;
  for (var k = 0u; k < 2u; k++) {
    for (var l = 0u; l < 2u; l++) {
      let y = 2u * ty + k;
      let x = 2u * tx + l;
      dy[k][l] = select(vec4f(0.0), ld(((b * H + min(y, H - 1u)) * W + min(x, W - 1u)) * F4 + f4),
                        y < H && x < W);
    }
  }
  let c0 = a2(dy[0][0], dy[1][0]);
  let c1 = a2(dy[0][1], dy[1][1]);
  for (var k = 0u; k < 4u; k++) {
    let v = a2(c0[k], c1[k]);
    for (var l = 0u; l < 4u; l++) { dst[((4u * k + l) * p.t + t) * F4 + f4] = v[l]; }
  }
}

// dV[4ξ + ν] of tile (ty, tx) of image b; zero for tiles outside the grid.
fn dv(b: u32, ty: i32, tx: i32, xi: u32, nu: u32, c4: u32) -> vec4f {
  if (ty < 0 || ty >= i32(TY) || tx < 0 || tx >= i32(TX)) { return vec4f(0.0); }
  return ld(((4u * xi + nu) * p.t + (b * TY + u32(ty)) * TX + u32(tx)) * C4 + c4);
}

// One invocation per tile (s, r) and channel quadruple: the 2×2 input pixels (2s + p, 2r + q).
// dd = B dV Bᵀ spreads each tile over 4×4 pixels overlapping its neighbours by 2; pixel row 2s is
// local row 1 of tile s and row 3 of tile s - 1, row 2s + 1 local row 2 of tile s and row 0 of
// tile s + 1 (columns alike). Rows of B: 0: (1,0,0,0), 1: (0,1,-1,1), 2: (-1,1,1,0), 3: (0,0,0,-1).
// So the block needs all 16 values of its own tile and a row or column of its 8 neighbours': 36
// loads for 4 pixels in straight-line code; a per-pixel gather over its tiles with branches on
// the coefficients ran ~7× slower on the software adapter (73 against 10 ms at conv2's shape,
// batch 128).
@compute @workgroup_size(WG)
fn input_transform_backward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c4 = i % C4;
  let t = i / C4;
  let r = i32(t % TX);
  let s = i32((t / TX) % TY);
  let b = t / (TX * TY);
  // P0[j][ν], P1[j][ν]: pixel rows 2s, 2s + 1 combined along ξ, for column tiles r - 1, r, r + 1.
  var p0: array<vec4f, 4>;
  var p1: array<vec4f, 4>;
  for (var nu = 0u; nu < 4u; nu++) {
    let d0 = dv(b, s, r, 0u, nu, c4);
    let d1 = dv(b, s, r, 1u, nu, c4);
    let d2 = dv(b, s, r, 2u, nu, c4);
    let d3 = dv(b, s, r, 3u, nu, c4);
    p0[nu] = d1 - d2 + d3 - dv(b, s - 1, r, 3u, nu, c4);
    p1[nu] = dv(b, s + 1, r, 0u, nu, c4) - d0 + d1 + d2;
  }
  // Column ν = 3 of tile r - 1 and ν = 0 of tile r + 1, combined the same way along ξ.
  let l0 = dv(b, s, r - 1, 1u, 3u, c4) - dv(b, s, r - 1, 2u, 3u, c4) +
    dv(b, s, r - 1, 3u, 3u, c4) - dv(b, s - 1, r - 1, 3u, 3u, c4);
  let l1 = dv(b, s + 1, r - 1, 0u, 3u, c4) - dv(b, s, r - 1, 0u, 3u, c4) +
    dv(b, s, r - 1, 1u, 3u, c4) + dv(b, s, r - 1, 2u, 3u, c4);
  let n0 = dv(b, s, r + 1, 1u, 0u, c4) - dv(b, s, r + 1, 2u, 0u, c4) +
    dv(b, s, r + 1, 3u, 0u, c4) - dv(b, s - 1, r + 1, 3u, 0u, c4);
  let n1 = dv(b, s + 1, r + 1, 0u, 0u, c4) - dv(b, s, r + 1, 0u, 0u, c4) +
    dv(b, s, r + 1, 1u, 0u, c4) + dv(b, s, r + 1, 2u, 0u, c4);
  // Along ν: pixel column 2r: local column 1 of tile r, 3 of tile r - 1; 2r + 1: 2 of r, 0 of r + 1.
  let y = u32(2 * s);
  let x = u32(2 * r);
  let out = array<vec4f, 4>(
    p0[1] - p0[2] + p0[3] - l0, n0 - p0[0] + p0[1] + p0[2],
    p1[1] - p1[2] + p1[3] - l1, n1 - p1[0] + p1[1] + p1[2],
  );
  for (var k = 0u; k < 2u; k++) {
    for (var l = 0u; l < 2u; l++) {
      if (y + k < H && x + l < W) { dst[((b * H + y + k) * W + x + l) * C4 + c4] = out[2u * k + l]; }
    }
  }
}

// G v for three values: four.
fn gm(v0: vec4f, v1: vec4f, v2: vec4f) -> array<vec4f, 4> {
  return array<vec4f, 4>(v0, 0.5 * (v0 + v1 + v2), 0.5 * (v0 - v1 + v2), v2);
}

// One invocation per (c, f4): C = 4·C4 input channels.
@compute @workgroup_size(WG)
fn weight_transform(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c = i / F4;
  let f4 = i % F4;
  let cs = 4u * C4;
  var r: array<array<vec4f, 3>, 4>; // G g
  for (var kx = 0u; kx < 3u; kx++) {
    let col = gm(src[((0u + kx) * cs + c) * F4 + f4], src[((3u + kx) * cs + c) * F4 + f4],
                 src[((6u + kx) * cs + c) * F4 + f4]);
    for (var k = 0u; k < 4u; k++) { r[k][kx] = col[k]; }
  }
  for (var k = 0u; k < 4u; k++) {
    let v = gm(r[k][0], r[k][1], r[k][2]);
    for (var l = 0u; l < 4u; l++) { dst[((4u * k + l) * cs + c) * F4 + f4] = v[l]; }
  }
}

// U transposed, Uᵀ [16, F, C], for the forward products M[e] = V[e]·(Uᵀ[e])ᵀ: the matmul's nt
// entry (12×16 tiles) ran 1.1-1.6× as fast as its nn entry (16×12) on V·U at the zoo's shapes on
// the software adapter, most where F = 16 leaves a third of nn's second column of tiles idle. One
// invocation per (f, c4): G g Gᵀ of four input channels' filters at once, as weight_transform.
@compute @workgroup_size(WG)
fn weight_transform_t(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c4 = i % C4;
  let f = i / C4;
  var r: array<array<vec4f, 3>, 4>; // G g
  for (var kx = 0u; kx < 3u; kx++) {
    let col = gm(taps(kx, c4, f), taps(3u + kx, c4, f), taps(6u + kx, c4, f));
    for (var k = 0u; k < 4u; k++) { r[k][kx] = col[k]; }
  }
  for (var k = 0u; k < 4u; k++) {
    let v = gm(r[k][0], r[k][1], r[k][2]);
    for (var l = 0u; l < 4u; l++) { dst[((4u * k + l) * 4u * F4 + f) * C4 + c4] = v[l]; }
  }
}

// weight[tap, 4·c4 .. 4·c4 + 3, f]: filter f's tap for four input channels.
fn taps(tap: u32, c4: u32, f: u32) -> vec4f {
  let row = (tap * 4u * C4 + 4u * c4) * F4 + f / 4u;
  let j = f % 4u;
  return vec4f(src[row][j], src[row + F4][j], src[row + 2u * F4][j], src[row + 3u * F4][j]);
}

// Gᵀ v for four values: three (the adjoint of `gm`).
fn gt(v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) -> array<vec4f, 3> {
  return array<vec4f, 3>(v0 + 0.5 * (v1 + v2), 0.5 * (v1 - v2), 0.5 * (v1 + v2) + v3);
}

// dU[e, c, f4]: the sum of its SPLIT partial products.
fn du(e: u32, c: u32, f4: u32) -> vec4f {
  let cs = 4u * C4;
  var s = vec4f(0.0);
  for (var j = 0u; j < SPLIT; j++) { s += src[((e * SPLIT + j) * cs + c) * F4 + f4]; }
  return s;
}

@compute @workgroup_size(WG)
fn weight_transform_backward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c = i / F4;
  let f4 = i % F4;
  let cs = 4u * C4;
  var r: array<array<vec4f, 4>, 3>; // Gᵀ dU
  for (var l = 0u; l < 4u; l++) {
    let col = gt(du(0u + l, c, f4), du(4u + l, c, f4), du(8u + l, c, f4), du(12u + l, c, f4));
    for (var k = 0u; k < 3u; k++) { r[k][l] = col[k]; }
  }
  for (var ky = 0u; ky < 3u; ky++) {
    let v = gt(r[ky][0], r[ky][1], r[ky][2], r[ky][3]);
    for (var kx = 0u; kx < 3u; kx++) { dst[((ky * 3u + kx) * cs + c) * F4 + f4] = v[kx]; }
  }
}
