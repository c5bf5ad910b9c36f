/**
 * Max pooling on the CPU, the reference the kernels are tested against: x [B, H, W, C] (NHWC),
 * k×k windows with stride s, no padding, floor mode. Returns y [B, OH, OW, C].
 */
export function maxPoolRef(x: ArrayLike<number>, [batch, h, w, c]: number[], k: number, s: number) {
  const oh = Math.floor((h - k) / s) + 1;
  const ow = Math.floor((w - k) / s) + 1;
  const out = new Float32Array(batch * oh * ow * c);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ci = 0; ci < c; ci++) {
          let m = -Infinity;
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              m = Math.max(m, x[((b * h + oy * s + ky) * w + ox * s + kx) * c + ci]);
            }
          }
          out[((b * oh + oy) * ow + ox) * c + ci] = m;
        }
      }
    }
  }
  return out;
}
