/**
 * Pixel permutation: the experiment that separates models which use the image's neighbourhoods
 * from those that read the 784 pixels as an unordered vector.
 *
 * Method (Zhang et al. 2017, "Understanding deep learning requires rethinking generalization", and
 * the permuted-MNIST benchmark of Goodfellow et al. 2013): draw one fixed permutation π of the
 * pixel positions from a seed and apply it to every training and test image, x'[j] = x[π[j]]; then
 * retrain every model on the permuted images with its usual recipe and test on the permuted test
 * set. A model whose prediction depends on the pixels only as a set of (position, value) features
 * — logistic regression, a linear SVM, an RBF SVM (its kernel depends on ‖x − y‖ alone), a fully
 * connected network, a forest — can learn the same function up to the relabelling of its
 * inputs, so its accuracy changes only by training noise. A convolutional network assumes that
 * neighbouring pixels belong together (3×3 kernels, pooling); after the permutation its
 * neighbourhoods are random pixels, so its accuracy should fall.
 */
import type { Dataset } from "../data/dataset.ts";
import { Rng } from "../util/random.ts";

/**
 * The permutation of `n` pixel positions drawn from `seed` (Fisher–Yates with the project's
 * seeded Rng): `perm[j]` is the source position of output pixel j. Same (seed, n), same
 * permutation, on every machine.
 *
 * @throws RangeError when n is not a positive integer or the seed not a non-negative integer.
 */
export function pixelPermutation(seed: number, n = 784): Uint32Array {
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`pixel count must be > 0, got ${n}`);
  if (!(Number.isInteger(seed) && seed >= 0)) {
    throw new RangeError(`permutation seed must be a non-negative integer, got ${seed}`);
  }
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  // Salted, so that permutation seed 1 is not the same stream as the run's seed 1.
  return new Rng((seed ^ 0x5045524d) >>> 0).shuffle(perm);
}

/** True when `perm` holds each of 0..perm.length-1 exactly once. */
export function isPermutation(perm: ArrayLike<number>): boolean {
  const seen = new Uint8Array(perm.length);
  for (let i = 0; i < perm.length; i++) {
    const p = perm[i];
    if (!(Number.isInteger(p) && p >= 0 && p < perm.length) || seen[p]) return false;
    seen[p] = 1;
  }
  return true;
}

/**
 * A copy of `images` (count × pixels, row-major, one byte per pixel) with every image's pixels
 * rearranged by `perm`: out[i·P + j] = images[i·P + perm[j]], P = perm.length.
 *
 * @throws RangeError when the length is not a multiple of P or `perm` is not a permutation.
 */
export function permuteImages(images: Uint8Array, perm: Uint32Array): Uint8Array {
  const px = perm.length;
  if (images.length % px !== 0) {
    throw new RangeError(`${images.length} bytes are not whole images of ${px} pixels`);
  }
  if (!isPermutation(perm)) throw new RangeError("not a permutation of the pixel positions");
  const out = new Uint8Array(images.length);
  for (let base = 0; base < images.length; base += px) {
    for (let j = 0; j < px; j++) out[base + j] = images[base + perm[j]];
  }
  return out;
}

/** The dataset with every image permuted by `perm` (labels shared, images copied). */
export function permuteDataset(ds: Dataset, perm: Uint32Array): Dataset {
  if (perm.length !== ds.rows * ds.cols) {
    throw new RangeError(
      `permutation of ${perm.length} pixels for ${ds.rows}×${ds.cols} images`,
    );
  }
  return { ...ds, images: permuteImages(ds.images, perm) };
}

/**
 * The training and test sets with every image permuted by the one permutation drawn from `seed`
 * (`pixelPermutation`): the same rearrangement for both, as the experiment requires; the
 * validation split, taken from the training set later, shares it too.
 */
export function permuteSplits<T extends { train: Dataset; test: Dataset }>(
  data: T,
  seed: number,
): T & { permutation: Uint32Array } {
  const perm = pixelPermutation(seed, data.train.rows * data.train.cols);
  return {
    ...data,
    train: permuteDataset(data.train, perm),
    test: permuteDataset(data.test, perm),
    permutation: perm,
  };
}
