import { basename, dirname, join } from "node:path";
import { checkPlainName, MODEL_FILE_LIMITS, readFolderText } from "../io/model_folder.ts";
import { type Dataset, stratifiedSplit, subset } from "../data/dataset.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import type { Classifier } from "./classifier.ts";

export const PIXELS = 784;
export const CLASSES = 10;

/** What every baseline writes to `dir/config.json`; `file` names the model data beside it. */
export interface BaselineConfig {
  kind: string;
  name: string;
  engine: string;
  hyperParameters: Record<string, unknown>;
  trainImages: number;
  trainSeconds: number;
  parameterCount: number;
  file: string;
}

/** Pixels scaled to [0, 1] and labels, the form `Classifier.fit`/`predict` take. */
export interface Flat {
  x: Float32Array;
  y: Uint8Array;
  n: number;
}

export function flatten(ds: Dataset): Flat {
  const x = new Float32Array(ds.images.length);
  for (let i = 0; i < x.length; i++) x[i] = ds.images[i] / 255;
  return { x, y: ds.labels, n: ds.count };
}

/**
 * About `n` images (n/count of each class, rounded), drawn by a seeded stratified split, so a
 * small subset never misses a class — ml-logistic-regression relies on that. All when n ≥ count.
 */
export function stratifiedSample(ds: Dataset, n: number, seed: number): Flat {
  if (n >= ds.count) return flatten(ds);
  const { val } = stratifiedSplit(ds.labels, n / ds.count, seed);
  return flatten(subset(ds, val));
}

/** One plain number array per image: the libraries index `row[j]` and some reject typed arrays. */
export function toRows(x: Float32Array, n: number): number[][] {
  checkShape(x, n);
  const rows = new Array<number[]>(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(x.subarray(i * PIXELS, (i + 1) * PIXELS));
  return rows;
}

export function checkShape(x: Float32Array, n: number, y?: Uint8Array): void {
  if (!(Number.isInteger(n) && n > 0) || x.length !== n * PIXELS) {
    throw new RangeError(`expected ${n}×${PIXELS} pixels, got ${x.length}`);
  }
  if (y && y.length !== n) throw new RangeError(`expected ${n} labels, got ${y.length}`);
  if (y) {
    const seen = new Set(y);
    if (seen.size !== CLASSES || [...seen].some((c) => c >= CLASSES)) {
      throw new UserError(
        `training labels must cover all ${CLASSES} classes 0..9 (got ${seen.size}); use more images`,
      );
    }
  }
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** scikit-learn's `gamma="scale"` for an RBF kernel: 1 / (features × variance of all pixels). */
export function scaleGamma(x: Float32Array): number {
  let s = 0, s2 = 0;
  for (const v of x) {
    s += v;
    s2 += v * v;
  }
  const mean = s / x.length;
  return 1 / (PIXELS * (s2 / x.length - mean * mean));
}

/**
 * RBF kernel values between an image and every one of a fixed set of rows (support vectors):
 * exp(-gamma·|x − v|²) with |x − v|² = |x|² + |v|² − 2x·v, |v|² computed once, and x·v summed over
 * x's nonzero pixels only (about half of a Fashion-MNIST image is background).
 */
export class RbfRows {
  private readonly sq: Float64Array;
  private readonly nz = new Int32Array(PIXELS);
  private readonly xv = new Float64Array(PIXELS);
  private readonly out: Float64Array;

  constructor(private readonly rows: Float32Array, private readonly gamma: number) {
    const s = rows.length / PIXELS;
    this.sq = new Float64Array(s);
    for (let k = 0; k < s; k++) {
      for (let j = k * PIXELS; j < (k + 1) * PIXELS; j++) this.sq[k] += rows[j] * rows[j];
    }
    this.out = new Float64Array(s);
  }

  /** Kernel values of image `x[o .. o+784)` against each row, in a buffer reused by the next call. */
  of(x: Float32Array, o: number): Float64Array {
    const { nz, xv, rows, sq, out } = this;
    let m = 0, xx = 0;
    for (let j = 0; j < PIXELS; j++) {
      const v = x[o + j];
      if (v !== 0) {
        nz[m] = j;
        xv[m++] = v;
        xx += v * v;
      }
    }
    for (let k = 0; k < out.length; k++) {
      const base = k * PIXELS;
      let d = 0;
      for (let t = 0; t < m; t++) d += xv[t] * rows[base + nz[t]];
      out[k] = Math.exp(-this.gamma * Math.max(0, xx + sq[k] - 2 * d));
    }
    return out;
  }
}

/**
 * Reads a model folder's JSON file (`path` is `dir/name`) as untrusted input: a regular file
 * inside its folder, at most `maxBytes` (src/io/model_folder.ts). A missing, oversized or
 * unparsable file is a one-line UserError naming it.
 */
export async function readJson(
  path: string,
  maxBytes = MODEL_FILE_LIMITS.baseline,
): Promise<Record<string, unknown>> {
  const text = await readFolderText(
    dirname(path),
    basename(path),
    maxBytes,
    "train and save it again",
  );
  try {
    const v = JSON.parse(text);
    if (v && typeof v === "object" && !Array.isArray(v)) return v;
  } catch { /* reported below */ }
  throw new UserError(`${path}: not a valid model file (corrupt JSON); train and save it again`);
}

/**
 * The part every wrapper shares: input checks, timing, saving and the config file. Subclasses
 * train and predict through their library and say how to serialise the model.
 */
export abstract class Baseline<H extends Record<string, unknown>> implements Classifier {
  abstract readonly name: string;
  abstract readonly engine: string;
  /** `kind` in config.json, what `loadClassifier` dispatches on. */
  abstract readonly kind: string;
  trainImages = 0;
  trainSeconds = 0;
  /** The model data's file name beside config.json. */
  protected readonly modelFile: string = "model.json";

  constructor(readonly params: H) {}

  hyperParameters(): Record<string, unknown> {
    return { ...this.params };
  }

  async fit(
    x: Float32Array,
    y: Uint8Array,
    n: number,
    opts?: { onProgress?: (done: number, total: number) => void },
  ): Promise<void> {
    checkShape(x, n, y);
    const t0 = performance.now();
    await this.train(x, y, n, opts?.onProgress ?? (() => {}));
    this.trainSeconds = (performance.now() - t0) / 1000;
    this.trainImages = n;
  }

  async predict(x: Float32Array, n: number): Promise<Uint8Array> {
    checkShape(x, n);
    if (!this.trained) throw new Error(`${this.name}: fit or load the model before predict`);
    return await this.classify(x, n);
  }

  async save(dir: string): Promise<void> {
    if (!this.trained) throw new Error(`${this.name}: fit the model before save`);
    const file = this.modelFile;
    const data = this.serialize();
    // Model first, config last: a crash in between leaves no config pointing at a missing model.
    await writeFileAtomic(join(dir, file), typeof data === "string" ? data : JSON.stringify(data));
    const config: BaselineConfig = {
      kind: this.kind,
      name: this.name,
      engine: this.engine,
      hyperParameters: this.hyperParameters(),
      trainImages: this.trainImages,
      trainSeconds: this.trainSeconds,
      parameterCount: this.parameterCount(),
      file,
    };
    await writeJsonAtomic(join(dir, "config.json"), config);
  }

  /** Restores what `save` recorded besides the model itself. */
  protected restore(config: BaselineConfig): this {
    this.trainImages = config.trainImages;
    this.trainSeconds = config.trainSeconds;
    return this;
  }

  abstract parameterCount(): number;
  protected abstract get trained(): boolean;
  protected abstract train(
    x: Float32Array,
    y: Uint8Array,
    n: number,
    progress: (done: number, total: number) => void,
  ): Promise<void> | void;
  protected abstract classify(x: Float32Array, n: number): Uint8Array | Promise<Uint8Array>;
  /** The model as JSON-able data (or text, written as is). */
  protected abstract serialize(): unknown;
}

/** The `kind` a saved baseline's config.json gives, one per baseline class. */
export const BASELINE_KINDS = [
  "logistic-regression",
  "svm-ovr",
  "random-forest",
  "svm-libsvm",
  "histogram-forest",
] as const;
export type BaselineKind = typeof BASELINE_KINDS[number];

/** Reads `dir/config.json` and the JSON model file it names; errors name the file at fault. */
export async function readSaved(
  dir: string,
): Promise<{ config: BaselineConfig; model: Record<string, unknown>; path: string }> {
  const { config, path } = await readConfig(dir);
  return { config, model: await readJson(path), path };
}

/** `dir/config.json` and the path of the model file it names. */
export async function readConfig(dir: string): Promise<{ config: BaselineConfig; path: string }> {
  const configPath = join(dir, "config.json");
  const config = await readJson(configPath, MODEL_FILE_LIMITS.config) as unknown as BaselineConfig;
  if (typeof config.kind !== "string" || config.file === undefined) {
    throw new UserError(`${configPath}: no "kind"/"file" fields, not a baseline model's config`);
  }
  // The file it names must be inside the folder: a shared model cannot read /etc/passwd.
  return { config, path: join(dir, checkPlainName(config.file, `${configPath}: "file"`)) };
}

/** Runs `build` on the parsed model; a library error on malformed data becomes a UserError. */
export function loadWith<T>(path: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${path}: not a valid model file (${(e as Error).message})`);
  }
}
