/**
 * Occlusion sensitivity: where in an image a classifier finds its evidence.
 *
 * Method (Zeiler & Fergus 2014, "Visualizing and understanding convolutional networks", §4.2):
 * slide a square patch over the image, set the pixels under it to a fill value, and record how
 * much the model's probability of the true class falls. A large drop marks a region the decision
 * depends on; a rise (negative drop) a region that argued against the true class. The fill here
 * defaults to 0, Fashion-MNIST's black background, so a patch removes that part of the garment
 * rather than adding a grey square that is itself a pattern. Each pixel's value is the mean drop
 * of all patch positions that cover it (positions every `stride` pixels, the patch always inside
 * the image, the last position flush with the far edge so that every pixel is covered).
 */

export interface OcclusionOptions {
  /** Side of the square patch, pixels (default 6). */
  patch?: number;
  /** Distance between patch positions, pixels (default 2). */
  stride?: number;
  /** Value of the occluded pixels, in the image's units (default 0). */
  fill?: number;
}

export interface OcclusionMap {
  /** Score of the unoccluded image (e.g. the true class's probability). */
  base: number;
  /** rows × cols, row-major: mean drop base − score(occluded) over the patches covering a pixel. */
  map: Float32Array;
  /** Top-left corners of the patch positions, along each axis (the same for x and y when square). */
  positionsY: number[];
  positionsX: number[];
  /** positionsY.length × positionsX.length drops, one per patch position, row-major. */
  drops: Float32Array;
}

/** 0, stride, 2·stride, ... up to size − patch, plus size − patch itself when the stride skips it. */
export function patchPositions(size: number, patch: number, stride: number): number[] {
  if (!(Number.isInteger(patch) && patch >= 1 && patch <= size)) {
    throw new RangeError(`patch must be an integer in 1..${size}, got ${patch}`);
  }
  if (!(Number.isInteger(stride) && stride >= 1)) {
    throw new RangeError(`stride must be a positive integer, got ${stride}`);
  }
  const out: number[] = [];
  for (let p = 0; p <= size - patch; p += stride) out.push(p);
  if (out[out.length - 1] !== size - patch) out.push(size - patch);
  return out;
}

/**
 * The occlusion-sensitivity map of one image.
 *
 * @param image rows × cols values, row-major (e.g. pixels in [0, 1])
 * @param score the model's score for each of n images (n × rows·cols, row-major), one number per
 *   image, e.g. the softmax probability of the image's true class; called once with the image
 *   and every occluded copy (1 + positions² images), so it can batch them
 * @throws RangeError for an image of the wrong size or bad patch/stride
 */
export async function occlusionMap(
  image: Float32Array,
  rows: number,
  cols: number,
  score: (images: Float32Array, n: number) => Promise<Float32Array>,
  opts: OcclusionOptions = {},
): Promise<OcclusionMap> {
  const px = rows * cols;
  if (image.length !== px) throw new RangeError(`image of ${image.length} values, not ${px}`);
  const patch = opts.patch ?? 6;
  const stride = opts.stride ?? 2;
  const fill = opts.fill ?? 0;
  const positionsY = patchPositions(rows, patch, stride);
  const positionsX = patchPositions(cols, patch, stride);
  const n = 1 + positionsY.length * positionsX.length;
  const batch = new Float32Array(n * px);
  batch.set(image, 0);
  let k = 1;
  for (const py of positionsY) {
    for (const px0 of positionsX) {
      const copy = batch.subarray(k * px, (k + 1) * px);
      copy.set(image);
      for (let y = py; y < py + patch; y++) copy.fill(fill, y * cols + px0, y * cols + px0 + patch);
      k++;
    }
  }
  const scores = await score(batch, n);
  if (scores.length !== n) {
    throw new Error(`score returned ${scores.length} values for ${n} images`);
  }
  const base = scores[0];
  const drops = new Float32Array(n - 1);
  const sum = new Float64Array(px);
  const covered = new Uint32Array(px);
  k = 0;
  for (const py of positionsY) {
    for (const px0 of positionsX) {
      const drop = base - scores[k + 1];
      drops[k++] = drop;
      for (let y = py; y < py + patch; y++) {
        for (let x = px0; x < px0 + patch; x++) {
          sum[y * cols + x] += drop;
          covered[y * cols + x]++;
        }
      }
    }
  }
  const map = new Float32Array(px);
  for (let i = 0; i < px; i++) map[i] = sum[i] / covered[i];
  return { base, map, positionsY, positionsX, drops };
}

/** Row-wise softmax of logits [n, classes], in place, numerically stable (max subtracted). */
export function softmaxRows(logits: Float32Array, classes: number): Float32Array {
  for (let r = 0; r < logits.length / classes; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    let s = 0;
    for (let j = 0; j < classes; j++) s += row[j] = Math.exp(row[j] - max);
    for (let j = 0; j < classes; j++) row[j] /= s;
  }
  return logits;
}

/**
 * The first `perClass` test images of each class, in test-set order: a fixed, not hand-picked
 * choice. Returns indices, class by class.
 */
export function firstOfEachClass(labels: Uint8Array, classes: number, perClass: number): number[] {
  const picked: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c < classes && picked[c].length < perClass) picked[c].push(i);
  }
  return picked.flat();
}
