// Fused softmax + cross-entropy (with optional label smoothing) over rows of logits.
// forward: one invocation per row computes the row's loss with a max-shifted log-sum-exp, whether
// its argmax is the label, and already the gradient d(mean loss)/d logits = (softmax − target)/B,
// so backward needs no kernel of its own.
// reduce: one invocation sums the per-row losses and hits into out = [mean loss, correct count],
// and, when p.slot is below p.logSize, also into history[2·slot ..] so the training loop can read a
// whole logging interval's scalars in one readback.
// Dispatch: forward (ceil(rows / WG)); reduce (1).

struct Params { rows: u32, classes: u32, smoothing: f32, slot: u32, logSize: u32, pad0: u32, pad1: u32, pad2: u32 }
override WG: u32 = 64;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowStats: array<f32>; // [loss, hit] per row
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> history: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x;
  if (r >= p.rows) { return; }
  let base = r * p.classes;
  let label = labels[r];
  var m = logits[base];
  var best = 0u;
  for (var j = 1u; j < p.classes; j++) {
    let v = logits[base + j];
    if (v > m) { m = v; best = j; }
  }
  var z = 0.0;
  for (var j = 0u; j < p.classes; j++) { z += exp(logits[base + j] - m); }
  let logz = log(z) + m;
  let off = p.smoothing / f32(p.classes);
  let on = 1.0 - p.smoothing + off;
  var loss = 0.0;
  let scale = 1.0 / f32(p.rows);
  for (var j = 0u; j < p.classes; j++) {
    let t = select(off, on, j == label);
    let lp = logits[base + j] - logz;
    loss -= t * lp;
    grad[base + j] = (exp(lp) - t) * scale;
  }
  rowStats[2u * r] = loss;
  rowStats[2u * r + 1u] = select(0.0, 1.0, best == label);
}

@compute @workgroup_size(1)
fn reduce() {
  var loss = 0.0;
  var hits = 0.0;
  for (var r = 0u; r < p.rows; r++) {
    loss += rowStats[2u * r];
    hits += rowStats[2u * r + 1u];
  }
  out[0] = loss / f32(p.rows);
  out[1] = hits;
  if (p.slot < p.logSize) {
    history[2u * p.slot] = loss;
    history[2u * p.slot + 1u] = hits;
  }
}
