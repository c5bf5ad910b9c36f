/**
 * Column sums on the CPU, the reference sumRows is tested against: x is a rows×cols matrix,
 * row-major. Returns out [cols], out[j] = Σ_i x[i·cols + j], summed in f64 and rounded once.
 */
export function sumRowsRef(x: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const sums = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) sums[j] += x[r * cols + j];
  return Float32Array.from(sums);
}
