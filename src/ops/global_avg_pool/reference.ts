/**
 * Global average pooling on the CPU, the reference the kernels are tested against: x [B, H, W, C]
 * (NHWC) → y [B, C], y[b, c] = (1 / HW) Σ_p x[b, p, c] over the HW = H·W pixels (each term
 * divided by HW, then accumulated in f32 in pixel order; the kernel divides the sum).
 */
export function globalAvgPoolRef(x: ArrayLike<number>, [batch, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(batch * c);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < c; ch++) out[b * c + ch] += x[(b * h * w + p) * c + ch] / (h * w);
    }
  }
  return out;
}
