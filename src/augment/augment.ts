import { gpu, Tensor } from "../autograd/tensor.ts";
import { f32bits } from "../gpu/gpu.ts";
import { type AugmentOptions, hasAffine, isIdentity, noAugment } from "./options.ts";
import { hash, kernelConstants } from "./reference.ts";

// kernels/augment.wgsl: augment (one workgroup per image), tta_flip_mean (one row per invocation).
const WG = 64;
const MAX_GROUPS_X = 32768;

/** Uniform words of kernels/augment.wgsl `Params`, in declaration order. */
export function augmentParams(
  opts: AugmentOptions,
  seed: number,
  [batch, h, w, c]: readonly number[],
  groupsX: number,
): number[] {
  const k = kernelConstants(opts, h, w);
  return [
    batch,
    h,
    w,
    c,
    seed >>> 0,
    groupsX,
    hasAffine(opts) ? 1 : 0,
    opts.eraseValue === "random" ? 1 : 0,
    ...[
      k.flipP,
      k.rotate,
      k.zoomLo,
      k.zoomHi,
      k.shiftX,
      k.shiftY,
      k.eraseP,
      k.eraseValue,
      k.eraseScaleLo,
      k.eraseScaleHi,
      k.eraseLogRatioLo,
      k.eraseLogRatioHi,
    ].map(f32bits),
  ];
}

/**
 * Randomly augments a batch of NHWC images x [B, H, W, C] on the GPU, in one kernel pass: per
 * image a horizontal flip, a rotation about the centre with zoom and whole-pixel translation
 * (bilinear resampling, zeros outside the image), then random erasing, as `opts` says. Each
 * image's draw is a hash of (seed, image index): the same seed gives the same batch, and
 * `augmentReference` (reference.ts) reproduces it on the CPU. Pass a different seed per step
 * (e.g. run seed and step combined).
 *
 * Returns a new step-scoped tensor with no gradient (it augments inputs, not activations); with
 * options that change nothing it returns `x` itself, without a dispatch.
 */
export function augment(x: Tensor, opts: AugmentOptions, seed: number): Tensor {
  if (x.shape.length !== 4 || x.dtype !== "f32") {
    throw new Error(`augment: expected f32 images [B, H, W, C], got ${x.dtype} [${x.shape}]`);
  }
  if (isIdentity(opts)) return x;
  const batch = x.shape[0];
  const out = Tensor.empty(x.shape);
  const groupsX = Math.min(batch, MAX_GROUPS_X);
  const g = gpu();
  g.dispatch(
    g.pipeline("augment/augment", "augment", { WG }),
    augmentParams(opts, seed, x.shape, groupsX),
    { 1: x.buffer, 3: out.buffer },
    [groupsX, Math.ceil(batch / groupsX)],
  );
  return out;
}

/**
 * The seed of training step `step` of a run seeded `runSeed`: a function of both alone, so a
 * resumed run augments its batches as the original did, and salted so that it is not the seed
 * the same step's dropout masks are drawn from.
 */
export function augmentSeed(runSeed: number, step: number): number {
  return hash((hash((runSeed ^ AUGMENT_SALT) >>> 0) + step) >>> 0);
}
const AUGMENT_SALT = 0x41554731;

/**
 * The training hook `fit` takes (`augment?: (x, step) => Tensor`): every batch augmented with
 * `opts`, seeded by `augmentSeed(runSeed, step)`.
 */
export function augmenter(
  opts: AugmentOptions,
  runSeed: number,
): (x: Tensor, step: number) => Tensor {
  return (x, step) => augment(x, opts, augmentSeed(runSeed, step));
}

const FLIP_ONLY: AugmentOptions = { ...noAugment(), flip: 1 };

/**
 * Mirrors every image of x [B, H, W, C] left to right (deterministic, for test-time
 * augmentation). It is `augment` with a flip probability of 1: the hash's uniform is below 1
 * for every image, and without rotation, zoom or shift the kernel copies pixels exactly.
 */
export function flipHorizontal(x: Tensor): Tensor {
  return augment(x, FLIP_ONLY, 0);
}

/**
 * log(½·softmax(a) + ½·softmax(b)) row by row for logits a, b [rows, classes]: the log of the
 * averaged class probabilities, usable wherever logits are (its softmax is that average).
 */
export function logMeanSoftmax(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length !== 2 || a.shape.join() !== b.shape.join()) {
    throw new Error(
      `logMeanSoftmax: need two [rows, classes] tensors, got [${a.shape}], [${b.shape}]`,
    );
  }
  const [rows, classes] = a.shape;
  const out = Tensor.empty(a.shape);
  const groups = Math.ceil(rows / WG);
  const groupsX = Math.min(groups, MAX_GROUPS_X);
  const g = gpu();
  // The shared Params struct: this entry reads n (rows), c (classes) and groups_x only.
  const params = [rows, 0, 0, classes, 0, groupsX, ...new Array(14).fill(0)];
  g.dispatch(
    g.pipeline("augment/augment", "tta_flip_mean", { WG }),
    params,
    { 1: a.buffer, 2: b.buffer, 3: out.buffer },
    [groupsX, Math.ceil(groups / groupsX)],
  );
  return out;
}
