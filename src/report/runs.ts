// What kind of run produced a saved model: a full run, or a subset / smoke test / interrupted run
// that must not stand for its family's result; and which side of the comparison it is on.

/** `deno task train`'s training images without `--limit` (60,000 less the 10% validation). */
export const FULL_TRAIN_IMAGES = 54_000;
/** Fewer completed epochs than this is a smoke test, whatever the data. */
export const MIN_EPOCHS = 2;

/** Ends every `RunInfo.note`. */
export const NOT_FULL = " — not a full run";

export type Family = "images" | "pixels";

export interface RunInfo {
  /** Trained on the full data for at least MIN_EPOCHS epochs, all its planned epochs done. */
  full: boolean;
  /** Why it is not a full run, e.g. "9,000 images, 2 epochs — not a full run"; null if full. */
  note: string | null;
  /** "images": a network with convolutions; "pixels": a model on the 784 flattened pixels. */
  family: Family;
  /** Set where another model of the report has the same name in its config.json. */
  trainedOn: string | null;
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? "" : "s"}`;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === "object" ? v as Json : {});
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

const SPATIAL = new Set(["conv2d", "depthwise_conv2d"]);
const IMAGE_NETWORKS = new Set(["cnn", "resnet", "cnn-deep", "cnn-strided", "mobilenet"]);

function hasSpatialLayer(layers: unknown): boolean {
  return Array.isArray(layers) && layers.some((l) => {
    const layer = obj(l);
    return SPATIAL.has(String(layer.type)) || hasSpatialLayer(layer.body) ||
      hasSpatialLayer(layer.shortcut);
  });
}

/**
 * "images" for a network whose architecture has a convolution (cnn, resnet, cnn-deep,
 * cnn-strided, mobilenet), "pixels" for everything that reads the image as one flat vector:
 * the classical baselines, softmax / linear SVM, and the MLP (a network, but without
 * convolutions it sees flattened pixels too).
 */
export function familyOf(config: unknown): Family {
  const c = obj(config);
  if (c.kind !== "network") return "pixels";
  const arch = obj(c.architecture);
  if (Array.isArray(arch.layers)) return hasSpatialLayer(arch.layers) ? "images" : "pixels";
  return IMAGE_NETWORKS.has(String(c.name)) ? "images" : "pixels";
}

/** A network with more than one dense layer and no convolution: an MLP. */
export function isMlp(config: unknown): boolean {
  const c = obj(config);
  const layers = obj(c.architecture).layers;
  if (!Array.isArray(layers)) return c.name === "mlp";
  return familyOf(c) === "pixels" &&
    layers.filter((l) => obj(l).type === "dense").length > 1;
}

/**
 * Full run or not, from a model's config.json (and the training images the report counted).
 * Networks from `deno task train` (they record `data.train` and `epochsCompleted`) need
 * FULL_TRAIN_IMAGES images, MIN_EPOCHS epochs, and all planned epochs done (or the run ended on
 * its own, e.g. by early stopping, which writes its test result). Models from
 * `deno task baselines` need their default training size, given by `defaultTrainImages` (when it
 * is not given, or does not know the model, they count as full).
 */
export function runInfo(
  config: unknown,
  trainImages: number,
  defaultTrainImages?: (name: string) => number | undefined,
): Omit<RunInfo, "trainedOn"> {
  const c = obj(config);
  const family = familyOf(c);
  const hp = obj(c.hyperParameters);
  const data = obj(c.data);
  const images = num(data.train) ?? num(c.trainImages) ?? trainImages;
  const reasons: string[] = [];
  if (
    c.kind === "network" && (num(data.train) !== undefined || num(c.epochsCompleted) !== undefined)
  ) {
    const planned = num(hp.epochs);
    const done = num(c.epochsCompleted) ?? planned ?? 0;
    const subset = images < FULL_TRAIN_IMAGES;
    const few = done < MIN_EPOCHS;
    const unfinished = planned !== undefined && done < planned && c.test === undefined;
    if (subset || few || unfinished) {
      if (subset) reasons.push(`${count(images)} images`);
      reasons.push(unfinished ? `${done} of ${planned} epochs` : plural(done, "epoch"));
    }
  } else {
    const wanted = defaultTrainImages?.(String(c.name ?? ""));
    if (wanted !== undefined && images < wanted) {
      reasons.push(`${count(images)} of its default ${count(wanted)} images`);
    }
  }
  return reasons.length
    ? { full: false, note: reasons.join(", ") + NOT_FULL, family }
    : { full: true, note: null, family };
}

/**
 * `runInfo` for every model of a report, plus `trainedOn` (the adapter that trained it) for
 * models whose config.json names the same model as another's: models/cnn and a GPU machine's
 * models/cnn-gpu are both "cnn".
 */
export function runInfos(
  models: { model: string; config: unknown; trainImages: number }[],
  defaultTrainImages?: (name: string) => number | undefined,
): RunInfo[] {
  const configName = (m: { model: string; config: unknown }) =>
    String(obj(m.config).name ?? m.model);
  const seen = new Map<string, number>();
  for (const m of models) seen.set(configName(m), (seen.get(configName(m)) ?? 0) + 1);
  return models.map((m) => {
    const shared = (seen.get(configName(m)) ?? 0) > 1;
    // "NAME (version, details)" → "NAME": the name is what tells two runs apart.
    const description = String(obj(obj(m.config).adapter).description ?? "");
    const adapter = description.replace(/\s*\(.*\)\s*$/, "") || description ||
      "an unrecorded adapter";
    return {
      ...runInfo(m.config, m.trainImages, defaultTrainImages),
      trainedOn: shared ? `${configName(m)} trained on ${adapter}` : null,
    };
  });
}

/** A model's training notes for a table ("" when there is nothing to say). */
export function runNotes(run: Pick<RunInfo, "note" | "trainedOn"> | undefined): string {
  return [run?.trainedOn, run?.note].filter(Boolean).join("; ");
}

/** What a table shows for a model: its name, then how it was trained where that matters. */
export function runLabel(model: string, run: Pick<RunInfo, "note" | "trainedOn"> | undefined) {
  const notes = runNotes(run);
  return notes ? `${model} (${notes})` : model;
}

/** How a model was trained, for the metrics table: epochs, where, and the recipe in few words. */
export interface TrainingSummary {
  /** Completed epochs of a network; null for models fitted in one go (the classical ones). */
  epochs: number | null;
  /** The adapter that trained a network ("NVIDIA H200", or the software adapter's name) or a baseline's library. */
  trainedWith: string;
  /** E.g. "adamw onecycle lr 0.003, label smoothing 0.1, flip, erase" or "C 10, gamma scale". */
  recipe: string;
}

// Settings that do not change what is learned (or only repeat another one) stay out of recipes.
const NOT_RECIPE = new Set([
  "seed",
  "quiet",
  "cacheSize",
  "tolerance",
  "tol",
  "gammaValue",
  "minSteps",
  "maxPasses",
  "maxIterations",
]);

// parseAugment's probabilities for a bare "flip" or "erase": said only when a run used another.
const DEFAULT_PROBABILITY: Record<string, string> = { flip: "0.5", erase: "0.5" };

/**
 * "flip=0.5,shift=2,erase=0.25,erase-scale=…" → "flip, shift 2, erase 0.25": what, not how exactly
 * (erasing's area and aspect ranges stay out).
 */
function augmentWords(spec: unknown): string[] {
  if (typeof spec !== "string" || spec === "none" || spec === "") return [];
  return spec.split(",").filter((t) => !/^erase-/.test(t)).map((t) => {
    const [name, value] = t.split("=");
    return value === undefined || DEFAULT_PROBABILITY[name] === value ? name : `${name} ${value}`;
  });
}

/**
 * Epochs, adapter (or library) and recipe of a saved model, from its config.json as written by
 * `deno task train` (`hyperParameters`, `adapter`, `epochsCompleted`) or `deno task baselines`
 * (`engine`, `hyperParameters`); `history` (history.json) counts epochs where config.json does not.
 */
export function trainingSummary(config: unknown, history?: unknown[] | null): TrainingSummary {
  const c = obj(config);
  const hp = obj(c.hyperParameters);
  const adapter = String(obj(c.adapter).description ?? "").replace(/\s*\(.*\)\s*$/, "");
  if (c.kind === "network") {
    const epochs = num(c.epochsCompleted) ?? (history?.length || num(hp.epochs)) ?? null;
    const trainedWith = adapter || "our WGSL (adapter not recorded)";
    const parts = hp.schedule !== undefined
      ? [
        `${hp.optimizer} ${hp.schedule} lr ${hp.lr}`,
        ...(num(hp.labelSmoothing) ? [`label smoothing ${hp.labelSmoothing}`] : []),
        ...augmentWords(hp.augment),
      ]
      : [`${hp.optimizer ?? "adam"} lr ${hp.lr}`, String(hp.loss ?? "cross-entropy")];
    return { epochs, trainedWith, recipe: parts.join(", ") };
  }
  const recipe = Object.entries(hp).filter(([k]) => !NOT_RECIPE.has(k))
    .map(([k, v]) => `${k} ${v}`).join(", ");
  return { epochs: null, trainedWith: String(c.engine ?? "—"), recipe: recipe || "—" };
}
