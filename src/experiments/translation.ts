/**
 * Translation robustness: how much of a model's accuracy survives when every test image is moved
 * a few pixels.
 *
 * Method: each of the 10,000 test images is translated by whole pixels, right (dx), down (dy) or
 * both at once (diagonally), 0 to `maxShift` pixels, with the pixels that enter filled with 0 (the
 * background of Fashion-MNIST); pixels moved past the edge are lost. Every model, trained as usual
 * on centred images, predicts the shifted set. This is the standard test of (approximate)
 * translation invariance, e.g. Kauderer-Abrams 2017 ("Quantifying translation-invariance in
 * convolutional neural networks") and Azulay & Weiss 2019 ("Why do deep convolutional networks
 * generalize so poorly to small image transformations?"): a convolution is translation
 * equivariant and max-pooling tolerates shifts within its window, but the dense layers after them
 * are tied to positions, so a CNN is not invariant by construction; what invariance it has comes
 * from its pooling and from the data (training-time shift augmentation). A model on flattened
 * pixels has no notion of position at all: a shifted image is, to it, a different vector.
 */

/** Directions of the translations: right (+x), down (+y), and both by the same amount. */
export const DIRECTIONS = ["right", "down", "diagonal"] as const;
export type Direction = typeof DIRECTIONS[number];

/** One test condition: `pixels` in `direction`, as a displacement (dx right, dy down). */
export interface Translation {
  direction: Direction;
  pixels: number;
  dx: number;
  dy: number;
}

/**
 * The conditions of the experiment: each direction at 1..maxShift pixels, after the unshifted
 * set once (direction "right", 0 pixels, standing for all three).
 *
 * @throws RangeError when maxShift is not an integer in [0, 27].
 */
export function translations(maxShift: number): Translation[] {
  if (!(Number.isInteger(maxShift) && maxShift >= 0 && maxShift < 28)) {
    throw new RangeError(`largest shift must be an integer in 0..27 pixels, got ${maxShift}`);
  }
  const out: Translation[] = [{ direction: "right", pixels: 0, dx: 0, dy: 0 }];
  for (const direction of DIRECTIONS) {
    for (let p = 1; p <= maxShift; p++) {
      out.push({
        direction,
        pixels: p,
        dx: direction === "down" ? 0 : p,
        dy: direction === "right" ? 0 : p,
      });
    }
  }
  return out;
}

/**
 * Every image of `images` (count × rows × cols bytes, row-major) moved by (dx, dy) whole pixels
 * (positive: right and down), zero-filled: out[y][x] = in[y − dy][x − dx] where that is inside
 * the image, else 0. Negative shifts move left and up. Returns a new array.
 *
 * @throws RangeError when the length is not a multiple of rows × cols or a shift is not an integer.
 */
export function shiftImages(
  images: Uint8Array,
  rows: number,
  cols: number,
  dx: number,
  dy: number,
): Uint8Array {
  const px = rows * cols;
  if (!(px > 0) || images.length % px !== 0) {
    throw new RangeError(`${images.length} bytes are not whole ${rows}×${cols} images`);
  }
  if (!Number.isInteger(dx) || !Number.isInteger(dy)) {
    throw new RangeError(`shifts must be whole pixels, got (${dx}, ${dy})`);
  }
  const out = new Uint8Array(images.length);
  // The output columns that receive a pixel, and where each row's copy starts in the source.
  const x0 = Math.max(0, dx), x1 = Math.min(cols, cols + dx);
  const y0 = Math.max(0, dy), y1 = Math.min(rows, rows + dy);
  if (x0 >= x1 || y0 >= y1) return out;
  for (let base = 0; base < images.length; base += px) {
    for (let y = y0; y < y1; y++) {
      const from = base + (y - dy) * cols + (x0 - dx);
      out.set(images.subarray(from, from + (x1 - x0)), base + y * cols + x0);
    }
  }
  return out;
}

/** One model's accuracy on one translated test set. */
export interface TranslationRow {
  model: string;
  direction: Direction;
  pixels: number;
  accuracy: number;
}

/**
 * The accuracy of `predict` on `test` under every translation of `translations(maxShift)`. The
 * unshifted accuracy is measured once and reported for each direction at 0 pixels, so that every
 * direction's curve starts from it.
 *
 * @param predict class per image for n images of pixels in [0, 1] (n × rows·cols, row-major)
 */
export async function translationAccuracies(
  model: string,
  predict: (x: Float32Array, n: number) => Promise<Uint8Array>,
  test: { images: Uint8Array; labels: Uint8Array; count: number; rows: number; cols: number },
  maxShift: number,
  onCondition?: (t: Translation, accuracy: number) => void,
): Promise<TranslationRow[]> {
  const rows: TranslationRow[] = [];
  for (const t of translations(maxShift)) {
    const shifted = shiftImages(test.images, test.rows, test.cols, t.dx, t.dy);
    const x = new Float32Array(shifted.length);
    for (let i = 0; i < x.length; i++) x[i] = shifted[i] / 255;
    const predictions = await predict(x, test.count);
    let hits = 0;
    for (let i = 0; i < test.count; i++) if (predictions[i] === test.labels[i]) hits++;
    const accuracy = hits / test.count;
    onCondition?.(t, accuracy);
    const directions = t.pixels === 0 ? DIRECTIONS : [t.direction];
    for (const direction of directions) {
      rows.push({ model, direction, pixels: t.pixels, accuracy });
    }
  }
  return rows;
}
