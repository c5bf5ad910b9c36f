// What `fit` reads back from the GPU during an epoch, and when. Two parts, kept apart:
//
// - StepLog + EpochTally (the accumulation): the loss kernel writes each step's [loss sum, hits]
//   into the step's own slot of a buffer with a slot per step of the epoch, so nothing is lost
//   however rarely it is read; a readback copies the slots written since the previous one, and
//   EpochTally sums them in windows of `window` steps, in step order, exactly as the old reading
//   every `window` steps did (the epoch's mean loss and accuracy are the same numbers).
// - ReadbackSchedule (the schedule): a readback drains the GPU queue (Deno's mapAsync waits for
//   the whole queue, then sleeps ≥ 10 ms), so it happens only once the measured GPU work since
//   the previous drain reaches `seconds` (1 s in fit), and at each epoch's end.

import { gpu, Tensor } from "../autograd/tensor.ts";
import type { LossOptions } from "../ops/loss/loss.ts";

/**
 * Floats per step slot: [loss summed over the batch (nats, or hinge units), correct count, the
 * loss summed without label smoothing].
 */
export const SLOT = 3;

/**
 * The per-step loss log of an epoch on the GPU: `steps` slots of [loss sum, hits, plain loss sum]
 * (`SLOT`), written by the
 * loss kernel (`LossOptions.log`) and read back a range at a time.
 */
export class StepLog {
  private readonly values: Tensor;

  constructor(readonly steps: number) {
    this.values = Tensor.zeros([Math.max(1, steps), SLOT]);
  }

  /** The loss kernel's log target for epoch step `step` (0-based). */
  slot(step: number): NonNullable<LossOptions["log"]> {
    return { buffer: this.values.buffer, slot: step, size: this.steps };
  }

  /**
   * The slots of steps [from, to) as [loss sum, hits, plain loss sum] triples: one readback (it submits pending
   * work and waits for the whole queue).
   */
  async read(from: number, to: number): Promise<Float32Array> {
    const bytes = await gpu().read(this.values.buffer, (to - from) * SLOT * 4, from * SLOT * 4);
    return new Float32Array(bytes);
  }
}

/**
 * An epoch's loss and hit counts, added one step at a time in step order. Steps are summed in
 * windows of `window` steps from the epoch's start (the last one may be shorter), each window's
 * sum added to the epoch's: the grouping, and so the floating-point sums, of the old readback
 * every `window` steps. `peakLoss` tracks the largest window mean (divergence: EXPLODED).
 */
export class EpochTally {
  /** Loss and hits of the closed windows, and their images. */
  private lossSum = 0;
  private hitSum = 0;
  private images = 0;
  private windowLoss = 0;
  private windowHits = 0;
  private windowImages = 0;
  private windowSteps = 0;
  /** The loss without label smoothing, summed over every step added. */
  private plainSum = 0;

  constructor(readonly window: number, public peakLoss: number) {}

  /**
   * Adds a step: `loss` summed over its `images` images, `hits` of them correct. `last` closes
   * the window early (the epoch's last step).
   */
  add(loss: number, hits: number, images: number, last: boolean, plainLoss = loss) {
    this.plainSum += plainLoss;
    this.windowLoss += loss;
    this.windowHits += hits;
    this.windowImages += images;
    this.windowSteps++;
    if (this.windowSteps === this.window || last) {
      this.lossSum += this.windowLoss;
      this.hitSum += this.windowHits;
      this.images += this.windowImages;
      this.peakLoss = Math.max(this.peakLoss, this.windowLoss / this.windowImages);
      this.windowLoss =
        this.windowHits =
        this.windowImages =
        this.windowSteps =
          0;
    }
  }

  /** Mean loss per image over every step added so far (the open window included). */
  get loss(): number {
    return (this.lossSum + this.windowLoss) / (this.images + this.windowImages);
  }

  /** Mean loss per image without label smoothing over every step added so far. */
  get plainLoss(): number {
    return this.plainSum / (this.images + this.windowImages);
  }

  /** Fraction of the images added so far that were classified correctly. */
  get accuracy(): number {
    return (this.hitSum + this.windowHits) / (this.images + this.windowImages);
  }
}

/**
 * When to read the step log back inside an epoch. A readback waits for the whole GPU queue, so
 * it comes only after `seconds` of measured GPU work since the previous drain, and never sooner
 * than `minSteps` steps after the previous readback; the epoch's last step is always read
 * (by fit, outside this schedule).
 *
 * GPU work is measured, not guessed: the wall time from one drain (a readback, a sync, an epoch's
 * start with an empty queue) to the end of the next readback covers exactly the steps submitted
 * in between, CPU or GPU bound. The fastest such rate seen (seconds per step) sets how many steps
 * make `seconds`, so the steps of any later interval take at least `seconds` unless they run
 * faster than any measured before. Until a first measurement the condition is `seconds` of wall
 * time on the JavaScript side, which only runs ahead of the GPU.
 *
 * A mid-epoch readback also needs the rest of the epoch to be at least as long (`seconds` of
 * measured steps), so the epoch's own closing readback does not follow it at once.
 *
 * `seconds` 0 gives a readback every `minSteps` steps (the old fixed schedule).
 */
export class ReadbackSchedule {
  /** Fastest measured cost of a step, seconds (wall time between drains / steps); null: none yet. */
  stepSeconds: number | null = null;
  /** Wall clock (ms, `now()`) of the last drain. */
  private lastDrain: number;
  /** Steps submitted since the last drain, and since the last readback. */
  private sinceDrain = 0;
  private sinceRead = 0;

  constructor(
    /** Measured GPU seconds between readbacks, at least. */
    readonly seconds: number,
    /** Steps between readbacks, at least (fit's `logEvery`). */
    readonly minSteps: number,
    /** Milliseconds, monotonic (tests pass a fake clock). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastDrain = now();
  }

  /** The steps a readback interval must hold: `seconds` at the measured rate (null: unmeasured). */
  get interval(): number | null {
    if (this.stepSeconds === null) return null;
    return Math.max(this.minSteps, Math.ceil(this.seconds / this.stepSeconds));
  }

  /**
   * The queue is empty now without a measured interval (an epoch's start, the first step's
   * sync, which times compilation): the next measurement starts here.
   */
  drained() {
    this.lastDrain = this.now();
    this.sinceDrain = 0;
  }

  /**
   * One more step was submitted, `left` steps of the epoch remain after it. True when the step
   * log is to be read back now (then call `read()` once it has been).
   */
  submitted(left: number): boolean {
    this.sinceDrain++;
    this.sinceRead++;
    if (this.sinceRead < this.minSteps) return false;
    if (this.seconds <= 0) return true;
    const interval = this.interval;
    if (interval === null) {
      const elapsed = (this.now() - this.lastDrain) / 1000;
      return elapsed >= this.seconds && left >= this.sinceDrain;
    }
    return this.sinceDrain >= interval && left >= interval;
  }

  /** A readback just finished (the queue is empty): measures the steps since the last drain. */
  read() {
    const t = this.now();
    if (this.sinceDrain > 0) {
      const perStep = (t - this.lastDrain) / 1000 / this.sinceDrain;
      this.stepSeconds = Math.min(this.stepSeconds ?? Infinity, perStep);
    }
    this.lastDrain = t;
    this.sinceDrain = 0;
    this.sinceRead = 0;
  }
}
