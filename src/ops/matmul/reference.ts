/**
 * The matrix product on the CPU, the reference the kernels are tested against: C = op(A)·op(B),
 * all row-major, C [M, N]; A is [M, K], or [K, M] with `transA` (op(A) = Aᵀ); B is [K, N], or
 * [N, K] with `transB`. Sums in k order in float64, rounded to f32 once per output.
 */
export function matmulRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  transA = false,
  transB = false,
): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      }
      c[i * n + j] = s;
    }
  }
  return c;
}
