/**
 * A picture of a garment (any size, colour, either background) to a 28×28 Fashion-MNIST image,
 * the way the dataset was made. Xiao, Rasul and Vollgraf, "Fashion-MNIST: a Novel Image Dataset
 * for Benchmarking Machine Learning Algorithms" (arXiv:1708.07747, 2017), §2, convert each
 * product photo (a garment on a white background) in seven steps:
 *
 *   1. convert to PNG; 2. trim the edges close to the colour of the corner pixels, "close" being
 *   within 5% of the largest possible intensity in RGB space; 3. resize the longest edge to 28 by
 *   subsampling; 4. sharpen (Gaussian, radius and σ 1.0); 5. extend the shortest edge to 28,
 *   the image in the centre; 6. negate the intensities; 7. convert to 8-bit grayscale.
 *
 * Here, on RGBA pixels (so the browser's decoder and the command line's npm decoders feed the
 * same code): transparent pixels are laid on white (a cut-out product photo's background); the
 * background colour is the median of the border pixels (the paper's corner pixels, robust to a
 * corner the garment touches); rows and columns are trimmed while fewer than 0.5% of their
 * pixels (at least one) differ from it by more than 5% of the black-to-white RGB distance (so
 * JPEG specks do not stop the trim); the crop is resized with its longest edge to 28 by area
 * averaging (subsampling a large photo would pick single noisy pixels; averaging is its
 * anti-aliased form) and centred on a 28×28 canvas; step 4 is left out (sharpening a photo
 * amplifies its noise). Steps 6 and 7 become one level mapping on gray (ITU-R BT.601 luma,
 * 0.299 R + 0.587 G + 0.114 B): the background's gray level goes to 0 and the far end of the
 * range to 255, which is plain negation (255 − v) for a white background and the identity for a
 * black one, the dataset's polarity. A background is light when its gray level is above 127.5,
 * the rule `src/data/polarity.ts` measured on all 70,000 images.
 *
 * That pipeline assumes one background colour. A photo as a shop quickly takes it has a light
 * background lit unevenly (200 to 240 gray across the frame), which no single colour fits: the
 * trim then keeps the whole frame and the garment is a smudge in the 28×28. So a quadratic
 * surface is first fitted to the border (./background.ts); when it spans more than
 * UNIFORM_RANGE gray levels, the background is "modelled": the largest object standing out from
 * the surface is cropped, each pixel levelled against the surface's gray there, everything
 * outside the object set to 0, fitted and centred as above, and the intensities stretched so the
 * brightest is 255 (every one of the 70,000 dataset images has a pixel of 254 or 255). A picture
 * whose surface is flat (clean product photos) goes the dataset's way above, pixel for pixel as
 * before the model existed. When no object can be separated, `note` says so (and the whole
 * picture is used). Measured: docs/photos.md.
 *
 * A 28×28 picture is taken to be in the dataset's format already: converted to gray and, when
 * its border is light (the polarity rule), negated, but not re-cropped, so a dataset image saved
 * as PNG gives back its own pixels.
 */
import { UserError } from "../util/errors.ts";
import { borderMean, LIGHT_BORDER_MEAN } from "../data/polarity.ts";
import { MAX_PIXELS } from "./limits.ts";
import { segment, type Segmentation } from "./background.ts";

/** Side of the dataset's images. */
export const SIDE = 28;
/** Larger pictures are refused before decoding (./limits.ts). */
export { MAX_PIXELS };
/** Trim distance: 5% of the black-to-white distance in RGB space (the paper's step 2). */
export const TRIM_DISTANCE = 0.05;
/** A row or column stays trimmed while fewer than this fraction of its pixels differ. */
export const TRIM_MIN_FRACTION = 0.005;
/**
 * A background whose fitted surface (./background.ts) spans at most this many gray levels (2.5%
 * of 255, half the trim distance) is one colour: the dataset's pipeline (trim to the border's
 * median colour) handles it, exactly as before the background model.
 */
export const UNIFORM_RANGE = 0.025 * 255;

/** Decoded pixels: `data` holds width×height×4 bytes, RGBA, row-major, alpha not premultiplied. */
export interface RgbaImage {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** A rectangle in pixels of the source picture. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What `preprocess` made of a picture, and how. */
export interface Preprocessed {
  /** 784 bytes, 28×28 row-major, 0 = background: what the models see. */
  pixels: Uint8Array;
  /** Whether the background was light, so intensities were negated. */
  inverted: boolean;
  /** The background's gray level (0..255) before the level mapping. */
  backgroundGray: number;
  /** The part of the picture kept by trimming (the whole picture for 28×28 input). */
  crop: Box;
  /** Where the fitted garment lies on the 28×28 canvas. */
  placed: Box;
  /**
   * How the background was found: "uniform" (one colour, the border's median: clean product
   * photos, as the dataset's pipeline assumes) or "modelled" (a surface fitted to the border,
   * the largest object separated from it: ./background.ts). "dataset" for 28×28 input.
   */
  background: "uniform" | "modelled" | "dataset";
  /** Whether a garment was separated from the background (false: the whole picture was used). */
  separated: boolean;
  /**
   * A warning for the user when the conversion is doubtful (no object separated), one sentence
   * without the file's name; null when all went as planned. The command line prints it on
   * stderr and in --json, the page shows it.
   */
  note: string | null;
  /** The steps in words, for messages ("224×224, light background (gray 255) negated, ..."). */
  description: string;
}

/**
 * Refuses (UserError naming `name`) sizes that cannot be a picture to classify: 0 in either
 * direction, or more than MAX_PIXELS (checked from a file's header before decoding).
 */
export function checkPictureSize(width: number, height: number, name: string): void {
  if (!(width >= 1 && height >= 1)) {
    throw new UserError(`${name}: the picture is ${width}×${height} pixels: it has no pixels`);
  }
  if (width * height > MAX_PIXELS) {
    throw new UserError(
      `${name}: the picture is ${width.toLocaleString("en")}×${height.toLocaleString("en")} ` +
        `pixels, more than the ${MAX_PIXELS / 1e6} megapixels read; scale it down first`,
    );
  }
}

/** ITU-R BT.601 luma of an RGBA pixel laid on white (alpha 0 = white). */
function grayOnWhite(d: ArrayLike<number>, i: number): number {
  const a = d[i + 3] / 255;
  const luma = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
  return luma * a + 255 * (1 - a);
}

/** Per-channel median of the border ring's colours, laid on white. */
function borderColour(img: RgbaImage): [number, number, number] {
  const { width: w, height: h, data: d } = img;
  const hist = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  let n = 0;
  const add = (x: number, y: number) => {
    const i = (y * w + x) * 4;
    const a = d[i + 3] / 255;
    for (let c = 0; c < 3; c++) hist[c][Math.round(d[i + c] * a + 255 * (1 - a))]++;
    n++;
  };
  for (let x = 0; x < w; x++) {
    add(x, 0);
    if (h > 1) add(x, h - 1);
  }
  for (let y = 1; y < h - 1; y++) {
    add(0, y);
    if (w > 1) add(w - 1, y);
  }
  return hist.map((bins) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += bins[v];
      if (seen * 2 >= n) return v;
    }
    return 255;
  }) as [number, number, number];
}

/**
 * The box left after trimming rows and columns that hold (almost) only the background colour
 * `bg`; null when nothing differs from it.
 */
function trimBox(img: RgbaImage, bg: [number, number, number]): Box | null {
  const { width: w, height: h, data: d } = img;
  const limit = (TRIM_DISTANCE * 255) ** 2 * 3;
  const rows = new Uint32Array(h);
  const cols = new Uint32Array(w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const a = d[i + 3] / 255;
      let dist = 0;
      for (let c = 0; c < 3; c++) dist += (d[i + c] * a + 255 * (1 - a) - bg[c]) ** 2;
      if (dist > limit) {
        rows[y]++;
        cols[x]++;
      }
    }
  }
  const minRow = Math.max(1, Math.ceil(TRIM_MIN_FRACTION * w));
  const minCol = Math.max(1, Math.ceil(TRIM_MIN_FRACTION * h));
  let y0 = 0, y1 = h - 1, x0 = 0, x1 = w - 1;
  while (y0 < h && rows[y0] < minRow) y0++;
  if (y0 === h) return null;
  while (rows[y1] < minRow) y1--;
  while (x0 < w && cols[x0] < minCol) x0++;
  if (x0 === w) return null;
  while (cols[x1] < minCol) x1--;
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * Area-average resampling of `value(x, y)` (a source pixel's value, absolute coordinates) over
 * `box` to `tw`×`th` (each output pixel the mean of the source area it covers, partial pixels
 * weighted by coverage), done separably.
 */
function resample(
  box: Box,
  tw: number,
  th: number,
  value: (x: number, y: number) => number,
): Float64Array {
  const sx = box.width / tw;
  const sy = box.height / th;
  // Horizontal pass: every source row of the box to tw columns.
  const rows = new Float64Array(box.height * tw);
  for (let y = 0; y < box.height; y++) {
    for (let ox = 0; ox < tw; ox++) {
      const from = ox * sx;
      const to = from + sx;
      let sum = 0;
      for (let x = Math.floor(from); x < Math.min(box.width, Math.ceil(to)); x++) {
        const cover = Math.min(to, x + 1) - Math.max(from, x);
        sum += cover * value(box.x + x, box.y + y);
      }
      rows[y * tw + ox] = sum / sx;
    }
  }
  const out = new Float64Array(tw * th);
  for (let oy = 0; oy < th; oy++) {
    const from = oy * sy;
    const to = from + sy;
    for (let y = Math.floor(from); y < Math.min(box.height, Math.ceil(to)); y++) {
      const cover = Math.min(to, y + 1) - Math.max(from, y);
      for (let ox = 0; ox < tw; ox++) out[oy * tw + ox] += cover * rows[y * tw + ox];
    }
    for (let ox = 0; ox < tw; ox++) out[oy * tw + ox] /= sy;
  }
  return out;
}

/** The fitted size of a crop: its longest edge to 28, the other in proportion (at least 1). */
function fittedSize(crop: Box): [number, number] {
  const scale = SIDE / Math.max(crop.width, crop.height);
  return [
    Math.min(SIDE, Math.max(1, Math.round(crop.width * scale))),
    Math.min(SIDE, Math.max(1, Math.round(crop.height * scale))),
  ];
}

/**
 * Where a fitted tw×th garment goes on the 28×28 canvas. An odd margin puts its extra pixel
 * before the garment, as in the dataset: of the 34,897 images (train and test) fitted to 28 one
 * way with an odd margin the other, 34,765 do so.
 */
function placement(tw: number, th: number): Box {
  return { x: Math.ceil((SIDE - tw) / 2), y: Math.ceil((SIDE - th) / 2), width: tw, height: th };
}

/**
 * Converts a picture to the 28×28 image the models expect (see the module comment for the
 * steps and their source). `name` names the picture in errors. `invert`: "auto" (default)
 * negates light backgrounds, "never" keeps the intensities as they are. `background`: "auto"
 * (default) models an uneven background, "uniform" always takes the border's median colour
 * (the conversion before the background model, for comparisons). Throws a UserError for
 * an empty or oversized picture, or one of a single colour (nothing to classify).
 */
export function preprocess(
  img: RgbaImage,
  name = "picture",
  opts: { invert?: "auto" | "never"; background?: "auto" | "uniform" } = {},
): Preprocessed {
  const { width: w, height: h } = img;
  checkPictureSize(w, h, name);
  if (img.data.length < w * h * 4) {
    throw new UserError(`${name}: ${img.data.length} bytes for ${w}×${h} RGBA pixels`);
  }
  const auto = (opts.invert ?? "auto") === "auto";
  if (w === SIDE && h === SIDE) {
    const gray = new Uint8Array(SIDE * SIDE);
    for (let p = 0; p < gray.length; p++) gray[p] = Math.round(grayOnWhite(img.data, p * 4));
    const border = borderMean(gray, 0, SIDE, SIDE);
    const inverted = auto && border > LIGHT_BORDER_MEAN;
    if (inverted) { for (let p = 0; p < gray.length; p++) gray[p] = 255 - gray[p]; }
    const all = { x: 0, y: 0, width: SIDE, height: SIDE };
    return {
      pixels: gray,
      inverted,
      backgroundGray: border,
      crop: all,
      placed: all,
      background: "dataset",
      separated: true,
      note: null,
      description: `28×28: taken as a dataset image (gray${
        inverted ? `, light border (mean ${border.toFixed(0)}) negated` : ""
      }, not re-cropped)`,
    };
  }
  // A picture under 2×28 pixels a side is mostly border: nothing to model the background from.
  const modelling = (opts.background ?? "auto") === "auto" && Math.min(w, h) >= 2 * SIDE;
  const segmentation = modelling ? segment(img) : null;
  const [lo, hi] = segmentation?.model.grayRange ?? [0, 0];
  if (segmentation && hi - lo > UNIFORM_RANGE) {
    return modelled(img, segmentation, auto);
  }
  const bg = borderColour(img);
  const crop = trimBox(img, bg);
  if (!crop) {
    throw new UserError(
      `${name}: the picture is one colour (nothing differs from its border by more than ` +
        `${TRIM_DISTANCE * 100}%): there is no garment to classify`,
    );
  }
  const [tw, th] = fittedSize(crop);
  const fitted = resample(crop, tw, th, (x, y) => grayOnWhite(img.data, (y * w + x) * 4));
  const bgGray = 0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2];
  const inverted = auto && bgGray > LIGHT_BORDER_MEAN;
  // Background to 0, the far end of the range to 255: negation for white, identity for black.
  const level = inverted
    ? (v: number) => (bgGray - v) / bgGray * 255
    : auto
    ? (v: number) => (v - bgGray) / (255 - bgGray) * 255
    : (v: number) => v;
  const placed = placement(tw, th);
  const pixels = new Uint8Array(SIDE * SIDE).fill(
    Math.round(Math.min(255, Math.max(0, level(bgGray)))),
  );
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = level(fitted[y * tw + x]);
      pixels[(placed.y + y) * SIDE + placed.x + x] = Math.round(Math.min(255, Math.max(0, v)));
    }
  }
  const background = `${inverted ? "light" : "dark"} background (gray ${bgGray.toFixed(0)})`;
  // A large picture trimmed to nothing less than itself: the garment fills it, or (more often)
  // its background was not separated and the garment is a small part of the 28×28.
  const whole = crop.width === w && crop.height === h && Math.max(w, h) > 2 * SIDE;
  const note = whole
    ? "no object separated from the background: the whole picture was used (the garment " +
      "fills it, or the background differs too much from its border colour)"
    : null;
  return {
    pixels,
    inverted,
    backgroundGray: bgGray,
    crop,
    placed,
    background: "uniform",
    separated: !whole,
    note,
    description: `${w}×${h}, ${background}${inverted ? " negated" : ""}, cropped to ` +
      `${crop.width}×${crop.height} at (${crop.x}, ${crop.y}), fitted to ${tw}×${th} and centred` +
      (note ? `; ${note}` : ""),
  };
}

/**
 * The path for a background that is not one colour (./background.ts): the object's box is the
 * crop; each pixel's gray level is levelled against the model's gray there (background to 0,
 * as for a uniform background but with the local level); pixels outside the object's region
 * are background (0); the result is fitted and centred as the dataset's images, and its
 * intensities stretched so the brightest is 255, as in the dataset (every one of the 70,000
 * images has a pixel of 254 or 255: measured, docs/photos.md). When no object is separated, the
 * whole picture is used the same way and `note` says why.
 */
function modelled(img: RgbaImage, seg: Segmentation, auto: boolean): Preprocessed {
  const { width: w, height: h, data } = img;
  const crop = seg.box ?? { x: 0, y: 0, width: w, height: h };
  const [lo, hi] = seg.model.grayRange;
  const bgGray = (lo + hi) / 2;
  const inverted = auto && bgGray > LIGHT_BORDER_MEAN;
  const local = (x: number, y: number) => Math.min(255, Math.max(1, seg.backgroundGray(x, y)));
  // With --no-invert the intensities stay as they are (cropped only), as on the uniform path.
  const value = !auto ? (x: number, y: number) => grayOnWhite(data, (y * w + x) * 4) : (
    x: number,
    y: number,
  ) => {
    if (seg.box && !seg.inObject(x, y)) return 0;
    const v = grayOnWhite(data, (y * w + x) * 4);
    const b = local(x, y);
    return inverted ? (b - v) / b * 255 : (v - b) / Math.max(1, 255 - b) * 255;
  };
  const [tw, th] = fittedSize(crop);
  const fitted = resample(crop, tw, th, value);
  let max = 0;
  for (const v of fitted) max = Math.max(max, v);
  const gain = auto && max > 0 ? 255 / max : 1;
  const placed = placement(tw, th);
  const pixels = new Uint8Array(SIDE * SIDE).fill(auto ? 0 : Math.round(bgGray));
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = fitted[y * tw + x] * gain;
      pixels[(placed.y + y) * SIDE + placed.x + x] = Math.round(Math.min(255, Math.max(0, v)));
    }
  }
  const note = seg.failure
    ? `no object separated from the background (${seg.failure}): the whole picture was used, ` +
      "so the garment may be a small part of the 28×28; crop the picture to the garment"
    : null;
  const others = seg.othersLeftOut
    ? `, ${seg.othersLeftOut} smaller object${seg.othersLeftOut === 1 ? "" : "s"} left out`
    : "";
  const background = `${inverted ? "light" : "dark"} uneven background (gray ${lo.toFixed(0)}` +
    `..${hi.toFixed(0)}, modelled)`;
  return {
    pixels,
    inverted,
    backgroundGray: bgGray,
    crop,
    placed,
    background: "modelled",
    separated: seg.box !== null,
    note,
    description: `${w}×${h}, ${background}${inverted ? " negated" : ""}, ` +
      (seg.box
        ? `object cropped to ${crop.width}×${crop.height} at (${crop.x}, ${crop.y})${others}`
        : "not cropped") +
      `, fitted to ${tw}×${th} and centred` +
      (gain !== 1 ? `, contrast ×${gain.toFixed(2)}` : "") + (note ? `; ${note}` : ""),
  };
}
