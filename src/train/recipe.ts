/**
 * The default recipe of `deno task train`, in one place: the training command reads its defaults
 * from here, and `deno task tta-bench` hands the same recipe to PyTorch (tools/torch_train.py),
 * so the two can never drift apart. docs/tune.md ("The default recipe") says how it was chosen
 * and what each part is worth, measured.
 */
export const DEFAULT_RECIPE = {
  /** Zoo network (src/nn/zoo.ts). */
  model: "cnn",
  epochs: 12,
  /** Images per step. */
  batchSize: 128,
  optimizer: "adamw",
  /** AdamW's one-cycle peak learning rate. */
  lr: 3e-3,
  /** AdamW's decoupled weight decay. */
  weightDecay: 0.01,
  /** One-cycle: 30% rising, cosine annealing, div 25 and 1e4 (src/optim/schedule.ts). */
  schedule: "onecycle",
  labelSmoothing: 0.1,
  /** Training augmentation, in `--augment`'s grammar (src/augment/options.ts). */
  augment: "none",
  /** Flip test-time augmentation of the final test pass. */
  tta: false,
  /** Fraction of the training images held out for validation, stratified. */
  valSplit: 0.1,
} as const;
