// Batch normalisation over the rows of an NHWC tensor seen as rows×C (rows = batch·H·W),
// optionally fused with the ReLU that follows it (RELU), which saves two full passes per block.
//
// training forward:  stats_partial → stats_finish (batch stats; updates running averages) → normalize
// eval forward:      eval_stats (from the running averages) → normalize
// backward:          backward_partial → backward_finish (dgamma, dbeta, coefficients) → backward_input
//
// Statistics are two-pass reductions without workgroup memory (the software adapter punishes
// barriers): pass 1 (`*_partial`) has one invocation per (row slice, channel) summing its slice,
// reading neighbouring addresses across invocations; pass 2 (`*_finish`) has one invocation per
// channel summing the slices. Slices keep both cores busy and keep f32 sums short, hence accurate.
// The per-element passes (normalize, backward_input) do one multiply-add per element with
// per-channel coefficients from the finish passes, on vec4s: on the software adapter every
// lane-varying load is a gather, so fewer and wider loads are faster. When C % 4 == 0 (ALIGNED:
// every real network) the partial passes give each invocation one channel quadruple (one vec4
// load per row, not four scalar ones), and the per-element passes give each invocation one
// channel quadruple of ROWS rows, so its coefficients load once, not once per vec4 (each is a
// gather on the software adapter; this halves the pass's time there). Other C take per-channel /
// per-vec4 paths. Buffers are padded to 16 bytes (src/gpu/gpu.ts), so the last vec4 is safe.
//
// Dispatch: partial entries (ceil(L / WG), slices) with L = C/4 if ALIGNED else C; finish entries
// (ceil(C / WG)); per-element entries as src/ops/elementwise/elementwise.wgsl over
// C/4 · ceil(rows / ROWS) invocations if ALIGNED, else over n4 = ceil(n / 4) vec4s.

// The channel count is a constant so that `% C` folds into multiply-and-shift (as in
// src/ops/conv2d).
override C: u32;
override RELU: bool = false;
override C4: u32 = C / 4u;
override ALIGNED: bool = C % 4u == 0u;
// Rows per invocation of the aligned per-element passes: the channel coefficients load once.
override ROWS: u32 = 8u;

// Bindings and `p` (rows, rowsPerSlice, slices, n4, row, eps, momentum) are declared in
// batchnorm.ts, which says what each holds, and generated above this body.
// TEXTURES: x, dy and the forward output also as textures xT, dyT, fwdT (flat vec4 arrays,
// src/gpu/gpu.ts `texture()`), read instead of x4, dy4, fwd4 by every vec4 path: on the software
// adapter a texel fetch is a vectorised gather, a storage load a per-lane loop, which makes these
// passes several times faster for the price of copying their inputs. Unused ones get a 1×1 dummy
// (the forward output is read only where C % 4 != 0: see reluKeeps).
override TEXTURES: bool = false;

// #include gpu/texel
fn xAt(j: u32) -> vec4f {
  if (TEXTURES) { return texel(xT, j); }
  return x4[j];
}
fn dyAt(j: u32) -> vec4f {
  if (TEXTURES) { return texel(dyT, j); }
  return dy4[j];
}
fn fwdAt(j: u32) -> vec4f {
  if (TEXTURES) { return texel(fwdT, j); }
  return fwd4[j];
}

fn setStats(ch: u32, mean: f32, variance: f32) {
  let invstd = inverseSqrt(variance + p.eps);
  let scale = gamma[ch] * invstd;
  stats[ch] = mean;
  stats[C + ch] = invstd;
  stats[2u * C + ch] = scale;
  stats[3u * C + ch] = beta[ch] - mean * scale;
}

// Where the fused ReLU passed the normalised value: recomputed from x by normalize's own
// expression (the same floats, hence the same mask), so the aligned backward passes need not read
// the forward output, a third full-size input (and on the software adapter a third texture copy).
fn reluKeeps(xv: vec4f, scale: vec4f, shift: vec4f) -> vec4<bool> {
  return normalized(xv, scale, shift) > vec4f(0.0);
}

// The normalised value before the ReLU, x·scale + shift: one function for normalize and
// reluKeeps, so both round alike.
fn normalized(xv: vec4f, scale: vec4f, shift: vec4f) -> vec4f {
  return xv * scale + shift;
}

// dy, masked by the fused ReLU: zero where the forward output was clamped.
fn upstream(j: u32) -> f32 {
  if (RELU && fwd[j] <= 0.0) { return 0.0; }
  return dy[j];
}

@compute @workgroup_size(WG)
fn stats_partial(@builtin(global_invocation_id) gid: vec3u) {
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.rows);
  if (ALIGNED) {
    let q = gid.x;
    if (q >= C4) { return; }
    var s4 = vec4f(0.0);
    var q4 = vec4f(0.0);
    for (var r = start; r < end; r++) {
      let v = xAt(r * C4 + q);
      s4 += v;
      q4 += v * v;
    }
    for (var k = 0u; k < 4u; k++) {
      partial[gid.y * 2u * C + 4u * q + k] = s4[k];
      partial[gid.y * 2u * C + C + 4u * q + k] = q4[k];
    }
    return;
  }
  let ch = gid.x;
  if (ch >= C) { return; }
  var s = 0.0;
  var q = 0.0;
  for (var r = start; r < end; r++) {
    let v = x[r * C + ch];
    s += v;
    q += v * v;
  }
  partial[gid.y * 2u * C + ch] = s;
  partial[gid.y * 2u * C + C + ch] = q;
}

@compute @workgroup_size(WG)
fn stats_finish(@builtin(global_invocation_id) gid: vec3u) {
  let ch = gid.x;
  if (ch >= C) { return; }
  var s = 0.0;
  var q = 0.0;
  for (var i = 0u; i < p.slices; i++) {
    s += partial[i * 2u * C + ch];
    q += partial[i * 2u * C + C + ch];
  }
  let n = f32(p.rows);
  let mean = s / n;
  let variance = max(q / n - mean * mean, 0.0);
  setStats(ch, mean, variance);
  // Running variance is the unbiased estimate, as PyTorch and Keras keep it.
  let unbiased = variance * n / max(n - 1.0, 1.0);
  running[ch] = (1.0 - p.momentum) * running[ch] + p.momentum * mean;
  running[C + ch] = (1.0 - p.momentum) * running[C + ch] + p.momentum * unbiased;
}

@compute @workgroup_size(WG)
fn eval_stats(@builtin(global_invocation_id) gid: vec3u) {
  let ch = gid.x;
  if (ch >= C) { return; }
  setStats(ch, running[ch], running[C + ch]);
}

fn statsAt(block: u32, i: u32) -> vec4f {
  if (ALIGNED) { return stats4[block * C4 + i % C4]; }
  var v: vec4f;
  for (var k = 0u; k < 4u; k++) {
    let j = block * C + (4u * i + k) % C;
    v[k] = stats4[j / 4u][j % 4u];
  }
  return v;
}

fn coefAt(block: u32, i: u32) -> vec4f {
  if (ALIGNED) { return coef4[block * C4 + i % C4]; }
  var v: vec4f;
  for (var k = 0u; k < 4u; k++) {
    let j = block * C + (4u * i + k) % C;
    v[k] = coef4[j / 4u][j % 4u];
  }
  return v;
}

@compute @workgroup_size(256)
fn normalize(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (ALIGNED) {
    let q = i % C4;
    let r0 = (i / C4) * ROWS;
    if (r0 >= p.rows) { return; }
    let scale = stats4[2u * C4 + q];
    let shift = stats4[3u * C4 + q];
    for (var r = r0; r < min(r0 + ROWS, p.rows); r++) {
      var v = normalized(xAt(r * C4 + q), scale, shift);
      if (RELU) { v = max(v, vec4f(0.0)); }
      out4[r * C4 + q] = v;
    }
    return;
  }
  if (i >= p.n4) { return; }
  var v = normalized(xAt(i), statsAt(2u, i), statsAt(3u, i));
  if (RELU) { v = max(v, vec4f(0.0)); }
  out4[i] = v;
}

// partial sums of dy and dy·x̂ per channel.
@compute @workgroup_size(WG)
fn backward_partial(@builtin(global_invocation_id) gid: vec3u) {
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.rows);
  if (ALIGNED) {
    let q = gid.x;
    if (q >= C4) { return; }
    let c0 = 4u * q;
    let mean = vec4f(stats[c0], stats[c0 + 1u], stats[c0 + 2u], stats[c0 + 3u]);
    let invstd = vec4f(stats[C + c0], stats[C + c0 + 1u], stats[C + c0 + 2u], stats[C + c0 + 3u]);
    let c2 = 2u * C + c0;
    let scale = vec4f(stats[c2], stats[c2 + 1u], stats[c2 + 2u], stats[c2 + 3u]);
    let shift = vec4f(stats[C + c2], stats[C + c2 + 1u], stats[C + c2 + 2u], stats[C + c2 + 3u]);
    var sdy = vec4f(0.0);
    var sdyx = vec4f(0.0);
    for (var r = start; r < end; r++) {
      let j = r * C4 + q;
      var g = dyAt(j);
      let xv = xAt(j);
      if (RELU) { g = select(vec4f(0.0), g, reluKeeps(xv, scale, shift)); }
      sdy += g;
      sdyx += g * (xv - mean) * invstd;
    }
    for (var k = 0u; k < 4u; k++) {
      partial[gid.y * 2u * C + c0 + k] = sdy[k];
      partial[gid.y * 2u * C + C + c0 + k] = sdyx[k];
    }
    return;
  }
  let ch = gid.x;
  if (ch >= C) { return; }
  let mean = stats[ch];
  let invstd = stats[C + ch];
  var sdy = 0.0;
  var sdyx = 0.0;
  for (var r = start; r < end; r++) {
    let j = r * C + ch;
    let g = upstream(j);
    sdy += g;
    sdyx += g * (x[j] - mean) * invstd;
  }
  partial[gid.y * 2u * C + ch] = sdy;
  partial[gid.y * 2u * C + C + ch] = sdyx;
}

// dgamma = Σ dy·x̂, dbeta = Σ dy, and the coefficients of
// dx = γ·invstd·(dy − Σdy/n − x̂·Σ(dy·x̂)/n) written as a·dy + b·x + c.
@compute @workgroup_size(WG)
fn backward_finish(@builtin(global_invocation_id) gid: vec3u) {
  let ch = gid.x;
  if (ch >= C) { return; }
  var sdy = 0.0;
  var sdyx = 0.0;
  for (var i = 0u; i < p.slices; i++) {
    sdy += partial[i * 2u * C + ch];
    sdyx += partial[i * 2u * C + C + ch];
  }
  dgamma[ch] = sdyx;
  dbeta[ch] = sdy;
  let n = f32(p.rows);
  let invstd = stats[C + ch];
  let a = gamma[ch] * invstd;
  let b = -a * invstd * sdyx / n;
  coef[ch] = a;
  coef[C + ch] = b;
  coef[2u * C + ch] = -a * sdy / n - b * stats[ch];
}

@compute @workgroup_size(256)
fn backward_input(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (ALIGNED) {
    let q = i % C4;
    let r0 = (i / C4) * ROWS;
    if (r0 >= p.rows) { return; }
    let a = coef4[q];
    let b = coef4[C4 + q];
    let c = coef4[2u * C4 + q];
    let scale = stats4[2u * C4 + q];
    let shift = stats4[3u * C4 + q];
    for (var r = r0; r < min(r0 + ROWS, p.rows); r++) {
      let j = r * C4 + q;
      var g = dyAt(j);
      let xv = xAt(j);
      if (RELU) { g = select(vec4f(0.0), g, reluKeeps(xv, scale, shift)); }
      out4[j] = a * g + b * xv + c;
    }
    return;
  }
  if (i >= p.n4) { return; }
  var g = dyAt(i);
  if (RELU) { g = select(vec4f(0.0), g, fwdAt(i) > vec4f(0.0)); }
  out4[i] = coefAt(0u, i) * g + coefAt(1u, i) * xAt(i) + coefAt(2u, i);
}
