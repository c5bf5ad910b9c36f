// Batch normalisation (optionally with its ReLU, RELU) fused with the max pooling that follows it:
// y = maxpool(relu(x·scale + shift)) on NHWC tensors with C % 4 == 0, K×K windows, stride S, no
// padding, floor mode (OH = (H − K) / S + 1): batchNormMaxPool in batchnorm_maxpool.ts.
//
// The batch statistics and backward_finish are batchnorm.wgsl's; this file holds the passes that
// touch pooled tensors, so the full-size BN output and its gradient never exist:
//
// forward:          one invocation per channel quadruple and ROWS pooled positions: normalises
//                   the window, applies the ReLU, keeps the maximum, and per output the winner's
//                   window position (argpos, as src/ops/maxpool's forward4) and input value (xwin,
//                   for x̂ in backward_partial). forward_inference: the maximum only (eval mode).
// backward_partial: Σ dy and Σ dy·x̂ per channel over POOLED positions (one invocation per
//                   quadruple and slice, as batchnorm.wgsl's): only a window's winner has a
//                   non-zero upstream gradient, so Σ_i g_i·x̂_i = Σ_o dy_o·x̂(winner of o), a
//                   quarter of the reads of the per-element sum for 2×2 windows.
// backward_input:   dx = a·g + b·x + c per input element (coefficients from backward_finish),
//                   g gathered from every window whose winner the element is (maxpool.wgsl's
//                   backward4, so overlapping windows work), one invocation per quadruple and
//                   ROWS input rows (the coefficients load once).
// backward_input_cells: the same where windows do not overlap (S >= K), one invocation per
//                   quadruple and ROWS S×S cells: each window's dy and winner load once.
//
// The ReLU mask: the unfused backward zeroes an element's gradient where relu(bn(x)) <= 0. An
// element only receives gradient from windows it wins, and then its value is that window's
// maximum, so the mask is "window maximum > 0", decided once in the forward: argpos is −1 where
// it fails, which no window position equals. The comparison (strictly greater, first position
// wins ties, the ReLU's zeros included) and the arithmetic (x·scale + shift, then max with 0) are
// those of batchnorm.wgsl's normalize and maxpool.wgsl's forward4, so fused and unfused outputs
// are the same floats and gradients flow to the same elements.
//
// Dispatch: forward (and forward_inference) over C4 · ceil(pooled / ROWS) invocations,
// backward_input over C4 · ceil(rows / ROWS), backward_input_cells over C4 · ceil(cells / ROWS),
// all as src/ops/elementwise/elementwise.wgsl (workgroup 256, p.row = 32768·256 when the grid
// spills into y); backward_partial (ceil(C4 / WG), slices of rowsPerSlice pooled positions).

// The geometry is override constants so that the software adapter folds the index divisions (as
// in src/ops/conv2d).
override C: u32;
override H: u32;
override W: u32;
override OH: u32;
override OW: u32;
override K: u32;
override S: u32;
override C4: u32 = C / 4u;
override RELU: bool = false;
override ROWS: u32 = 8u;

// Bindings and `p` (rows, pooled, rowsPerSlice, slices, row, cells) are declared in
// batchnorm_maxpool.ts, which says what each holds, and generated above this body.
// TEXTURES: the vec4 inputs also as textures xT, dyT, argposT, xwinT (flat vec4 arrays,
// src/gpu/gpu.ts `texture()`), read instead of the storage views: on the software adapter a texel
// fetch is a vectorised gather, a storage load a per-lane loop. Unused ones get a 1×1 dummy.
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
fn argposAt(j: u32) -> vec4f {
  if (TEXTURES) { return texel(argposT, j); }
  return argpos4[j];
}
fn xwinAt(j: u32) -> vec4f {
  if (TEXTURES) { return texel(xwinT, j); }
  return xwin4[j];
}

// Window o of channel quadruple q: its maximum of relu(x·scale + shift), the winner's position
// (first wins ties) and the winner's input value.
struct Winner { best: vec4f, at: vec4f, x: vec4f }
fn window(o: u32, q: u32, scale: vec4f, shift: vec4f) -> Winner {
  let ox = o % OW;
  let oy = (o / OW) % OH;
  let b = o / (OW * OH);
  var w = Winner(vec4f(-3.402823e38), vec4f(0.0), vec4f(0.0));
  for (var ky = 0u; ky < K; ky++) {
    for (var kx = 0u; kx < K; kx++) {
      let v = xAt(((b * H + oy * S + ky) * W + ox * S + kx) * C4 + q);
      var y = v * scale + shift;
      if (RELU) { y = max(y, vec4f(0.0)); }
      let better = y > w.best;
      w.best = select(w.best, y, better);
      w.at = select(w.at, vec4f(f32(ky * K + kx)), better);
      w.x = select(w.x, v, better);
    }
  }
  return w;
}

@compute @workgroup_size(256)
fn forward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  let q = i % C4;
  let o0 = (i / C4) * ROWS;
  if (o0 >= p.pooled) { return; }
  let scale = stats4[2u * C4 + q];
  let shift = stats4[3u * C4 + q];
  for (var o = o0; o < min(o0 + ROWS, p.pooled); o++) {
    let w = window(o, q, scale, shift);
    let j = o * C4 + q;
    out4[j] = w.best;
    var at = w.at;
    if (RELU) { at = select(at, vec4f(-1.0), w.best <= vec4f(0.0)); }
    argpos4[j] = at;
    xwin4[j] = w.x;
  }
}

// Eval mode has no backward: only the pooled output (and no winner buffers to bind).
@compute @workgroup_size(256)
fn forward_inference(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  let q = i % C4;
  let o0 = (i / C4) * ROWS;
  if (o0 >= p.pooled) { return; }
  let scale = stats4[2u * C4 + q];
  let shift = stats4[3u * C4 + q];
  for (var o = o0; o < min(o0 + ROWS, p.pooled); o++) {
    out4[o * C4 + q] = window(o, q, scale, shift).best;
  }
}

@compute @workgroup_size(WG)
fn backward_partial(@builtin(global_invocation_id) gid: vec3u) {
  let q = gid.x;
  if (q >= C4) { return; }
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.pooled);
  let c0 = 4u * q;
  let mean = vec4f(stats[c0], stats[c0 + 1u], stats[c0 + 2u], stats[c0 + 3u]);
  let invstd = vec4f(stats[C + c0], stats[C + c0 + 1u], stats[C + c0 + 2u], stats[C + c0 + 3u]);
  var sdy = vec4f(0.0);
  var sdyx = vec4f(0.0);
  for (var o = start; o < end; o++) {
    let j = o * C4 + q;
    var g = dyAt(j);
    if (RELU) { g = select(vec4f(0.0), g, argposAt(j) >= vec4f(0.0)); }
    sdy += g;
    sdyx += g * (xwinAt(j) - mean) * invstd;
  }
  for (var k = 0u; k < 4u; k++) {
    partial[gid.y * 2u * C + c0 + k] = sdy[k];
    partial[gid.y * 2u * C + C + c0 + k] = sdyx[k];
  }
}

@compute @workgroup_size(256)
fn backward_input(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  let q = i % C4;
  let r0 = (i / C4) * ROWS;
  if (r0 >= p.rows) { return; }
  let a = coef4[q];
  let b = coef4[C4 + q];
  let c = coef4[2u * C4 + q];
  for (var r = r0; r < min(r0 + ROWS, p.rows); r++) {
    let x0 = r % W;
    let y0 = (r / W) % H;
    let n = r / (W * H);
    // Windows oy with oy·S <= y0 < oy·S + K (as maxpool.wgsl's backward).
    let oyLo = select(0u, (y0 - K + S) / S, y0 + 1u > K);
    let oxLo = select(0u, (x0 - K + S) / S, x0 + 1u > K);
    var g = vec4f(0.0);
    for (var oy = oyLo; oy <= y0 / S && oy < OH; oy++) {
      for (var ox = oxLo; ox <= x0 / S && ox < OW; ox++) {
        let o = ((n * OH + oy) * OW + ox) * C4 + q;
        let here = vec4f(f32((y0 - oy * S) * K + x0 - ox * S));
        g += select(vec4f(0.0), dyAt(o), argposAt(o) == here);
      }
    }
    let j = r * C4 + q;
    out4[j] = a * g + b * xAt(j) + c;
  }
}

// For S >= K (windows do not overlap) the same dx, one invocation per channel quadruple and ROWS
// cells, a cell being the S×S block of input that starts at window (cy, cx)'s corner: the
// window's dy and winner load once for its K² elements, with no per-element window search
// (whose lane-varying loop bounds made backward_input several times slower on the software
// adapter). Cells past OH or OW (floor mode's left-over rows and columns) and a cell's S − K gap
// rows and columns get g = 0.
override CH: u32 = (H + S - 1u) / S;
override CW: u32 = (W + S - 1u) / S;

@compute @workgroup_size(256)
fn backward_input_cells(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  let q = i % C4;
  let cell0 = (i / C4) * ROWS;
  if (cell0 >= p.cells) { return; }
  let a = coef4[q];
  let b = coef4[C4 + q];
  let c = coef4[2u * C4 + q];
  for (var cell = cell0; cell < min(cell0 + ROWS, p.cells); cell++) {
    let cx = cell % CW;
    let cy = (cell / CW) % CH;
    let n = cell / (CW * CH);
    let window = cy < OH && cx < OW;
    // Clamped, so the loads stay inside the pooled tensors; `window` discards them.
    let o = ((n * OH + min(cy, OH - 1u)) * OW + min(cx, OW - 1u)) * C4 + q;
    let d = dyAt(o);
    let at = argposAt(o);
    for (var ky = 0u; ky < S; ky++) {
      for (var kx = 0u; kx < S; kx++) {
        let y0 = cy * S + ky;
        let x0 = cx * S + kx;
        if (y0 < H && x0 < W) {
          // −2 matches no winner (positions are ≥ 0, the ReLU's mask −1).
          let here = select(-2.0, f32(ky * K + kx), window && ky < K && kx < K);
          let g = select(vec4f(0.0), d, at == vec4f(here));
          let j = ((n * H + y0) * W + x0) * C4 + q;
          out4[j] = a * g + b * xAt(j) + c;
        }
      }
    }
  }
}
