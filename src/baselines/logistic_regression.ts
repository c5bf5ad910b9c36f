import LogisticRegression from "ml-logistic-regression";
import { Matrix } from "ml-matrix";
import {
  Baseline,
  type BaselineConfig,
  CLASSES,
  loadWith,
  PIXELS,
  readSaved,
  toRows,
} from "./common.ts";

export interface LogisticParams extends Record<string, unknown> {
  /** Full-batch gradient steps per class. */
  numSteps: number;
  /** Step size per image: the library sums the gradient over images, so it gets `rate / n`. */
  learningRate: number;
}

export const LOGISTIC_DEFAULTS: LogisticParams = { numSteps: 100, learningRate: 1 };

/**
 * One-vs-rest logistic regression by ml-logistic-regression (plain gradient steps, no
 * regularisation). The library has no bias and no input scaling, so we centre each pixel on its
 * training mean (plain gradient descent converges several times faster once the large shared mean
 * direction is gone) and append a constant 1 column.
 */
export class LogisticRegressionBaseline extends Baseline<LogisticParams> {
  readonly name = "logistic-regression";
  readonly engine = "ml-logistic-regression 2.0.0";
  readonly kind = "logistic-regression";
  private model: LogisticRegression | null = null;
  private mean = new Float64Array(PIXELS);

  constructor(params: Partial<LogisticParams> = {}) {
    super({ ...LOGISTIC_DEFAULTS, ...params });
  }

  protected get trained() {
    return this.model !== null;
  }

  protected train(x: Float32Array, y: Uint8Array, n: number) {
    this.mean = new Float64Array(PIXELS);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < PIXELS; j++) this.mean[j] += x[i * PIXELS + j];
    }
    for (let j = 0; j < PIXELS; j++) this.mean[j] /= n;
    const model = new LogisticRegression({
      numSteps: this.params.numSteps,
      learningRate: this.params.learningRate / n,
    });
    model.train(this.design(x, n), Matrix.columnVector(Array.from(y)));
    this.model = model;
  }

  protected classify(x: Float32Array, n: number): Uint8Array {
    return Uint8Array.from(this.model!.predict(this.design(x, n)));
  }

  parameterCount(): number {
    return CLASSES * (PIXELS + 1);
  }

  protected serialize() {
    return { mean: Array.from(this.mean), model: this.model!.toJSON() };
  }

  static async load(dir: string): Promise<LogisticRegressionBaseline> {
    const { config, model, path } = await readSaved(dir);
    const c = new LogisticRegressionBaseline(config.hyperParameters as LogisticParams);
    return loadWith(path, () => {
      if (!Array.isArray(model.mean) || model.mean.length !== PIXELS) {
        throw new Error("no 784-value pixel mean");
      }
      c.mean = Float64Array.from(model.mean);
      c.model = LogisticRegression.load(model.model);
      if (c.model!.classifiers.length !== CLASSES) throw new Error("expected 10 classifiers");
      return c.restore(config as BaselineConfig);
    });
  }

  private design(x: Float32Array, n: number): Matrix {
    return new Matrix(
      toRows(x, n).map((r) => {
        for (let j = 0; j < PIXELS; j++) r[j] -= this.mean[j];
        r.push(1);
        return r;
      }),
    );
  }
}
