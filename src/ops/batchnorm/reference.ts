/**
 * Batch normalisation on the CPU, the reference the kernels are tested against: x is a rows×C
 * matrix, row-major (an NHWC tensor with rows = B·H·W), normalised per channel with the batch's
 * statistics (biased variance, in f64): out = (x − mean)/√(variance + eps)·gamma + beta.
 * Returns out (rows×C, f32) and the per-channel mean and variance ([C], f64).
 */
export function batchNormRef(
  x: ArrayLike<number>,
  c: number,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  eps: number,
) {
  const rows = x.length / c;
  const out = new Float32Array(x.length);
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let r = 0; r < rows; r++) for (let j = 0; j < c; j++) mean[j] += x[r * c + j] / rows;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < c; j++) variance[j] += (x[r * c + j] - mean[j]) ** 2 / rows;
  }
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < c; j++) {
      out[r * c + j] = (x[r * c + j] - mean[j]) / Math.sqrt(variance[j] + eps) * gamma[j] +
        beta[j];
    }
  }
  return { out, mean, variance };
}
