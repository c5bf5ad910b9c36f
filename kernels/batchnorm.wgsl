// Batch normalisation over the rows of an NHWC tensor seen as rows×C (rows = batch·H·W).
// Statistics are two-pass reductions without workgroup memory (llvmpipe punishes barriers):
// pass 1 (`*_partial`) has one invocation per (row slice, channel) summing its slice, reading
// neighbouring addresses across invocations; pass 2 (`*_finish`) has one invocation per channel
// summing the slices. Slices keep both cores busy and keep f32 sums short, hence accurate.
//
// training forward:  stats_partial → stats_finish (mean, var; updates running averages) → normalize
// eval forward:      normalize with the running (mean, var)
// backward:          backward_partial → backward_finish (dgamma, dbeta) → backward_input
// Elementwise entries dispatch as elementwise.wgsl; partial entries as (ceil(C / WG), slices);
// finish entries as (ceil(C / WG)).

struct Params {
  rows: u32, c: u32, rowsPerSlice: u32, slices: u32,
  n: u32, row: u32, eps: f32, momentum: f32,
}
override WG: u32 = 64;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
// stats = [mean(C), var(C)] of the batch (training) or the running averages (eval).
@group(0) @binding(3) var<storage, read_write> stats: array<f32>;
@group(0) @binding(4) var<storage, read_write> partial: array<f32>;
@group(0) @binding(5) var<storage, read_write> running: array<f32>; // [mean(C), var(C)]
@group(0) @binding(6) var<storage, read> gamma: array<f32>;
@group(0) @binding(7) var<storage, read> beta: array<f32>;
@group(0) @binding(8) var<storage, read_write> out: array<f32>;
@group(0) @binding(9) var<storage, read_write> out2: array<f32>;

@compute @workgroup_size(WG)
fn stats_partial(@builtin(global_invocation_id) gid: vec3u) {
  let ch = gid.x;
  if (ch >= p.c) { return; }
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.rows);
  var s = 0.0;
  var q = 0.0;
  for (var r = start; r < end; r++) {
    let v = x[r * p.c + ch];
    s += v;
    q += v * v;
  }
  partial[gid.y * 2u * p.c + ch] = s;
  partial[gid.y * 2u * p.c + p.c + ch] = q;
}

@compute @workgroup_size(WG)
fn stats_finish(@builtin(global_invocation_id) gid: vec3u) {
  let ch = gid.x;
  if (ch >= p.c) { return; }
  var s = 0.0;
  var q = 0.0;
  for (var i = 0u; i < p.slices; i++) {
    s += partial[i * 2u * p.c + ch];
    q += partial[i * 2u * p.c + p.c + ch];
  }
  let n = f32(p.rows);
  let mean = s / n;
  let variance = max(q / n - mean * mean, 0.0);
  stats[ch] = mean;
  stats[p.c + ch] = variance;
  // Running variance is the unbiased estimate, as PyTorch and Keras keep it.
  let unbiased = variance * n / max(n - 1.0, 1.0);
  running[ch] = (1.0 - p.momentum) * running[ch] + p.momentum * mean;
  running[p.c + ch] = (1.0 - p.momentum) * running[p.c + ch] + p.momentum * unbiased;
}

@compute @workgroup_size(256)
fn normalize(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let ch = i % p.c;
  let invstd = inverseSqrt(stats[p.c + ch] + p.eps);
  out[i] = (x[i] - stats[ch]) * invstd * gamma[ch] + beta[ch];
}

// partial sums of dy and dy·x̂ per channel.
@compute @workgroup_size(WG)
fn backward_partial(@builtin(global_invocation_id) gid: vec3u) {
  let ch = gid.x;
  if (ch >= p.c) { return; }
  let mean = stats[ch];
  let invstd = inverseSqrt(stats[p.c + ch] + p.eps);
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.rows);
  var sdy = 0.0;
  var sdyx = 0.0;
  for (var r = start; r < end; r++) {
    let j = r * p.c + ch;
    sdy += dy[j];
    sdyx += dy[j] * (x[j] - mean) * invstd;
  }
  partial[gid.y * 2u * p.c + ch] = sdy;
  partial[gid.y * 2u * p.c + p.c + ch] = sdyx;
}

// out = dgamma, out2 = dbeta; also left in partial[0..2C] = [dgamma, dbeta] for backward_input.
@compute @workgroup_size(WG)
fn backward_finish(@builtin(global_invocation_id) gid: vec3u) {
  let ch = gid.x;
  if (ch >= p.c) { return; }
  var sdy = 0.0;
  var sdyx = 0.0;
  for (var i = 0u; i < p.slices; i++) {
    sdy += partial[i * 2u * p.c + ch];
    sdyx += partial[i * 2u * p.c + p.c + ch];
  }
  out[ch] = sdyx;
  out2[ch] = sdy;
}

// dx = γ·invstd·(dy − Σdy/n − x̂·Σ(dy·x̂)/n); bound with partial = dgamma, beta = dbeta.
@compute @workgroup_size(256)
fn backward_input(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i >= p.n) { return; }
  let ch = i % p.c;
  let invstd = inverseSqrt(stats[p.c + ch] + p.eps);
  let xhat = (x[i] - stats[ch]) * invstd;
  let n = f32(p.rows);
  out[i] = gamma[ch] * invstd * (dy[i] - beta[ch] / n - xhat * partial[ch] / n);
}
