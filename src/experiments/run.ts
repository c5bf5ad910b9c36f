// The three experiments end to end: models in, results/experiments/*.json and figures out.
// `deno task experiments` (src/cli/experiments.ts) parses flags and calls these.
import { isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CLASS_NAMES, type Dataset } from "../data/dataset.ts";
import { loadSavedModels, type SavedModel } from "../report/build.ts";
import { runInfos, trainingSummary } from "../report/runs.ts";
import { writeChart } from "../report/vega.ts";
import { NetworkClassifier } from "../baselines/network.ts";
import { loadSavedModel } from "../baselines/saved.ts";
import { createModel, defaultTrainImages } from "../baselines/run.ts";
import { stratifiedSample } from "../baselines/common.ts";
import { endStep, Tensor } from "../autograd/tensor.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import { readJsonOrNull } from "../util/fs.ts";
import type { Classifier } from "../baselines/classifier.ts";
import { permuteSplits } from "./permutation.ts";
import { translationAccuracies, type TranslationRow } from "./translation.ts";
import { firstOfEachClass, occlusionMap, softmaxRows } from "./occlusion.ts";
import { ensureTrained, isFinished, readConfig } from "./training.ts";
import { occlusionFigure, permutationChart, translationChart } from "./figures.ts";
import type {
  LeftOut,
  OcclusionImage,
  OcclusionResult,
  PermutationModel,
  PermutationResult,
  Provenance,
  TranslationModel,
  TranslationResult,
} from "./results.ts";

export interface ExperimentContext {
  /** The comparison's saved models (one folder each). */
  modelsDir: string;
  /** Where the experiments' own models are trained and kept. */
  trainDir: string;
  /** Where the results and figures go (results/experiments). */
  outDir: string;
  train: Dataset;
  test: Dataset;
  adapter: { description: string; backend?: string };
  dataDir?: string;
  /** False: use only models already trained, leave the others out (said in the results). */
  allowTraining: boolean;
  quiet?: boolean;
  log: (line: string) => void;
}

type Json = Record<string, unknown>;

/** The comparison models, each with its run information; refuses an empty folder. */
export async function loadComparison(ctx: Pick<ExperimentContext, "modelsDir" | "log">) {
  const { models, skipped } = await loadSavedModels(ctx.modelsDir);
  for (const s of skipped) ctx.log(`skipped ${s.dir}: ${s.reason}`);
  if (!models.length) {
    throw new UserError(
      `no models in ${ctx.modelsDir}: train the comparison first ("deno task train", ` +
        `"deno task baselines") or point --models at the folder that has them`,
    );
  }
  const runs = runInfos(
    models.map((m) => ({
      model: m.name,
      config: m.config,
      trainImages: Number(m.config.trainImages ?? (m.config.data as Json)?.train ?? 0),
    })),
    (name) => {
      try {
        return defaultTrainImages(name);
      } catch {
        return undefined;
      }
    },
  );
  return models.map((m, i) => ({ ...m, run: runs[i] }));
}

type Comparison = Awaited<ReturnType<typeof loadComparison>>[number];

function provenance(ctx: ExperimentContext, settings: Json): Provenance {
  return {
    createdAt: new Date().toISOString(),
    adapter: { description: ctx.adapter.description, backend: ctx.adapter.backend },
    deno: Deno.version.deno,
    settings,
  };
}

/** Pixels in [0, 1], the form `Classifier.predict` takes. */
function toFloat(images: Uint8Array): Float32Array {
  const x = new Float32Array(images.length);
  for (let i = 0; i < x.length; i++) x[i] = images[i] / 255;
  return x;
}

async function accuracyOf(c: Classifier, ds: Dataset): Promise<number> {
  const predictions = await c.predict(toFloat(ds.images), ds.count);
  let hits = 0;
  for (let i = 0; i < ds.count; i++) if (predictions[i] === ds.labels[i]) hits++;
  return hits / ds.count;
}

/** A `deno task train` run: its config.json has the settings the train CLI records. */
function isTrainRun(m: SavedModel): boolean {
  const hp = (m.config.hyperParameters ?? {}) as Json;
  return m.config.kind === "network" && typeof hp.schedule === "string";
}

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const signed = (d: number) => `${d >= 0 ? "+" : ""}${(d * 100).toFixed(2)}`;

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** A folder as the results show it: relative to the project when inside it (no user's home). */
function shown(dir: string): string {
  const r = relative(ROOT, dir);
  return r && !r.startsWith("..") && !isAbsolute(r) ? r : dir;
}

/**
 * A short SHA-256 of a saved model's config.json and the sizes of the files beside it: changes
 * when the model is retrained or replaced, so results measured on it can be reused until then.
 */
export async function modelFingerprint(dir: string): Promise<string> {
  const parts = [await Deno.readTextFile(join(dir, "config.json"))];
  const files = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name !== "config.json")
    .map((e) => e.name).sort();
  for (const f of files) parts.push(`${f} ${Deno.statSync(join(dir, f)).size}`);
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\n")));
  return [...new Uint8Array(hash).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// --------------------------------------------------------------------------------------------
// Translation

/**
 * Every comparison model, and the reference CNN retrained with shift augmentation, on the test
 * images shifted 0..maxShift pixels right, down and diagonally. The augmented CNN is the
 * comparison's `cnn` recipe (same seed, epochs, schedule) with `--augment shift=augmentShift`
 * added, trained into trainDir/cnn-shift<N> unless it is there already.
 */
export async function runTranslation(
  ctx: ExperimentContext,
  opts: { maxShift: number; augmentShift: number },
): Promise<TranslationResult> {
  const comparison = await loadComparison(ctx);
  const leftOut: LeftOut[] = [];
  const entries: { name: string; classifier: Classifier; model: TranslationModel }[] = [];
  for (const m of comparison) {
    entries.push({
      name: m.name,
      classifier: m.classifier,
      model: {
        model: m.name,
        family: m.run.family,
        augment: String((m.config.hyperParameters as Json)?.augment ?? "none"),
        note: m.run.note,
        fingerprint: await modelFingerprint(m.dir),
      },
    });
  }
  const cnn = comparison.find((m) => m.name === "cnn");
  const shiftName = `cnn-shift${opts.augmentShift}`;
  if (!cnn || !isTrainRun(cnn)) {
    leftOut.push({
      model: shiftName,
      reason: `no "cnn" from deno task train in ${shown(ctx.modelsDir)}`,
    });
  } else {
    const dir = join(ctx.trainDir, shiftName);
    const hp = cnn.config.hyperParameters as Json;
    const settings = { ...hp, augment: `shift=${opts.augmentShift}` };
    if (hp.augment !== "none" && hp.augment !== undefined) {
      throw new UserError(
        `${cnn.dir} was trained with augmentation (${hp.augment}); the translation experiment ` +
          `compares the reference cnn without augmentation against it with shifts`,
      );
    }
    if (ctx.allowTraining || await isFinished(dir)) {
      const config = await ensureTrained(dir, settings, {
        dataDir: ctx.dataDir,
        quiet: ctx.quiet,
        log: ctx.log,
      });
      entries.push({
        name: shiftName,
        classifier: await NetworkClassifier.load(dir),
        model: {
          model: shiftName,
          family: "images",
          augment: settings.augment,
          note: null,
          trainSeconds: Number((config.timings as Json)?.trainSeconds ?? NaN),
          fingerprint: await modelFingerprint(dir),
        },
      });
    } else {
      leftOut.push({
        model: shiftName,
        reason: `not trained yet (${shown(dir)}); run without --no-train to train it`,
      });
    }
  }
  const settings = {
    maxShift: opts.maxShift,
    directions: ["right", "down", "diagonal"],
    fill: 0,
    augmentShift: opts.augmentShift,
    testImages: ctx.test.count,
  };
  // Rows of an earlier run with the same settings, for models that have not changed since.
  const path = join(ctx.outDir, "translation.json");
  const earlier = readJsonOrNull<TranslationResult>(path);
  const reusable = earlier?.kind === "translation" &&
      JSON.stringify(earlier.settings) === JSON.stringify(settings)
    ? earlier
    : null;
  const result = (measured: typeof entries, rows: TranslationRow[]): TranslationResult => ({
    kind: "translation",
    ...provenance(ctx, settings),
    maxShift: opts.maxShift,
    models: measured.map((e) => e.model),
    rows,
    leftOut,
  });
  const rows: TranslationRow[] = [];
  for (const [i, e] of entries.entries()) {
    const old = reusable?.models.find((m) =>
      m.model === e.name && m.fingerprint && m.fingerprint === e.model.fingerprint
    );
    if (old) {
      rows.push(...reusable!.rows.filter((r) => r.model === e.name));
      ctx.log(`translation ${e.name}: unchanged since ${reusable!.createdAt}, rows reused`);
      continue;
    }
    const start = performance.now();
    rows.push(
      ...await translationAccuracies(
        e.name,
        (x, n) => e.classifier.predict(x, n),
        ctx.test,
        opts.maxShift,
        (t, a) => ctx.log(`  ${e.name}: ${t.direction} ${t.pixels} px ${percent(a)}`),
      ),
    );
    const mine = rows.filter((r) => r.model === e.name && r.direction === "diagonal");
    ctx.log(
      `translation ${e.name}: ${
        mine.map((r) => `${r.pixels} px ${percent(r.accuracy)}`).join(", ")
      }` +
        ` (diagonal; ${((performance.now() - start) / 1000).toFixed(0)} s)`,
    );
    // After every model: an interrupted run keeps what it measured, and its rerun reuses it.
    await writeJsonAtomic(path, result(entries.slice(0, i + 1), rows));
  }
  const final = result(entries, rows);
  await writeJsonAtomic(path, final);
  await writeChart(ctx.outDir, "translation", translationChart(rows, final));
  // The question the augmented CNN answers, alone: the same network with and without shifts in
  // training, against the best flattened-pixel model.
  const focus = focusModels(final);
  await writeChart(
    ctx.outDir,
    "translation_cnn",
    translationChart(
      rows.filter((r) => focus.includes(r.model)),
      final,
      `Translation: ${focus.join(", ")}`,
    ),
  );
  return final;
}

/** The reference cnn, its shift-augmented twin and the best flattened-pixel model (unshifted). */
export function focusModels(r: Pick<TranslationResult, "models" | "rows">): string[] {
  const at0 = (m: string) => r.rows.find((x) => x.model === m && x.pixels === 0)?.accuracy ?? 0;
  const pixels = r.models.filter((m) => m.family === "pixels" && !m.note)
    .sort((a, b) => at0(b.model) - at0(a.model));
  return [
    ...r.models.filter((m) => m.model === "cnn" || /^cnn-shift\d+$/.test(m.model)).map((m) =>
      m.model
    ),
    ...pixels.slice(0, 1).map((m) => m.model),
  ];
}

// --------------------------------------------------------------------------------------------
// Pixel permutation

/** The models retrained on permuted pixels unless --permutation-models says otherwise. */
export const PERMUTATION_MODELS = [
  "cnn",
  "mlp",
  "softmax",
  "linear-svm",
  "logistic-regression",
  "svm-rbf",
  "svm-rbf-ovr",
  "random-forest",
  "histogram-forest",
];

/** What a baseline retrained on permuted pixels records beside its own files. */
interface PermutedMarker {
  seed: number;
  trainImages: number;
  trainSeconds: number;
}
const MARKER = "permutation.json";

/**
 * Retrains each model of `models` on images whose pixels are permuted by one fixed permutation
 * (seed `seed`), with the recipe and training size of its comparison run, and tests it on the
 * test images permuted the same way. Networks of `deno task train` are retrained by it
 * (`--permute-pixels`), the others (baselines, GPU linear models) here; each goes to
 * trainDir/permuted/<name>, where a finished one is reused.
 */
export async function runPermutation(
  ctx: ExperimentContext,
  opts: { seed: number; models: string[] },
): Promise<PermutationResult> {
  const comparison = await loadComparison(ctx);
  const unknown = opts.models.filter((n) => !comparison.some((m) => m.name === n));
  if (unknown.length) {
    throw new UserError(
      `--permutation-models: ${unknown.join(", ")} not in ${ctx.modelsDir} (it has ${
        comparison.map((m) => m.name).join(", ")
      })`,
    );
  }
  const { train, test } = permuteSplits(ctx, opts.seed);
  const leftOut: LeftOut[] = comparison.filter((m) => !opts.models.includes(m.name)).map((m) => ({
    model: m.name,
    reason: leftOutReason(m),
  }));
  const rows: PermutationModel[] = [];
  for (const name of opts.models) {
    const m = comparison.find((c) => c.name === name)!;
    const dir = join(ctx.trainDir, "permuted", name);
    const original = await accuracyOf(m.classifier, ctx.test);
    const originalOnPermuted = await accuracyOf(m.classifier, test);
    let permuted: Classifier | null = null;
    let seconds: number | null = null;
    let trainImages: number;
    if (isTrainRun(m)) {
      const settings = { ...(m.config.hyperParameters as Json), permutePixels: opts.seed };
      trainImages = Number((m.config.data as Json)?.train ?? 0);
      if (ctx.allowTraining || await isFinished(dir)) {
        const config = await ensureTrained(dir, settings, {
          dataDir: ctx.dataDir,
          quiet: ctx.quiet,
          log: ctx.log,
        });
        permuted = await NetworkClassifier.load(dir);
        seconds = Number((config.timings as Json)?.trainSeconds ?? NaN);
      }
    } else {
      trainImages = Number(m.config.trainImages ?? defaultTrainImages(name));
      const seed = Number((m.config.hyperParameters as Json)?.seed ?? 1);
      const marker = readJsonOrNull<PermutedMarker>(join(dir, MARKER));
      if (marker?.seed === opts.seed && marker.trainImages === trainImages) {
        permuted = await loadSavedModel(dir, (await readConfig(dir)) ?? {});
        seconds = marker.trainSeconds;
      } else if (ctx.allowTraining) {
        ctx.log(`permutation: training ${name} on ${trainImages} permuted images ...`);
        const model = createModel(name, seed);
        const sample = stratifiedSample(train, trainImages, seed);
        const start = performance.now();
        await model.fit(sample.x, sample.y, sample.n, {
          onProgress: (done, total) => ctx.log(`  ${name}: ${done}/${total}`),
        });
        seconds = (performance.now() - start) / 1000;
        await model.save(dir);
        await writeJsonAtomic(join(dir, MARKER), {
          seed: opts.seed,
          trainImages,
          trainSeconds: seconds,
        });
        permuted = model;
      }
    }
    if (!permuted) {
      leftOut.push({ model: name, reason: `not trained on permuted pixels yet (${shown(dir)})` });
      continue;
    }
    const row: PermutationModel = {
      model: name,
      family: m.run.family,
      trainImages,
      recipe: trainingSummary(m.config, m.history).recipe,
      original,
      permuted: await accuracyOf(permuted, test),
      originalOnPermuted,
      permutedTrainSeconds: seconds,
      permutedDir: shown(dir),
    };
    ctx.log(
      `permutation ${name}: original ${percent(row.original)}, retrained on permuted pixels ` +
        `${percent(row.permuted)} (${signed(row.permuted - row.original)} points); ` +
        `not retrained ${percent(row.originalOnPermuted)}`,
    );
    rows.push(row);
  }
  const result: PermutationResult = {
    kind: "permutation",
    ...provenance(ctx, { seed: opts.seed, testImages: ctx.test.count }),
    seed: opts.seed,
    models: rows,
    leftOut,
  };
  await writeJsonAtomic(join(ctx.outDir, "permutation.json"), result);
  if (rows.length) {
    await writeChart(ctx.outDir, "permutation", permutationChart(rows, result));
  }
  return result;
}

function leftOutReason(m: Comparison): string {
  const hp = (m.config.hyperParameters ?? {}) as Json;
  if (m.run.family === "pixels") return "not in --permutation-models";
  if (m.name !== "cnn" && hp.model === "cnn") {
    return "the reference cnn's network with a longer recipe: the cnn row is that network";
  }
  return "convolutional networks left out to save hours of training on 2 cores; the reference " +
    "cnn, retrained, stands for them";
}

// --------------------------------------------------------------------------------------------
// Occlusion sensitivity

/**
 * Occlusion-sensitivity maps (occlusion.ts) of the network `model` for the first `perClass` test
 * images of every class, drawn beside the weight maps of the linear model `linear` (a network of
 * one dense layer, e.g. softmax).
 */
export async function runOcclusion(
  ctx: ExperimentContext,
  opts: { model: string; linear: string; perClass: number; patch: number; stride: number },
): Promise<OcclusionResult> {
  const comparison = await loadComparison(ctx);
  const network = (name: string, what: string) => {
    const m = comparison.find((c) => c.name === name);
    if (!m || !(m.classifier instanceof NetworkClassifier)) {
      throw new UserError(`occlusion: no network "${name}" (${what}) in ${ctx.modelsDir}`);
    }
    return m.classifier;
  };
  const net = network(opts.model, "the network mapped");
  const linear = network(opts.linear, "the linear model");
  const dense = linear.model.params().filter((p) => p.name.endsWith("dense.weight"));
  if (dense.length !== 1 || dense[0].value.shape.join() !== `784,${CLASS_NAMES.length}`) {
    throw new UserError(`occlusion: ${opts.linear} is not a linear model (one 784×10 dense layer)`);
  }
  const weights = await dense[0].value.read();
  const model = net.model;
  const [h, w, c] = model.architecture.input;
  const classes = model.architecture.classes;
  const batch = Math.min(256, model.maxBatch());
  const probabilities = async (x: Float32Array, n: number) => {
    const out = new Float32Array(n * classes);
    for (let at = 0; at < n; at += batch) {
      const size = Math.min(batch, n - at);
      const t = Tensor.from(x.slice(at * h * w * c, (at + size) * h * w * c), [size, h, w, c]);
      const logits = await model.predict(t).read();
      endStep();
      out.set(logits, at * classes);
    }
    return softmaxRows(out, classes);
  };
  const picks = firstOfEachClass(ctx.test.labels, CLASS_NAMES.length, opts.perClass);
  const images: OcclusionImage[] = [];
  for (const index of picks) {
    const label = ctx.test.labels[index];
    const image = toFloat(ctx.test.images.subarray(index * h * w, (index + 1) * h * w));
    const whole = await probabilities(image, 1);
    let predicted = 0;
    for (let j = 1; j < classes; j++) if (whole[j] > whole[predicted]) predicted = j;
    const occ = await occlusionMap(image, h, w, async (xs, n) => {
      const p = await probabilities(xs, n);
      return Float32Array.from({ length: n }, (_, i) => p[i * classes + label]);
    }, { patch: opts.patch, stride: opts.stride, fill: 0 });
    let maxDrop = 0;
    for (const v of occ.map) maxDrop = Math.max(maxDrop, Math.abs(v));
    images.push({
      index,
      label,
      className: CLASS_NAMES[label],
      predicted,
      probability: occ.base,
      map: Array.from(occ.map, (v) => Math.round(v * 1e4) / 1e4),
      maxDrop,
    });
  }
  const result: OcclusionResult = {
    kind: "occlusion",
    ...provenance(ctx, {
      patch: opts.patch,
      stride: opts.stride,
      fill: 0,
      perClass: opts.perClass,
      images: "the first of each class in the test set",
    }),
    model: opts.model,
    linear: opts.linear,
    images,
  };
  const p = result.createdAt.slice(0, 10);
  const png = occlusionFigure(images, ctx.test.images, weights, CLASS_NAMES, {
    title:
      `Where ${opts.model} looks (occlusion, ${opts.patch}x${opts.patch} black patch, stride ` +
      `${opts.stride}) beside ${opts.linear}'s weights`,
    subtitle: `Weights: red raises the class score, blue lowers it. Occlusion: red, covering ` +
      `there lowers the probability of the true class; blue raises it. Each map on its own ` +
      `scale. ${ctx.adapter.description}; ${p}`,
    linear: opts.linear,
    model: opts.model,
  });
  await writeJsonAtomic(join(ctx.outDir, "occlusion.json"), result);
  await writeFileAtomic(join(ctx.outDir, "occlusion.png"), png);
  ctx.log(`occlusion: ${images.length} maps of ${opts.model} written`);
  return result;
}
