// Optimizer updates, one invocation per four parameter elements (a vec4: on llvmpipe a 16-byte
// gather costs about what a 4-byte one does; every buffer is padded to 16 bytes, see gpu.ts, and
// the padding lanes compute values nobody reads). Hyper-parameters that change every
// step (learning rate under a schedule, Adam's bias corrections) live in a small storage buffer
// the optimizer rewrites once per step, so the uniform (and bind group) of each dispatch stays
// the same from step to step and is built once.
// Dispatch as elementwise.wgsl: (min(groups, 32768), ceil(groups / 32768)), p.row = 32768 * WG.

struct Params { n4: u32, row: u32 }
override WG: u32 = 256;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> hyper: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> param: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> m: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> v: array<vec4f>;

// hyper = [lr, beta1, beta2, eps, 1 - beta1^t, 1 - beta2^t, weightDecay, decoupled (AdamW: 1)]
@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n4) { return; }
  let lr = hyper[0];
  let b1 = hyper[1];
  let b2 = hyper[2];
  let wd = hyper[6];
  var g = grad[i];
  if (hyper[7] == 0.0) { g += wd * param[i]; }
  let mi = b1 * m[i] + (1.0 - b1) * g;
  let vi = b2 * v[i] + (1.0 - b2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let mhat = mi / hyper[4];
  let vhat = vi / hyper[5];
  var w = param[i];
  if (hyper[7] != 0.0) { w -= lr * wd * w; }
  param[i] = w - lr * mhat / (sqrt(vhat) + hyper[3]);
}

// hyper = [lr, momentum, weightDecay, nesterov (1/0)]; m is the velocity, v unused.
@compute @workgroup_size(WG)
fn sgd(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n4) { return; }
  let mu = hyper[1];
  let g = grad[i] + hyper[2] * param[i];
  let vel = mu * m[i] + g;
  m[i] = vel;
  param[i] -= hyper[0] * select(vel, g + mu * vel, hyper[3] != 0.0);
}

// RMSprop (PyTorch's form, not centered): v is the running mean of g², m the momentum buffer.
// hyper = [lr, alpha (decay of v), eps, weightDecay, momentum]. With momentum 0 the buffer is
// just this step's scaled gradient, so one formula covers both (no branch per element).
@compute @workgroup_size(WG)
fn rmsprop(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n4) { return; }
  let alpha = hyper[1];
  let g = grad[i] + hyper[3] * param[i];
  let vi = alpha * v[i] + (1.0 - alpha) * g * g;
  v[i] = vi;
  let buf = hyper[4] * m[i] + g / (sqrt(vi) + hyper[2]);
  m[i] = buf;
  param[i] -= hyper[0] * buf;
}
