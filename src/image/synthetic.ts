/**
 * Photo-like test pictures made from Fashion-MNIST images: what a shop's quick photo of a
 * garment looks like to `preprocess` (a coloured garment, off-centre, on a light background lit
 * unevenly, with sensor noise and a slightly soft lens), seeded so a measurement can be
 * repeated. Used by the tests (tests/image/) and by tools/photo_measure.ts for docs/photos.md.
 *
 * The garment: the 28×28 image's intensity v (0 = background, 255 = full garment) is taken as
 * the garment's coverage a = v/255 and laid over the background in one colour,
 * `pixel = background·(1 − a) + colour·a` per RGB channel (bilinear upscaling of a), so the
 * dataset image's shading becomes the garment's opacity. The square 28×28 box is scaled to
 * `sizeRange` of the frame's height and placed anywhere it fits (so mostly off-centre).
 *
 * The background: a gray level going from `lightRange[0]` to `lightRange[1]` across the frame
 * along a random direction (a linear gradient), plus a broad Gaussian highlight (σ half the
 * frame's width) and a slight colour tint; then a Gaussian blur (σ `blurRange`) and Gaussian
 * noise (σ `noiseRange` gray levels per channel) over the whole picture.
 */
import type { RgbaImage } from "./preprocess.ts";
import type { Rng } from "../util/random.ts";

/** The knobs of `photoLike`; the defaults are the pictures of docs/photos.md. */
export interface PhotoOptions {
  /** Frame size in pixels (default 320×240). */
  width?: number;
  height?: number;
  /** Side of the garment's 28×28 box as a fraction of the frame's height (default [0.35, 0.7]). */
  sizeRange?: [number, number];
  /** Darkest and lightest background gray levels across the frame (default [200, 240]). */
  lightRange?: [number, number];
  /** Noise σ in gray levels per channel (default [1, 3]). */
  noiseRange?: [number, number];
  /** Gaussian blur σ in pixels (default [0.5, 1.2]). */
  blurRange?: [number, number];
}

/** A generated picture and where its garment's 28×28 box was put. */
export interface PhotoLike {
  image: RgbaImage & { data: Uint8Array };
  /** The 28×28 box scaled and placed in the frame (pixels). */
  box: { x: number; y: number; width: number; height: number };
  /** The garment's colour (RGB 0..255). */
  colour: [number, number, number];
}

const uniform = (rng: Rng, [lo, hi]: [number, number]) => lo + (hi - lo) * rng.next();

/**
 * A photo-like RGBA picture of the 28×28 gray image `gray` (784 bytes, row-major, dataset
 * polarity: 0 = background), drawn with `rng` (every random choice comes from it, in a fixed
 * order, so the same seed gives the same picture). See the module comment for the model.
 */
export function photoLike(gray: Uint8Array, rng: Rng, opts: PhotoOptions = {}): PhotoLike {
  if (gray.length !== 784) throw new RangeError(`a 28×28 image has 784 pixels, not ${gray.length}`);
  const w = opts.width ?? 320, h = opts.height ?? 240;
  const side = Math.round(uniform(rng, opts.sizeRange ?? [0.35, 0.7]) * h);
  const bx = rng.int(w - side + 1), by = rng.int(h - side + 1);
  // A garment colour with BT.601 gray in 20..170: visibly darker than the background.
  let colour: [number, number, number];
  do {
    colour = [rng.int(256), rng.int(256), rng.int(256)];
  } while (!inRange(0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2], 20, 170));
  const [lo, hi] = opts.lightRange ?? [200, 240];
  const angle = rng.next() * 2 * Math.PI;
  const hx = rng.next() * w, hy = rng.next() * h;
  const tint = [0, 1, 2].map(() => (rng.next() - 0.5) * 12);
  const blur = uniform(rng, opts.blurRange ?? [0.5, 1.2]);
  const noise = uniform(rng, opts.noiseRange ?? [1, 3]);
  // Light: 0..1 along the direction `angle` (linear), plus a highlight, then scaled to lo..hi.
  const dx = Math.cos(angle), dy = Math.sin(angle);
  const light = new Float64Array(w * h);
  let min = Infinity, max = -Infinity;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const along = (x - w / 2) * dx + (y - h / 2) * dy;
      const spot = Math.exp(-((x - hx) ** 2 + (y - hy) ** 2) / (2 * (w / 2) ** 2));
      const v = 0.75 * along / Math.hypot(w, h) + 0.25 * spot;
      light[y * w + x] = v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  const rgb = new Float64Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const bg = lo + (hi - lo) * (light[p] - min) / (max - min || 1);
      const a = coverage(gray, (x - bx) / side * 28 - 0.5, (y - by) / side * 28 - 0.5);
      for (let c = 0; c < 3; c++) rgb[p * 3 + c] = (bg + tint[c]) * (1 - a) + colour[c] * a;
    }
  }
  gaussianBlur(rgb, w, h, blur);
  const data = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    for (let c = 0; c < 3; c++) {
      const v = rgb[p * 3 + c] + noise * rng.normal();
      data[p * 4 + c] = Math.round(Math.min(255, Math.max(0, v)));
    }
    data[p * 4 + 3] = 255;
  }
  return {
    image: { width: w, height: h, data },
    box: { x: bx, y: by, width: side, height: side },
    colour,
  };
}

function inRange(v: number, lo: number, hi: number) {
  return v >= lo && v <= hi;
}

/** Bilinear coverage (0..1) of the 28×28 image at (x, y) in its pixel units; 0 outside. */
function coverage(gray: Uint8Array, x: number, y: number): number {
  if (x < -1 || y < -1 || x > 28 || y > 28) return 0;
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  const at = (xx: number, yy: number) =>
    xx < 0 || yy < 0 || xx >= 28 || yy >= 28 ? 0 : gray[yy * 28 + xx] / 255;
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) +
    (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

/** Separable Gaussian blur of w×h×3 values in place (kernel radius 3σ, edges clamped). */
function gaussianBlur(rgb: Float64Array, w: number, h: number, sigma: number): void {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Array.from(
    { length: 2 * r + 1 },
    (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma ** 2)),
  );
  const sum = k.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float64Array(rgb.length);
  const pass = (src: Float64Array, dst: Float64Array, horizontal: boolean) => {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let i = -r; i <= r; i++) {
            const xx = horizontal ? Math.min(w - 1, Math.max(0, x + i)) : x;
            const yy = horizontal ? y : Math.min(h - 1, Math.max(0, y + i));
            s += k[i + r] * src[(yy * w + xx) * 3 + c];
          }
          dst[(y * w + x) * 3 + c] = s;
        }
      }
    }
  };
  pass(rgb, tmp, true);
  pass(tmp, rgb, false);
}
