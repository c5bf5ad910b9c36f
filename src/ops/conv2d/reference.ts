/**
 * 2-D convolution on the CPU, the reference the three strategies are tested against: x
 * [B, H, W, C] and weight [KH, KW, C, F] (both flat, NHWC and tap-major as conv2d's), bias [F] or
 * null, `stride`, `pad` zeros on each side. Returns y [B, OH, OW, F] (NHWC) and its shape.
 */
export function conv2dRef(
  x: ArrayLike<number>,
  [batch, h, w, c]: number[],
  wt: ArrayLike<number>,
  [kh, kw, , f]: number[],
  bias: ArrayLike<number> | null,
  stride: number,
  pad: number,
) {
  const oh = Math.floor((h + 2 * pad - kh) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - kw) / stride) + 1;
  const out = new Float32Array(batch * oh * ow * f);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let o = 0; o < f; o++) {
          let s = bias ? bias[o] : 0;
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const y = oy * stride + ky - pad;
              const xx = ox * stride + kx - pad;
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              for (let ci = 0; ci < c; ci++) {
                s += x[((b * h + y) * w + xx) * c + ci] * wt[((ky * kw + kx) * c + ci) * f + o];
              }
            }
          }
          out[((b * oh + oy) * ow + ox) * f + o] = s;
        }
      }
    }
  }
  return { out, shape: [batch, oh, ow, f] };
}
