import { gpu } from "../autograd/tensor.ts";
import { type AugmentHook, TrainingStep } from "./step.ts";
import type { Sequential } from "../nn/model.ts";
import type { Optimizer } from "../optim/optimizer.ts";
import { Batcher } from "../data/batches.ts";
import type { Dataset } from "../data/dataset.ts";
import { evaluate } from "./evaluate.ts";
import { info, ProgressBar } from "./progress.ts";
import { UserError } from "../util/errors.ts";
import type { Callback, EpochContext, EpochRecord } from "./types.ts";
import { EpochTally, ReadbackSchedule, SLOT, StepLog } from "./readback.ts";

export type { EpochRecord };

/**
 * Training that blew up: the loss became NaN or infinite, or the model ended an epoch at chance
 * after its loss had exploded. `fit` throws it as soon as it sees it, before the epoch's
 * callbacks, so no checkpoint of the broken weights is written. The CLI names its --lr instead
 * of `lr`, the optimizer's rate at that step.
 */
export class DivergedError extends UserError {
  constructor(
    /** What was seen, e.g. "the loss became NaN at epoch 2, step 7 of 15". */
    readonly reason: string,
    readonly epoch: number,
    readonly lr: number,
  ) {
    super(`diverged: ${reason}; lower the learning rate (now ${lr})`);
    this.name = "DivergedError";
  }
}

/**
 * Accuracy up to chance (1 / classes) plus this counts as chance for divergence: a model that
 * learned anything is far above it after an epoch.
 */
export const CHANCE_MARGIN = 0.02;

/**
 * A mean loss this many times a uniform guess's counts as exploded. Untrained models start near
 * 1× (the synthetic test network at 1.8×); rates that wreck a model reach 6× to 1000× and more.
 */
export const EXPLODED = 3;

/** The running figures of an epoch, given to `FitOptions.onProgress` after each readback. */
export interface FitProgress {
  epoch: number;
  /** Steps taken over the whole run (the global step index of the next step). */
  step: number;
  /** Images of this epoch trained so far, and in all. */
  seen: number;
  total: number;
  /** Mean training loss and accuracy over the epoch so far. */
  loss: number;
  accuracy: number;
  /** Mean loss and accuracy over the steps since the previous readback. */
  recentLoss: number;
  recentAccuracy: number;
  /** Images per second in this epoch so far (the first step's compile excluded). */
  imagesPerSecond: number;
  /**
   * Times this epoch's training has waited on the GPU so far: its readbacks (this one included)
   * and, in the run's first epoch, the first step's sync. Validation is not counted here.
   */
  waits: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  /** Validation images (indices into `train`); empty: no validation. */
  valIndices?: Uint32Array;
  /**
   * Steps per loss window (default 20): the epoch's loss and accuracy are summed window by
   * window (the grouping of the old readback every 20 steps, so the numbers are unchanged), the
   * exploded-loss check looks at each window's mean, and readbacks are at least this many steps
   * apart.
   */
  logEvery?: number;
  /**
   * Seconds of measured GPU work between readbacks of the step log inside an epoch, at least
   * (default 1); each epoch's last step is always read. 0: a readback every `logEvery` steps
   * (the old schedule). See src/train/readback.ts.
   */
  readbackSeconds?: number;
  smoothing?: number;
  quiet?: boolean;
  /** Evaluated after every epoch when given, to report accuracy against epochs. */
  testSet?: Dataset;
  /** Called after each epoch (checkpointing); may be async. */
  onEpoch?: (record: EpochRecord, history: EpochRecord[]) => void | Promise<void>;
  /**
   * Sets `optimizer.lr` before every step from the global step index (0-based, over the whole
   * run) and hears each epoch's validation loss (ReduceLROnPlateau); see src/optim/schedule.ts.
   */
  scheduler?: { lrAt(step: number): number; endEpoch?(valLoss: number | null): boolean };
  /**
   * Applied to each uploaded training batch [B, H, W, C] (training only, never to validation or
   * test images) with the global step index, e.g. to seed random transforms. It must only record
   * GPU work (no readback), so a step stays one submit. An `Augmenter` (src/augment) lets steps
   * be replayed; a plain function makes every step run through the tape.
   */
  augment?: AugmentHook;
  /**
   * Plan each batch size's first step and replay it (default true; src/train/step.ts): the
   * same commands and results as a step through the tape, recorded in a fraction of the time.
   * False runs every step through the tape (tests compare the two).
   */
  replay?: boolean;
  /**
   * Before the run's first step, let the autotuner measure the strategies of the step's ops on
   * this adapter (src/gpu/tune.ts; cached per adapter, so a later run measures nothing new) and
   * train with its choices. Default false: the adapter profile's defaults, as in tests.
   * FASHION_MNIST_TUNE=off turns it off wherever it is asked for.
   */
  tune?: boolean;
  /** Run in order after each epoch's evaluation, after `onEpoch`; see src/train/callbacks.ts. */
  callbacks?: Callback[];
  /**
   * Called after every readback of the step log (see `readbackSeconds`, and at the end of each
   * epoch) with the epoch's running figures: live charts in a page. It must not block.
   */
  onProgress?: (p: FitProgress) => void;
  /**
   * Once aborted, training stops before its next step: `fit` rejects with the signal's reason
   * (an "AbortError" DOMException unless given another), leaving the weights as they are.
   */
  signal?: AbortSignal;
  /**
   * Continues a run from a checkpoint: `epoch` epochs and `step` steps were done, with this
   * history; `stopped` when a callback had ended it. The shuffle order depends only on (seed,
   * epoch) and dropout masks on (seed, step), so the continuation repeats the original run.
   */
  resume?: { epoch: number; step: number; history: EpochRecord[]; stopped?: boolean };
}

/**
 * The training loop. A step is: upload the batch, forward, loss, backward, optimizer update,
 * one submit. Nothing in a step waits on the GPU: the loss kernel writes each step's loss sum
 * and hit count into the step's slot of a per-epoch log (src/train/readback.ts), read back only
 * after at least `readbackSeconds` (1 s) of measured GPU work and at the end of the epoch, for
 * the progress bar (which moves with submitted steps in between) and `onProgress`. The run's
 * first step waits once more, to time compilation. Validation and test passes read back once.
 *
 * Divergence is judged on what is read anyway (those slots and each epoch's evaluation): a NaN
 * or infinite step loss stops training at the readback that brings it (naming its step); so
 * does an epoch that ends with validation accuracy (training accuracy without a validation
 * split) at chance, at most `CHANCE_MARGIN` above 1 / classes, once the learning rate is past its
 * warm-up (falling, or constant over the epoch) and the mean loss of some window of `logEvery`
 * steps has reached `EXPLODED` times a uniform guess's (ln(classes) for cross-entropy, 1 for
 * hinge). The loss condition keeps a short run that has not learned yet (a --limit smoke test,
 * a rate too low) from being called diverged.
 *
 * @throws DivergedError before the epoch's `onEpoch` and callbacks, so nothing is saved from it
 * @throws UserError (exit 2) for a batch size the adapter cannot hold
 */
export async function fit(
  model: Sequential,
  optimizer: Optimizer,
  train: Dataset,
  trainIndices: Uint32Array,
  opts: FitOptions,
): Promise<EpochRecord[]> {
  const most = model.maxBatch();
  if (opts.batchSize > most) {
    const limit = gpu().device.limits.maxStorageBufferBindingSize;
    throw new UserError(
      `--batch-size ${opts.batchSize} is too large for ${model.architecture.name} on this ` +
        `adapter: a buffer would exceed its ${Math.floor(limit / 2 ** 20)} MiB binding limit; ` +
        `use --batch-size ${most} or less`,
      2, // a usage error: the flag's value (the CLI's USAGE exit code)
    );
  }
  const logEvery = opts.logEvery ?? 20;
  const batcher = new Batcher(train, trainIndices, opts.batchSize, {
    shuffle: true,
    seed: opts.seed,
  });
  const history: EpochRecord[] = [...(opts.resume?.history ?? [])];
  let step = opts.resume?.step ?? 0;
  let pipelinesBefore = new Set(gpu().pipelineKeys());
  const firstEpoch = opts.resume?.stopped ? Infinity : (opts.resume?.epoch ?? 0) + 1;
  const stepsPerEpoch = Math.ceil(trainIndices.length / opts.batchSize);
  // Every step's loss lands in its own slot: read back on `schedule`, a range at a time.
  const stepLog = new StepLog(stepsPerEpoch);
  const schedule = new ReadbackSchedule(opts.readbackSeconds ?? 1, logEvery);
  const classes = model.architecture.classes;
  // A uniform guess's loss: zero logits give ln(classes) under cross-entropy (label smoothing
  // or not) and a margin of 1 under the hinge loss.
  const guessLoss = model.architecture.loss === "hinge" ? 1 : Math.log(classes);
  // Largest learning rate and largest windowed mean loss so far (a resumed run's from its
  // history: epoch means and end-of-epoch rates, lower bounds of both).
  let peakLr = Math.max(0, ...history.map((h) => h.lr));
  let peakLoss = Math.max(0, ...history.map((h) => h.trainLoss));
  const trainingStep = new TrainingStep(model, optimizer, {
    seed: opts.seed,
    smoothing: opts.smoothing,
    augment: opts.augment,
    replay: opts.replay,
  });
  try {
    for (let epoch = firstEpoch; epoch <= opts.epochs; epoch++) {
      const bar = new ProgressBar(`epoch ${epoch}/${opts.epochs}`, trainIndices.length, opts.quiet);
      let start = performance.now();
      let compile: { seconds: number; images: number; ready: number } | null = null;
      let seen = 0;
      /** Epoch steps submitted, and read back (their slots summed into `tally`). */
      let epochStep = 0;
      let read = 0;
      /** Images of each submitted step of this epoch (the last batch may be short). */
      const images: number[] = [];
      const tally = new EpochTally(logEvery, peakLoss);
      /** Waits on the GPU in this epoch: readbacks, and the first step's sync. */
      let waits = 0;
      let lrLow = Infinity;
      let lrHigh = -Infinity;
      schedule.drained(); // nothing is queued between epochs: validation and callbacks read back
      const readback = async () => {
        const values = await stepLog.read(read, epochStep);
        schedule.read();
        waits++;
        let recentLoss = 0;
        let recentHits = 0;
        let recentImages = 0;
        for (let i = 0; read < epochStep; i++, read++) {
          const loss = values[SLOT * i];
          if (!Number.isFinite(loss)) {
            const at = `step ${read + 1} of ${stepsPerEpoch}`;
            // Ends the bar's line, so that the error is a line of its own on a terminal.
            bar.done(`epoch ${epoch}/${opts.epochs}  stopped at ${at}: loss ${loss}`);
            throw new DivergedError(
              `the loss became ${loss} at epoch ${epoch}, ${at}`,
              epoch,
              optimizer.lr,
            );
          }
          const stepHits = values[SLOT * i + 1];
          const plainLoss = values[SLOT * i + 2];
          tally.add(loss, stepHits, images[read], read + 1 === stepsPerEpoch, plainLoss);
          recentLoss += loss;
          recentHits += stepHits;
          recentImages += images[read];
        }
        peakLoss = tally.peakLoss;
        bar.update(seen, { loss: tally.loss, accuracy: tally.accuracy });
        opts.onProgress?.({
          epoch,
          step,
          seen,
          total: trainIndices.length,
          loss: tally.loss,
          accuracy: tally.accuracy,
          recentLoss: recentLoss / recentImages,
          recentAccuracy: recentHits / recentImages,
          imagesPerSecond: (seen - (compile?.images ?? 0)) / ((performance.now() - start) / 1000),
          waits,
        });
      };
      // The step loop: nothing in it waits on the GPU except the scheduled readbacks (and the
      // run's first step, which times compilation).
      for (const batch of batcher.epoch(epoch - 1)) {
        opts.signal?.throwIfAborted();
        if (opts.scheduler) optimizer.lr = opts.scheduler.lrAt(step);
        lrLow = Math.min(lrLow, optimizer.lr);
        lrHigh = Math.max(lrHigh, optimizer.lr);
        if (opts.tune && epoch === firstEpoch && seen === 0) {
          const tuneStart = performance.now();
          const tuned = await trainingStep.tune(batch, (n) => {
            if (!opts.quiet) {
              info(`tuning kernels for this adapter: measuring ${n} shape classes, cached after`);
            }
          });
          if (tuned.length && !opts.quiet) {
            const changed = tuned.filter((r) => r.chosen !== r.fallback).length;
            info(
              `tuned ${tuned.length} kernel shape classes in ` +
                `${((performance.now() - tuneStart) / 1000).toFixed(1)} s on this adapter ` +
                `(${changed} away from the default; FASHION_MNIST_TUNE=off skips tuning)`,
            );
          }
          // What tuning compiled is not the first step's compile.
          pipelinesBefore = new Set(gpu().pipelineKeys());
          start = performance.now();
        }
        trainingStep.run(batch, step, stepLog.slot(epochStep));
        step++;
        epochStep++;
        images.push(batch.size);
        seen += batch.size;
        const left = stepsPerEpoch - epochStep;
        const due = schedule.submitted(left);
        if (epoch === firstEpoch && seen === batch.size) {
          // The first step compiles every pipeline it dispatches: timed on its own so that rates
          // and ETAs measure training, and announced so a first run doesn't look hung.
          const seconds = await compileStep(pipelinesBefore, opts.quiet);
          waits++;
          schedule.drained();
          compile = { seconds, images: seen, ready: performance.now() / 1000 };
          start = performance.now();
          bar.restart(seen);
        } else if (left > 0) {
          bar.update(seen); // moves with submitted steps; the loss shown is the last one read
        }
        if (due && left > 0) await readback();
      }
      if (read < epochStep) await readback();
      let seconds = (performance.now() - start) / 1000;
      // An epoch that was its first step alone (tiny --limit) has no step without the compile to
      // time: its rate then includes the compile, and the line says so.
      const onlyCompile = compile !== null && epoch === firstEpoch && seen === compile.images;
      if (onlyCompile) seconds += compile!.seconds;
      const record: EpochRecord = {
        epoch,
        trainLoss: tally.loss,
        ...(opts.smoothing && model.architecture.loss !== "hinge"
          ? { trainCrossEntropy: tally.plainLoss }
          : {}),
        trainAccuracy: tally.accuracy,
        valLoss: null,
        valAccuracy: null,
        lr: optimizer.lr,
        seconds,
        imagesPerSecond: onlyCompile ? seen / seconds : (seen - (compile?.images ?? 0)) / seconds,
        ...(compile ? { compileSeconds: compile.seconds, readySeconds: compile.ready } : {}),
      };
      let summary = `epoch ${epoch}/${opts.epochs}  ${seconds.toFixed(1)}s  ` +
        `${record.imagesPerSecond.toFixed(0)} img/s  loss ${record.trainLoss.toFixed(4)}  ` +
        `acc ${(record.trainAccuracy * 100).toFixed(2)}%` +
        (onlyCompile
          ? "  (the epoch was its first step: compile included)"
          : compile
          ? `  (+${compile.seconds.toFixed(1)}s first step: compiling or cached kernels)`
          : "");
      if (opts.valIndices?.length) {
        const val = await evaluate(model, train, { indices: opts.valIndices });
        record.valLoss = val.loss;
        record.valAccuracy = val.accuracy;
        summary += `  val_loss ${val.loss.toFixed(4)}  val_acc ${(val.accuracy * 100).toFixed(2)}%`;
      }
      if (opts.testSet) {
        record.testAccuracy = (await evaluate(model, opts.testSet)).accuracy;
        summary += `  test_acc ${(record.testAccuracy * 100).toFixed(2)}%`;
      }
      bar.done(summary);
      // Past the warm-up: below the run's peak rate, or a rate that did not move this epoch.
      peakLr = Math.max(peakLr, lrHigh);
      const fallen = record.lr < peakLr || lrLow === lrHigh;
      if (record.valLoss !== null && !Number.isFinite(record.valLoss)) {
        throw new DivergedError(
          `the validation loss became ${record.valLoss} after epoch ${epoch}`,
          epoch,
          optimizer.lr,
        );
      }
      const accuracy = record.valAccuracy ?? record.trainAccuracy;
      if (fallen && accuracy <= 1 / classes + CHANCE_MARGIN && peakLoss >= EXPLODED * guessLoss) {
        throw new DivergedError(
          `${record.valAccuracy === null ? "training" : "validation"} accuracy is ${
            (accuracy * 100).toFixed(2)
          }% after epoch ${epoch}, chance for ${classes} classes, and the training loss reached ${
            peakLoss < 100 ? peakLoss.toPrecision(3) : Math.round(peakLoss)
          } (a uniform guess scores ${guessLoss.toPrecision(3)})`,
          epoch,
          optimizer.lr,
        );
      }
      history.push(record);
      if (opts.scheduler?.endEpoch?.(record.valLoss) && !opts.quiet) {
        info(
          `learning rate lowered: validation loss has plateaued (next step: ${
            opts.scheduler.lrAt(step).toPrecision(3)
          })`,
        );
      }
      await opts.onEpoch?.(record, history);
      const ctx: EpochContext = { record, history, step, stop: false };
      for (const cb of opts.callbacks ?? []) await cb.onEpochEnd?.(ctx);
      if (ctx.stop) break;
      // Callbacks may freeze or unfreeze layers: the next epoch plans its steps again.
      trainingStep.invalidate();
    }
    for (const cb of opts.callbacks ?? []) await cb.onTrainEnd?.(history);
    return history;
  } finally {
    trainingStep.dispose();
  }
}

/**
 * Submits the first step and waits for it, saying on stderr what is compiled meanwhile: drivers
 * compile a pipeline when it first runs (the software adapter: LLVM, minutes for big unrolled kernels on a
 * fresh machine) and keep it in their shader cache, so this wait happens once per machine.
 * Returns the step's wall seconds.
 */
async function compileStep(before: Set<string>, quiet = false): Promise<number> {
  const t0 = performance.now();
  const fresh = gpu().pipelineKeys().filter((k) => !before.has(k));
  const kernels = new Map<string, number>();
  for (const key of fresh) {
    const name = key.slice(0, key.indexOf(":"));
    kernels.set(name, (kernels.get(name) ?? 0) + 1);
  }
  const what = [...kernels].map(([k, n]) => n > 1 ? `${k} ×${n}` : k).join(", ");
  if (!quiet) {
    info(
      `compiling ${fresh.length} GPU pipelines for the first step (${what}); once per machine: ` +
        `the driver caches them`,
    );
  }
  const heartbeat = quiet ? 0 : setInterval(() => {
    info(`  still compiling… ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }, 15_000);
  try {
    await gpu().sync();
  } finally {
    clearInterval(heartbeat);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (!quiet) info(`first step done in ${seconds.toFixed(1)} s (kernels compiled or cached)`);
  return seconds;
}
