// What fit (fit.ts) and its callbacks (callbacks.ts) both speak of: an epoch's record and the
// callback interface. Here so that neither imports the other.

export interface EpochRecord {
  epoch: number;
  /** Mean training loss per image over the epoch, as trained (label smoothing included). */
  trainLoss: number;
  /**
   * Only when trained with label smoothing (cross-entropy): the epoch's mean training loss
   * without it, the definition `valLoss` uses, so that the two can be drawn on one axis.
   */
  trainCrossEntropy?: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  /** Only with `testSet`: accuracy on the test images after this epoch (reporting, not selection). */
  testAccuracy?: number;
  lr: number;
  /**
   * Training time of the epoch (validation and `compileSeconds` excluded, except in an epoch
   * that was only its first step: then nothing else was there to time).
   */
  seconds: number;
  /** Images per second over `seconds` (the first step's images excluded with its compile). */
  imagesPerSecond: number;
  /**
   * Only on the epoch a run (or a resumed run) starts in: wall seconds of its first step, which
   * compiles every kernel pipeline a step uses (or loads them from the driver's shader cache).
   */
  compileSeconds?: number;
  /** With `compileSeconds`: seconds from the process start until that first step had finished. */
  readySeconds?: number;
}

export interface EpochContext {
  record: EpochRecord;
  history: EpochRecord[];
  /** Global steps taken so far. */
  step: number;
  /** Set by a callback to end training after this epoch. */
  stop: boolean;
}

export interface Callback {
  onEpochEnd?(ctx: EpochContext): void | Promise<void>;
  /** After the last epoch, or after a stop; also when a resumed run had nothing left to do. */
  onTrainEnd?(history: EpochRecord[]): void | Promise<void>;
}
