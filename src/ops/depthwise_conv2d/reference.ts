/**
 * Depthwise convolution on the CPU, the reference the kernels are tested against: x [B, H, W, C]
 * (flat, NHWC), weight [KH, KW, C] (one filter per channel, tap-major), bias [C] or null,
 * `stride`, `pad` zeros on each side. Returns y [B, OH, OW, C] (NHWC) and its shape.
 */
export function depthwiseConv2dRef(
  x: ArrayLike<number>,
  [batch, h, w, c]: number[],
  wt: ArrayLike<number>,
  [kh, kw]: number[],
  bias: ArrayLike<number> | null,
  stride: number,
  pad: number,
) {
  const oh = Math.floor((h + 2 * pad - kh) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - kw) / stride) + 1;
  const out = new Float32Array(batch * oh * ow * c);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ch = 0; ch < c; ch++) {
          let s = bias ? bias[ch] : 0;
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const y = oy * stride + ky - pad;
              const xx = ox * stride + kx - pad;
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              s += x[((b * h + y) * w + xx) * c + ch] * wt[(ky * kw + kx) * c + ch];
            }
          }
          out[((b * oh + oy) * ow + ox) * c + ch] = s;
        }
      }
    }
  }
  return { out, shape: [batch, oh, ow, c] };
}
