/**
 * The PNGs `predict --explain` writes for a picture: the saliency map over the 28×28 the model
 * saw (shown 8× larger) and over the original picture (its gray levels, scaled down to at most
 * PICTURE_SIDE pixels on its longest side), red for evidence for the class, blue against.
 */
import { encodePng } from "../report/png.ts";
import type { Preprocessed, RgbaImage } from "../image/preprocess.ts";
import { mapToPicture, overlay, type Saliency } from "./saliency.ts";

/** Longest side of the saliency-over-picture PNG, pixels. */
export const PICTURE_SIDE = 640;
/** Magnification of the 28×28 PNG. */
export const INPUT_SCALE = 8;

/** A picture's gray levels (BT.601 on white), area-averaged to at most PICTURE_SIDE a side. */
export function smallGray(
  img: RgbaImage,
): { gray: Uint8Array; width: number; height: number; scale: number } {
  const scale = Math.min(1, PICTURE_SIDE / Math.max(img.width, img.height));
  const width = Math.max(1, Math.round(img.width * scale));
  const height = Math.max(1, Math.round(img.height * scale));
  const sum = new Float64Array(width * height);
  const count = new Float64Array(width * height);
  const d = img.data;
  for (let y = 0; y < img.height; y++) {
    const sy = Math.min(height - 1, Math.floor((y + 0.5) * height / img.height));
    for (let x = 0; x < img.width; x++) {
      const sx = Math.min(width - 1, Math.floor((x + 0.5) * width / img.width));
      const i = (y * img.width + x) * 4;
      const a = d[i + 3] / 255;
      sum[sy * width + sx] += (0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]) * a +
        255 * (1 - a);
      count[sy * width + sx]++;
    }
  }
  const gray = Uint8Array.from(sum, (s, p) => Math.round(s / count[p]));
  return { gray, width, height, scale: width / img.width };
}

/** The 28×28 saliency overlay as a PNG, INPUT_SCALE× larger (nearest neighbour). */
export function inputSaliencyPng(pre: Preprocessed, s: Saliency): Uint8Array {
  const side = 28 * INPUT_SCALE;
  const gray = new Uint8Array(side * side);
  const map = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const p = Math.floor(y / INPUT_SCALE) * 28 + Math.floor(x / INPUT_SCALE);
      gray[y * side + x] = pre.pixels[p];
      map[y * side + x] = s.map[p];
    }
  }
  return encodePng(side, side, 3, overlay(gray, map, s.scale, side, side));
}

/** The saliency carried back onto the picture (`small` from `smallGray`) as a PNG. */
export function pictureSaliencyPng(
  small: ReturnType<typeof smallGray>,
  pre: Preprocessed,
  s: Saliency,
): Uint8Array {
  const { width, height, scale, gray } = small;
  const map = mapToPicture(s.map, pre.crop, pre.placed, { width, height, scale });
  return encodePng(width, height, 3, overlay(gray, map, s.scale, width, height));
}
