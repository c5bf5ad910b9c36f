/**
 * Nearest neighbours by cosine similarity, in plain TypeScript (no file system, no GPU: the page
 * runs it too). Embeddings are stored row-major, `count × dim` floats, one row per image.
 *
 * Cosine similarity of a and b is a·b / (‖a‖ ‖b‖) (Manning, Raghavan and Schütze, "Introduction
 * to Information Retrieval", 2008, §6.3.1); with rows scaled to unit length (`l2Normalize`) it is
 * their dot product, in [−1, 1] (in [0, 1] for ReLU features, which are never negative).
 */

/** A catalogue row and its cosine similarity to the query. */
export interface Neighbour {
  /** Row index in the catalogue's embeddings. */
  index: number;
  similarity: number;
}

/**
 * Scales every row of `embeddings` (`count × dim`, row-major) to unit Euclidean length, in place,
 * and returns it. An all-zero row (no feature active) stays zero: its similarity to anything is 0.
 *
 * @throws RangeError when the length is not a multiple of `dim`
 */
export function l2Normalize(embeddings: Float32Array, dim: number): Float32Array {
  if (!(dim >= 1) || embeddings.length % dim) {
    throw new RangeError(`${embeddings.length} values are not rows of ${dim}`);
  }
  for (let r = 0; r < embeddings.length; r += dim) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += embeddings[r + j] * embeddings[r + j];
    if (sum === 0) continue;
    const scale = 1 / Math.sqrt(sum);
    for (let j = 0; j < dim; j++) embeddings[r + j] *= scale;
  }
  return embeddings;
}

/** The k best (largest similarity; on ties the lower index) seen so far, best first. */
class TopK {
  readonly index: Int32Array;
  readonly score: Float32Array;
  size = 0;
  constructor(readonly k: number) {
    this.index = new Int32Array(k);
    this.score = new Float32Array(k);
  }
  /** Offered in increasing `index` order, so an equal score never displaces an earlier row. */
  offer(index: number, score: number) {
    if (this.size === this.k && !(score > this.score[this.k - 1])) return;
    let at = this.size < this.k ? this.size++ : this.k - 1;
    while (at > 0 && score > this.score[at - 1]) {
      this.score[at] = this.score[at - 1];
      this.index[at] = this.index[at - 1];
      at--;
    }
    this.score[at] = score;
    this.index[at] = index;
  }
  list(): Neighbour[] {
    return Array.from({ length: this.size }, (_, i) => ({
      index: this.index[i],
      similarity: this.score[i],
    }));
  }
}

/**
 * The `k` rows of `embeddings` most similar to `query` (both unit-length rows of `dim` floats, see
 * `l2Normalize`), most similar first; equal similarities in row order. `exclude`: a row left out
 * (the query itself when it is in the catalogue). Fewer than `k` when the catalogue is smaller.
 *
 * @throws RangeError for a query of another length, or k < 1
 */
export function nearestNeighbours(
  embeddings: Float32Array,
  dim: number,
  query: Float32Array,
  k: number,
  opts: { exclude?: number } = {},
): Neighbour[] {
  return nearestNeighboursBatch(
    embeddings,
    dim,
    query,
    k,
    opts.exclude === undefined ? {} : {
      exclude: [opts.exclude],
    },
  )[0];
}

/**
 * `nearestNeighbours` for `queries` (`q × dim`, row-major) at once: each catalogue row is read
 * once per block of 16 queries rather than once per query, which is what bounds the speed of a
 * catalogue larger than the CPU's caches (60,000 × 128 floats is 31 MB). `exclude[i]`: a row left
 * out for query i (-1 or absent: none).
 */
export function nearestNeighboursBatch(
  embeddings: Float32Array,
  dim: number,
  queries: Float32Array,
  k: number,
  opts: { exclude?: ArrayLike<number> } = {},
): Neighbour[][] {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be an integer ≥ 1, got ${k}`);
  if (!(dim >= 1) || queries.length % dim || embeddings.length % dim) {
    throw new RangeError(
      `queries (${queries.length} values) and catalogue (${embeddings.length}) are not rows of ${dim}`,
    );
  }
  const count = embeddings.length / dim;
  const q = queries.length / dim;
  const out: Neighbour[][] = [];
  const BLOCK = 16;
  const dots = new Float64Array(BLOCK);
  for (let b0 = 0; b0 < q; b0 += BLOCK) {
    const nb = Math.min(BLOCK, q - b0);
    const tops = Array.from({ length: nb }, () => new TopK(Math.min(k, count)));
    for (let r = 0; r < count; r++) {
      const row = r * dim;
      dots.fill(0, 0, nb);
      for (let j = 0; j < dim; j++) {
        const v = embeddings[row + j];
        if (v === 0) continue; // ReLU features are mostly zero
        for (let i = 0; i < nb; i++) dots[i] += v * queries[(b0 + i) * dim + j];
      }
      for (let i = 0; i < nb; i++) {
        if (opts.exclude && opts.exclude[b0 + i] === r) continue;
        tops[i].offer(r, dots[i]);
      }
    }
    for (const t of tops) out.push(t.list());
  }
  return out;
}

/** Precision at k per class, and over all queries. */
export interface PrecisionAtK {
  k: number;
  /** Mean over the class's queries of (neighbours of the query's class) / k; NaN: no query. */
  perClass: number[];
  /** Queries per class. */
  queries: number[];
  /** Mean over all queries. */
  mean: number;
}

/**
 * Precision at k of retrieval by cosine similarity: for each query, the fraction of its `k`
 * nearest catalogue rows whose label is the query's (Manning et al. 2008, §8.4), averaged per
 * class and over all queries. `progress(done, total)` is called after each block of queries.
 */
export function precisionAtK(
  catalogue: Float32Array,
  catalogueLabels: ArrayLike<number>,
  queries: Float32Array,
  queryLabels: ArrayLike<number>,
  dim: number,
  k: number,
  classes: number,
  progress?: (done: number, total: number) => void,
): PrecisionAtK {
  const q = queries.length / dim;
  const sum = new Float64Array(classes);
  const n = new Array<number>(classes).fill(0);
  const CHUNK = 256;
  let total = 0;
  for (let c0 = 0; c0 < q; c0 += CHUNK) {
    const end = Math.min(q, c0 + CHUNK);
    const found = nearestNeighboursBatch(
      catalogue,
      dim,
      queries.subarray(c0 * dim, end * dim),
      k,
    );
    found.forEach((list, i) => {
      const label = queryLabels[c0 + i];
      const hits = list.filter((nb) => catalogueLabels[nb.index] === label).length;
      sum[label] += hits / k;
      n[label]++;
      total += hits / k;
    });
    progress?.(end, q);
  }
  return {
    k,
    perClass: Array.from(sum, (s, c) => (n[c] ? s / n[c] : NaN)),
    queries: n,
    mean: total / q,
  };
}
