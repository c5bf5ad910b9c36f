/**
 * Why the model said so, for one picture: an occlusion saliency map (Zeiler & Fergus 2014, §4.2;
 * the method and its averaging are src/experiments/occlusion.ts's) over the 28×28 image the model
 * saw, for the class it predicted, and the same map carried back through the crop onto the
 * original picture. Needs only a function giving class probabilities, so it works alike for the
 * command line's classifiers and the page's engine (web/engine.ts `classify`), int8 included.
 */
import { occlusionMap } from "../experiments/occlusion.ts";
import type { Box } from "../image/preprocess.ts";

/**
 * Softmax probabilities of `count` 28×28 images (`images`: count×784 bytes, row-major, dataset
 * polarity, 0 = background), one row per image. The page passes
 * `(px, n) => classify(model, px, n).then((r) => r.probabilities)`.
 */
export type ProbabilityFn = (images: Uint8Array, count: number) => Promise<ArrayLike<number>[]>;

export interface Saliency {
  /** The output explained: the predicted one unless `target` was given (an output index). */
  target: number;
  /** Its probability for the unoccluded image. */
  probability: number;
  /**
   * 784 values, 28×28 row-major: the mean fall of `target`'s probability when a patch covering
   * the pixel is blacked out. Positive: evidence for the class; negative: against it. Range
   * about −1..1 (probabilities).
   */
  map: Float32Array;
  /** The largest |value| of `map` (0 when the image gave no evidence either way). */
  scale: number;
  /** Patch side and stride used (pixels of the 28×28). */
  patch: number;
  stride: number;
}

/**
 * The occlusion saliency map of one 28×28 image (`pixels`: 784 bytes, dataset polarity). The
 * image and 144 occluded copies (6×6 black patches every 2 pixels, by default) are scored in one
 * call of `probabilities` (145 images). `target` (an output index) defaults to the most probable
 * output. Throws a RangeError for `pixels` of another length or a bad patch or stride.
 */
export async function saliencyMap(
  pixels: Uint8Array,
  probabilities: ProbabilityFn,
  opts: { target?: number; patch?: number; stride?: number } = {},
): Promise<Saliency> {
  if (pixels.length !== 784) {
    throw new RangeError(`a 28×28 image has 784 pixels, got ${pixels.length}`);
  }
  const patch = opts.patch ?? 6;
  const stride = opts.stride ?? 2;
  let target = opts.target;
  const image = Float32Array.from(pixels, (v) => v / 255);
  const occ = await occlusionMap(image, 28, 28, async (xs, n) => {
    const bytes = Uint8Array.from(xs, (v) => Math.round(v * 255));
    const rows = await probabilities(bytes, n);
    if (target === undefined) {
      const first = rows[0];
      target = 0;
      for (let j = 1; j < first.length; j++) if (first[j] > first[target]) target = j;
    }
    const t = target;
    return Float32Array.from(rows, (r) => r[t]);
  }, { patch, stride, fill: 0 });
  let scale = 0;
  for (const v of occ.map) scale = Math.max(scale, Math.abs(v));
  return { target: target!, probability: occ.base, map: occ.map, scale, patch, stride };
}

/**
 * A 28×28 map (784 values, e.g. `Saliency.map`) carried back onto the original picture
 * (`width`×`height`) through the conversion: `crop` (the part of the picture kept) was fitted
 * to `placed` on the 28×28 (both from `Preprocessed`). Each picture pixel inside the crop takes
 * the map's bilinear value at its position on the 28×28; pixels outside the crop take 0. Returns
 * width×height values, row-major. `width`×`height` may be a scaled-down copy of the picture
 * (crop and placed are scaled with it).
 */
export function mapToPicture(
  map: Float32Array,
  crop: Box,
  placed: Box,
  size: { width: number; height: number; scale?: number },
): Float32Array {
  const s = size.scale ?? 1;
  const out = new Float32Array(size.width * size.height);
  const at = (x: number, y: number) => {
    const xx = Math.min(27, Math.max(0, x)), yy = Math.min(27, Math.max(0, y));
    return map[yy * 28 + xx];
  };
  for (let y = 0; y < size.height; y++) {
    const py = (y + 0.5) / s;
    if (py < crop.y || py >= crop.y + crop.height) continue;
    // Position on the 28×28 in pixel-centre units.
    const v = placed.y + (py - crop.y) / crop.height * placed.height - 0.5;
    const y0 = Math.floor(v), fy = v - y0;
    for (let x = 0; x < size.width; x++) {
      const px = (x + 0.5) / s;
      if (px < crop.x || px >= crop.x + crop.width) continue;
      const u = placed.x + (px - crop.x) / crop.width * placed.width - 0.5;
      const x0 = Math.floor(u), fx = u - x0;
      out[y * size.width + x] = (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) +
        (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
    }
  }
  return out;
}

/**
 * An RGB overlay (width×height×3 bytes) of saliency `map` (width×height values) on a gray
 * picture `gray` (width×height bytes): the picture dimmed to half, red where the map is
 * positive (evidence for the class), blue where negative, opacity |value| / `scale`.
 */
export function overlay(
  gray: ArrayLike<number>,
  map: Float32Array,
  scale: number,
  width: number,
  height: number,
): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const base = 64 + gray[p] / 2;
    const a = scale > 0 ? Math.min(1, Math.abs(map[p]) / scale) : 0;
    const colour = map[p] >= 0 ? [255, 40, 40] : [40, 90, 255];
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.round(base * (1 - a) + colour[c] * a);
  }
  return out;
}
