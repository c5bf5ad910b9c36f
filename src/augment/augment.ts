import { gpu, Tensor } from "../autograd/tensor.ts";
import { defineKernel } from "../gpu/kernel.ts";
import type { Binding } from "../gpu/gpu.ts";
import { type AugmentOptions, hasAffine, isIdentity, noAugment } from "./options.ts";
import { hash, kernelConstants } from "./reference.ts";

/**
 * augment.wgsl: augment (one workgroup per image of x [B, H, W, C], NHWC, into out) and
 * tta_flip_mean (one invocation per row of two logit matrices x and y [rows, classes] into out).
 * Both entries share the parameters; tta_flip_mean reads n (rows), c (classes) and groups_x only.
 */
export const augmentKernel = defineKernel({
  source: "augment/augment",
  workgroupSize: 64,
  params: {
    /** Images (augment) or rows (tta_flip_mean). */
    n: "u32",
    h: "u32",
    w: "u32",
    /** Channels (augment) or classes (tta_flip_mean). */
    c: "u32",
    seed: "u32",
    /** Workgroups along x: index = wid.y · groups_x + wid.x. */
    groups_x: "u32",
    /** 0 when rotation, zoom and shift are all off: then no resampling at all. */
    affine: "u32",
    /** 1: erased elements get uniform [0, 1) noise instead of erase_value. */
    erase_random: "u32",
    flip_p: "f32",
    /** Largest |angle|, radians. */
    rotate: "f32",
    zoom_lo: "f32",
    zoom_hi: "f32",
    /** Largest |translation|, pixels. */
    shift_x: "f32",
    shift_y: "f32",
    erase_p: "f32",
    erase_value: "f32",
    /** Erased area as a fraction of the image area. */
    erase_scale_lo: "f32",
    erase_scale_hi: "f32",
    /** Log of the erased rectangle's height / width. */
    erase_log_ratio_lo: "f32",
    erase_log_ratio_hi: "f32",
  },
  bindings: {
    /** augment: the images; tta_flip_mean: the logits of the images. */
    x: "read array<f32>",
    /** tta_flip_mean: the logits of their flips. */
    y: "read array<f32>",
    out: "read_write array<f32>",
    /**
     * augment: the step's values (src/autograd/step_values.ts); the batch's seed is
     * `seed + stepSeeds.y` (zeros outside a planned step: `seed` alone).
     */
    stepSeeds: "uniform vec4<u32>",
  },
  entries: {
    augment: ["p", "x", "out", "stepSeeds"],
    tta_flip_mean: ["p", "x", "y", "out"],
  },
});

/** The uniform parameters of `augmentKernel`, by name. */
export type AugmentParams = Record<keyof NonNullable<typeof augmentKernel.params>, number>;

const WG = 64;
const CONSTANTS = { WG };
const MAX_GROUPS_X = 32768;

/**
 * The augment entry's parameters for images [B, H, W, C] augmented with `opts` and `seed`,
 * dispatched as `groupsX` workgroups along x (floats as the f32 values reference.ts computes).
 */
export function augmentParams(
  opts: AugmentOptions,
  seed: number,
  [batch, h, w, c]: readonly number[],
  groupsX: number,
): AugmentParams {
  const k = kernelConstants(opts, h, w);
  return {
    n: batch,
    h,
    w,
    c,
    seed: seed >>> 0,
    groups_x: groupsX,
    affine: hasAffine(opts) ? 1 : 0,
    erase_random: opts.eraseValue === "random" ? 1 : 0,
    flip_p: k.flipP,
    rotate: k.rotate,
    zoom_lo: k.zoomLo,
    zoom_hi: k.zoomHi,
    shift_x: k.shiftX,
    shift_y: k.shiftY,
    erase_p: k.eraseP,
    erase_value: k.eraseValue,
    erase_scale_lo: k.eraseScaleLo,
    erase_scale_hi: k.eraseScaleHi,
    erase_log_ratio_lo: k.eraseLogRatioLo,
    erase_log_ratio_hi: k.eraseLogRatioHi,
  };
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
export function augment(
  x: Tensor,
  opts: AugmentOptions,
  seed: number,
  stepSeeds?: Binding,
): Tensor {
  if (x.shape.length !== 4 || x.dtype !== "f32") {
    throw new Error(`augment: expected f32 images [B, H, W, C], got ${x.dtype} [${x.shape}]`);
  }
  if (isIdentity(opts)) return x;
  const batch = x.shape[0];
  const out = Tensor.empty(x.shape);
  const groupsX = Math.min(batch, MAX_GROUPS_X);
  const g = gpu();
  g.run(augmentKernel, "augment", {
    constants: CONSTANTS,
    params: augmentParams(opts, seed, x.shape, groupsX),
    bindings: { x: x.binding, out: out.binding, stepSeeds: stepSeeds ?? g.zeroUniform },
  }, [groupsX, Math.ceil(batch / groupsX)]);
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
 * The training hook `fit` takes: every batch augmented with `opts`. Called as a function
 * `(x, step)` it is seeded by `augmentSeed(runSeed, step)`; a planned step writes `seedAt(step)`
 * into its `StepValues` and records `withStepSeeds`, which reads that seed on the GPU.
 */
export interface Augmenter {
  (x: Tensor, step: number): Tensor;
  /** The augmentation seed of global step `step`. */
  seedAt(step: number): number;
  /** Augments `x` with the seed a planned step holds in `stepSeeds` (StepValues.seedsBinding). */
  withStepSeeds(x: Tensor, stepSeeds: Binding): Tensor;
}

/** `fit`'s augmentation hook for `opts` in a run seeded `runSeed` (see `Augmenter`). */
export function augmenter(opts: AugmentOptions, runSeed: number): Augmenter {
  const hook = (x: Tensor, step: number) => augment(x, opts, augmentSeed(runSeed, step));
  return Object.assign(hook, {
    seedAt: (step: number) => augmentSeed(runSeed, step),
    withStepSeeds: (x: Tensor, stepSeeds: Binding) => augment(x, opts, 0, stepSeeds),
  });
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

/** tta_flip_mean's parameters but n, c and groups_x: zeros, unread. */
const TTA_PARAMS = Object.fromEntries(
  augmentKernel.paramList.map(([name]) => [name, 0]),
) as AugmentParams;

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
  // The shared parameters: this entry reads n (rows), c (classes) and groups_x only.
  g.run(augmentKernel, "tta_flip_mean", {
    constants: CONSTANTS,
    params: { ...TTA_PARAMS, n: rows, c: classes, groups_x: groupsX },
    bindings: { x: a.binding, y: b.binding, out: out.binding },
  }, [groupsX, Math.ceil(groups / groupsX)]);
  return out;
}
