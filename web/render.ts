/// <reference lib="dom" />
/** Drawing pixels into canvases: the 28×28 input and feature maps. */
import type { FeatureMaps } from "./engine.ts";

/** Paints gray bytes (`width`×`height`, 0 = black) into `canvas` at its own size (CSS scales it). */
export function paintGray(
  canvas: HTMLCanvasElement,
  gray: ArrayLike<number>,
  width: number,
  height: number,
) {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d")!;
  const img = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = gray[i];
    img.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}

/**
 * Paints a layer's channels as a grid of small images, `columns` wide, each channel scaled from
 * 0 (black) to its own largest activation (white), `scale` screen pixels per activation.
 */
export function paintFeatureMaps(
  canvas: HTMLCanvasElement,
  maps: FeatureMaps,
  columns: number,
  scale: number,
) {
  const { height: h, width: w, channels: c, values } = maps;
  const gap = 2;
  const rows = Math.ceil(c / columns);
  const cell = (n: number) => n * scale + gap;
  canvas.width = columns * cell(w) - gap;
  canvas.height = rows * cell(h) - gap;
  const ctx = canvas.getContext("2d")!;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const img = ctx.createImageData(w, h);
  const tile = new OffscreenCanvas(w, h);
  const tctx = tile.getContext("2d")!;
  ctx.imageSmoothingEnabled = false;
  for (let k = 0; k < c; k++) {
    let top = 0;
    for (let p = 0; p < h * w; p++) top = Math.max(top, values[p * c + k]);
    for (let p = 0; p < h * w; p++) {
      const v = top > 0 ? Math.round(Math.max(0, values[p * c + k]) / top * 255) : 0;
      img.data.set([v, v, v, 255], p * 4);
    }
    tctx.putImageData(img, 0, 0);
    ctx.drawImage(
      tile,
      (k % columns) * cell(w),
      Math.floor(k / columns) * cell(h),
      w * scale,
      h * scale,
    );
  }
}
