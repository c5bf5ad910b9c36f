/**
 * Callbacks run by `fit` after each epoch's evaluation: early stopping, keeping the best (or
 * latest) model on disk, and the training checkpoint that `deno task train --resume` continues
 * from. They run in the order given; put TrainingCheckpoint last so that it records what the
 * others decided (their state, and whether training stops).
 */
import { join } from "node:path";
import type { Sequential } from "../nn/model.ts";
import type { Optimizer } from "../optim/optimizer.ts";
import type { LrScheduler, PlateauState } from "../optim/schedule.ts";
import type { NamedArray } from "../io/safetensors.ts";
import {
  HISTORY_FILE,
  loadWeights,
  type ModelConfig,
  readTensors,
  readTrainingState,
  saveModel,
  saveTrainingState,
  WEIGHTS_FILE,
  writeStateTensors,
} from "../io/checkpoint.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import type { Callback, EpochContext, EpochRecord } from "./types.ts";
import { info } from "./progress.ts";

export type { Callback, EpochContext };

export const MONITORS = ["val_loss", "val_accuracy"] as const;
export type MonitorName = typeof MONITORS[number];

/** A validation metric and what counts as an improvement of it. */
export class Monitor {
  constructor(readonly metric: MonitorName, readonly minDelta = 0) {}

  value(r: EpochRecord): number {
    const v = this.metric === "val_loss" ? r.valLoss : r.valAccuracy;
    if (v === null) throw new UserError(`monitoring ${this.metric} needs a validation split`);
    return v;
  }

  /** Lower loss or higher accuracy by more than `minDelta`; anything beats no best yet. */
  improves(value: number, best: number | null): boolean {
    if (best === null) return true;
    return this.metric === "val_loss" ? value < best - this.minDelta : value > best + this.minDelta;
  }
}

function format(metric: MonitorName, v: number) {
  return metric === "val_loss" ? v.toFixed(4) : `${(v * 100).toFixed(2)}%`;
}

export interface EarlyStoppingState {
  best: number | null;
  bestEpoch: number;
  wait: number;
}

/**
 * Stops training after `patience` epochs in a row without an improvement of the monitored
 * metric (Keras's counting), and at the end puts back the weights (and running statistics) of
 * the best epoch, kept as CPU copies taken when it was seen.
 */
export class EarlyStopping implements Callback {
  best: number | null = null;
  bestEpoch = 0;
  wait = 0;
  bestWeights: NamedArray[] | null = null;

  constructor(
    private readonly model: Sequential,
    readonly monitor: Monitor,
    readonly patience: number,
    readonly restoreBest = true,
    private readonly quiet = false,
  ) {}

  async onEpochEnd(ctx: EpochContext) {
    const value = this.monitor.value(ctx.record);
    if (this.monitor.improves(value, this.best)) {
      this.best = value;
      this.bestEpoch = ctx.record.epoch;
      this.wait = 0;
      if (this.restoreBest) this.bestWeights = await readTensors(this.model.stateTensors());
      return;
    }
    if (++this.wait < this.patience) return;
    ctx.stop = true;
    if (!this.quiet) {
      info(
        `early stop: ${this.monitor.metric} has not improved for ${this.patience} epochs ` +
          `(best ${format(this.monitor.metric, this.best!)} at epoch ${this.bestEpoch})`,
      );
    }
  }

  onTrainEnd(history: EpochRecord[]) {
    const last = history.at(-1)?.epoch;
    if (!this.restoreBest || !this.bestWeights || last === this.bestEpoch) return;
    const map = new Map(this.bestWeights.map((t) => [t.name, t]));
    writeStateTensors(this.model, map, "early-stopping snapshot", this.model.architecture.name);
    if (!this.quiet) info(`restored the weights of epoch ${this.bestEpoch} (best validation)`);
  }

  state(): EarlyStoppingState {
    return { best: this.best, bestEpoch: this.bestEpoch, wait: this.wait };
  }

  restore(s: EarlyStoppingState, weights: NamedArray[] | null) {
    this.best = s.best;
    this.bestEpoch = s.bestEpoch;
    this.wait = s.wait;
    this.bestWeights = weights;
  }
}

export interface ModelCheckpointState {
  best: number | null;
  bestEpoch: number;
}

/**
 * Keeps the model in `dir` (weights.safetensors + config.json, each written atomically, and
 * history.json after every epoch). `last`: rewritten after every epoch. `best`: rewritten only
 * when the monitored validation metric improves, and at the end of training the model in memory
 * is reloaded from it, so what is evaluated and saved last is the best-validation model.
 */
export class ModelCheckpoint implements Callback {
  best: number | null = null;
  bestEpoch = 0;

  constructor(
    private readonly model: Sequential,
    readonly dir: string,
    readonly mode: "best" | "last",
    readonly monitor: Monitor | null,
    /** config.json's content after an epoch (the CLI adds data, adapter, hyper-parameters). */
    private readonly config: (history: EpochRecord[], bestEpoch: number) => ModelConfig,
  ) {
    if (mode === "best" && !monitor) throw new Error("ModelCheckpoint best needs a monitor");
  }

  async onEpochEnd(ctx: EpochContext) {
    const epoch = ctx.record.epoch;
    let save = this.mode === "last";
    if (this.monitor) {
      const value = this.monitor.value(ctx.record);
      if (this.monitor.improves(value, this.best)) {
        this.best = value;
        this.bestEpoch = epoch;
        save = true;
      }
    }
    if (save) {
      await saveModel(this.dir, this.model, this.config(ctx.history, this.bestEpoch || epoch));
    }
    await writeJsonAtomic(join(this.dir, HISTORY_FILE), ctx.history);
  }

  async onTrainEnd(history: EpochRecord[]) {
    if (this.mode !== "best" || history.at(-1)?.epoch === this.bestEpoch) return;
    await loadWeights(this.model, join(this.dir, WEIGHTS_FILE), "the best checkpoint is gone");
  }

  state(): ModelCheckpointState {
    return { best: this.best, bestEpoch: this.bestEpoch };
  }

  restore(s: ModelCheckpointState) {
    this.best = s.best;
    this.bestEpoch = s.bestEpoch;
  }
}

/** What a training checkpoint holds besides its tensors. */
export interface TrainingState<Settings> {
  /** Everything needed to rebuild the run (the CLI's resolved flags). */
  settings: Settings;
  epoch: number;
  step: number;
  optimizerSteps: number;
  stopped: boolean;
  history: EpochRecord[];
  scheduler: { plateau: PlateauState | null } | null;
  earlyStopping: EarlyStoppingState | null;
  modelCheckpoint: ModelCheckpointState | null;
}

/** The parts of a run whose state a training checkpoint carries. */
export interface TrainingParts {
  model: Sequential;
  optimizer: Optimizer;
  scheduler?: LrScheduler;
  earlyStopping?: EarlyStopping;
  modelCheckpoint?: ModelCheckpoint;
}

const MODEL = "model.";
const OPTIMIZER = "optimizer.";
const BEST = "early_stopping.best.";

/**
 * Writes the whole training state to `path` after every epoch (atomically, one file): weights,
 * running statistics, optimizer moments and step count, schedule and callback positions, epoch,
 * step and history. Shuffling and dropout are functions of (seed, epoch) and (seed, step), so
 * with these a resumed run reproduces the uninterrupted one.
 */
export class TrainingCheckpoint<Settings> implements Callback {
  constructor(
    readonly path: string,
    private readonly parts: TrainingParts,
    private readonly settings: Settings,
  ) {}

  async onEpochEnd(ctx: EpochContext) {
    const { model, optimizer, scheduler, earlyStopping, modelCheckpoint } = this.parts;
    const tensors = [
      ...await readTensors(model.stateTensors(), MODEL),
      ...await readTensors(optimizer.stateTensors(), OPTIMIZER),
      ...(earlyStopping?.bestWeights ?? []).map((t) => ({ ...t, name: BEST + t.name })),
    ];
    const state: TrainingState<Settings> = {
      settings: this.settings,
      epoch: ctx.record.epoch,
      step: ctx.step,
      optimizerSteps: optimizer.steps,
      stopped: ctx.stop,
      history: ctx.history,
      scheduler: scheduler?.state() ?? null,
      earlyStopping: earlyStopping?.state() ?? null,
      modelCheckpoint: modelCheckpoint?.state() ?? null,
    };
    await saveTrainingState(this.path, tensors, state);
  }
}

/** Reads a training checkpoint; its settings rebuild the run before `restoreTraining`. */
export function readTraining<Settings>(path: string) {
  return readTrainingState<TrainingState<Settings>>(path);
}

/**
 * Puts a checkpoint's state into freshly built parts (same settings) and returns what `fit`
 * needs to continue: its `resume` option.
 */
export function restoreTraining<Settings>(
  saved: Awaited<ReturnType<typeof readTraining<Settings>>>,
  path: string,
  parts: TrainingParts,
) {
  const { state, tensors } = saved;
  const name = parts.model.architecture.name;
  writeStateTensors(parts.model, tensors, path, name, MODEL);
  const optimizerTensors = new Map(
    [...tensors].filter(([k]) => k.startsWith(OPTIMIZER)).map((
      [k, t],
    ) => [k.slice(OPTIMIZER.length), t]),
  );
  try {
    parts.optimizer.loadState(state.optimizerSteps, optimizerTensors);
  } catch (e) {
    throw new UserError(`${path}: ${(e as Error).message}; the checkpoint is from another run`);
  }
  if (parts.scheduler && state.scheduler) parts.scheduler.restore(state.scheduler);
  if (parts.earlyStopping && state.earlyStopping) {
    const best = [...tensors.values()].filter((t) => t.name.startsWith(BEST));
    parts.earlyStopping.restore(
      state.earlyStopping,
      best.length ? best.map((t) => ({ ...t, name: t.name.slice(BEST.length) })) : null,
    );
  }
  if (parts.modelCheckpoint && state.modelCheckpoint) {
    parts.modelCheckpoint.restore(state.modelCheckpoint);
  }
  return { epoch: state.epoch, step: state.step, history: state.history, stopped: state.stopped };
}
