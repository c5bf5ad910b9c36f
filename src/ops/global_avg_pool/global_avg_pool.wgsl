// Global average pooling (NHWC): y[b, c] = (1/HW) Σ_p x[b, p, c] over the HW = H·W pixels.
// forward:  one invocation per (b, c) walks the image's pixels; neighbouring invocations read
//           neighbouring channels, so every load of a workgroup is one contiguous run.
// backward: one invocation per input element, dx[b, p, c] = dy[b, c] / HW (a broadcast).
// Composing existing ops would cost more than the op itself: a matmul with a constant pooling
// matrix does C (or B) times the arithmetic of these sums and needs an HW·C × C constant.
// forward4, backward4: the same on channel quadruples (C % 4 == 0) through vec4 views of the same
// buffers, each sum and quotient as the scalar entries compute it (the same floats): a quarter of
// the invocations, and on the software adapter a 16-byte gather costs about what a 4-byte one
// does. n then counts vec4s.
// Dispatch as elementwise.wgsl: (min(groups, 32768), ceil(groups / 32768)), p.row = 32768 * WG.

override HW: u32;
override C: u32;

// Bindings and `p` (n, row) are declared in global_avg_pool.ts and generated above this body:
// src (forward: x; backward: dy), dst (forward: y; backward: dx), and their vec4 views src4, dst4.
override C4: u32 = C / 4u;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;   // (b, c)
  if (i >= p.n) { return; }
  let c = i % C;
  let base = (i / C) * HW * C + c;
  var s = 0.0;
  for (var q = 0u; q < HW; q++) { s += src[base + q * C]; }
  dst[i] = s / f32(HW);
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;   // (b, pixel, c)
  if (i >= p.n) { return; }
  dst[i] = src[(i / (HW * C)) * C + i % C] / f32(HW);
}

@compute @workgroup_size(WG)
fn forward4(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;   // (b, channel quadruple)
  if (i >= p.n) { return; }
  let base = (i / C4) * HW * C4 + i % C4;
  var s = vec4f(0.0);
  for (var q = 0u; q < HW; q++) { s += src4[base + q * C4]; }
  dst4[i] = s / f32(HW);
}

@compute @workgroup_size(WG)
fn backward4(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;   // (b, pixel, channel quadruple)
  if (i >= p.n) { return; }
  dst4[i] = src4[(i / (HW * C4)) * C4 + i % C4] / f32(HW);
}
