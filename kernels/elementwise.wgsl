// Elementwise ops, forward and backward side by side. One invocation per element.
// Dispatch: (min(groups, 32768), ceil(groups / 32768)) workgroups of WG, groups = ceil(n / WG);
// `p.row` = 32768 * WG is the element stride of one step in y (the x grid is capped at 65535).
// WG = 256: llvmpipe runs a workgroup as a loop over 8-wide SIMD slices, so larger groups amortise
// its per-workgroup cost; a real GPU is indifferent between 64 and 256 for such streaming work.

struct Params { n: u32, row: u32, seed: u32, rate: f32 }
override WG: u32 = 256;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn index(gid: vec3u) -> u32 {
  return gid.y * p.row + gid.x;
}

// relu: out = max(x, 0).
@compute @workgroup_size(WG)
fn relu_forward(@builtin(global_invocation_id) gid: vec3u) {
  let i = index(gid);
  if (i < p.n) { out[i] = max(x[i], 0.0); }
}

// d relu: out = dy where the forward output was positive. x = forward output, y = dy.
@compute @workgroup_size(WG)
fn relu_backward(@builtin(global_invocation_id) gid: vec3u) {
  let i = index(gid);
  if (i < p.n) { out[i] = select(0.0, y[i], x[i] > 0.0); }
}

// add: out = x + y (also how gradients from several consumers are summed).
@compute @workgroup_size(WG)
fn add(@builtin(global_invocation_id) gid: vec3u) {
  let i = index(gid);
  if (i < p.n) { out[i] = x[i] + y[i]; }
}

// A counter-based hash (PCG-style) gives every element its own reproducible random number from
// (seed, index), so backward can regenerate the dropout mask instead of storing it.
fn hash(v: u32) -> u32 {
  var s = v * 747796405u + 2891336453u;
  s = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (s >> 22u) ^ s;
}

fn keep(i: u32) -> bool {
  let r = f32(hash(i ^ hash(p.seed)) >> 8u) * (1.0 / 16777216.0);
  return r >= p.rate;
}

// dropout (inverted): out = x / (1 - rate) where kept, else 0. Backward is the same map on dy,
// so both directions are this one entry point called with the same seed.
@compute @workgroup_size(WG)
fn dropout(@builtin(global_invocation_id) gid: vec3u) {
  let i = index(gid);
  if (i < p.n) { out[i] = select(0.0, x[i] / (1.0 - p.rate), keep(i)); }
}
