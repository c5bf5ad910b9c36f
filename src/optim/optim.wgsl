// Optimizer updates over flat buffers: every parameter the optimizer updates sits in one `param`
// buffer, its gradient at the same place in `grad`, its moments in `m` and `v` (layout: optimizer.ts
// and flat.ts; each parameter's segment starts at a multiple of WG vec4s, so that a workgroup lies
// in one segment). One dispatch updates them all, one invocation per four elements (a vec4: on the
// software adapter a 16-byte gather costs about what a 4-byte one does; the padding lanes of a
// segment compute values nobody reads).
// `flags`: one u32 per segment chunk of WG vec4s (= per workgroup): UPDATE (bit 0) when its
// parameter has a gradient this step (a chunk without returns at once: frozen parameters and
// parameters a step left without a gradient keep their values and moments), DECAY (bit 1) when
// weight decay applies to it (the optimizer's mask; the decay is 0 where it does not).
// Hyper-parameters, the per-step ones (learning rate, Adam's bias corrections) among them, live in
// the small uniform buffer hyper4 that the optimizer rewrites once per step (queue.writeBuffer), so
// the dispatch and its bind group stay the same from step to step (constant-index uniform loads
// are broadcasts on the software adapter, where each storage load is a per-lane loop).
// TEXTURES: grad, param, m, v are also bound as textures (flat vec4 arrays, src/gpu/gpu.ts
// `texture()`, copied just before the dispatch) and read from there: on the software adapter a
// texel fetch is a vectorised gather (src/ops/matmul/matmul_texture.wgsl). Writes still go to the
// buffers. Else the texture bindings get a 1×1 dummy.
// Dispatch as elementwise.wgsl: (min(groups, 32768), ceil(groups / 32768)), p.row = 32768 * WG.


// Bindings and `p` (n4, row) are declared in optimizer.ts and generated above this body.
override TEXTURES: bool = false;

const UPDATE: u32 = 1u;
const DECAY: u32 = 2u;

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
// The flags of workgroup `wid`'s chunk (one load per workgroup: the index is uniform).
fn chunkFlags(wid: vec3u) -> u32 { return flags[wid.y * (p.row / WG) + wid.x]; }
// The weight decay of a chunk with flags `f`: hyper(k), or 0 where the mask leaves it out.
fn decay(f: u32, k: u32) -> f32 { return select(0.0, hyper(k), (f & DECAY) != 0u); }

// hyper = [lr, beta1, beta2, eps, 1 - beta1^t, 1 - beta2^t, weightDecay, decoupled (AdamW: 1)]
@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n4) { return; }
  let f = chunkFlags(wid);
  if ((f & UPDATE) == 0u) { return; }
  let lr = hyper(0u);
  let b1 = hyper(1u);
  let b2 = hyper(2u);
  let wd = decay(f, 6u);
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
fn sgd(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n4) { return; }
  let f = chunkFlags(wid);
  if ((f & UPDATE) == 0u) { return; }
  let mu = hyper(1u);
  let w = paramAt(i);
  let g = gradAt(i) + decay(f, 2u) * w;
  let vel = mu * mAt(i) + g;
  m[i] = vel;
  param[i] = w - hyper(0u) * select(vel, g + mu * vel, hyper(3u) != 0.0);
}

// RMSprop (PyTorch's form, not centered): v is the running mean of g², m the momentum buffer.
// hyper = [lr, alpha (decay of v), eps, weightDecay, momentum]. With momentum 0 the buffer is
// just this step's scaled gradient, so one formula covers both (no branch per element).
@compute @workgroup_size(WG)
fn rmsprop(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n4) { return; }
  let f = chunkFlags(wid);
  if ((f & UPDATE) == 0u) { return; }
  let alpha = hyper(1u);
  let w = paramAt(i);
  let g = gradAt(i) + decay(f, 3u) * w;
  let vi = alpha * vAt(i) + (1.0 - alpha) * g * g;
  v[i] = vi;
  let buf = hyper(4u) * mAt(i) + g / (sqrt(vi) + hyper(2u));
  m[i] = buf;
  param[i] = w - hyper(0u) * buf;
}
