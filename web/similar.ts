/// <reference lib="dom" />
/**
 * Similar items under the Predict tab's answer: the 8 catalogue images nearest the picture by the
 * model's penultimate-layer embedding, by cosine similarity, as `deno task similar` finds them
 * (src/catalog/, docs/catalogue.md).
 *
 * The catalogue is 200 images of each class drawn from the 10,000 test images that
 * `deno task serve` serves at /data/ (`stratifiedSplit` with seed 1: 2,000 images), because
 * embedding all 60,000 training images takes minutes on a software adapter. Its embeddings are
 * computed on the page's GPU after an answer is shown, in chunks of `CHUNK` images, so that a
 * prediction asked for meanwhile waits for one chunk at most, and only while the Predict tab is
 * shown; they are kept per model for the session (another model computes its own). Without the
 * dataset the section says so in one line.
 */
import { CLASS_NAMES, type LoadedModel, retire } from "./engine.ts";
import { paintGray } from "./render.ts";
import { computeEmbeddings, embeddingSize } from "../src/catalog/embeddings.ts";
import { nearestNeighbours } from "../src/catalog/neighbours.ts";
import { stratifiedSplit } from "../src/data/split.ts";
import type { Sequential } from "../src/nn/model.ts";

/** Neighbours shown per picture. */
export const SIMILAR_K = 8;
/** The share of each class of the test set in the catalogue (200 of its 1,000 images). */
const CATALOGUE_FRACTION = 0.2;
const CATALOGUE_SEED = 1;
/** Catalogue images embedded per GPU pass (a prediction asked for meanwhile waits for one). */
const CHUNK = 20;
const SIDE = 28;

/** What the section shows, for people and for tests (`workbench.similar()`). */
export interface SimilarState {
  /**
   * hidden: no section (no model yet, or one without an embedding: an int8 model);
   * unavailable: the dataset is not served; embedding: the catalogue's embeddings are being
   * computed; searching: the picture's; ready: the neighbours are shown; failed: see `note`.
   */
  status: "hidden" | "unavailable" | "embedding" | "searching" | "ready" | "failed";
  /** The one line the section shows instead of neighbours (why not, or what is under way). */
  note: string | null;
  /** Catalogue images embedded so far, of `total`, for the model shown. */
  done: number;
  total: number;
  /** The catalogue's test-set indices (ascending), once loaded. */
  catalogue: number[] | null;
  /** Milliseconds the model's catalogue embeddings took, pauses left out (null until done). */
  catalogueMs: number | null;
  /** Milliseconds from the catalogue's embeddings being ready to the neighbours drawn. */
  searchMs: number | null;
  /** The picture the neighbours are for. */
  picture: string | null;
  /** Most similar first: the test-set index, the class and the cosine similarity. */
  neighbours: { testIndex: number; label: number; className: string; similarity: number }[];
}

export const similarState: SimilarState = {
  status: "hidden",
  note: null,
  done: 0,
  total: 0,
  catalogue: null,
  catalogueMs: null,
  searchMs: null,
  picture: null,
  neighbours: [],
};

/** The catalogue's pixels and labels, as served. */
interface CatalogueData {
  /** Test-set indices, ascending. */
  indices: Uint32Array;
  /** indices.length × 784 bytes, 0 = background. */
  images: Uint8Array;
  labels: Uint8Array;
  /** "200 per class", or the counts when classes differ. */
  perClass: string;
}

/** A model's embeddings of the catalogue: rows of `dim` floats, unit length. */
interface Embedded {
  dim: number;
  embeddings: Float32Array;
  ms: number;
}

/** The dataset is not served: the reason, shown as the section's note. */
class Unavailable extends Error {}
/** The model is no longer the one shown: its computation stopped. */
class Superseded extends Error {}

let data: Promise<CatalogueData> | null = null;
const embedded = new WeakMap<LoadedModel, Promise<Embedded>>();
/** The model whose neighbours are wanted now; another one's computation stops at its next chunk. */
let wanted: LoadedModel | null = null;
/** Bumped for each picture: only the latest one's neighbours are drawn. */
let token = 0;

/** The catalogue's data, fetched once (again after a failure). */
function catalogueData(): Promise<CatalogueData> {
  data ??= (async () => {
    const get = async (name: string) => {
      const r = await fetch(new URL(`data/${name}`, location.href));
      if (!r.ok) {
        const body = await r.json().catch(() => ({ error: `${r.status} ${r.statusText}` }));
        const why = String(body.error);
        throw new Unavailable(
          `No similar images: they need the test images, which deno task serve could not load ` +
            `(${why.length > 400 ? why.slice(0, 399) + "…" : why}).`,
        );
      }
      return new Uint8Array(await r.arrayBuffer());
    };
    const [labels, images] = await Promise.all([get("test-labels.u8"), get("test-images.u8")]);
    if (
      labels.length === 0 || images.length !== labels.length * SIDE * SIDE ||
      labels.some((l) => l >= CLASS_NAMES.length)
    ) {
      throw new Unavailable(
        `Similar images need 28×28 test images with ${CLASS_NAMES.length} classes; the served ` +
          `ones are ${images.length} bytes for ${labels.length} labels.`,
      );
    }
    const indices = stratifiedSplit(labels, CATALOGUE_FRACTION, CATALOGUE_SEED).val;
    const own = new Uint8Array(indices.length * SIDE * SIDE);
    indices.forEach((t, i) => own.set(images.subarray(t * 784, (t + 1) * 784), i * 784));
    const ownLabels = Uint8Array.from(indices, (t) => labels[t]);
    const counts = CLASS_NAMES.map((_, c) => ownLabels.filter((l) => l === c).length);
    const perClass = counts.every((n) => n === counts[0])
      ? `${counts[0]} per class`
      : `${counts.join(", ")} of the classes`;
    return { indices, images: own, labels: ownLabels, perClass };
  })();
  data.catch(() => data = null);
  return data;
}

/**
 * Runs `fn` with `loaded` counted busy, as `classify` does, so that a model the page lets go
 * meanwhile is freed only after it (`retire` frees it once nothing uses it).
 */
async function using<T>(loaded: LoadedModel, fn: (model: Sequential) => Promise<T>): Promise<T> {
  if (loaded.retired || !loaded.model) throw new Superseded();
  loaded.busy = (loaded.busy ?? 0) + 1;
  try {
    return await fn(loaded.model);
  } finally {
    if (--loaded.busy === 0 && loaded.retired) retire(loaded);
  }
}

/** The catalogue's embeddings by `loaded`, computed once per model (again if stopped). */
function embeddingsOf(loaded: LoadedModel, dim: number): Promise<Embedded> {
  let p = embedded.get(loaded);
  if (!p) {
    p = (async () => {
      const d = await catalogueData();
      const n = d.indices.length;
      const out = new Float32Array(n * dim);
      const started = performance.now();
      let paused = 0;
      for (let at = 0; at < n; at += CHUNK) {
        // Paused while the Predict tab is hidden: a run in the Train tab has the GPU to itself.
        const waiting = performance.now();
        while (wanted === loaded && document.getElementById("predict")?.hidden) {
          await new Promise((r) => setTimeout(r, 250));
        }
        paused += performance.now() - waiting;
        if (wanted !== loaded) throw new Superseded();
        progress(loaded, at, n);
        const m = Math.min(CHUNK, n - at);
        const rows = await using(
          loaded,
          (model) =>
            computeEmbeddings(model, d.images.subarray(at * 784, (at + m) * 784), m, {
              batchSize: m,
            }),
        );
        out.set(rows, at * dim);
      }
      progress(loaded, n, n);
      return { dim, embeddings: out, ms: performance.now() - started - paused };
    })();
    embedded.set(loaded, p);
    p.catch(() => embedded.delete(loaded));
  }
  return p;
}

function progress(loaded: LoadedModel, done: number, total: number) {
  if (loaded !== wanted) return;
  similarState.done = done;
  similarState.total = total;
  if (similarState.status !== "embedding") return;
  const pct = total ? Math.round(done / total * 100) : 0;
  setStatus(
    `Embedding ${total.toLocaleString("en")} catalogue images with this model: ` +
      `${done.toLocaleString("en")} done…`,
    true,
  );
  const bar = part("bar");
  bar.hidden = false;
  bar.setAttribute("aria-valuenow", String(pct));
  (bar.firstElementChild as HTMLElement).style.width = `${pct}%`;
}

/** The embedding length of `loaded`'s penultimate layer, or null when it has none. */
function dimOf(loaded: LoadedModel): number | null {
  if (!loaded.model) return null; // an int8 model: its activations stay inside its own pass
  try {
    return embeddingSize(loaded.model);
  } catch {
    return null;
  }
}

/**
 * Shows the catalogue images most like `pixels` (784 bytes, the 28×28 the model saw, 0 =
 * background) by `loaded`, under the answer; call it after each answer is shown. Computes the
 * model's catalogue embeddings first if it has none yet (progress shown meanwhile). Never throws:
 * a failure is the section's one line.
 */
export async function showSimilar(loaded: LoadedModel, picture: string, pixels: Uint8Array) {
  const mine = ++token;
  wanted = loaded;
  const section = ensureSection();
  const dim = dimOf(loaded);
  similarState.picture = picture;
  similarState.neighbours = [];
  if (dim === null) {
    section.hidden = true;
    similarState.status = "hidden";
    similarState.note = null;
    return;
  }
  section.hidden = false;
  part("list").setAttribute("aria-busy", "true");
  similarState.status = "embedding";
  similarState.catalogueMs = null;
  similarState.searchMs = null;
  setStatus("Loading the catalogue of test images…", true);
  try {
    const cat = await embeddingsOf(loaded, dim);
    similarState.catalogue ??= Array.from((await catalogueData()).indices);
    if (mine !== token) return;
    similarState.catalogueMs = cat.ms;
    similarState.status = "searching";
    const searching = performance.now();
    part("bar").hidden = true;
    setStatus(`Finding the ${SIMILAR_K} nearest…`, true);
    const d = await catalogueData();
    const query = await using(loaded, (model) => computeEmbeddings(model, pixels, 1));
    if (mine !== token) return;
    const found = nearestNeighbours(cat.embeddings, dim, query, SIMILAR_K);
    similarState.neighbours = found.map((nb) => ({
      testIndex: d.indices[nb.index],
      label: d.labels[nb.index],
      className: CLASS_NAMES[d.labels[nb.index]],
      similarity: nb.similarity,
    }));
    draw(d, found);
    similarState.searchMs = performance.now() - searching;
    similarState.status = "ready";
    setStatus(
      `The ${SIMILAR_K} most similar of ${
        d.indices.length.toLocaleString("en")
      } test images (${d.perClass}), by the model's penultimate layer (${dim} values; cosine ` +
        `similarity, 1 = the same direction).`,
      false,
    );
  } catch (e) {
    if (mine !== token || e instanceof Superseded) return;
    part("bar").hidden = true;
    part("list").replaceChildren();
    if (e instanceof Unavailable) {
      similarState.status = "unavailable";
      setStatus(e.message, false);
    } else {
      console.error(e);
      similarState.status = "failed";
      setStatus(`Similar images could not be found: ${e instanceof Error ? e.message : e}.`, false);
    }
  } finally {
    if (mine === token) part("list").setAttribute("aria-busy", "false");
  }
}

function setStatus(text: string, busy: boolean) {
  similarState.note = text;
  const line = part("status");
  line.textContent = text;
  line.classList.toggle("loading", busy);
}

function draw(d: CatalogueData, found: { index: number; similarity: number }[]) {
  part("list").replaceChildren(...found.map((nb) => {
    const t = d.indices[nb.index];
    const name = CLASS_NAMES[d.labels[nb.index]];
    const li = document.createElement("li");
    const canvas = document.createElement("canvas");
    canvas.className = "pixelated";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `test image ${t}`);
    paintGray(canvas, d.images.subarray(nb.index * 784, (nb.index + 1) * 784), SIDE, SIDE);
    const label = document.createElement("span");
    label.textContent = name;
    const sim = document.createElement("span");
    sim.className = "sim";
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = "similarity ";
    sim.append(hidden, nb.similarity.toFixed(3));
    li.append(canvas, label, sim);
    li.title = `test image ${t}: ${name}, cosine similarity ${nb.similarity.toFixed(4)}`;
    return li;
  }));
}

/** An element of the section by its role in it. */
function part(which: "status" | "bar" | "list"): HTMLElement {
  return document.getElementById(`similar-${which}`)!;
}

/** The section, made under the answer the first time it is needed. */
function ensureSection(): HTMLElement {
  const existing = document.getElementById("similar");
  if (existing) return existing;
  const section = document.createElement("div");
  section.id = "similar";
  section.setAttribute("aria-labelledby", "similar-title");
  section.setAttribute("role", "region");
  section.innerHTML = `<h3 id="similar-title">Similar test images</h3>
    <p id="similar-status" class="hint"></p>
    <div class="progress" role="progressbar" aria-label="catalogue images embedded"
      id="similar-bar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0" hidden><span></span></div>
    <ol id="similar-list" aria-label="the ${SIMILAR_K} most similar test images, most similar first"></ol>`;
  document.getElementById("answer")!.after(section);
  return section;
}
