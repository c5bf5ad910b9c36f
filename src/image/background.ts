/**
 * Separating a garment from a background that is not one colour: a photo lit unevenly (a light
 * table lit from one side goes from about 200 to 240 gray across the frame), with noise.
 *
 * 1. A working copy: the picture laid on white, area-averaged down to at most WORK_SIDE pixels
 *    on its longest side (bounded memory and time whatever the picture's size), then a 3×3 box
 *    filter (noise σ / 3) so single noisy pixels do not count as foreground (the box is drawn on
 *    the copy before the filter, which would widen every edge by a pixel).
 * 2. The background model: per RGB channel, a quadratic surface
 *    `c0 + c1·u + c2·v + c3·u² + c4·u·v + c5·v²` in coordinates u, v running from −1 to 1 across
 *    the frame, fitted by least squares to the pixels of a band along the border (the
 *    background as the photographer framed it), first those within twice the foreground
 *    distance (below) of the band's median colour, then refitted five times without the samples
 *    whose RGB residual is above max(3σ, 4) gray levels (σ: 1.4826 × the median residual, the
 *    MAD estimate), so a garment touching the border does not bend the surface (iteratively
 *    trimmed least squares; a low-order polynomial background is the classic model of uneven
 *    illumination, e.g. Gonzalez & Woods, "Digital Image Processing", 4th ed., §10.3 on
 *    thresholding with variable illumination).
 * 3. Foreground: working pixels whose RGB distance from the model exceeds max(5% of the
 *    black-to-white RGB distance, the trim distance of the dataset's own pipeline; 4σ).
 * 4. Objects: the foreground dilated by DILATE_FRACTION of the longest side (so a sandal's
 *    straps or a bag's handle stay one object with its body), labelled by 8-connected
 *    components; the object is the component holding the most foreground pixels. Its bounding
 *    box (of foreground pixels) is the crop; pixels outside the dilated component are
 *    background (another object, a shadow or a speck is left out).
 *
 * No object is separated when nothing stands out from the model, or when the object's box
 * touches three or more sides of the frame or covers more than 90% of it (the "background" was
 * the garment, or the light is too uneven for a quadratic): then the caller is told why.
 */
import type { Box, RgbaImage } from "./preprocess.ts";

/** Longest side of the working copy, pixels. */
export const WORK_SIDE = 320;
/** Width of the border band fitted, as a fraction of the working copy's shorter side. */
export const BAND_FRACTION = 0.015;
/** Dilation radius that joins a garment's parts into one object, fraction of the longest side. */
export const DILATE_FRACTION = 0.015;
/** Foreground threshold floor: 5% of the black-to-white RGB distance (255·√3), gray levels. */
export const FOREGROUND_DISTANCE = 0.05 * 255 * Math.sqrt(3);

/** The fitted background: a quadratic surface per RGB channel. */
export interface BackgroundModel {
  /** 3 × 6 coefficients (R, G, B) of 1, u, v, u², u·v, v² with u, v in [−1, 1] across the frame. */
  coefficients: Float64Array;
  /** Lowest and highest BT.601 gray level of the surface over the frame (sampled 17×17). */
  grayRange: [number, number];
  /** Robust σ (MAD × 1.4826) of the border samples' RGB residuals, gray levels. */
  noise: number;
  /** Fraction of the border samples the final fit kept. */
  inliers: number;
}

/** The object found, in the original picture's pixels. */
export interface Segmentation {
  model: BackgroundModel;
  /** The object's bounding box; null when no object was separated (see `failure`). */
  box: Box | null;
  /** Why no object was separated, in words; null when one was. */
  failure: string | null;
  /** Foreground pixels of the object in the working copy, and of all objects. */
  objectPixels: number;
  foregroundPixels: number;
  /** Other objects left out that are at least 5% of the object's size. */
  othersLeftOut: number;
  /**
   * Whether the original picture's pixel (x, y) belongs to the object's (dilated) region; the
   * rest is background. Nearest working pixel.
   */
  inObject(x: number, y: number): boolean;
  /** The model's BT.601 gray level at the original picture's pixel (x, y). */
  backgroundGray(x: number, y: number): number;
}

/** A picture laid on white, area-averaged to at most WORK_SIDE on its longest side, RGB floats. */
interface Working {
  w: number;
  h: number;
  /** Working pixels per original pixel (≤ 1). */
  scale: number;
  /** The 3×3 box-filtered copy (for the fit and for finding objects). */
  rgb: Float32Array;
  /** The copy before the box filter (for the object's box: the filter widens edges by 1). */
  sharp: Float32Array;
}

function workingCopy(img: RgbaImage): Working {
  const { width, height, data: d } = img;
  const scale = Math.min(1, WORK_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const sum = new Float64Array(w * h * 3);
  const count = new Float64Array(w * h);
  // Each original pixel goes to the working pixel that contains its centre: an area average
  // when shrinking by a non-integer factor (each working pixel a box of whole pixels).
  const colX = Int32Array.from(
    { length: width },
    (_, x) => Math.min(w - 1, Math.floor((x + 0.5) * w / width)),
  );
  for (let y = 0; y < height; y++) {
    const wy = Math.min(h - 1, Math.floor((y + 0.5) * h / height));
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const a = d[i + 3] / 255;
      const o = wy * w + colX[x];
      for (let c = 0; c < 3; c++) sum[o * 3 + c] += d[i + c] * a + 255 * (1 - a);
      count[o]++;
    }
  }
  const avg = new Float32Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    for (let c = 0; c < 3; c++) avg[p * 3 + c] = sum[p * 3 + c] / count[p];
  }
  // 3×3 box filter (edges clamped).
  const rgb = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = Math.min(h - 1, Math.max(0, y + dy));
          for (let dx = -1; dx <= 1; dx++) {
            const xx = Math.min(w - 1, Math.max(0, x + dx));
            s += avg[(yy * w + xx) * 3 + c];
          }
        }
        rgb[(y * w + x) * 3 + c] = s / 9;
      }
    }
  }
  return { w, h, scale, rgb, sharp: avg };
}

/** The 6 basis values at normalised (u, v). */
function basis(u: number, v: number): number[] {
  return [1, u, v, u * u, u * v, v * v];
}

/** Normalised coordinate of pixel centre `i` of `n` (−1 at the first, 1 at the last). */
function norm(i: number, n: number): number {
  return n > 1 ? (i / (n - 1)) * 2 - 1 : 0;
}

/**
 * Least-squares coefficients of the basis for `values` at rows `rows` (each a basis vector),
 * those with keep[i]: normal equations solved by Gaussian elimination with partial pivoting and
 * a tiny ridge (1e-9) so a band too thin for a term (a 1-pixel-tall picture) stays solvable.
 */
function leastSquares(rows: number[][], values: Float64Array, keep: Uint8Array): Float64Array {
  const k = 6;
  const a = Array.from({ length: k }, () => new Float64Array(k + 1));
  for (let i = 0; i < rows.length; i++) {
    if (!keep[i]) continue;
    const r = rows[i];
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) a[p][q] += r[p] * r[q];
      a[p][k] += r[p] * values[i];
    }
  }
  for (let p = 0; p < k; p++) a[p][p] += 1e-9 * (1 + a[p][p]);
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    [a[col], a[piv]] = [a[piv], a[col]];
    for (let r = 0; r < k; r++) {
      if (r === col || a[col][col] === 0) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= k; c++) a[r][c] -= f * a[col][c];
    }
  }
  return Float64Array.from({ length: k }, (_, p) => (a[p][p] === 0 ? 0 : a[p][k] / a[p][p]));
}

function median(values: Float64Array | number[]): number {
  const s = Float64Array.from(values).sort();
  if (!s.length) return 0;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Fits the background model to the working copy's border band (see the module comment). */
function fitBackground(work: Working): BackgroundModel {
  const { w, h, rgb } = work;
  const band = Math.max(1, Math.round(BAND_FRACTION * Math.min(w, h)));
  const rows: number[][] = [];
  const samples: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x >= band && x < w - band && y >= band && y < h - band) continue;
      rows.push(basis(norm(x, w), norm(y, h)));
      samples.push(y * w + x);
    }
  }
  const n = samples.length;
  const channel = [0, 1, 2].map((c) => Float64Array.from(samples, (p) => rgb[p * 3 + c]));
  // The first fit takes the samples near the border's median colour (a garment touching the
  // border is not in it, an uneven light of up to about ±25 gray levels is); the refits take
  // those near the surface.
  const centre = [0, 1, 2].map((c) => median(channel[c]));
  const keep = Uint8Array.from(
    { length: n },
    (_, i) =>
      Math.hypot(...[0, 1, 2].map((c) => channel[c][i] - centre[c])) <= 2 * FOREGROUND_DISTANCE
        ? 1
        : 0,
  );
  const coefficients = new Float64Array(18);
  const residual = new Float64Array(n);
  let sigma = 0;
  for (let iteration = 0; iteration < 6; iteration++) {
    for (let c = 0; c < 3; c++) coefficients.set(leastSquares(rows, channel[c], keep), c * 6);
    for (let i = 0; i < n; i++) {
      let d2 = 0;
      for (let c = 0; c < 3; c++) {
        let fit = 0;
        for (let t = 0; t < 6; t++) fit += coefficients[c * 6 + t] * rows[i][t];
        d2 += (channel[c][i] - fit) ** 2;
      }
      residual[i] = Math.sqrt(d2);
    }
    sigma = 1.4826 * median(residual);
    const limit = Math.max(3 * sigma, 4);
    for (let i = 0; i < n; i++) keep[i] = residual[i] <= limit ? 1 : 0;
  }
  let lo = Infinity, hi = -Infinity;
  for (let j = 0; j <= 16; j++) {
    for (let i = 0; i <= 16; i++) {
      const g = grayAt(coefficients, basis(i / 8 - 1, j / 8 - 1));
      lo = Math.min(lo, g);
      hi = Math.max(hi, g);
    }
  }
  return {
    coefficients,
    grayRange: [lo, hi],
    noise: sigma,
    inliers: keep.reduce((a, b) => a + b, 0) / n,
  };
}

/** BT.601 gray of the model at basis vector `b`. */
function grayAt(coefficients: Float64Array, b: number[]): number {
  const weights = [0.299, 0.587, 0.114];
  let g = 0;
  for (let c = 0; c < 3; c++) {
    let v = 0;
    for (let t = 0; t < 6; t++) v += coefficients[c * 6 + t] * b[t];
    g += weights[c] * v;
  }
  return g;
}

/** Square dilation of a w×h mask by radius r (separable running maximum). */
function dilate(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const rowsDone = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let last = -Infinity; // the last set pixel seen at or before x + r
    for (let x = 0; x < w + r; x++) {
      if (x < w && mask[y * w + x]) last = x;
      const at = x - r;
      if (at >= 0 && at < w) rowsDone[y * w + at] = x - last <= 2 * r ? 1 : 0;
    }
  }
  const out = new Uint8Array(w * h);
  for (let x = 0; x < w; x++) {
    let last = -Infinity;
    for (let y = 0; y < h + r; y++) {
      if (y < h && rowsDone[y * w + x]) last = y;
      const at = y - r;
      if (at >= 0 && at < h) out[at * w + x] = y - last <= 2 * r ? 1 : 0;
    }
  }
  return out;
}

/** 8-connected component labels (1..count, 0 = unset) of a mask, by flood fill. */
function label(mask: Uint8Array, w: number, h: number): { labels: Int32Array; count: number } {
  const labels = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  let count = 0;
  for (let start = 0; start < w * h; start++) {
    if (!mask[start] || labels[start]) continue;
    count++;
    let top = 0;
    stack[top++] = start;
    labels[start] = count;
    while (top) {
      const p = stack[--top];
      const x = p % w, y = (p - x) / w;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const q = yy * w + xx;
          if (mask[q] && !labels[q]) {
            labels[q] = count;
            stack[top++] = q;
          }
        }
      }
    }
  }
  return { labels, count };
}

/**
 * Models the background of `img` and finds the largest object on it (see the module comment).
 * Works on a copy of at most WORK_SIDE pixels a side, so time and memory do not grow with the
 * picture beyond one pass over its pixels. Never throws for a valid RgbaImage.
 */
export function segment(img: RgbaImage): Segmentation {
  const work = workingCopy(img);
  const { w, h, rgb } = work;
  const model = fitBackground(work);
  const c = model.coefficients;
  const bu = Float64Array.from({ length: w }, (_, x) => norm(x, w));
  const bv = Float64Array.from({ length: h }, (_, y) => norm(y, h));
  const threshold = Math.max(FOREGROUND_DISTANCE, 4 * model.noise);
  const mask = new Uint8Array(w * h);
  // Whether the unfiltered pixel differs too: the box is drawn on these.
  const sharpMask = new Uint8Array(w * h);
  let foregroundPixels = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const b = basis(bu[x], bv[y]);
      let d2 = 0, s2 = 0;
      for (let ch = 0; ch < 3; ch++) {
        let fit = 0;
        for (let t = 0; t < 6; t++) fit += c[ch * 6 + t] * b[t];
        d2 += (rgb[(y * w + x) * 3 + ch] - fit) ** 2;
        s2 += (work.sharp[(y * w + x) * 3 + ch] - fit) ** 2;
      }
      if (s2 > threshold * threshold) sharpMask[y * w + x] = 1;
      if (d2 > threshold * threshold) {
        mask[y * w + x] = 1;
        foregroundPixels++;
      }
    }
  }
  const { width, height } = img;
  const backgroundGray = (x: number, y: number) =>
    grayAt(c, basis(norm((x + 0.5) * w / width - 0.5, w), norm((y + 0.5) * h / height - 0.5, h)));
  const result = {
    model,
    box: null as Box | null,
    failure: null as string | null,
    objectPixels: 0,
    foregroundPixels,
    othersLeftOut: 0,
    inObject: (_x: number, _y: number) => false,
    backgroundGray,
  };
  if (!foregroundPixels) {
    result.failure = "nothing stands out from the background";
    return result;
  }
  const r = Math.max(1, Math.round(DILATE_FRACTION * Math.max(w, h)));
  const grown = dilate(mask, w, h, r);
  const { labels, count } = label(grown, w, h);
  const sizes = new Uint32Array(count + 1);
  for (let p = 0; p < w * h; p++) if (mask[p]) sizes[labels[p]]++;
  let best = 1;
  for (let l = 2; l <= count; l++) if (sizes[l] > sizes[best]) best = l;
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (!sharpMask[p] || labels[p] !== best) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) {
    // Only the filtered copy differs (a faint, thin object): its box is drawn on that.
    for (let p = 0; p < w * h; p++) {
      if (!mask[p] || labels[p] !== best) continue;
      const x = p % w, y = (p - x) / w;
      [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    }
  }
  result.objectPixels = sizes[best];
  for (let l = 1; l <= count; l++) {
    if (l !== best && sizes[l] >= 0.05 * sizes[best]) result.othersLeftOut++;
  }
  const sides = +(x0 === 0) + +(y0 === 0) + +(x1 === w - 1) + +(y1 === h - 1);
  const cover = ((x1 - x0 + 1) * (y1 - y0 + 1)) / (w * h);
  if (sides >= 3 || cover > 0.9) {
    result.failure = sides >= 3
      ? `what differs from the background touches ${sides} sides of the picture`
      : `what differs from the background covers ${(cover * 100).toFixed(0)}% of the picture`;
    return result;
  }
  // Back to the original picture's pixels: working pixel i holds originals [i/s, (i+1)/s).
  const toX = (i: number) => Math.min(width, Math.max(0, Math.round(i * width / w)));
  const toY = (i: number) => Math.min(height, Math.max(0, Math.round(i * height / h)));
  const bx0 = toX(x0), by0 = toY(y0);
  result.box = {
    x: bx0,
    y: by0,
    width: Math.max(1, toX(x1 + 1) - bx0),
    height: Math.max(1, toY(y1 + 1) - by0),
  };
  result.inObject = (x: number, y: number) => {
    const wx = Math.min(w - 1, Math.floor((x + 0.5) * w / width));
    const wy = Math.min(h - 1, Math.floor((y + 0.5) * h / height));
    return labels[wy * w + wx] === best;
  };
  return result;
}
