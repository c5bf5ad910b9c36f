// Max pooling (NHWC, no padding, floor mode: OH = (H - K) / S + 1).
// forward: one invocation per output; stores the flat input index of the maximum (first one wins
// on ties) so backward routes the gradient without comparing floats again.
// backward: one invocation per INPUT element gathers dy from every window whose argmax it is;
// windows may overlap (S < K), and a gather needs no atomics.
// Dispatch as elementwise.wgsl: (min(groups, 32768), ceil(groups / 32768)), p.row = 32768 * WG.

struct Params { batch: u32, h: u32, w: u32, c: u32, oh: u32, ow: u32, k: u32, s: u32, n: u32, row: u32 }
override WG: u32 = 256;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;       // forward: input; backward: dy
@group(0) @binding(2) var<storage, read_write> argmax: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>; // forward: y; backward: dx

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let c = i % p.c;
  let ox = (i / p.c) % p.ow;
  let oy = (i / (p.c * p.ow)) % p.oh;
  let b = i / (p.c * p.ow * p.oh);
  var best = -3.402823e38;
  var at = 0u;
  for (var ky = 0u; ky < p.k; ky++) {
    for (var kx = 0u; kx < p.k; kx++) {
      let j = ((b * p.h + oy * p.s + ky) * p.w + ox * p.s + kx) * p.c + c;
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
  let c = i % p.c;
  let x0 = (i / p.c) % p.w;
  let y0 = (i / (p.c * p.w)) % p.h;
  let b = i / (p.c * p.w * p.h);
  // Windows oy with oy*s <= y0 < oy*s + k.
  let oyLo = select(0u, (y0 - p.k + p.s) / p.s, y0 + 1u > p.k);
  let oxLo = select(0u, (x0 - p.k + p.s) / p.s, x0 + 1u > p.k);
  var g = 0.0;
  for (var oy = oyLo; oy <= y0 / p.s && oy < p.oh; oy++) {
    for (var ox = oxLo; ox <= x0 / p.s && ox < p.ow; ox++) {
      let o = ((b * p.oh + oy) * p.ow + ox) * p.c + c;
      if (argmax[o] == i) { g += x[o]; }
    }
  }
  out[i] = g;
}
