/**
 * Mean softmax cross-entropy on the CPU, the reference the kernels are tested against: logits is
 * a rows×classes matrix, row-major; labels [rows] are class indices. With label smoothing ε the
 * target puts 1 − ε + ε/classes on the label and ε/classes elsewhere. Returns the mean loss and
 * hits, the number of rows whose (first) largest logit is the label.
 */
export function crossEntropyRef(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  smoothing = 0,
) {
  const rows = labels.length;
  let loss = 0;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: classes }, (_, j) => logits[r * classes + j]);
    const m = Math.max(...row);
    const logz = Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) + m;
    for (let j = 0; j < classes; j++) {
      const t = (j === labels[r] ? 1 - smoothing : 0) + smoothing / classes;
      loss -= t * (row[j] - logz);
    }
    if (row.indexOf(m) === labels[r]) hits++;
  }
  return { loss: loss / rows, hits };
}

/**
 * Crammer–Singer multi-class hinge on the CPU: the mean over rows of max(0, 1 + max_{j≠y} s_j −
 * s_y), scores a rows×classes matrix, row-major, labels [rows] class indices. Returns the mean
 * loss and hits, the number of rows whose (first) largest score is the label.
 */
export function hingeRef(scores: ArrayLike<number>, labels: ArrayLike<number>, classes: number) {
  const rows = labels.length;
  let loss = 0;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: classes }, (_, j) => scores[r * classes + j]);
    const rival = Math.max(...row.filter((_, j) => j !== labels[r]));
    loss += Math.max(0, 1 + rival - row[labels[r]]);
    if (row.indexOf(Math.max(...row)) === labels[r]) hits++;
  }
  return { loss: loss / rows, hits };
}
