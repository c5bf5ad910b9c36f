import { Buffer } from "node:buffer";
import { Rng } from "../util/random.ts";
import {
  argmax,
  Baseline,
  type BaselineConfig,
  CLASSES,
  loadWith,
  PIXELS,
  readSaved,
} from "./common.ts";

export interface HistForestParams extends Record<string, unknown> {
  nEstimators: number;
  /** Pixels tried per split (scikit-learn's "sqrt": 28 of 784). */
  maxFeatures: number;
  minSamplesLeaf: number;
  /** 0 = grow until pure, as scikit-learn does by default. */
  maxDepth: number;
  seed: number;
}

export const HIST_FOREST_DEFAULTS: HistForestParams = {
  nEstimators: 100,
  maxFeatures: 28,
  minSamplesLeaf: 1,
  maxDepth: 0,
  seed: 1,
};

const BINS = 256;
/** Below this many samples a node sorts its values instead of filling 256-bin histograms. */
const SORT_BELOW = 1024;

/**
 * The trees of a forest in preorder, one entry per node: `feature` is the pixel tested (-1 at a
 * leaf), `value` the threshold (go left when pixel ≤ value) or, at a leaf, the class, and `right`
 * the right child's index (the left child is the next node).
 */
interface Nodes {
  feature: Int16Array;
  value: Uint8Array;
  right: Int32Array;
  /** Index of each tree's root. */
  roots: Int32Array;
}

/** Grows one tree on bootstrap indices; per-node scratch space is shared between nodes. */
class Grower {
  private readonly hist = new Int32Array(BINS * CLASSES);
  private readonly keys: Uint16Array;
  private readonly order = Int32Array.from({ length: PIXELS }, (_, i) => i);
  feature: number[] = [];
  value: number[] = [];
  right: number[] = [];

  constructor(
    private readonly cols: Uint8Array,
    private readonly y: Uint8Array,
    private readonly n: number,
    private readonly p: HistForestParams,
    private readonly rng: Rng,
  ) {
    this.keys = new Uint16Array(n);
  }

  grow(idx: Uint32Array): void {
    const counts = new Int32Array(CLASSES);
    for (const i of idx) counts[this.y[i]]++;
    this.node(idx, 0, idx.length, 1, counts);
  }

  private node(idx: Uint32Array, start: number, end: number, depth: number, counts: Int32Array) {
    const m = end - start;
    const major = argmax(counts);
    const at = this.feature.length;
    const split = counts[major] === m || m < 2 * this.p.minSamplesLeaf ||
        (this.p.maxDepth > 0 && depth > this.p.maxDepth)
      ? null
      : this.bestSplit(idx, start, end, counts);
    if (!split) {
      this.feature.push(-1);
      this.value.push(major);
      this.right.push(-1);
      return;
    }
    const [f, t] = split;
    // Partition in place: pixel ≤ t to the front.
    const left = new Int32Array(CLASSES);
    const base = f * this.n;
    let mid = start;
    for (let k = start; k < end; k++) {
      const i = idx[k];
      if (this.cols[base + i] <= t) {
        left[this.y[i]]++;
        idx[k] = idx[mid];
        idx[mid++] = i;
      }
    }
    const right = counts.map((c, j) => c - left[j]);
    this.feature.push(f);
    this.value.push(t);
    this.right.push(-1);
    this.node(idx, start, mid, depth + 1, left);
    this.right[at] = this.feature.length;
    this.node(idx, mid, end, depth + 1, right);
  }

  /**
   * Best Gini split over at least `maxFeatures` random non-constant pixels (more when none of
   * those splits, as scikit-learn does); [pixel, threshold] or null. Maximises
   * Σ left² / nLeft + Σ right² / nRight, which is minimising the weighted Gini impurity.
   */
  private bestSplit(
    idx: Uint32Array,
    start: number,
    end: number,
    counts: Int32Array,
  ): [number, number] | null {
    const m = end - start;
    const minLeaf = this.p.minSamplesLeaf;
    let sq0 = 0;
    for (let c = 0; c < CLASSES; c++) sq0 += counts[c] * counts[c];
    const L = new Int32Array(CLASSES);
    let best = -Infinity, bestF = -1, bestT = 0;
    let tried = 0;
    for (let j = 0; j < PIXELS && (tried < this.p.maxFeatures || bestF < 0); j++) {
      const r = j + this.rng.int(PIXELS - j);
      const f = this.order[r];
      this.order[r] = this.order[j];
      this.order[j] = f;
      const base = f * this.n;
      L.fill(0);
      let sqL = 0, sqR = sq0, nL = 0, distinct = 0;
      if (m >= SORT_BELOW) {
        const h = this.hist;
        h.fill(0);
        for (let k = start; k < end; k++) {
          const i = idx[k];
          h[this.cols[base + i] * CLASSES + this.y[i]]++;
        }
        for (let v = 0; v < BINS - 1; v++) {
          let inBin = 0;
          for (let c = 0; c < CLASSES; c++) {
            const a = h[v * CLASSES + c];
            if (a === 0) continue;
            const l = L[c], rr = counts[c] - l;
            sqL += a * (2 * l + a);
            sqR += a * (a - 2 * rr);
            L[c] = l + a;
            inBin += a;
          }
          if (inBin === 0) continue;
          nL += inBin;
          if (nL === m) break;
          distinct++;
          if (nL >= minLeaf && m - nL >= minLeaf) {
            const s = sqL / nL + sqR / (m - nL);
            if (s > best) [best, bestF, bestT] = [s, f, v];
          }
        }
      } else {
        const keys = this.keys.subarray(0, m);
        for (let k = 0; k < m; k++) {
          const i = idx[start + k];
          keys[k] = (this.cols[base + i] << 4) | this.y[i];
        }
        keys.sort();
        for (let k = 0; k < m - 1; k++) {
          const c = keys[k] & 15, l = L[c];
          sqL += 2 * l + 1;
          sqR += 1 - 2 * (counts[c] - l);
          L[c] = l + 1;
          nL++;
          const v = keys[k] >> 4;
          if (v === keys[k + 1] >> 4) continue;
          distinct++;
          if (nL >= minLeaf && m - nL >= minLeaf) {
            const s = sqL / nL + sqR / (m - nL);
            if (s > best) [best, bestF, bestT] = [s, f, v];
          }
        }
      }
      if (distinct > 0) tried++; // constant pixels do not count, as in scikit-learn
    }
    return bestF < 0 ? null : [bestF, bestT];
  }
}

/** Pixels in [0, 1] back to the 8-bit values they came from. */
function toBytes(x: Float32Array): Uint8Array {
  const b = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) b[i] = Math.min(255, Math.max(0, Math.round(x[i] * 255)));
  return b;
}

const b64 = (a: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
function unb64<T>(s: unknown, make: (b: ArrayBuffer) => T): T {
  const bytes = new Uint8Array(Buffer.from(String(s), "base64"));
  return make(bytes.buffer);
}

/**
 * Random forest of our own on all training images, built like scikit-learn's
 * RandomForestClassifier (bootstrap samples, Gini, √784 pixels tried per split, trees grown until
 * pure) but with split search over 8-bit pixel histograms: pixels are 0..255 already, so a node
 * fills a 256-bin class histogram per tried pixel in one pass instead of sorting, and the splits
 * are exactly those of an exact search. Inputs are rounded back to 8 bits. Prediction is a
 * majority vote of the trees' leaf classes (scikit-learn averages leaf class frequencies; with
 * pure leaves the two agree).
 */
export class HistogramForestBaseline extends Baseline<HistForestParams> {
  readonly name = "histogram-forest";
  readonly engine = "TypeScript (this project)";
  readonly kind = "histogram-forest";
  private nodes: Nodes | null = null;

  constructor(params: Partial<HistForestParams> = {}) {
    super({ ...HIST_FOREST_DEFAULTS, ...params });
  }

  protected get trained() {
    return this.nodes !== null;
  }

  protected train(
    x: Float32Array,
    y: Uint8Array,
    n: number,
    progress: (done: number, total: number) => void,
  ) {
    const bytes = toBytes(x);
    // Pixel-major, so a node's pass over one pixel reads one contiguous column.
    const cols = new Uint8Array(n * PIXELS);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < PIXELS; f++) cols[f * n + i] = bytes[i * PIXELS + f];
    }
    const rng = new Rng(this.p.seed);
    const g = new Grower(cols, y, n, this.p, rng);
    const roots: number[] = [];
    const idx = new Uint32Array(n);
    for (let t = 0; t < this.p.nEstimators; t++) {
      for (let k = 0; k < n; k++) idx[k] = rng.int(n);
      roots.push(g.feature.length);
      g.grow(idx);
      progress(t + 1, this.p.nEstimators);
    }
    this.nodes = {
      feature: Int16Array.from(g.feature),
      value: Uint8Array.from(g.value),
      right: Int32Array.from(g.right),
      roots: Int32Array.from(roots),
    };
  }

  private get p() {
    return this.params;
  }

  protected classify(x: Float32Array, n: number): Uint8Array {
    const { feature, value, right, roots } = this.nodes!;
    const bytes = toBytes(x);
    const votes = new Int32Array(CLASSES);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const o = i * PIXELS;
      votes.fill(0);
      for (const root of roots) {
        let k = root;
        while (feature[k] >= 0) k = bytes[o + feature[k]] <= value[k] ? k + 1 : right[k];
        votes[value[k]]++;
      }
      out[i] = argmax(votes);
    }
    return out;
  }

  /** Tree nodes (each a split or a leaf). */
  parameterCount(): number {
    return this.nodes!.feature.length;
  }

  protected serialize() {
    const { feature, value, right, roots } = this.nodes!;
    return {
      nodes: feature.length,
      feature: b64(feature),
      value: b64(value),
      right: b64(right),
      roots: Array.from(roots),
    };
  }

  static async load(dir: string): Promise<HistogramForestBaseline> {
    const { config, model, path } = await readSaved(dir);
    return loadWith(path, () => {
      const c = new HistogramForestBaseline(config.hyperParameters as HistForestParams);
      const nodes: Nodes = {
        feature: unb64(model.feature, (b) => new Int16Array(b)),
        value: unb64(model.value, (b) => new Uint8Array(b)),
        right: unb64(model.right, (b) => new Int32Array(b)),
        roots: Int32Array.from(model.roots as number[]),
      };
      const count = nodes.feature.length;
      if (
        count !== model.nodes || nodes.value.length !== count || nodes.right.length !== count ||
        nodes.roots.some((r) => !(r >= 0 && r < count)) ||
        nodes.feature.some((f, k) => f >= PIXELS || (f >= 0 && !(nodes.right[k] > k)))
      ) throw new Error("tree arrays are inconsistent");
      c.nodes = nodes;
      return c.restore(config as BaselineConfig);
    });
  }
}
