// Labelled image grids as PNGs: test images with predictions, weights and activations. The
// pixels are laid out here; the text is set in a real font (Inter) and the whole drawn by resvg
// (svg_png.ts).
import { encodePng } from "./png.ts";
import { escapeXml, pngWithText, textWidth } from "./svg_png.ts";

type Rgb = readonly [number, number, number];

const WHITE: Rgb = [255, 255, 255];
const RED: Rgb = [214, 39, 40];
const PAD = 8;
const BORDER = 2;
const SIDE = 28;
/** Label text size and line height, px. */
export const LABEL_SIZE = 11;
export const LABEL_LINE = 14;
/** Title text size and line height, px. */
export const TITLE_SIZE = 13;
export const TITLE_LINE = 17;
/** Space between an image and its label. */
const LABEL_GAP = 4;
/** No grid is wider (the report's text column is about 1,120 px): it gets fewer columns. */
export const MAX_GRID_WIDTH = 1100;

/** An RGB canvas with just what the grids need: rectangles. */
class Raster {
  readonly data: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Rgb = WHITE) {
    this.data = new Uint8Array(width * height * 3);
    this.fill(0, 0, width, height, background);
  }

  fill(x: number, y: number, w: number, h: number, c: Rgb) {
    for (let j = Math.max(0, y); j < Math.min(this.height, y + h); j++) {
      for (let i = Math.max(0, x); i < Math.min(this.width, x + w); i++) {
        this.data.set(c, (j * this.width + i) * 3);
      }
    }
  }

  png(): Uint8Array {
    return encodePng(this.width, this.height, 3, this.data);
  }
}

/** One image of a grid, drawn at `scale` pixels per source pixel, with a label under it. */
interface Tile {
  width: number;
  height: number;
  colour: (x: number, y: number) => Rgb;
  label: string;
  /** Red frame and label: a wrong prediction. */
  flagged?: boolean;
}

export interface GridOptions {
  /** Tiles per row, at most (fewer where the grid would be wider than MAX_GRID_WIDTH). */
  columns?: number;
  /** Screen pixels per image pixel. */
  scale?: number;
  /** A line of text above the grid (each function has a default that explains the colours). */
  title?: string;
}

const css = (c: Rgb) => `rgb(${c.join(",")})`;

function grid(tiles: Tile[], scale: number, columns: number, title: string): Uint8Array {
  const cellW = Math.max(
    0,
    ...tiles.map((t) => Math.max(t.width * scale, textWidth(t.label, LABEL_SIZE))),
  );
  const imageH = Math.max(0, ...tiles.map((t) => t.height * scale));
  const cellH = imageH + LABEL_GAP + LABEL_LINE;
  const top = 2 * PAD + TITLE_LINE;
  const fit = Math.floor((MAX_GRID_WIDTH - PAD) / (cellW + PAD));
  const cols = Math.max(1, Math.min(columns, tiles.length, fit));
  const rows = Math.ceil(tiles.length / cols);
  const width = Math.max(textWidth(title, TITLE_SIZE), cols * (cellW + PAD) - PAD) + 2 * PAD;
  const height = top + rows * (cellH + PAD);
  const r = new Raster(width, height);
  const texts = [
    `<text x="${PAD}" y="${PAD + TITLE_SIZE}" font-size="${TITLE_SIZE}">${escapeXml(title)}</text>`,
  ];
  tiles.forEach((t, i) => {
    const x0 = PAD + (i % cols) * (cellW + PAD);
    const y0 = top + Math.floor(i / cols) * (cellH + PAD);
    const x = x0 + Math.floor((cellW - t.width * scale) / 2);
    if (t.flagged) {
      r.fill(
        x - BORDER,
        y0 - BORDER,
        t.width * scale + 2 * BORDER,
        t.height * scale + 2 * BORDER,
        RED,
      );
    }
    for (let y = 0; y < t.height; y++) {
      for (let xx = 0; xx < t.width; xx++) {
        r.fill(x + xx * scale, y0 + y * scale, scale, scale, t.colour(xx, y));
      }
    }
    texts.push(
      `<text x="${x0 + cellW / 2}" y="${y0 + imageH + LABEL_GAP + LABEL_SIZE}" ` +
        `font-size="${LABEL_SIZE}" text-anchor="middle"${t.flagged ? ` fill="${css(RED)}"` : ""}>${
          escapeXml(t.label)
        }</text>`,
    );
  });
  return pngWithText(r.png(), width, height, texts);
}

const grey = (v: number): Rgb => [v, v, v];

/** Blue for negative, white for 0, red for positive; `max` is the |value| of full colour. */
function diverging(v: number, max: number): Rgb {
  const t = Math.max(-1, Math.min(1, max > 0 ? v / max : 0));
  const fade = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

function maxAbs(values: Float32Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * Test images (n×784 bytes) at `indices`, each labelled "predicted / true"; wrong predictions get
 * a red frame and a red label.
 */
export function inferenceGrid(
  images: Uint8Array,
  truth: ArrayLike<number>,
  pred: ArrayLike<number>,
  indices: readonly number[],
  classNames: readonly string[],
  opts: GridOptions = {},
): Uint8Array {
  const tiles = indices.map((i): Tile => ({
    width: SIDE,
    height: SIDE,
    colour: (x, y) => grey(images[i * SIDE * SIDE + y * SIDE + x]),
    label: `${classNames[pred[i]]} / ${classNames[truth[i]]}`,
    flagged: pred[i] !== truth[i],
  }));
  const title = opts.title ?? "predicted / true class; red: wrong";
  return grid(tiles, opts.scale ?? 3, opts.columns ?? 8, title);
}

/** The first `limit` (40) misclassified images of one model's predictions, as `inferenceGrid`. */
export function misclassifiedGrid(
  images: Uint8Array,
  truth: ArrayLike<number>,
  pred: ArrayLike<number>,
  classNames: readonly string[],
  opts: GridOptions & { limit?: number } = {},
): Uint8Array {
  const wrong: number[] = [];
  for (let i = 0; i < truth.length; i++) if (truth[i] !== pred[i]) wrong.push(i);
  const shown = wrong.slice(0, opts.limit ?? 40);
  const title = opts.title ??
    `${wrong.length} of ${truth.length} wrong, first ${shown.length} shown: predicted / true`;
  return inferenceGrid(images, truth, pred, shown, classNames, { ...opts, title });
}

/**
 * A linear model's weights (784×classes, one column per class) as one 28×28 map per class: red
 * pixels raise the class's score, blue ones lower it; one colour scale for all classes.
 */
export function weightMaps(
  weights: Float32Array,
  classNames: readonly string[],
  opts: GridOptions = {},
): Uint8Array {
  const k = classNames.length;
  const max = maxAbs(weights);
  const tiles = classNames.map((label, c): Tile => ({
    width: SIDE,
    height: SIDE,
    colour: (x, y) => diverging(weights[(y * SIDE + x) * k + c], max),
    label,
  }));
  const title = opts.title ??
    "weight per pixel and class: red raises the class score, blue lowers it";
  return grid(tiles, opts.scale ?? 3, opts.columns ?? 5, title);
}

/**
 * Convolution filters (weights kh×kw×cin×cout, as the conv layers store them), one tile per
 * (output, input) channel pair, labelled "out" (or "out.in" when cin > 1); red positive, blue
 * negative, one colour scale for all.
 */
export function filterGrid(
  weights: Float32Array,
  shape: readonly [kh: number, kw: number, cin: number, cout: number],
  opts: GridOptions = {},
): Uint8Array {
  const [kh, kw, cin, cout] = shape;
  const max = maxAbs(weights);
  const tiles: Tile[] = [];
  for (let o = 0; o < cout; o++) {
    for (let i = 0; i < cin; i++) {
      tiles.push({
        width: kw,
        height: kh,
        colour: (x, y) => diverging(weights[((y * kw + x) * cin + i) * cout + o], max),
        label: cin === 1 ? `${o}` : `${o}.${i}`,
      });
    }
  }
  const title = opts.title ?? `${cout} filters ${kh}x${kw}: red positive, blue negative weights`;
  return grid(tiles, opts.scale ?? 12, opts.columns ?? 8, title);
}

/**
 * One image's activations (H×W×C, channels last) as one grey map per channel, each stretched from
 * its own minimum (black) to maximum (white), since channels differ widely in scale.
 */
export function featureMaps(
  maps: Float32Array,
  shape: readonly [h: number, w: number, c: number],
  opts: GridOptions = {},
): Uint8Array {
  const [h, w, c] = shape;
  const tiles = Array.from({ length: c }, (_, ch): Tile => {
    let lo = Infinity, hi = -Infinity;
    for (let p = 0; p < h * w; p++) {
      lo = Math.min(lo, maps[p * c + ch]);
      hi = Math.max(hi, maps[p * c + ch]);
    }
    const span = hi - lo || 1;
    return {
      width: w,
      height: h,
      colour: (x, y) => grey(Math.round((255 * (maps[(y * w + x) * c + ch] - lo)) / span)),
      label: `${ch}`,
    };
  });
  const title = opts.title ??
    `${c} channels ${h}x${w}: black is each channel's lowest, white its highest`;
  return grid(tiles, opts.scale ?? Math.max(1, Math.round(56 / h)), opts.columns ?? 8, title);
}
