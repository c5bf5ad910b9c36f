import { join } from "node:path";
import {
  checkWritableDir,
  choiceFlag,
  intFlag,
  numberFlag,
  parseFlags,
  projectPath,
  runCli,
  USAGE,
  userPath,
} from "./common.ts";
import { Gpu } from "../gpu/gpu.ts";
import { useGpu } from "../autograd/tensor.ts";
import { type Architecture, architecture, ARCHITECTURES } from "../nn/zoo.ts";
import { planArchitecture, Sequential } from "../nn/model.ts";
import { Adam, type Optimizer, Rmsprop, Sgd } from "../optim/optimizer.ts";
import {
  learningRateSchedule,
  LrScheduler,
  ReduceLrOnPlateau,
  type ScheduleName,
  SCHEDULES,
} from "../optim/schedule.ts";
import { loadFashionMnist, stratifiedSplit } from "../data/mod.ts";
import { DivergedError, type EpochRecord, fit } from "../train/fit.ts";
import {
  type Callback,
  EarlyStopping,
  ModelCheckpoint,
  Monitor,
  type MonitorName,
  MONITORS,
  readTraining,
  restoreTraining,
  TrainingCheckpoint,
} from "../train/callbacks.ts";
import { evaluate } from "../train/evaluate.ts";
import { augmenter, describeAugment, isIdentity, parseAugment } from "../augment/mod.ts";
import { info } from "../train/progress.ts";
import {
  CONFIG_FILE,
  HISTORY_FILE,
  saveModel,
  TRAINING_STATE_FILE,
  WEIGHTS_FILE,
} from "../io/checkpoint.ts";
import { UserError } from "../util/errors.ts";
import { type InitSource, loadInit, readInit, withClasses } from "../train/finetune.ts";
import { Freezer, parseFreeze, trainableParams } from "../train/freeze.ts";
import { parseClasses, samplePerClass, selectClasses } from "../data/subset.ts";
import { CLASS_NAMES } from "../data/dataset.ts";
import { DiskFullError, writeJsonAtomic } from "../util/atomic.ts";
import { exists, readJsonOrNull } from "../util/fs.ts";
import { acquireFolderLock } from "../util/lock.ts";
import { permuteSplits } from "../experiments/permutation.ts";
import {
  checkFolderHeaders,
  decodeImageFolder,
  type FolderListing,
  type ImageFolderDataset,
  listImageFolder,
  samplePictures,
} from "../data/image_folder.ts";
import { mapHeadByName, readHead, sourceClassNames } from "../train/class_head.ts";
import { readConfig } from "../io/checkpoint.ts";
import { DEFAULT_RECIPE } from "../train/recipe.ts";

/** --images' default augmentation: mirror images and shifts of up to 2 pixels. */
const IMAGES_AUGMENT = "flip,shift=2";

const HELP = `deno task train [flags]

Trains a network on Fashion-MNIST with the project's WGSL kernels and saves it.

  --model NAME        architecture: ${
  Object.keys(ARCHITECTURES).join(", ")
} (default ${DEFAULT_RECIPE.model})
  --epochs N          passes over the training images (default ${DEFAULT_RECIPE.epochs})
  --batch-size N      images per step (default ${DEFAULT_RECIPE.batchSize})
  --optimizer NAME    adam, adamw, sgd (momentum 0.9) or rmsprop (default ${DEFAULT_RECIPE.optimizer})
  --lr X              learning rate; the peak under cosine/onecycle (default ${DEFAULT_RECIPE.lr} for adamw,
                      0.01 for sgd, 0.001 otherwise)
  --weight-decay X    adamw: decoupled decay (default ${DEFAULT_RECIPE.weightDecay}); others: L2 added to the gradient
                      (default 0)
  --nesterov          sgd: Nesterov momentum
  --lr-schedule NAME  constant, step, cosine or onecycle, set before every step (default ${DEFAULT_RECIPE.schedule})
  --warmup-epochs X   linear warm-up over the first X epochs (constant, step, cosine); onecycle:
                      its rising phase (default 30% of the run)
  --lr-step-epochs N  step: multiply the rate by --lr-gamma every N epochs (default 2)
  --lr-gamma X        step: the factor (default 0.5)
  --lr-plateau N      also multiply the rate by --lr-plateau-factor after N epochs without a
                      lower validation loss (ReduceLROnPlateau)
  --lr-plateau-factor X
                      that factor (default 0.5)
  --label-smoothing X
                      cross-entropy target 1−X+X/10 on the label, X/10 elsewhere (default ${DEFAULT_RECIPE.labelSmoothing};
                      0 for hinge-loss models)
  --augment SPEC      GPU data augmentation of every training batch, seeded, e.g.
                      "flip,shift=2,erase=0.5" or "flip,rotate=10,zoom=0.1": flip[=P],
                      rotate=DEG, zoom=Z|A:B, shift=N|F%, erase[=P], erase-scale=A:B,
                      erase-ratio=A:B, erase-value=V|random (default ${DEFAULT_RECIPE.augment})
  --tta               measure the final test accuracy with flip test-time augmentation
  --early-stop N      stop after N epochs without improvement of --monitor; the best epoch's
                      weights are kept
  --monitor NAME      val_loss or val_accuracy, for --early-stop and --checkpoint best
                      (default val_loss)
  --min-delta X       smallest change of --monitor that counts as an improvement (default 0)
  --checkpoint WHICH  last: the model in --out is the latest epoch's; best: the best
                      validation epoch's (default last)
  --resume DIR        continue the interrupted run saved in DIR (its settings are used; only
                      --epochs, to extend it, --data-dir, --no-test, --no-tune, --json and
                      --quiet may be given)
  --init DIR|FILE     start from saved weights: a model folder, its weights.safetensors, or a
                      PyTorch state dict in the layout of tools/torch_models.py (written by
                      "deno task export", or by PyTorch); the architecture is theirs (--model
                      names it for a PyTorch file that does not say). Another class count gets a
                      new, freshly initialised head. With --epochs 0 nothing is trained: the
                      weights are tested and saved as a model folder (imports a PyTorch model)
  --freeze SPEC       keep these layers fixed (no updates; their batch norms use the saved
                      running statistics): "features" (all but the last dense layer), layer
                      numbers or ranges as "deno task summary" prints them ("0-7"), or layer
                      names ("4.conv2d"), comma-separated
  --classes LIST      train and test on these classes only, e.g. "5-9" or "0,2,4"; their labels
                      are renumbered 0, 1, ... in this order (one output per class)
  --per-class N       use N training images of each class, drawn with --seed (before the
                      validation split)
  --images DIR        train on pictures of your own instead of Fashion-MNIST: DIR holds one
                      folder of PNG/JPEG pictures per class (the layout of Keras'
                      image_dataset_from_directory and torchvision's ImageFolder); class names
                      are the folder names, sorted, saved in config.json. Pictures are converted
                      to 28×28 as predict converts them. Needs --out; --val-split defaults to 0.2
                      and --augment to "flip,shift=2"; the accuracy reported is the validation
                      split's ("deno task evaluate --images DIR2 --model OUT" tests another
                      folder). With --init, outputs whose class name matches one of the source
                      model's ("T-shirt_top" matches "T-shirt/top") start from its weights, the
                      others are new. The folder is checked before anything is decoded (sizes,
                      counts, symlinks, empty class folders; see docs/catalogue.md)
  --seed N            seeds init, shuffling, split and dropout (default 1)
  --limit N           use only the first N training images (quick runs)
  --permute-pixels S  rearrange the pixels of every training and test image by one fixed
                      random permutation drawn from seed S (the pixel-permutation experiment,
                      deno task experiments); the saved model expects permuted images
  --val-split X       fraction held out for validation, stratified (default ${DEFAULT_RECIPE.valSplit}; 0 = none)
  --out DIR           where to save config.json, weights.safetensors, history.json and
                      ${TRAINING_STATE_FILE} (for --resume) (default models/<model>)
  --overwrite         replace the model or unfinished run already in --out (refused without)
  --data-dir DIR      dataset directory (else $FASHION_MNIST_DIR, the cache,
                      /usr/share/datasets/fashion-mnist, then download)
  --test-every-epoch  also measure test accuracy after every epoch (for accuracy-vs-epochs
                      reports; model selection uses the validation split only)
  --no-test           skip the final test pass: the model is chosen and saved on the
                      validation split alone, config.json's test is null (hyper-parameter
                      search: deno task tune gives it to every trial)
  --no-tune           train with the adapter profile's default kernels instead of measuring
                      them first (the autotuner, cached per adapter; FASHION_MNIST_TUNE=off
                      does the same for every command)
  --json              print a JSON summary on stdout (progress stays on stderr)
  --quiet             no progress bar

The training state (weights, optimizer moments, schedule, callbacks, history) is written to
DIR/${TRAINING_STATE_FILE} after every epoch; --resume DIR continues from the last one and
gives the same weights as an uninterrupted run. While a run writes DIR, DIR/.lock (its PID,
host and start) makes a second run into DIR stop at once (exit 2). A loss that becomes NaN or
infinite, or a model at chance after its loss exploded, stops the run as diverged (exit 1)
without saving that epoch.`;

const OPTIMIZERS = ["adam", "adamw", "sgd", "rmsprop"] as const;
type OptimizerName = typeof OPTIMIZERS[number];
/** AdamW's is the one-cycle peak of the default recipe. */
const DEFAULT_LR: Record<OptimizerName, number> = {
  adam: 1e-3,
  adamw: DEFAULT_RECIPE.lr,
  sgd: 1e-2,
  rmsprop: 1e-3,
};

/** Every setting of a run: saved in its training state so that --resume rebuilds it. */
interface TrainSettings {
  model: string;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  lr: number;
  weightDecay: number;
  nesterov: boolean;
  schedule: ScheduleName;
  warmupEpochs: number | null;
  lrStepEpochs: number;
  lrGamma: number;
  plateauPatience: number | null;
  plateauFactor: number;
  labelSmoothing: number;
  /** Augmentation spec in describeAugment's canonical form ("none" when off). */
  augment: string;
  /** Test accuracy at the end with flip test-time augmentation. */
  tta: boolean;
  earlyStop: number | null;
  monitor: MonitorName;
  minDelta: number;
  checkpoint: "best" | "last";
  seed: number;
  limit: number | null;
  /** Seed of the pixel permutation applied to every image, or null (none). */
  permutePixels?: number | null;
  /** The dataset folder the run started on, so that --resume trains on the same images. */
  dataDir?: string;
  valSplit: number;
  testEveryEpoch: boolean;
  /** --init's path (absolute) and the architecture of its weights (the run's, but for classes). */
  init?: string | null;
  initArchitecture?: Architecture | null;
  freeze?: string | null;
  /** --classes: the label numbers trained on, in output order; null: all ten. */
  classes?: number[] | null;
  perClass?: number | null;
  /** --images: the folder of class folders (absolute) and its class names, in output order. */
  images?: string | null;
  imageClassNames?: string[] | null;
}

const FLAGS = {
  model: { type: "string" },
  epochs: { type: "string" },
  "batch-size": { type: "string" },
  optimizer: { type: "string" },
  lr: { type: "string" },
  "weight-decay": { type: "string" },
  nesterov: { type: "boolean" },
  "lr-schedule": { type: "string" },
  "warmup-epochs": { type: "string" },
  "lr-step-epochs": { type: "string" },
  "lr-gamma": { type: "string" },
  "lr-plateau": { type: "string" },
  "lr-plateau-factor": { type: "string" },
  "label-smoothing": { type: "string" },
  augment: { type: "string" },
  tta: { type: "boolean" },
  "early-stop": { type: "string" },
  monitor: { type: "string" },
  "min-delta": { type: "string" },
  checkpoint: { type: "string" },
  resume: { type: "string" },
  seed: { type: "string" },
  limit: { type: "string" },
  "permute-pixels": { type: "string" },
  "val-split": { type: "string" },
  out: { type: "string" },
  overwrite: { type: "boolean" },
  "data-dir": { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
  "test-every-epoch": { type: "boolean" },
  init: { type: "string" },
  freeze: { type: "string" },
  classes: { type: "string" },
  "per-class": { type: "string" },
  images: { type: "string" },
  "no-test": { type: "boolean" },
  "no-tune": { type: "boolean" },
} as const;

type Flags = ReturnType<typeof parseFlags<typeof FLAGS>>;

function usage(message: string): never {
  throw new UserError(message, USAGE);
}

/**
 * A new run saves into `out` only when nothing is there to lose: a finished model (a quick
 * `--limit` run would otherwise replace a long one) or an interrupted run (which --resume can
 * finish). Checked before the data and the GPU; --overwrite skips it.
 *
 * @throws UserError (usage, exit 2) naming what is there and the two ways on
 */
async function refuseToReplace(out: string): Promise<void> {
  const config = await Deno.readTextFile(join(out, "config.json")).then(
    (t) => JSON.parse(t) as Record<string, unknown>,
    () => null,
  );
  const test = (config?.test ?? config?.validation ?? {}) as { accuracy?: number };
  if (config && typeof test.accuracy === "number") {
    const when = typeof config.createdAt === "string" ? `, ${config.createdAt.slice(0, 10)}` : "";
    const epochs = typeof config.epochsCompleted === "number"
      ? `, ${config.epochsCompleted} epochs`
      : "";
    usage(
      `--out ${out} already holds a trained ${config.name ?? "model"} (${
        (test.accuracy * 100).toFixed(2)
      }% ${
        config.test ? "test" : "validation"
      }${epochs}${when}); give another --out, or --overwrite to replace it`,
    );
  }
  if (await exists(join(out, TRAINING_STATE_FILE))) {
    usage(
      `--out ${out} holds an unfinished run; continue it with --resume ${out}, or give ` +
        `--overwrite to start over`,
    );
  }
}

/**
 * `--resume DIR` needs DIR's training state; without one, says what DIR holds instead and how to
 * go on (a model whose state was never saved, e.g. when the disk filled during the first epoch's
 * save, or a finished import; or nothing). Called under the folder's lock, before reading it.
 *
 * @throws UserError (usage, exit 2) when DIR has no training state
 */
function refuseResumeWithoutState(dir: string): void {
  if (exists(join(dir, TRAINING_STATE_FILE))) return;
  const config = readJsonOrNull<Record<string, unknown>>(join(dir, CONFIG_FILE));
  const test = (config?.test ?? config?.validation ?? {}) as { accuracy?: number };
  const lacks = `no training state (${TRAINING_STATE_FILE}) to continue from`;
  if (config && typeof test.accuracy === "number") {
    usage(
      `--resume ${dir}: it holds a finished ${config.name ?? "model"} (${
        (test.accuracy * 100).toFixed(2)
      }% test) but ${lacks}; train on from its weights with --init ${dir} and another --out, ` +
        `or start again with --out ${dir} --overwrite`,
    );
  }
  if (config || exists(join(dir, WEIGHTS_FILE))) {
    const epochs = typeof config?.epochsCompleted === "number"
      ? ` (${config.epochsCompleted} epoch${config.epochsCompleted === 1 ? "" : "s"} saved)`
      : "";
    usage(
      `--resume ${dir}: it holds an interrupted run's model${epochs} but ${lacks}: its state's ` +
        `save did not complete (a full disk?); start again with --out ${dir} --overwrite, or ` +
        `from its weights with --init ${dir} and another --out`,
    );
  }
  usage(
    `--resume ${dir}: ${lacks} and no model in it; --resume takes the --out folder of an ` +
      `unfinished "deno task train" run`,
  );
}

/** Flags → settings, refusing values and combinations that would be silently ignored. */
function settingsFromFlags(flags: Flags, init: InitSource | null): TrainSettings {
  const model = init
    ? init.architecture.name
    : choiceFlag("model", flags.model, DEFAULT_RECIPE.model, Object.keys(ARCHITECTURES));
  // Defaults: src/train/recipe.ts (what they give: docs/commands.md, "Default recipe").
  // --init with no epochs: a conversion (import) that tests and saves the weights.
  const epochs = intFlag("epochs", flags.epochs, DEFAULT_RECIPE.epochs, init ? 0 : 1);
  const optimizer = choiceFlag("optimizer", flags.optimizer, DEFAULT_RECIPE.optimizer, OPTIMIZERS);
  const lr = numberFlag("lr", flags.lr, DEFAULT_LR[optimizer], [1e-8, 10]);
  const weightDecay = numberFlag(
    "weight-decay",
    flags["weight-decay"],
    optimizer === "adamw" ? DEFAULT_RECIPE.weightDecay : 0,
    [0, 1],
  );
  if (flags.nesterov && optimizer !== "sgd") usage("--nesterov applies to --optimizer sgd only");

  const schedule = choiceFlag(
    "lr-schedule",
    flags["lr-schedule"],
    DEFAULT_RECIPE.schedule,
    SCHEDULES,
  );
  if (flags["lr-step-epochs"] !== undefined && schedule !== "step") {
    usage("--lr-step-epochs applies to --lr-schedule step only");
  }
  if (flags["lr-gamma"] !== undefined && schedule !== "step") {
    usage("--lr-gamma applies to --lr-schedule step only");
  }
  const warmupEpochs = flags["warmup-epochs"] === undefined
    ? null
    : numberFlag("warmup-epochs", flags["warmup-epochs"], 0, [0, epochs]);
  if (
    schedule === "onecycle" && warmupEpochs !== null && !(warmupEpochs > 0 && warmupEpochs < epochs)
  ) {
    usage(`--warmup-epochs with onecycle must be in (0, ${epochs}), got "${warmupEpochs}"`);
  }
  const plateauPatience = flags["lr-plateau"] === undefined
    ? null
    : intFlag("lr-plateau", flags["lr-plateau"], 1);
  if (flags["lr-plateau-factor"] !== undefined && plateauPatience === null) {
    usage("--lr-plateau-factor needs --lr-plateau");
  }

  const hinge = (init?.architecture ?? architecture(model)).loss === "hinge";
  const labelSmoothing = numberFlag(
    "label-smoothing",
    flags["label-smoothing"],
    hinge ? 0 : DEFAULT_RECIPE.labelSmoothing,
    [0, 0.99],
  );
  if (labelSmoothing > 0 && hinge) {
    usage(`--label-smoothing applies to cross-entropy; ${model} is trained with a hinge loss`);
  }

  let augment;
  try {
    augment = describeAugment(
      parseAugment(
        flags.augment ?? (flags.images !== undefined ? IMAGES_AUGMENT : DEFAULT_RECIPE.augment),
      ),
    );
  } catch (e) {
    usage(`--augment: ${(e as Error).message}`);
  }

  const earlyStop = flags["early-stop"] === undefined
    ? null
    : intFlag("early-stop", flags["early-stop"], 1);
  const monitor = choiceFlag("monitor", flags.monitor, "val_loss", MONITORS);
  const checkpoint = choiceFlag("checkpoint", flags.checkpoint, "last", ["best", "last"] as const);
  const images = flags.images === undefined ? null : userPath(flags.images);
  if (images !== null) {
    const others =
      (["classes", "permute-pixels", "limit", "test-every-epoch", "data-dir", "tta"] as const)
        .filter((k) => flags[k] !== undefined);
    if (others.length) {
      usage(
        `--${others[0]} applies to Fashion-MNIST, not to --images (use --per-class to train on ` +
          "fewer pictures)",
      );
    }
    if (flags.out === undefined) {
      usage(
        "--images needs --out DIR: a model of your own classes is kept apart from models/, " +
          "whose models evaluate compares on Fashion-MNIST",
      );
    }
  }
  if (flags["no-test"]) {
    const touches = (["tta", "test-every-epoch", "images"] as const).find((k) =>
      flags[k] !== undefined
    );
    if (touches) {
      usage(
        touches === "images"
          ? "--no-test: --images has no test set (its figure is the validation split's); drop it"
          : `--${touches} measures the test set, which --no-test skips; give one of them`,
      );
    }
  }
  const valSplit = numberFlag(
    "val-split",
    flags["val-split"],
    images ? 0.2 : DEFAULT_RECIPE.valSplit,
    [0, 0.5],
  );
  if (valSplit === 0) {
    const needs = [
      earlyStop !== null && "--early-stop",
      checkpoint === "best" && "--checkpoint best",
      plateauPatience !== null && "--lr-plateau",
    ].filter(Boolean);
    if (needs.length) {
      usage(
        `${needs.join(", ")} need${
          needs.length > 1 ? "" : "s"
        } a validation split; --val-split is 0`,
      );
    }
  }
  return {
    model,
    epochs,
    batchSize: intFlag("batch-size", flags["batch-size"], DEFAULT_RECIPE.batchSize),
    optimizer,
    lr,
    weightDecay,
    nesterov: flags.nesterov ?? false,
    schedule,
    warmupEpochs,
    lrStepEpochs: intFlag("lr-step-epochs", flags["lr-step-epochs"], 2),
    lrGamma: numberFlag("lr-gamma", flags["lr-gamma"], 0.5, [1e-6, 1]),
    plateauPatience,
    plateauFactor: numberFlag("lr-plateau-factor", flags["lr-plateau-factor"], 0.5, [0.01, 0.99]),
    labelSmoothing,
    augment,
    tta: flags.tta ?? false,
    earlyStop,
    monitor,
    minDelta: numberFlag("min-delta", flags["min-delta"], 0, [0, 1]),
    checkpoint,
    seed: intFlag("seed", flags.seed, 1, 0),
    limit: flags.limit === undefined ? null : intFlag("limit", flags.limit, 0, 10),
    permutePixels: flags["permute-pixels"] === undefined
      ? null
      : intFlag("permute-pixels", flags["permute-pixels"], 0, 0),
    valSplit,
    testEveryEpoch: flags["test-every-epoch"] ?? false,
    init: init?.path ?? null,
    initArchitecture: init?.architecture ?? null,
    freeze: flags.freeze ?? null,
    classes: flags.classes === undefined ? null : parseClasses(flags.classes),
    perClass: flags["per-class"] === undefined ? null : intFlag("per-class", flags["per-class"], 0),
    images,
    imageClassNames: null,
  };
}

/**
 * Refuses (exit 2, before the GPU and any epoch) a split that leaves nothing to train on, or no
 * validation image for what needs one: --early-stop, --checkpoint best and --lr-plateau monitor
 * the validation split, which is stratified (the fraction of each class, rounded), so a small
 * --limit can round it away.
 */
function checkSplit(
  s: TrainSettings,
  labels: Uint8Array,
  split: { train: Uint32Array; val: Uint32Array },
) {
  const of = `--val-split ${s.valSplit} of ${labels.length} training images${
    s.limit === null ? "" : ` (--limit ${s.limit})`
  }`;
  const more = s.limit === null ? "more training images" : "a larger --limit";
  if (!split.train.length) {
    usage(`${of} leaves 0 for training; use ${more} or a smaller --val-split`);
  }
  const needs = [
    s.earlyStop !== null && "--early-stop",
    s.checkpoint === "best" && "--checkpoint best",
    s.plateauPatience !== null && "--lr-plateau",
  ].filter(Boolean);
  if (split.val.length || !needs.length || s.valSplit === 0) return;
  // A fraction f gives the largest class (n images) round(n × f) ≥ 1 validation images from
  // f ≥ 0.5 / n; with n = 1 every class would go to validation.
  const counts = new Array<number>(256).fill(0);
  for (const c of labels) counts[c]++;
  const largest = Math.max(...counts);
  const larger = largest > 1 ? ` or --val-split ${Math.ceil(50 / largest) / 100} or more` : "";
  usage(
    `${needs.join(", ").replace(/, ([^,]*)$/, " and $1")} need${needs.length > 1 ? "" : "s"} ` +
      `validation images, but ${of} ` +
      `gives 0 (the split takes that fraction of each class, rounded); use ${more}${larger}`,
  );
}

/** Names of the classes trained on, in output order. */
function classNames(s: TrainSettings): string[] {
  if (s.imageClassNames) return s.imageClassNames;
  return (s.classes ?? CLASS_NAMES.map((_, i) => i)).map((c) => CLASS_NAMES[c]);
}

/** With --resume the saved settings rule; these flags may still be given. */
const RESUME_FLAGS = new Set([
  "resume",
  "epochs",
  "data-dir",
  "json",
  "quiet",
  "no-test",
  "no-tune",
]);

function buildOptimizer(s: TrainSettings, model: Sequential): Optimizer {
  // Frozen layers' parameters (--freeze) are not the optimizer's.
  const params = trainableParams(model);
  switch (s.optimizer) {
    case "adam":
      return new Adam(params, { lr: s.lr, weightDecay: s.weightDecay });
    case "adamw":
      return new Adam(params, { lr: s.lr, weightDecay: s.weightDecay, decoupled: true });
    case "sgd":
      return new Sgd(params, {
        lr: s.lr,
        momentum: 0.9,
        weightDecay: s.weightDecay,
        nesterov: s.nesterov,
      });
    case "rmsprop":
      return new Rmsprop(params, { lr: s.lr, weightDecay: s.weightDecay });
  }
}

await runCli(async () => {
  const flags = parseFlags("train", FLAGS, HELP);
  let out: string;
  let fresh: TrainSettings | null = null;
  let init: InitSource | null = null;
  const outFlag = flags.resume === undefined ? "--out" : "--resume";
  if (flags.resume !== undefined) {
    const refused = Object.keys(flags).filter((k) => !RESUME_FLAGS.has(k));
    if (refused.length) {
      usage(`--${refused[0]} cannot be combined with --resume (the run's saved settings are used)`);
    }
    out = userPath(flags.resume);
    if (!exists(out)) {
      usage(
        `--resume ${out}: no such folder; --resume takes the --out folder of an unfinished ` +
          `"deno task train" run`,
      );
    }
  } else {
    if (flags.model !== undefined) {
      choiceFlag("model", flags.model, "cnn", Object.keys(ARCHITECTURES));
    }
    if (flags.init !== undefined) init = await readInit(userPath(flags.init), flags.model);
    fresh = settingsFromFlags(flags, init);
    out = flags.out === undefined ? projectPath("models", fresh.model) : userPath(flags.out);
  }
  // Before the data, the GPU and the epochs: a folder it cannot save into fails now.
  await checkWritableDir(out, outFlag);
  // One writer per folder until this command ends: what is in it is judged under the lock, so
  // that another run cannot change it between that check and this run's saves.
  using _lock = acquireFolderLock(out, outFlag);
  let saved: Awaited<ReturnType<typeof readTraining<TrainSettings>>> | null = null;
  let settings: TrainSettings;
  if (flags.resume !== undefined) {
    refuseResumeWithoutState(out);
    saved = await readTraining<TrainSettings>(join(out, TRAINING_STATE_FILE));
    settings = { ...saved.state.settings };
    if (flags.epochs !== undefined) {
      settings.epochs = intFlag("epochs", flags.epochs, 1, saved.state.epoch);
    }
    info(
      `resuming ${out}: ${saved.state.epoch} of ${settings.epochs} epochs done` +
        (saved.state.stopped ? " (stopped early)" : ""),
    );
  } else {
    settings = fresh!;
    if (!flags.overwrite) await refuseToReplace(out);
  }
  const quiet = flags.quiet ?? false;
  const s = settings;
  // --images: the folder's layout and every picture's header are checked now, before anything
  // is decoded and before the GPU; its class folders are the classes.
  let listing: FolderListing | null = null;
  if (s.images) {
    if (!exists(s.images)) {
      usage(
        `${saved ? `--resume ${out}: the run trained on` : "--images"} ${s.images}, ` +
          "no such folder; give a folder with one subfolder of pictures per class",
      );
    }
    listing = await listImageFolder(s.images, { minClasses: 2, flag: "--images" });
    await checkFolderHeaders(listing);
    if (s.imageClassNames && s.imageClassNames.join("\n") !== listing.classNames.join("\n")) {
      throw new UserError(
        `--resume ${out}: ${s.images} now has the classes ${listing.classNames.join(", ")}, ` +
          `the run trained on ${s.imageClassNames.join(", ")}; resume with the same folder`,
      );
    }
    s.imageClassNames = listing.classNames;
    // Only the pictures drawn are decoded.
    if (s.perClass != null) listing = samplePictures(listing, s.perClass, s.seed);
  }
  // The weights' architecture (--init) or the zoo's, with one output per class trained on.
  const arch = withClasses(
    s.initArchitecture ?? architecture(s.model),
    s.imageClassNames?.length ?? s.classes?.length ?? CLASS_NAMES.length,
  );
  const frozenNames = s.freeze ? parseFreeze(s.freeze, planArchitecture(arch).layers) : null;
  if (init && s.epochs === 0 && init.architecture.classes !== arch.classes) {
    usage(
      `--epochs 0 would save an untrained ${arch.classes}-class head: --init ${init.path} has ` +
        `${init.architecture.classes} classes; give --classes with as many, or train`,
    );
  }

  let dataDir = flags["data-dir"] === undefined ? undefined : userPath(flags["data-dir"]);
  if (saved && dataDir === undefined && s.dataDir) {
    // A resumed run goes on with the images it started on, not whatever the default finds now.
    if (!exists(s.dataDir)) {
      usage(
        `--resume ${out}: the run trained on ${s.dataDir}, which is gone; give --data-dir with ` +
          `the same dataset`,
      );
    }
    dataDir = s.dataDir;
  }
  let folder: ImageFolderDataset | null = null;
  const loaded = listing
    ? {
      train: folder = await decodeImageFolder(listing, { flag: "--images", quiet }),
      // No test set: the validation split is what is measured (evaluate --images tests others).
      test: { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0, rows: 28, cols: 28 },
      source: "images" as const,
      dir: s.images!,
    }
    : await loadFashionMnist({ dataDir, limit: s.limit ?? undefined });
  // The same permutation for training, validation and test images (saved in the settings, so
  // --resume applies it again).
  const data = s.permutePixels == null ? loaded : permuteSplits(loaded, s.permutePixels);
  if (s.permutePixels != null) info(`pixels of every image permuted (seed ${s.permutePixels})`);
  if (!folder) s.dataDir = data.dir;
  info(
    folder
      ? `data: ${data.dir}: ${folder.count} pictures of ${folder.classNames.length} classes (${
        folder.classNames.map((n, i) => `${n} ${listing!.perClass[i]}`).join(", ")
      })`
      : `data: ${data.dir} (${data.source}); ${data.train.count} training, ${data.test.count} test images`,
  );
  if (folder?.warnings.length) {
    info(
      `warning: preprocessing could not separate the garment in ${folder.warnings.length} ` +
        `picture(s) (first: ${folder.warnings[0].file}: ${folder.warnings[0].warning})`,
    );
  }
  if (s.classes) {
    data.train = selectClasses(data.train, s.classes);
    data.test = selectClasses(data.test, s.classes);
  }
  if (s.perClass !== null && s.perClass !== undefined && !folder) {
    data.train = samplePerClass(data.train, s.perClass, arch.classes, s.seed, classNames(s));
  }
  if ((s.classes || s.perClass) && !folder) {
    info(
      `classes: ${classNames(s).map((n, i) => `${i} ${n}`).join(", ")}; ${data.train.count} ` +
        `training, ${data.test.count} test images`,
    );
  }
  const split = stratifiedSplit(data.train.labels, s.valSplit, s.seed);
  checkSplit(s, data.train.labels, split);
  const gpu = await Gpu.create();
  useGpu(gpu);
  info(`adapter: ${gpu.adapter.description} (${gpu.adapter.backend})`);

  const model = new Sequential(arch, s.seed);
  let initReport = null;
  if (init) {
    // (A resumed run's weights come from its training state instead.)
    // --images: the new head's outputs are taken from the source's by class name, so the fresh
    // head is read before loadInit copies the source's over it (same class count).
    const fresh = s.images ? await readHead(model) : null;
    initReport = loadInit(model, init);
    if (fresh) {
      const config = init.format === "model-dir" ? await readConfig(init.path) : null;
      const names = sourceClassNames(config, init.architecture.classes);
      const mapping = mapHeadByName(model, init, names, classNames(s), fresh);
      info(`head: ${mapping.description}`);
    }
    info(
      `init: ${initReport.loaded} tensors from ${s.init}` +
        (initReport.fresh.length
          ? `; new ${arch.classes}-class head (${initReport.fresh.join(", ")}), freshly initialised`
          : ""),
    );
  }
  const freezer = frozenNames ? new Freezer(model, frozenNames) : null;
  if (freezer) {
    const n = freezer.frozen.reduce((t, p) => t + p.value.size, 0);
    info(`frozen: ${freezer.layers.join(", ")} (${n.toLocaleString("en")} parameters)`);
  }
  const optimizer = buildOptimizer(s, model);
  const stepsPerEpoch = Math.ceil(split.train.length / s.batchSize);
  const scheduler = new LrScheduler(
    learningRateSchedule({
      name: s.schedule,
      lr: s.lr,
      epochs: s.epochs,
      stepsPerEpoch,
      warmupEpochs: s.warmupEpochs ?? undefined,
      stepEpochs: s.lrStepEpochs,
      gamma: s.lrGamma,
    }),
    s.plateauPatience === null ? null : new ReduceLrOnPlateau(s.plateauPatience, s.plateauFactor),
  );
  info(
    `model: ${s.model}, ${model.parameterCount().toLocaleString("en")} parameters, ` +
      `${(model.flops() / 1e6).toFixed(1)} MFLOP/image forward; ` +
      (s.epochs === 0
        ? "--epochs 0: no training, the weights are tested and saved"
        : `${split.train.length} train / ${split.val.length} validation images, ` +
          `batch ${s.batchSize}, ${s.optimizer} lr ${s.lr} (${s.schedule})`),
  );
  const config = (extra: Record<string, unknown>) => ({
    kind: "network" as const,
    name: s.model,
    architecture: arch,
    parameters: model.parameterCount(),
    // The architecture is config.json's own field.
    hyperParameters: { ...s, initArchitecture: undefined },
    ...(s.classes ? { classes: s.classes, classNames: classNames(s) } : {}),
    // Own pictures: the outputs are the folder's classes, named by classNames (evaluate --images,
    // similar and train --init read it).
    ...(folder
      ? {
        classNames: classNames(s),
        images: {
          dir: s.images,
          pictures: folder.count,
          perClass: listing!.perClass,
          skipped: folder.skipped.length,
        },
      }
      : {}),
    ...(freezer ? { frozenLayers: freezer.layers } : {}),
    adapter: gpu.adapter,
    deno: Deno.version.deno,
    data: {
      source: data.source,
      train: split.train.length,
      validation: split.val.length,
      test: data.test.count,
    },
    ...extra,
  });

  const monitor = split.val.length ? new Monitor(s.monitor, s.minDelta) : null;
  const earlyStopping = s.earlyStop === null
    ? undefined
    : new EarlyStopping(model, monitor!, s.earlyStop, true, quiet);
  const modelCheckpoint = new ModelCheckpoint(
    model,
    out,
    s.checkpoint,
    monitor,
    (history, bestEpoch) => config({ epochsCompleted: history.length, bestEpoch }),
  );
  const parts = { model, optimizer, scheduler, earlyStopping, modelCheckpoint };
  const resume = saved ? restoreTraining(saved, join(out, TRAINING_STATE_FILE), parts) : undefined;
  if (resume && resume.step !== resume.epoch * stepsPerEpoch) {
    // Other data (another dataset directory, a changed file) would silently change the run.
    throw new UserError(
      `${join(out, TRAINING_STATE_FILE)}: the run took ${resume.step} steps in ${resume.epoch} ` +
        `epochs, but these data give ${stepsPerEpoch} steps per epoch; resume with the same data`,
    );
  }
  const plannedEpochs = saved?.state.settings.epochs ?? s.epochs;
  if (plannedEpochs !== s.epochs && (s.schedule === "cosine" || s.schedule === "onecycle")) {
    // Their curve depends on the run's length: extending a run re-plans the remaining steps.
    info(`note: ${s.schedule} schedule re-planned over ${s.epochs} epochs (was ${plannedEpochs})`);
  }
  // Frozen batch norms read their statistics once the weights are in place (--init, --resume).
  await freezer?.ready();
  const callbacks: Callback[] = [
    ...(earlyStopping ? [earlyStopping] : []),
    modelCheckpoint,
    // Last, so that it records the others' state and whether they stopped the run.
    new TrainingCheckpoint(join(out, TRAINING_STATE_FILE), parts, s),
  ];

  // Older training states (before augmentation existed) have no spec: none.
  const augmentation = parseAugment(s.augment ?? "none");
  // A diverged run or a full disk, said in this command's terms (its flags, its folder).
  const explain = (e: unknown): never => {
    throw explainFailure(e, s, out, outFlag, saved !== null);
  };
  const started = performance.now();
  const history = await fit(model, optimizer, data.train, split.train, {
    epochs: s.epochs,
    batchSize: s.batchSize,
    seed: s.seed,
    valIndices: split.val,
    testSet: s.testEveryEpoch ? data.test : undefined,
    smoothing: s.labelSmoothing,
    augment: isIdentity(augmentation) ? undefined : augmenter(augmentation, s.seed),
    scheduler,
    callbacks,
    resume,
    quiet,
    tune: !flags["no-tune"],
  }).catch(explain);
  // A resumed run adds the training seconds its earlier sessions recorded per epoch.
  const trainSeconds = (performance.now() - started) / 1000 +
    (resume?.history ?? []).reduce((t, h) => t + h.seconds, 0);
  // --images: the validation split's accuracy (there is no test set), as "validation".
  const test = folder
    ? split.val.length ? await evaluate(model, data.train, { indices: split.val }) : null
    : flags["no-test"]
    ? null
    : await evaluate(model, data.test, { tta: s.tta });
  const measured = folder ? "validation" : "test";
  if (test && !Number.isFinite(test.loss)) {
    // The last update can break the weights after the last loss that was read (no validation).
    explain(
      new DivergedError(
        `the ${measured} loss became ${test.loss} after the last epoch`,
        history.length + 1,
        optimizer.lr,
      ),
    );
  }
  if (test) {
    info(
      `${measured}${s.tta ? " (flip TTA)" : ""}: accuracy ${
        (test.accuracy * 100).toFixed(2)
      }%, loss ${test.loss.toFixed(4)} on ${folder ? split.val.length : data.test.count} images`,
    );
  }
  const bestEpoch = earlyStopping?.bestEpoch || modelCheckpoint.bestEpoch || null;
  const summary = config({
    epochsCompleted: history.length,
    // The epoch whose weights were saved, when they are not the last one's.
    savedEpoch: s.checkpoint === "best" || earlyStopping ? bestEpoch : history.length,
    timings: {
      trainSeconds,
      // First steps (one per session of a resumed run), which compiled the kernels; they are
      // in trainSeconds but not in secondsPerEpoch.
      compileSeconds: history.reduce((t, h) => t + (h.compileSeconds ?? 0), 0),
      secondsPerEpoch: history.map((h) => h.seconds),
      imagesPerSecond: history.map((h) => h.imagesPerSecond),
      testSeconds: test?.seconds ?? 0,
    },
    ...(folder
      ? {
        test: null,
        validation: test ? { accuracy: test.accuracy, loss: test.loss } : null,
      }
      : { test: test ? { accuracy: test.accuracy, loss: test.loss } : null }),
    createdAt: new Date().toISOString(),
  });
  await saveModel(out, model, summary).catch(explain);
  if (s.epochs === 0) {
    // Nothing trained (--init --epochs 0): a model folder like any other, with an empty history.
    await writeJsonAtomic(join(out, HISTORY_FILE), history).catch(explain);
    info(`saved ${out}/{config.json, weights.safetensors, history.json}`);
  } else {
    info(`saved ${out}/{config.json, weights.safetensors, history.json, ${TRAINING_STATE_FILE}}`);
  }
  if (flags.json) console.log(JSON.stringify({ out, ...summary, history }));
});

/**
 * The one line for a failure of training or saving that the user can act on: divergence names
 * --lr and what --out still holds; a full disk in `out` names the folder, the file and whether
 * --resume can go on. Anything else is returned as it is.
 */
function explainFailure(
  e: unknown,
  s: TrainSettings,
  out: string,
  outFlag: string,
  resumed: boolean,
): unknown {
  if (e instanceof DivergedError) {
    const lower = Number((s.lr / 10).toPrecision(3));
    // Epochs before the diverged one ran their callbacks: their checkpoints are what is there.
    const last = readJsonOrNull<EpochRecord[]>(join(out, HISTORY_FILE))?.at(-1)?.epoch;
    const kept = last === undefined ? "" : ` (${out} keeps what epoch ${last} saved)`;
    const fix = resumed
      ? `: start again with --lr ${lower} --out ${out} --overwrite${kept}`
      : kept
      ? `, e.g. --lr ${lower} --overwrite${kept}`
      : `, e.g. --lr ${lower}; nothing was saved in ${out}`;
    return new UserError(`diverged: ${e.reason}; lower --lr (now ${s.lr})${fix}`);
  }
  if (e instanceof DiskFullError && e.dir === out) {
    const next = exists(join(out, TRAINING_STATE_FILE))
      ? `free space and continue with --resume ${out}`
      : "free space and run the same command again";
    const left = exists(join(out, e.file))
      ? `${e.file} there keeps its previous version and nothing is half-written`
      : "nothing is half-written";
    return new UserError(
      `${outFlag} ${out}: the disk is full (${e.reason}) while saving ${e.file}; ${left}; ${next}`,
    );
  }
  return e;
}
