/**
 * Data augmentation on the GPU (augment.wgsl): seeded per-batch random flip, rotation,
 * zoom, translation and erasing; the deterministic flip and flip test-time augmentation.
 *
 * Training: `fit(..., { augment: augmenter(parseAugment(flag), seed) })`, which runs
 * `augment(x, opts, augmentSeed(seed, step))` on every batch; record `describeAugment(opts)` in
 * config.json.
 * Evaluation: `predictWithFlipTta(model, x)` in place of `model.predict(x)`.
 */
export { augment, augmenter, augmentSeed, flipHorizontal, logMeanSoftmax } from "./augment.ts";
export type { Augmenter } from "./augment.ts";
export {
  type AugmentOptions,
  describeAugment,
  hasAffine,
  isIdentity,
  noAugment,
  parseAugment,
} from "./options.ts";
export { augmentReference, type ImageParams, imageParams } from "./reference.ts";
export { predictWithFlipTta } from "./tta.ts";
