import SVM from "ml-svm";
import { Buffer } from "node:buffer";
import { Rng } from "../util/random.ts";
import {
  argmax,
  Baseline,
  type BaselineConfig,
  CLASSES,
  loadWith,
  PIXELS,
  RbfRows,
  readSaved,
  scaleGamma,
  toRows,
} from "./common.ts";
import { gpuAvailable, rbfDecisionValues } from "./rbf_gpu.ts";

export interface SvmOvrParams extends Record<string, unknown> {
  C: number;
  /** RBF exp(-gamma·|a-b|²); "scale" is scikit-learn's 1 / (784 · pixel variance). */
  gamma: number | "scale";
  /** ml-svm's SMO stopping: `maxPasses` sweeps in a row without a change. */
  tol: number;
  maxPasses: number;
  maxIterations: number;
  seed: number;
}

export const SVM_OVR_DEFAULTS: SvmOvrParams = {
  C: 10,
  gamma: "scale",
  tol: 1e-4,
  maxPasses: 10,
  maxIterations: 10000,
  seed: 1,
};

/** One binary machine: f(x) = b + Σ coef[k]·K(x, rows[sv[k]]), coef = alpha·label. */
interface Machine {
  b: number;
  sv: number[];
  coef: number[];
}

/**
 * RBF kernel for ml-kernel (which accepts any object with `compute(a, b)`): all pairs of training
 * rows come from one Gram matrix computed once, instead of ten times, once per one-vs-rest model.
 */
class GramRbf {
  private readonly index: Map<number[], number>;
  private readonly gram: Float64Array;
  constructor(private readonly rows: number[][], x: Float32Array, private readonly gamma: number) {
    const n = rows.length;
    this.index = new Map(rows.map((r, i) => [r, i]));
    this.gram = new Float64Array(n * n);
    const rbf = new RbfRows(x, gamma);
    for (let i = 0; i < n; i++) this.gram.set(rbf.of(x, i * PIXELS), i * n);
  }
  compute(a: number[], b: number[]): number {
    const i = this.index.get(a), j = this.index.get(b);
    if (i !== undefined && j !== undefined) return this.gram[i * this.rows.length + j];
    let d = 0;
    for (let k = 0; k < a.length; k++) d += (a[k] - b[k]) ** 2;
    return Math.exp(-this.gamma * d);
  }
}

/**
 * RBF SVM from ml-svm (simplified SMO, binary only), one machine per class against the rest,
 * prediction by the largest margin. ml-svm trains the machines; the margins at prediction are
 * evaluated here, K(x, v) once per (image, support vector) for all ten machines, since they share
 * most support vectors (ml-svm would evaluate each ten times, one small matrix per call). The saved
 * model keeps each support vector once for the same reason.
 */
export class SvmOvrBaseline extends Baseline<SvmOvrParams> {
  readonly name = "svm-rbf-ovr";
  readonly engine = "ml-svm 2.1.2 (predicts on our WGSL)";
  readonly kind = "svm-ovr";
  private gammaValue = 0;
  private rows = new Float32Array(0);
  private machines: Machine[] = [];

  constructor(params: Partial<SvmOvrParams> = {}) {
    super({ ...SVM_OVR_DEFAULTS, ...params });
  }

  protected get trained() {
    return this.machines.length === CLASSES;
  }

  override hyperParameters(): Record<string, unknown> {
    return this.gammaValue ? { ...this.params, gammaValue: this.gammaValue } : { ...this.params };
  }

  protected train(
    x: Float32Array,
    y: Uint8Array,
    n: number,
    progress: (done: number, total: number) => void,
  ) {
    const p = this.params;
    const gamma = p.gamma === "scale" ? scaleGamma(x) : p.gamma;
    const rows = toRows(x, n);
    const kernel = new GramRbf(rows, x, gamma);
    const rng = new Rng(p.seed);
    const raw: { b: number; alphas: number[]; idx: number[]; y: number[] }[] = [];
    for (let c = 0; c < CLASSES; c++) {
      const svm = new SVM({
        C: p.C,
        tol: p.tol,
        maxPasses: p.maxPasses,
        maxIterations: p.maxIterations,
        kernel,
        // Its default min-max scaling turns a pixel that is constant in the subset into NaN.
        whitening: false,
        random: () => rng.next(),
      });
      try {
        svm.train(rows, Array.from(y, (l) => (l === c ? 1 : -1)));
      } catch (e) {
        throw new Error(
          `ml-svm, class ${c}: ${(e as Error).message} (raise maxIterations or lower C)`,
        );
      }
      raw.push({ b: svm.b, alphas: svm.alphas, idx: svm.supportVectors(), y: svm.Y });
      progress(c + 1, CLASSES);
    }
    // Keep each support vector once, numbered in training order.
    const used = [...new Set(raw.flatMap((m) => m.idx))].sort((a, b) => a - b);
    const slot = new Map(used.map((i, k) => [i, k]));
    this.rows = new Float32Array(used.length * PIXELS);
    used.forEach((i, k) => this.rows.set(x.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS));
    this.machines = raw.map((m) => ({
      b: m.b,
      sv: m.idx.map((i) => slot.get(i)!),
      coef: m.alphas.map((a, k) => a * m.y[k]),
    }));
    this.gammaValue = gamma;
  }

  /** On the GPU when one is in use (`useGpu`), else in float64 TypeScript. */
  protected classify(x: Float32Array, n: number): Uint8Array | Promise<Uint8Array> {
    return gpuAvailable() ? this.classifyGpu(x, n) : this.classifyCpu(x, n);
  }

  /** The ten machines as one S × 10 weight matrix over the shared support vectors. */
  private async classifyGpu(x: Float32Array, n: number): Promise<Uint8Array> {
    const s = this.rows.length / PIXELS;
    const weights = new Float32Array(s * CLASSES);
    this.machines.forEach((m, c) => m.sv.forEach((k, i) => weights[k * CLASSES + c] = m.coef[i]));
    const bias = Float32Array.from(this.machines, (m) => m.b);
    const f = await rbfDecisionValues(x, n, this.rows, this.gammaValue, weights, bias);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = argmax(f.subarray(i * CLASSES, (i + 1) * CLASSES));
    return out;
  }

  private classifyCpu(x: Float32Array, n: number): Uint8Array {
    const rbf = new RbfRows(this.rows, this.gammaValue);
    const margins = new Float64Array(CLASSES);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const kx = rbf.of(x, i * PIXELS);
      this.machines.forEach((m, c) => {
        let f = m.b;
        for (let k = 0; k < m.sv.length; k++) f += m.coef[k] * kx[m.sv[k]];
        margins[c] = f;
      });
      out[i] = argmax(margins);
    }
    return out;
  }

  parameterCount(): number {
    return this.rows.length + this.machines.reduce((t, m) => t + m.coef.length + 1, 0);
  }

  protected serialize() {
    return {
      gamma: this.gammaValue,
      supportVectors: Buffer.from(this.rows.buffer, this.rows.byteOffset, this.rows.byteLength)
        .toString("base64"),
      machines: this.machines,
    };
  }

  static async load(dir: string): Promise<SvmOvrBaseline> {
    const { config, model, path } = await readSaved(dir);
    return loadWith(path, () => {
      const c = new SvmOvrBaseline(config.hyperParameters as SvmOvrParams);
      const bytes = Buffer.from(String(model.supportVectors), "base64");
      if (bytes.length % (4 * PIXELS) !== 0) throw new Error("support vectors truncated");
      c.rows = new Float32Array(new Uint8Array(bytes).buffer);
      const machines = model.machines as Machine[];
      const s = c.rows.length / PIXELS;
      if (
        !Array.isArray(machines) || machines.length !== CLASSES ||
        machines.some((m) =>
          typeof m.b !== "number" || m.sv?.length !== m.coef?.length ||
          m.sv.some((k) => !(k >= 0 && k < s))
        )
      ) throw new Error("expected 10 machines with matching support vectors");
      c.machines = machines;
      c.gammaValue = Number(model.gamma);
      if (!(c.gammaValue > 0)) throw new Error("no gamma");
      return c.restore(config as BaselineConfig);
    });
  }
}
