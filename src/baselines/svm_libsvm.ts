import process from "node:process";
import { basename, dirname } from "node:path";
import { MODEL_FILE_LIMITS, readFolderText } from "../io/model_folder.ts";
import {
  argmax,
  Baseline,
  type BaselineConfig,
  loadWith,
  PIXELS,
  RbfRows,
  readConfig,
  scaleGamma,
  toRows,
} from "./common.ts";
import { gpuAvailable, rbfDecisionValues } from "./rbf_gpu.ts";

export interface LibsvmParams extends Record<string, unknown> {
  C: number;
  /** RBF exp(-gamma·|a-b|²); "scale" is scikit-learn's 1 / (784 · pixel variance). */
  gamma: number | "scale";
  /** libsvm's stopping tolerance (its and scikit-learn's default). */
  tolerance: number;
  /** Kernel cache in MB: more rows cached, fewer kernel evaluations. */
  cacheSize: number;
}

export const LIBSVM_DEFAULTS: LibsvmParams = {
  C: 10,
  gamma: "scale",
  tolerance: 1e-3,
  cacheSize: 500,
};

interface LibsvmModel {
  train(samples: number[][], labels: number[]): void;
  serializeModel(): string;
  free(): void;
}
interface LibsvmClass {
  new (options: Record<string, unknown>): LibsvmModel;
  SVM_TYPES: Record<string, string>;
  KERNEL_TYPES: Record<string, string>;
}

let loading: Promise<LibsvmClass> | null = null;

/** libsvm-js's WASM build, loaded once. */
function libsvm(): Promise<LibsvmClass> {
  loading ??= (async () => {
    // Deno defines `self`, so the emscripten glue takes its browser path and fails on `window`.
    const g = globalThis as { self?: unknown };
    const self = Object.getOwnPropertyDescriptor(globalThis, "self");
    delete g.self;
    // It also reports, harmlessly, that it falls back from streaming compilation: keep that quiet.
    const warn = console.warn;
    console.warn = (...a: unknown[]) => {
      if (!/wasm streaming compile failed|falling back to ArrayBuffer/.test(String(a[0]))) {
        warn(...a);
      }
    };
    // And its Node glue makes any unhandled rejection exit(1) without a word: undo that.
    const before = new Set(process.listeners("unhandledRejection"));
    try {
      // deno-lint-ignore no-explicit-any
      const mod: any = await import("libsvm-js");
      return await mod.default as LibsvmClass;
    } finally {
      for (const l of process.listeners("unhandledRejection")) {
        if (!before.has(l)) process.off("unhandledRejection", l);
      }
      console.warn = warn;
      if (self) Object.defineProperty(globalThis, "self", self);
    }
  })();
  return loading;
}

/** A libsvm C-SVC RBF model as its text format lays it out; support vectors grouped by class. */
interface Parsed {
  gamma: number;
  labels: number[];
  counts: number[];
  /** One per class pair (0,1), (0,2), ..., (8,9). */
  rho: number[];
  sv: Float32Array;
  /** Per support vector, its `classes - 1` coefficients. */
  coef: Float64Array;
}

/** Parses libsvm's model text (`svm_save_model`'s format, what libsvm-js serialises). */
function parseModel(text: string): Parsed {
  const at = text.indexOf("\nSV\n");
  if (!text.startsWith("svm_type c_svc") || at < 0) throw new Error("not a libsvm C-SVC model");
  const head = new Map(
    text.slice(0, at).split("\n").map((l) => [l.split(" ")[0], l.split(" ").slice(1).map(Number)]),
  );
  const [gamma] = head.get("gamma") ?? [];
  const labels = head.get("label") ?? [];
  const counts = head.get("nr_sv") ?? [];
  const rho = head.get("rho") ?? [];
  const k = labels.length;
  const total = counts.reduce((a, b) => a + b, 0);
  if (!(gamma > 0) || k < 2 || counts.length !== k || rho.length !== (k * (k - 1)) / 2) {
    throw new Error("incomplete libsvm header");
  }
  const lines = text.slice(at + 4).split("\n").filter((l) => l.trim());
  if (lines.length !== total) {
    throw new Error(`${lines.length} support vectors, header says ${total}`);
  }
  const sv = new Float32Array(total * PIXELS);
  const coef = new Float64Array(total * (k - 1));
  lines.forEach((line, i) => {
    const fields = line.trim().split(" ");
    for (let m = 0; m < k - 1; m++) coef[i * (k - 1) + m] = Number(fields[m]);
    for (let f = k - 1; f < fields.length; f++) {
      const colon = fields[f].indexOf(":");
      const j = Number(fields[f].slice(0, colon)) - 1;
      if (!(j >= 0 && j < PIXELS)) throw new Error(`feature index ${j + 1} outside 1..${PIXELS}`);
      sv[i * PIXELS + j] = Number(fields[f].slice(colon + 1));
    }
  });
  if (coef.some(Number.isNaN) || sv.some(Number.isNaN)) throw new Error("unreadable numbers");
  return { gamma, labels, counts, rho, sv, coef };
}

/** Each class pair's winner by the sign of its decision value, then libsvm's vote over pairs. */
function vote(m: Parsed, decision: (i: number, pair: number) => number, n: number): Uint8Array {
  const k = m.labels.length;
  const votes = new Int32Array(k);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    votes.fill(0);
    let p = 0;
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) votes[decision(i, p++) > 0 ? a : b]++;
    }
    out[i] = m.labels[argmax(votes)];
  }
  return out;
}

/**
 * The one-vs-one decision functions as one matrix, for the GPU: W[s, pair(a,b)] is support
 * vector s's coefficient in the a-vs-b machine (zero unless s belongs to a or b); bias = −rho.
 */
function pairWeights(m: Parsed): { weights: Float32Array; bias: Float32Array } {
  const k = m.labels.length;
  const pairs = (k * (k - 1)) / 2;
  const total = m.coef.length / (k - 1);
  const start = m.counts.map((_, i) => m.counts.slice(0, i).reduce((a, b) => a + b, 0));
  const weights = new Float32Array(total * pairs);
  let p = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++, p++) {
      for (let s = start[a]; s < start[a] + m.counts[a]; s++) {
        weights[s * pairs + p] = m.coef[s * (k - 1) + b - 1];
      }
      for (let s = start[b]; s < start[b] + m.counts[b]; s++) {
        weights[s * pairs + p] = m.coef[s * (k - 1) + a];
      }
    }
  }
  return { weights, bias: Float32Array.from(m.rho, (r) => -r) };
}

/** libsvm's one-vs-one prediction on our GPU kernels (float32): the kernel matrix is a matmul. */
async function predictParsedGpu(m: Parsed, x: Float32Array, n: number): Promise<Uint8Array> {
  const { weights, bias } = pairWeights(m);
  const f = await rbfDecisionValues(x, n, m.sv, m.gamma, weights, bias);
  const pairs = bias.length;
  return vote(m, (i, p) => f[i * pairs + p], n);
}

/** libsvm's one-vs-one vote (svm_predict_values), on a parsed model, in float64 TypeScript. */
function predictParsed(m: Parsed, x: Float32Array, n: number): Uint8Array {
  const k = m.labels.length;
  const start = m.counts.map((_, i) => m.counts.slice(0, i).reduce((a, b) => a + b, 0));
  const rbf = new RbfRows(m.sv, m.gamma);
  const pairs = (k * (k - 1)) / 2;
  const f = new Float64Array(pairs);
  let row = -1;
  return vote(m, (i, pair) => {
    if (i !== row) {
      // Every pair's decision value of image i at once, from one row of kernel values.
      const kv = rbf.of(x, i * PIXELS);
      let p = 0;
      for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++) {
          let sum = -m.rho[p];
          for (let s = start[a]; s < start[a] + m.counts[a]; s++) {
            sum += m.coef[s * (k - 1) + b - 1] * kv[s];
          }
          for (let s = start[b]; s < start[b] + m.counts[b]; s++) {
            sum += m.coef[s * (k - 1) + a] * kv[s];
          }
          f[p++] = sum;
        }
      }
      row = i;
    }
    return f[pair];
  }, n);
}

/**
 * C-SVC with an RBF kernel trained by libsvm (WASM, one-vs-one over the ten classes): the same
 * solver and model as scikit-learn's SVC, the strong classical baseline. Training cost grows about
 * as n² (single-threaded WASM); prediction is a kernel matrix, so it runs on our GPU kernels.
 *
 * The model is kept, saved and predicted from libsvm's own text format. libsvm-js's `load` passes
 * that text through the WASM stack, which a model of a few MB overruns (loaded support vectors
 * come back corrupted), so prediction here implements libsvm's one-vs-one vote on the parsed text
 * instead (float32 matmuls on the GPU, float64 TypeScript without one); the text writes rho to 6
 * digits, so the trained and the reloaded model are the same one.
 */
export class LibsvmBaseline extends Baseline<LibsvmParams> {
  readonly name = "svm-rbf";
  readonly engine = "libsvm-js 0.2.1 (WASM; predicts on our WGSL)";
  readonly kind = "svm-libsvm";
  protected override readonly modelFile = "model.libsvm";
  private text = "";
  private model: Parsed | null = null;
  private gammaValue = 0;

  constructor(params: Partial<LibsvmParams> = {}) {
    super({ ...LIBSVM_DEFAULTS, ...params });
  }

  protected get trained() {
    return this.model !== null;
  }

  override hyperParameters(): Record<string, unknown> {
    return this.gammaValue ? { ...this.params, gammaValue: this.gammaValue } : { ...this.params };
  }

  protected async train(x: Float32Array, y: Uint8Array, n: number) {
    const SVM = await libsvm();
    const p = this.params;
    const gamma = p.gamma === "scale" ? scaleGamma(x) : p.gamma;
    const svm = new SVM({
      type: SVM.SVM_TYPES.C_SVC,
      kernel: SVM.KERNEL_TYPES.RBF,
      gamma,
      cost: p.C,
      tolerance: p.tolerance,
      cacheSize: p.cacheSize,
      quiet: true,
    });
    try {
      svm.train(toRows(x, n), Array.from(y));
      // libsvm-js writes every pixel; libsvm's format is sparse, so the zeros (about half) go.
      this.text = svm.serializeModel().replace(/ \d+:0(?=[ \n]|$)/g, "");
    } finally {
      svm.free();
    }
    this.model = parseModel(this.text);
    this.gammaValue = gamma;
  }

  /** On the GPU when one is in use (`useGpu`), else libsvm's float64 arithmetic in TypeScript. */
  protected classify(x: Float32Array, n: number): Uint8Array | Promise<Uint8Array> {
    if (gpuAvailable()) return predictParsedGpu(this.model!, x, n);
    return predictParsed(this.model!, x, n);
  }

  /** Support-vector pixels, their one-vs-one coefficients and the pairwise biases. */
  parameterCount(): number {
    const m = this.model!;
    return m.sv.length + m.coef.length + m.rho.length;
  }

  protected serialize() {
    return this.text;
  }

  static async load(dir: string): Promise<LibsvmBaseline> {
    const { config, path } = await readConfig(dir);
    const text = await readFolderText(
      dirname(path),
      basename(path),
      MODEL_FILE_LIMITS.baseline,
      "train and save it again",
    );
    return loadWith(path, () => {
      const c = new LibsvmBaseline(config.hyperParameters as LibsvmParams);
      c.model = parseModel(text);
      c.text = text;
      c.gammaValue = Number(config.hyperParameters.gammaValue) || c.model.gamma;
      return c.restore(config as BaselineConfig);
    });
  }
}
