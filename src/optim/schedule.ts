/**
 * Learning-rate schedules. A schedule is a pure function of the global step index (0-based, the
 * step about to be taken), so the training loop can set `optimizer.lr` before every step and a
 * resumed run, knowing only how many steps were taken, continues on the same curve.
 * ReduceLrOnPlateau is the one with memory (it reacts to validation losses); its state is
 * saved with a training checkpoint.
 */

export const SCHEDULES = ["constant", "step", "cosine", "onecycle"] as const;
export type ScheduleName = typeof SCHEDULES[number];

export interface ScheduleOptions {
  name: ScheduleName;
  /** Base learning rate: the constant one, the start of step decay, the peak of cosine/one-cycle. */
  lr: number;
  epochs: number;
  stepsPerEpoch: number;
  /**
   * Linear warm-up from lr/W to lr over the first W = warmupEpochs·stepsPerEpoch steps (constant,
   * step, cosine). For one-cycle: the length of the rising phase (default 30% of the run).
   */
  warmupEpochs?: number;
  /** step: multiply by `gamma` every `stepEpochs` epochs. */
  stepEpochs?: number;
  gamma?: number;
  /** cosine: the learning rate it decays to at the end of the run (default 0). */
  minLr?: number;
}

/** One-cycle's start is lr/25 and its end start/1e4 (PyTorch's OneCycleLR defaults). */
export const ONE_CYCLE_DIV = 25;
export const ONE_CYCLE_FINAL_DIV = 1e4;

/** Cosine interpolation from `from` (at t = 0) to `to` (at t = 1). */
function cosineBetween(from: number, to: number, t: number) {
  return to + (from - to) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t)))) / 2;
}

/** The learning rate of step `step` (0-based, counted over the whole run) for these options. */
export function learningRateSchedule(o: ScheduleOptions): (step: number) => number {
  const total = o.epochs * o.stepsPerEpoch;
  const warmupSteps = Math.round((o.warmupEpochs ?? 0) * o.stepsPerEpoch);
  const warm = (step: number) => step < warmupSteps ? (step + 1) / warmupSteps : 1;
  switch (o.name) {
    case "constant":
      return (step) => o.lr * warm(step);
    case "step": {
      const every = o.stepEpochs ?? 1;
      const gamma = o.gamma ?? 0.1;
      return (step) =>
        o.lr * warm(step) * gamma ** Math.floor(Math.floor(step / o.stepsPerEpoch) / every);
    }
    case "cosine": {
      const minLr = o.minLr ?? 0;
      // The decay spans the steps after warm-up, so warm-up does not shorten the curve's tail.
      return (step) =>
        step < warmupSteps
          ? o.lr * warm(step)
          : cosineBetween(o.lr, minLr, (step - warmupSteps) / Math.max(1, total - warmupSteps));
    }
    case "onecycle": {
      // PyTorch's OneCycleLR (two phases, cosine annealing): rises from lr/25 to lr by step
      // pct·total − 1, then falls to lr/25/1e4 at step total − 1.
      const pct = o.warmupEpochs !== undefined ? o.warmupEpochs / o.epochs : 0.3;
      const start = o.lr / ONE_CYCLE_DIV;
      const end = start / ONE_CYCLE_FINAL_DIV;
      const peakStep = pct * total - 1;
      const lastStep = total - 1;
      return (step) => {
        if (step <= peakStep) return cosineBetween(start, o.lr, peakStep > 0 ? step / peakStep : 1);
        return cosineBetween(o.lr, end, (step - peakStep) / Math.max(1e-9, lastStep - peakStep));
      };
    }
  }
}

export interface PlateauState {
  scale: number;
  best: number;
  wait: number;
}

/**
 * ReduceLROnPlateau (Keras's counting): after `patience` epochs in a row whose validation loss
 * did not beat the best by more than `minDelta`, the learning rate is multiplied by `factor`
 * and the count starts again. It scales whatever the schedule gives.
 */
export class ReduceLrOnPlateau {
  scale = 1;
  best = Infinity;
  wait = 0;
  constructor(readonly patience: number, readonly factor = 0.5, readonly minDelta = 0) {
    if (!(factor > 0 && factor < 1)) throw new RangeError(`plateau factor ${factor} not in (0, 1)`);
  }

  /** Takes an epoch's validation loss; returns true when it lowered the learning rate. */
  observe(valLoss: number): boolean {
    if (valLoss < this.best - this.minDelta) {
      this.best = valLoss;
      this.wait = 0;
      return false;
    }
    if (++this.wait < this.patience) return false;
    this.scale *= this.factor;
    this.wait = 0;
    return true;
  }

  state(): PlateauState {
    return { scale: this.scale, best: this.best, wait: this.wait };
  }

  restore(s: PlateauState) {
    // JSON has no Infinity: a best that was never set comes back as null.
    this.scale = s.scale;
    this.best = s.best ?? Infinity;
    this.wait = s.wait;
  }
}

/** What the training loop drives: a schedule, optionally scaled down on plateaus. */
export class LrScheduler {
  constructor(
    readonly schedule: (step: number) => number,
    readonly plateau: ReduceLrOnPlateau | null = null,
  ) {}

  lrAt(step: number): number {
    return this.schedule(step) * (this.plateau?.scale ?? 1);
  }

  /** After each epoch's validation; returns true when the learning rate was lowered. */
  endEpoch(valLoss: number | null): boolean {
    if (!this.plateau) return false;
    if (valLoss === null) throw new Error("ReduceLrOnPlateau needs a validation loss");
    return this.plateau.observe(valLoss);
  }

  state(): { plateau: PlateauState | null } {
    return { plateau: this.plateau?.state() ?? null };
  }

  restore(s: { plateau: PlateauState | null }) {
    if (this.plateau && s.plateau) this.plateau.restore(s.plateau);
  }
}
