// Optimizer updates, one invocation per four parameter elements (a vec4: on the software adapter
// a 16-byte gather costs about what a 4-byte one does; every buffer is padded to 16 bytes, see
// gpu.ts, and the padding lanes compute values nobody reads). Hyper-parameters that change every
// step (learning rate under a schedule, Adam's bias corrections) live in a small uniform buffer
// (hyper4) the optimizer rewrites once per step, so the bind group of each dispatch stays the
// same from step to step and is built once (constant-index uniform loads are broadcasts on the
// software adapter, where each storage load is a per-lane loop).
// TEXTURES: grad, param, m, v are also bound as textures (flat vec4 arrays, src/gpu/gpu.ts
// `texture()`, copied just before the dispatch) and read from there: on the software adapter a
// texel fetch is a vectorised gather (src/ops/matmul/matmul_texture.wgsl). Writes still go to the
// buffers. Else the texture bindings get a 1×1 dummy.
// Dispatch as elementwise.wgsl: (min(groups, 32768), ceil(groups / 32768)), p.row = 32768 * WG.

override WG: u32 = 256;

// Bindings and `p` (n4, row) are declared in optimizer.ts and generated above this body.
override TEXTURES: bool = false;

// #include gpu/texel
fn hyper(k: u32) -> f32 { return hyper4[k / 4u][k % 4u]; }
fn gradAt(i: u32) -> vec4f {
  if (TEXTURES) { return texel(gradT, i); }
  return grad[i];
}
fn paramAt(i: u32) -> vec4f {
  if (TEXTURES) { return texel(paramT, i); }
  return param[i];
}
fn mAt(i: u32) -> vec4f {
  if (TEXTURES) { return texel(mT, i); }
  return m[i];
}
fn vAt(i: u32) -> vec4f {
  if (TEXTURES) { return texel(vT, i); }
  return v[i];
}

// hyper = [lr, beta1, beta2, eps, 1 - beta1^t, 1 - beta2^t, weightDecay, decoupled (AdamW: 1)]
@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n4) { return; }
  let lr = hyper(0u);
  let b1 = hyper(1u);
  let b2 = hyper(2u);
  let wd = hyper(6u);
  var w = paramAt(i);
  var g = gradAt(i);
  if (hyper(7u) == 0.0) { g += wd * w; }
  let mi = b1 * mAt(i) + (1.0 - b1) * g;
  let vi = b2 * vAt(i) + (1.0 - b2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let mhat = mi / hyper(4u);
  let vhat = vi / hyper(5u);
  if (hyper(7u) != 0.0) { w -= lr * wd * w; }
  param[i] = w - lr * mhat / (sqrt(vhat) + hyper(3u));
}

// hyper = [lr, momentum, weightDecay, nesterov (1/0)]; m is the velocity, v unused.
@compute @workgroup_size(WG)
fn sgd(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n4) { return; }
  let mu = hyper(1u);
  let w = paramAt(i);
  let g = gradAt(i) + hyper(2u) * w;
  let vel = mu * mAt(i) + g;
  m[i] = vel;
  param[i] = w - hyper(0u) * select(vel, g + mu * vel, hyper(3u) != 0.0);
}

// RMSprop (PyTorch's form, not centered): v is the running mean of g², m the momentum buffer.
// hyper = [lr, alpha (decay of v), eps, weightDecay, momentum]. With momentum 0 the buffer is
// just this step's scaled gradient, so one formula covers both (no branch per element).
@compute @workgroup_size(WG)
fn rmsprop(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n4) { return; }
  let alpha = hyper(1u);
  let w = paramAt(i);
  let g = gradAt(i) + hyper(3u) * w;
  let vi = alpha * vAt(i) + (1.0 - alpha) * g * g;
  v[i] = vi;
  let buf = hyper(4u) * mAt(i) + g / (sqrt(vi) + hyper(2u));
  m[i] = buf;
  param[i] = w - hyper(0u) * buf;
}
