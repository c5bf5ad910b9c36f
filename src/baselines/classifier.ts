/**
 * The one interface every model in the comparison satisfies, the CNN included, so training,
 * prediction, evaluation and benchmarks treat a random forest and a network alike.
 * Inputs are flattened images: `x` holds n×784 pixels in [0, 1] (row-major, one image a row).
 */
export interface Classifier {
  /** Short id, also the default directory name: "logistic-regression", "svm-rbf", "cnn", ... */
  readonly name: string;
  /** The library or engine that does the work ("ml-svm 2.1.2", "WGSL (this project)", ...). */
  readonly engine: string;
  /** Everything that determines the model besides the data (for reports). */
  hyperParameters(): Record<string, unknown>;
  /** Trains on n images; `onProgress(done, total)` may be called for long fits. */
  fit(
    x: Float32Array,
    y: Uint8Array,
    n: number,
    opts?: { onProgress?: (done: number, total: number) => void },
  ): Promise<void>;
  /**
   * Class index per image, in order; `batchSize` bounds memory where the engine batches. `tta`
   * (flip test-time augmentation) applies to networks only (see `supportsTta`).
   */
  predict(
    x: Float32Array,
    n: number,
    opts?: { batchSize?: number; tta?: boolean },
  ): Promise<Uint8Array>;
  /** True when `predict` honours `tta` (the networks). */
  readonly supportsTta?: boolean;
  /** Number of learned values (weights, support-vector coefficients, tree nodes, ...). */
  parameterCount(): number;
  /** Writes `dir/config.json` (with `kind`) and the model's own files, atomically. */
  save(dir: string): Promise<void>;
}
