// Elementwise ops, forward and backward side by side. One invocation per 4 elements (a vec4):
// on the software adapter each lane-varying load is a gather, and one 16-byte gather costs about
// what one 4-byte gather does. Every buffer is allocated in multiples of 16 bytes (see gpu.ts), so
// the last vec4 may run past n into padding that nobody reads.
// Dispatch: (min(groups, 32768), ceil(groups / 32768)) workgroups of WG, groups = ceil(n4 / WG),
// n4 = ceil(n / 4); `p.row` = 32768 * WG is the vec4 stride of one step in y.
// WG = 256: the software adapter runs a workgroup as a loop over 8-wide SIMD slices, so larger
// groups amortise its per-workgroup cost; a real GPU is indifferent between 64 and 256 for such
// streaming work.


// Bindings and `p` (n4, row, seed, rate) are declared in elementwise.ts and generated above this
// body.
// TEXTURES: x and y also as textures (flat vec4 arrays, src/gpu/gpu.ts `texture()`), read by
// relu_forward, relu_backward and add instead of the buffers: on the software adapter a texel
// fetch is a vectorised gather, a storage load a per-lane loop, and these passes do nothing but
// load. An unused one gets a 1×1 dummy.
override TEXTURES: bool = false;

// #include gpu/texel
fn xAt(i: u32) -> vec4f {
  if (TEXTURES) { return texel(xT, i); }
  return x[i];
}
fn yAt(i: u32) -> vec4f {
  if (TEXTURES) { return texel(yT, i); }
  return y[i];
}

fn index(gid: vec3u) -> u32 {
  return gid.y * p.row + gid.x;
}

// relu: out = max(x, 0).
@compute @workgroup_size(WG)
fn relu_forward(@builtin(global_invocation_id) gid: vec3u) {
  let i = index(gid);
  if (i < p.n4) { out[i] = max(xAt(i), vec4f(0.0)); }
}

// d relu: out = dy where the forward output was positive. x = forward output, y = dy.
@compute @workgroup_size(WG)
fn relu_backward(@builtin(global_invocation_id) gid: vec3u) {
  let i = index(gid);
  if (i < p.n4) { out[i] = select(vec4f(0.0), yAt(i), xAt(i) > vec4f(0.0)); }
}

// add: out = x + y (also how gradients from several consumers are summed).
@compute @workgroup_size(WG)
fn add(@builtin(global_invocation_id) gid: vec3u) {
  let i = index(gid);
  if (i < p.n4) { out[i] = xAt(i) + yAt(i); }
}

// A counter-based hash (PCG-style) gives every element its own reproducible random number from
// (seed, index), so backward can regenerate the dropout mask instead of storing it.
fn hash(v: u32) -> u32 {
  var s = v * 747796405u + 2891336453u;
  s = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (s >> 22u) ^ s;
}

fn keep(i: u32, salt: u32) -> bool {
  let r = f32(hash(i ^ salt) >> 8u) * (1.0 / 16777216.0);
  return r >= p.rate;
}

// dropout (inverted): out = x / (1 - rate) where kept, else 0. Backward is the same map on dy,
// so both directions are this one entry point called with the same seed.
@compute @workgroup_size(WG)
fn dropout(@builtin(global_invocation_id) gid: vec3u) {
  let i = index(gid);
  if (i >= p.n4) { return; }
  let salt = hash(p.seed + stepSeeds.x * 1000003u);
  let e = 4u * i;
  let mask = vec4<bool>(keep(e, salt), keep(e + 1u, salt), keep(e + 2u, salt), keep(e + 3u, salt));
  out[i] = select(vec4f(0.0), x[i] / (1.0 - p.rate), mask);
}

// gaussian: out = exp(-rate * max(x, 0)), the RBF kernel value of a squared distance x (rounding
// can make a tiny distance negative; the clamp keeps the kernel value ≤ 1). Inference only.
@compute @workgroup_size(WG)
fn gaussian(@builtin(global_invocation_id) gid: vec3u) {
  let i = index(gid);
  if (i < p.n4) { out[i] = exp(-p.rate * max(x[i], vec4f(0.0))); }
}
