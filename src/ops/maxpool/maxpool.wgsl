// Max pooling (NHWC, no padding, floor mode: OH = (H - K) / S + 1).
// forward: one invocation per output; stores the flat input index of the maximum (first one wins
// on ties) so backward routes the gradient without comparing floats again.
// backward: one invocation per INPUT element gathers dy from every window whose argmax it is;
// windows may overlap (S < K), and a gather needs no atomics.
// Dispatch as elementwise.wgsl: (min(groups, 32768), ceil(groups / 32768)), p.row = 32768 * WG.

// The geometry is override constants so that the compiler folds the index divisions (see im2col.wgsl).
// When C % 4 == 0, forward4/backward4 do the same on channel quadruples: one vec4 load where the
// scalar entries do four (each lane-varying load is a gather on the software adapter: ~3× faster there).
// The scalar pair stores flat input indices, the vec4 pair window positions (see argpos4); each
// backward reads what its own forward stored (C decides the pair for both).

override H: u32;
override W: u32;
override C: u32;
override OH: u32;
override OW: u32;
override K: u32;
override S: u32;

// Bindings and `p` (n, row) are declared in maxpool.ts and generated above this body.
// TEXTURES: x (forward) or dy (backward) is also bound as a texture (xT), read by the vec4
// entries instead of x4 (src/gpu/gpu.ts `texture()` says when and why). Else a 1×1 dummy.
override TEXTURES: bool = false;

// #include gpu/texel
fn x4At(j: u32) -> vec4f {
  if (TEXTURES) { return texel(xT, j); }
  return x4[j];
}
fn argpos4At(j: u32) -> vec4f {
  if (TEXTURES) { return texel(argposT, j); }
  return argpos4[j];
}
override C4: u32 = C / 4u;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c = i % C;
  let ox = (i / C) % OW;
  let oy = (i / (C * OW)) % OH;
  let b = i / (C * OW * OH);
  var best = -3.402823e38;
  var at = 0u;
  for (var ky = 0u; ky < K; ky++) {
    for (var kx = 0u; kx < K; kx++) {
      let j = ((b * H + oy * S + ky) * W + ox * S + kx) * C + c;
      let v = x[j];
      if (v > best) { best = v; at = j; }
    }
  }
  out[i] = best;
  argmax[i] = at;
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c = i % C;
  let x0 = (i / C) % W;
  let y0 = (i / (C * W)) % H;
  let b = i / (C * W * H);
  // Windows oy with oy*s <= y0 < oy*s + k.
  let oyLo = select(0u, (y0 - K + S) / S, y0 + 1u > K);
  let oxLo = select(0u, (x0 - K + S) / S, x0 + 1u > K);
  var g = 0.0;
  for (var oy = oyLo; oy <= y0 / S && oy < OH; oy++) {
    for (var ox = oxLo; ox <= x0 / S && ox < OW; ox++) {
      let o = ((b * OH + oy) * OW + ox) * C + c;
      if (argmax[o] == i) { g += x[o]; }
    }
  }
  out[i] = g;
}

@compute @workgroup_size(WG)
fn forward4(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let q = i % C4;
  let ox = (i / C4) % OW;
  let oy = (i / (C4 * OW)) % OH;
  let b = i / (C4 * OW * OH);
  var best = vec4f(-3.402823e38);
  var at = vec4f(0.0);
  for (var ky = 0u; ky < K; ky++) {
    for (var kx = 0u; kx < K; kx++) {
      let j = ((b * H + oy * S + ky) * W + ox * S + kx) * C4 + q;
      let v = x4At(j);
      let better = v > best;
      best = select(best, v, better);
      at = select(at, vec4f(f32(ky * K + kx)), better);
    }
  }
  out4[i] = best;
  argpos4[i] = at;
}

@compute @workgroup_size(WG)
fn backward4(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let q = i % C4;
  let x0 = (i / C4) % W;
  let y0 = (i / (C4 * W)) % H;
  let b = i / (C4 * W * H);
  let oyLo = select(0u, (y0 - K + S) / S, y0 + 1u > K);
  let oxLo = select(0u, (x0 - K + S) / S, x0 + 1u > K);
  var g = vec4f(0.0);
  for (var oy = oyLo; oy <= y0 / S && oy < OH; oy++) {
    for (var ox = oxLo; ox <= x0 / S && ox < OW; ox++) {
      let o = ((b * OH + oy) * OW + ox) * C4 + q;
      let here = vec4f(f32((y0 - oy * S) * K + x0 - ox * S));
      g += select(vec4f(0.0), x4At(o), argpos4At(o) == here);
    }
  }
  out4[i] = g;
}
