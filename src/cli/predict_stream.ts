/**
 * `predict --csv OUT` and `predict --explain [DIR]`: pictures (or dataset images) read, converted
 * and classified a batch at a time, so thousands of files take the memory of one batch: each
 * batch's pictures are decoded one by one (only their 28×28 and, for --explain, a copy of at most
 * 640 pixels a side are kept), classified in one GPU pass, written as CSV rows and saliency PNGs,
 * and dropped. A picture that cannot be read (damaged, too large, not a picture) becomes a row
 * with its error instead of stopping thousands of others; stderr names it.
 */
import { encodeGrayPng } from "../image/decode.ts";
import { listPictures, type PictureEntry, readPicture, savedName } from "../image/files.ts";
import type { Preprocessed } from "../image/preprocess.ts";
import type { Classifier } from "../baselines/classifier.ts";
import { type Probabilities, probabilitiesOf } from "../explain/probabilities.ts";
import { saliencyMap } from "../explain/saliency.ts";
import { inputSaliencyPng, pictureSaliencyPng, smallGray } from "../explain/render.ts";
import { duration, info } from "../train/progress.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import { StreamingCsv } from "./predict_csv.ts";

/** The CSV's columns, in order. */
export const CSV_HEADER = [
  "file",
  "class",
  "name",
  "confidence",
  "top2",
  "top2_confidence",
  "top3",
  "top3_confidence",
  "note",
  "error",
];

/** Notes and errors named one by one on stderr before only their count is given. */
const NAMED = 10;

export interface StreamOptions {
  classifier: Classifier;
  /** The class number and name of each model output (explain/probabilities.ts outputClasses). */
  outputs: { index: number; name: string }[];
  /** Pictures: their path (a file or a folder). */
  images?: string;
  /** Dataset images instead: count×784 values in [0, 1], named by their index. */
  dataset?: { x: Float32Array; count: number; labels: Uint8Array | null };
  csv?: string;
  explain?: string;
  saveInputs?: string;
  invert: "auto" | "never";
  batchSize: number;
  limit?: number;
  tta: boolean;
  json: boolean;
}

interface Item {
  file: string;
  pre?: Preprocessed;
  small?: ReturnType<typeof smallGray>;
  error?: string;
}

interface Row {
  file: string;
  class: number | null;
  name: string | null;
  confidence: number | null;
  top3: { class: number; name: string; confidence: number }[];
  note: string | null;
  error: string | null;
  saliency?: { input: string; picture: string; probability: number } | null;
}

/**
 * Runs the streaming prediction (see the module comment) and prints its summary: one JSON object
 * with `--json`, else a line per picture (for --explain without --csv) and a total.
 */
export async function streamPredict(o: StreamOptions): Promise<void> {
  const probs = probabilitiesOf(o.classifier, { batchSize: o.batchSize, tta: o.tta });
  if (o.explain !== undefined && !probs) {
    throw new UserError(
      `predict: --explain needs a network (its probabilities); ${o.classifier.name} gives a class only`,
      2,
    );
  }
  let entries: PictureEntry[] = [];
  let skipped: string[] = [];
  if (o.images !== undefined) {
    ({ entries, skipped } = await listPictures(o.images));
    if (o.limit !== undefined) entries = entries.slice(0, o.limit);
    if (skipped.length) {
      info(`${o.images}: left out ${skipped.length} file(s) that are not pictures`);
    }
    if (o.csv) {
      const out = await Deno.realPath(o.csv).catch(() => null);
      if (out && entries.some((e) => e.path === out)) {
        throw new UserError(
          `predict: --csv ${o.csv} is one of the pictures; choose another name`,
          2,
        );
      }
    }
  }
  const total = o.dataset ? Math.min(o.dataset.count, o.limit ?? Infinity) : entries.length;
  const csv = o.csv ? await StreamingCsv.create(o.csv, CSV_HEADER) : null;
  const rows: Row[] = [];
  const used = new Set<string>();
  const usedExplain = new Set<string>();
  let notes = 0, errors = 0, done = 0;
  const start = performance.now();
  let lastProgress = start;
  try {
    for (let at = 0; at < total; at += o.batchSize) {
      const n = Math.min(o.batchSize, total - at);
      const items: Item[] = [];
      const pixels = new Float32Array(n * 784);
      for (let k = 0; k < n; k++) {
        if (o.dataset) {
          items.push({ file: String(at + k) });
          pixels.set(o.dataset.x.subarray((at + k) * 784, (at + k + 1) * 784), k * 784);
          continue;
        }
        const entry = entries[at + k];
        try {
          const r = await readPicture(entry, {
            invert: o.invert,
            keepImage: o.explain !== undefined,
          });
          items.push({ file: r.file, pre: r.preprocessed, small: r.image && smallGray(r.image) });
          for (let j = 0; j < 784; j++) pixels[k * 784 + j] = r.preprocessed.pixels[j] / 255;
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          items.push({ file: entry.file, error: e.message });
        }
      }
      // Pictures that could not be read are classified as blanks and not reported.
      const batchRows = await classify(o, probs?.fn ?? null, items, pixels, n);
      for (const [k, row] of batchRows.entries()) {
        const item = items[k];
        if (row.error) {
          if (errors++ < NAMED) {
            info(`warning: ${row.error}; listed with its error, not classified`);
          }
        } else if (row.note) {
          if (notes++ < NAMED) info(`warning: ${row.file}: ${row.note}`);
        }
        if (o.saveInputs && item.pre) {
          const saved = savedName(o.saveInputs, item.file, used);
          await writeFileAtomic(saved, encodeGrayPng(item.pre.pixels, 28, 28));
        }
        if (o.explain !== undefined && item.pre && probs) {
          row.saliency = await explainOne(o.explain, item, probs.fn, usedExplain);
        }
        await csv?.row([
          row.file,
          row.class,
          row.name,
          row.confidence === null ? null : row.confidence.toFixed(4),
          row.top3[1]?.name,
          row.top3[1]?.confidence.toFixed(4),
          row.top3[2]?.name,
          row.top3[2]?.confidence.toFixed(4),
          row.note,
          row.error,
        ]);
        if (!csv || o.json) rows.push(row);
      }
      done += n;
      const now = performance.now();
      if (done < total && now - lastProgress > 2000) {
        lastProgress = now;
        const rate = done / ((now - start) / 1000);
        info(
          `predict: ${done.toLocaleString("en")}/${total.toLocaleString("en")} ` +
            `(${rate.toFixed(1)}/s, ETA ${duration((total - done) / rate)})`,
        );
      }
    }
    await csv?.commit();
  } catch (e) {
    csv?.abortSync();
    throw e;
  }
  const seconds = (performance.now() - start) / 1000;
  if (notes > NAMED) info(`${notes} pictures had a preprocessing note (the note column)`);
  if (errors > NAMED) info(`${errors} pictures could not be read (the error column)`);
  if (o.json) {
    console.log(JSON.stringify({
      images: o.images ?? "dataset",
      count: total,
      csv: o.csv ?? null,
      explain: o.explain ?? null,
      notes,
      errors,
      skipped,
      seconds,
      imagesPerSecond: total / seconds,
      // With --csv the rows are in the file; the summary is enough here.
      ...(o.csv ? {} : { pictures: rows }),
    }));
    return;
  }
  if (!o.csv) {
    for (const r of rows) {
      console.log(
        r.error ? `${r.file}  error: ${r.error}` : `${r.file}  ${r.name} ${pct(r.confidence)}` +
          (r.saliency ? `  saliency: ${r.saliency.picture}` : ""),
      );
    }
  }
  console.log(
    `${total.toLocaleString("en")} ${o.dataset ? "images" : "pictures"} predicted in ` +
      `${duration(seconds)} (${(total / seconds).toFixed(1)}/s)` +
      (o.csv ? `; wrote ${o.csv}` : "") +
      (o.explain !== undefined ? `; saliency maps in ${o.explain}` : "") +
      (notes ? `; ${notes} with a preprocessing note` : "") +
      (errors ? `; ${errors} could not be read` : ""),
  );
}

function pct(p: number | null): string {
  return p === null ? "" : `${(p * 100).toFixed(1)}%`;
}

/** Rows for a batch: top 3 from the probabilities, or the class alone for a baseline. */
async function classify(
  o: StreamOptions,
  probs: Probabilities | null,
  items: Item[],
  x: Float32Array,
  n: number,
): Promise<Row[]> {
  const k = o.outputs.length;
  let p: Float32Array | null = null;
  let classes: Uint8Array | null = null;
  if (probs) p = await probs(x, n);
  else classes = await o.classifier.predict(x, n, { batchSize: o.batchSize, tta: o.tta });
  return items.map((item, i): Row => {
    const base = { file: item.file, note: item.pre?.note ?? null, error: item.error ?? null };
    if (item.error) return { ...base, class: null, name: null, confidence: null, top3: [] };
    if (!p) {
      // A baseline answers a class (already in Fashion-MNIST's numbering): no confidence.
      const c = classes![i];
      const name = o.outputs.find((out) => out.index === c)?.name ?? `class ${c}`;
      return { ...base, class: c, name, confidence: null, top3: [] };
    }
    const row = p.subarray(i * k, (i + 1) * k);
    const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => row[b] - row[a] || a - b);
    const top3 = order.slice(0, 3).map((j) => ({
      class: o.outputs[j].index,
      name: o.outputs[j].name,
      confidence: row[j],
    }));
    return {
      ...base,
      class: top3[0].class,
      name: top3[0].name,
      confidence: top3[0].confidence,
      top3,
    };
  });
}

/** Writes a picture's two saliency PNGs into `dir`; returns their paths. */
async function explainOne(
  dir: string,
  item: Item,
  probs: Probabilities,
  used: Set<string>,
) {
  const pre = item.pre!;
  const s = await saliencyMap(pre.pixels, async (bytes, count) => {
    const x = Float32Array.from(bytes, (v) => v / 255);
    const out = await probs(x, count);
    const k = out.length / count;
    return Array.from({ length: count }, (_, i) => out.subarray(i * k, (i + 1) * k));
  });
  const stem = savedName(dir, item.file, used, "");
  const input = `${stem}.saliency-28x28.png`;
  const picture = `${stem}.saliency.png`;
  await writeFileAtomic(input, inputSaliencyPng(pre, s));
  await writeFileAtomic(picture, pictureSaliencyPng(item.small!, pre, s));
  return { input, picture, probability: s.probability };
}
