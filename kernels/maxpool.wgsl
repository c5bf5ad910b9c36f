// Max pooling (NHWC, no padding, floor mode: OH = (H - K) / S + 1).
// forward: one invocation per output; stores the flat input index of the maximum (first one wins
// on ties) so backward routes the gradient without comparing floats again.
// backward: one invocation per INPUT element gathers dy from every window whose argmax it is;
// windows may overlap (S < K), and a gather needs no atomics.
// Dispatch as elementwise.wgsl: (min(groups, 32768), ceil(groups / 32768)), p.row = 32768 * WG.

// The geometry is override constants so that llvmpipe folds the index divisions (see conv2d.wgsl).

struct Params { n: u32, row: u32 }
override WG: u32 = 256;
override H: u32;
override W: u32;
override C: u32;
override OH: u32;
override OW: u32;
override K: u32;
override S: u32;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;       // forward: input; backward: dy
@group(0) @binding(2) var<storage, read_write> argmax: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>; // forward: y; backward: dx

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
