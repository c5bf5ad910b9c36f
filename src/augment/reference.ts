import type { AugmentOptions } from "./options.ts";

/**
 * The augmentation of augment.wgsl in plain TypeScript: the same hash, the same slots,
 * the same f32 steps (Math.fround wherever the kernel rounds to f32 before a decision: flip,
 * whole-pixel translation, erased rectangle). Tests check the kernel against it; it also shows
 * on the CPU what a seed does to an image (e.g. for a grid of augmented samples).
 *
 * Only continuous values may differ from the kernel by float noise (cos/sin/exp are not the same
 * functions on every GPU); integer decisions agree except in the unlikely case that a value lands
 * within an f32 rounding error of a .5 boundary.
 */

const f32 = Math.fround;

/** augment.wgsl `hash` (and elementwise.wgsl's): a PCG-style bijection on u32. */
export function hash(v: number): number {
  let s = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  s = Math.imul(((s >>> ((s >>> 28) + 4)) ^ s) >>> 0, 277803737) >>> 0;
  return ((s >>> 22) ^ s) >>> 0;
}

/** augment.wgsl `unit`: 24 random bits as a float in [0, 1), exact in f32. */
export function unit(key: number, slot: number): number {
  return (hash((key ^ slot) >>> 0) >>> 8) / 16777216;
}

/** augment.wgsl SLOT_*: which random number of an image drives what. */
export const SLOT = {
  flip: 0,
  angle: 1,
  zoom: 2,
  shiftX: 3,
  shiftY: 4,
  erase: 5,
  /** + 4·attempt + (area, ratio, top, left) */
  eraseAttempts: 6,
} as const;
export const ERASE_ATTEMPTS = 10;
export const NOISE_SALT = 0x5bd1e995;

/** One image's random draw. */
export interface ImageParams {
  key: number;
  flip: boolean;
  /** Rotation angle (radians) and scale factor as drawn. */
  angle: number;
  scale: number;
  /** Whole-pixel translation. */
  tx: number;
  ty: number;
  /** Erased rectangle, null when the image is not erased. */
  erase: { top: number; left: number; height: number; width: number } | null;
}

/** The f32 uniforms the kernel gets from `opts` for images of h × w. */
export function kernelConstants(opts: AugmentOptions, h: number, w: number) {
  return {
    flipP: f32(opts.flip),
    rotate: f32(opts.rotate * Math.PI / 180),
    zoomLo: f32(opts.zoom[0]),
    zoomHi: f32(opts.zoom[1]),
    shiftX: f32(opts.shiftUnit === "fraction" ? opts.shift * w : opts.shift),
    shiftY: f32(opts.shiftUnit === "fraction" ? opts.shift * h : opts.shift),
    eraseP: f32(opts.erase),
    eraseValue: f32(opts.eraseValue === "random" ? 0 : opts.eraseValue),
    eraseScaleLo: f32(opts.eraseScale[0]),
    eraseScaleHi: f32(opts.eraseScale[1]),
    eraseLogRatioLo: f32(Math.log(opts.eraseRatio[0])),
    eraseLogRatioHi: f32(Math.log(opts.eraseRatio[1])),
  };
}

/** Python's round() and WGSL's round(): halves go to the even neighbour. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The parameters augment.wgsl `draw` gives image `image` of a batch augmented with `seed`. */
export function imageParams(
  opts: AugmentOptions,
  seed: number,
  image: number,
  h: number,
  w: number,
): ImageParams {
  const k = kernelConstants(opts, h, w);
  const key = hash((hash(seed >>> 0) ^ image) >>> 0);
  const u = (slot: number) => unit(key, slot);
  const flip = u(SLOT.flip) < k.flipP;
  const angle = f32(f32(2 * u(SLOT.angle) - 1) * k.rotate);
  const scale = f32(k.zoomLo + f32(f32(k.zoomHi - k.zoomLo) * u(SLOT.zoom)));
  const tx = roundHalfEven(f32(f32(2 * u(SLOT.shiftX) - 1) * k.shiftX));
  const ty = roundHalfEven(f32(f32(2 * u(SLOT.shiftY) - 1) * k.shiftY));
  let erase: ImageParams["erase"] = null;
  if (u(SLOT.erase) < k.eraseP) {
    const area = f32(h * w);
    for (let attempt = 0; attempt < ERASE_ATTEMPTS; attempt++) {
      const s = SLOT.eraseAttempts + 4 * attempt;
      const fraction = f32(k.eraseScaleLo + f32(f32(k.eraseScaleHi - k.eraseScaleLo) * u(s)));
      const target = f32(area * fraction);
      const logRatio = f32(
        k.eraseLogRatioLo + f32(f32(k.eraseLogRatioHi - k.eraseLogRatioLo) * u(s + 1)),
      );
      const ratio = f32(Math.exp(logRatio));
      const height = roundHalfEven(f32(Math.sqrt(f32(target * ratio))));
      const width = roundHalfEven(f32(Math.sqrt(f32(target / ratio))));
      if (height < h && width < w) {
        const top = Math.min(Math.floor(f32(u(s + 2) * (h - height + 1))), h - height);
        const left = Math.min(Math.floor(f32(u(s + 3) * (w - width + 1))), w - width);
        erase = { top, left, height, width };
        break;
      }
    }
  }
  return { key, flip, angle, scale, tx, ty, erase };
}

/**
 * Augments NHWC images [B, H, W, C] on the CPU exactly as `augment()` does on the GPU: flip,
 * then rotation about the centre, zoom and translation (inverse-mapped, bilinear, zeros
 * outside), then erasing.
 */
export function augmentReference(
  data: ArrayLike<number>,
  [batch, h, w, c]: readonly number[],
  opts: AugmentOptions,
  seed: number,
): Float32Array {
  const out = new Float32Array(batch * h * w * c);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  for (let b = 0; b < batch; b++) {
    const q = imageParams(opts, seed, b, h, w);
    const a = Math.cos(q.angle) / q.scale;
    const s = Math.sin(q.angle) / q.scale;
    const base = b * h * w * c;
    const at = (ix: number, iy: number, ch: number) =>
      ix < 0 || iy < 0 || ix >= w || iy >= h ? 0 : data[base + (iy * w + ix) * c + ch];
    const noiseKey = hash((q.key ^ NOISE_SALT) >>> 0);
    for (let oy = 0; oy < h; oy++) {
      for (let ox = 0; ox < w; ox++) {
        // Where the output pixel comes from: undo the translation, rotation and zoom about the
        // centre, then the flip (which came first).
        const dx = ox - cx - q.tx;
        const dy = oy - cy - q.ty;
        let sx = cx + a * dx - s * dy;
        const sy = cy + s * dx + a * dy;
        if (q.flip) sx = w - 1 - sx;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        for (let ch = 0; ch < c; ch++) {
          const e = (oy * w + ox) * c + ch;
          const r = q.erase;
          if (
            r && oy >= r.top && oy < r.top + r.height && ox >= r.left && ox < r.left + r.width
          ) {
            out[base + e] = opts.eraseValue === "random" ? unit(noiseKey, e) : f32(opts.eraseValue);
            continue;
          }
          out[base + e] = (1 - fy) * ((1 - fx) * at(x0, y0, ch) + fx * at(x0 + 1, y0, ch)) +
            fy * ((1 - fx) * at(x0, y0 + 1, ch) + fx * at(x0 + 1, y0 + 1, ch));
        }
      }
    }
  }
  return out;
}

/**
 * `logMeanSoftmax` (augment.wgsl tta_flip_mean) on the CPU, in float64: for logits a and b
 * [rows, classes] (row-major), log(½·softmax(a) + ½·softmax(b)) row by row.
 */
export function logMeanSoftmaxRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  classes: number,
): Float64Array {
  const out = new Float64Array(a.length);
  const logSoftmax = (row: number[]) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    return row.map((v) => v - lse);
  };
  for (let r = 0; r < a.length / classes; r++) {
    const la = logSoftmax(Array.from({ length: classes }, (_, j) => a[r * classes + j]));
    const lb = logSoftmax(Array.from({ length: classes }, (_, j) => b[r * classes + j]));
    for (let j = 0; j < classes; j++) {
      const m = Math.max(la[j], lb[j]);
      out[r * classes + j] = m + Math.log(0.5 * (Math.exp(la[j] - m) + Math.exp(lb[j] - m)));
    }
  }
  return out;
}
