/**
 * Data augmentation on the GPU (kernels/augment.wgsl): seeded per-batch random flip, rotation,
 * zoom, translation and erasing; the deterministic flip and flip test-time augmentation.
 *
 * Training: `const opts = parseAugment(flag)` once, then per step
 * `x = augment(x, opts, seedForStep)`; record `describeAugment(opts)` in config.json.
 * Evaluation: `predictWithFlipTta(model, x)` in place of `model.predict(x)`.
 */
export { augment, flipHorizontal, logMeanSoftmax } from "./augment.ts";
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
