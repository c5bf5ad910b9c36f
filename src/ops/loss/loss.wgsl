// Classification losses over rows of scores (logits), each fused with its gradient: one
// invocation per row computes the row's loss, whether its argmax is the label, and already
// d(mean loss)/d scores, so backward needs no kernel of its own.
// cross_entropy: softmax + cross-entropy with optional label smoothing (max-shifted log-sum-exp);
//   gradient (softmax − target)/B.
// hinge: Crammer–Singer multi-class hinge, max(0, 1 + max_{j≠y} s_j − s_y) (the linear SVM's
//   loss); gradient +1/B on the strongest wrong class and −1/B on the label when the margin is short.
// Per row, rowStats holds [loss, hit, plain loss]: the plain loss is the cross-entropy without
//   label smoothing (−log p_label; the hinge loss itself for hinge), so that training and
//   validation losses can be compared under one definition.
// reduce (shared): one invocation sums the per-row losses and hits into out = [mean loss, correct
//   count], and, when the slot is below p.logSize, also [loss sum, hits, plain loss sum] into
//   history[3·slot ..] so the training loop can read a whole interval's scalars in one readback.
// Dispatch: cross_entropy / hinge (ceil(rows / WG)); reduce (1).


// Bindings and `p` (rows, classes, smoothing, slot, logSize) are declared in loss.ts and
// generated above this body.

@compute @workgroup_size(WG)
fn cross_entropy(@builtin(global_invocation_id) gid: vec3u) {
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
  rowStats[3u * r] = loss;
  rowStats[3u * r + 1u] = select(0.0, 1.0, best == label);
  rowStats[3u * r + 2u] = logz - logits[base + label];
}

@compute @workgroup_size(WG)
fn hinge(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x;
  if (r >= p.rows) { return; }
  let base = r * p.classes;
  let label = labels[r];
  let labelScore = logits[base + label];
  var best = 0u;
  var rival = 0u; // strongest wrong class
  var rivalScore = -3.402823e38;
  for (var j = 0u; j < p.classes; j++) {
    let v = logits[base + j];
    if (v > logits[base + best]) { best = j; }
    if (j != label && v > rivalScore) { rivalScore = v; rival = j; }
    grad[base + j] = 0.0;
  }
  let loss = max(0.0, 1.0 + rivalScore - labelScore);
  if (loss > 0.0) {
    let scale = 1.0 / f32(p.rows);
    grad[base + rival] = scale;
    grad[base + label] = -scale;
  }
  rowStats[3u * r] = loss;
  rowStats[3u * r + 1u] = select(0.0, 1.0, best == label);
  rowStats[3u * r + 2u] = loss;
}

@compute @workgroup_size(1)
fn reduce() {
  var loss = 0.0;
  var hits = 0.0;
  var plain = 0.0;
  for (var r = 0u; r < p.rows; r++) {
    loss += rowStats[3u * r];
    hits += rowStats[3u * r + 1u];
    plain += rowStats[3u * r + 2u];
  }
  out[0] = loss / f32(p.rows);
  out[1] = hits;
  let slot = p.slot + stepSeeds.z;
  if (slot < p.logSize) {
    history[3u * slot] = loss;
    history[3u * slot + 1u] = hits;
    history[3u * slot + 2u] = plain;
  }
}
