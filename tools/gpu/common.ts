// Shared by the remote-GPU tools (tools/gpu/run.sh's helpers and merge.ts): how a time budget
// becomes epochs per model, and the per-model summary of a run.
// Imports no npm package: it runs on the GPU machine, which has no registry.
import { join } from "node:path";
import type { AdapterReport } from "../../src/gpu/device.ts";
import { adapterKey, type BenchFile, type BenchRun } from "../../src/report/bench.ts";
import { readJsonOrNull as readJson } from "../../src/util/fs.ts";
import { median } from "../../src/util/stats.ts";

/** Training images per epoch in the recipes (60,000 less the 10% validation split). */
export const EPOCH_IMAGES = 54_000;
/** Validation and bookkeeping on top of the training steps. */
export const EVAL_FACTOR = 1.3;

/** Share weights of the budget (resnet is the one meant to reach 95%) and epoch caps. */
export const ZOO: Record<string, { weight: number; cap: number }> = {
  resnet: { weight: 8, cap: 40 },
  "cnn-deep": { weight: 1.5, cap: 30 },
  mobilenet: { weight: 1.5, cap: 30 },
  "cnn-strided": { weight: 1, cap: 30 },
  cnn: { weight: 1.5, cap: 30 },
  mlp: { weight: 0.5, cap: 30 },
};

/** The bench run measured on `adapter`: same key, else the same description. */
export function findRun(file: BenchFile, adapter: AdapterReport): BenchRun | undefined {
  const key = adapterKey(adapter);
  return file.runs.find((r) => r.adapterKey === key) ??
    file.runs.find((r) => r.adapter?.description === adapter.description);
}

/** `train <name> batch <batch>` images/s of that run, or null. */
export function trainRate(run: BenchRun | undefined, name: string, batch = 128): number | null {
  // The training suite's, else another suite's of that name (the peer bench measures the cnn).
  const named = run?.figures.filter((f) => f.name === `train ${name} batch ${batch}`) ?? [];
  const f = named.find((f) => f.suite === "training") ?? named[0];
  return f && f.value > 0 ? f.value : null;
}

export interface PlanInput {
  name: string;
  /** Seconds per full epoch (validation included), or null when unknown (probe it first). */
  epochSeconds: number | null;
  /** Fixed seconds per run: start-up, data, pipeline compiles, final test evaluation, predict. */
  overhead: number;
}

export interface PlanRow extends PlanInput {
  weight: number;
  cap: number;
  /** Seconds of the budget given to this model. */
  share: number;
  /** Epochs to train; null when epochSeconds is unknown. */
  epochs: number | null;
  /** overhead + epochs × epochSeconds. */
  estimate: number | null;
}

/**
 * Splits `budget` seconds over the models: each gets its overhead, and what remains is shared by
 * weight; a model whose cap needs less than its share takes only that, and the rest is shared
 * again among the others (water-filling). Each model gets
 * clamp(floor((share − overhead) / epochSeconds), 1, cap) epochs.
 */
export function planEpochs(models: PlanInput[], budget: number): PlanRow[] {
  const rows: PlanRow[] = models.map((m) => ({
    ...m,
    weight: ZOO[m.name]?.weight ?? 1,
    cap: ZOO[m.name]?.cap ?? 30,
    share: m.overhead,
    epochs: null,
    estimate: null,
  }));
  const atCap = (r: PlanRow) => r.cap * r.epochSeconds!;
  let open = rows;
  let left = Math.max(0, budget - rows.reduce((t, r) => t + r.overhead, 0));
  for (;;) {
    const total = open.reduce((t, r) => t + r.weight, 0);
    const capped = open.filter((r) =>
      r.epochSeconds !== null && atCap(r) <= left * r.weight / total
    );
    if (!capped.length) {
      for (const r of open) r.share += left * r.weight / total;
      break;
    }
    for (const r of capped) {
      r.share += atCap(r);
      left -= atCap(r);
    }
    open = open.filter((r) => !capped.includes(r));
    if (!open.length) break;
  }
  for (const r of rows) {
    if (r.epochSeconds === null) continue;
    const fit = Math.floor((r.share - r.overhead) / r.epochSeconds);
    r.epochs = Math.min(r.cap, Math.max(1, fit));
    r.estimate = r.overhead + r.epochs * r.epochSeconds;
  }
  return rows;
}

/** Seconds per epoch from a training images/s figure. */
export function epochSecondsFromRate(rate: number, images = EPOCH_IMAGES): number {
  return images / rate * EVAL_FACTOR;
}

/** What run.sh writes beside each training: train/<name>.meta.json. */
export interface TrainMeta {
  name: string;
  epochsPlanned: number;
  exitCode: number;
  /** Killed by its time limit: the model on disk is its last checkpointed epoch. */
  cut: boolean;
  wallSeconds: number;
  command: string;
}

export interface SummaryRow {
  model: string;
  epochsPlanned: number | null;
  epochsCompleted: number;
  savedEpoch: number | null;
  cut: boolean;
  wallSeconds: number | null;
  trainSeconds: number | null;
  /** Median training images/s over the epochs. */
  imagesPerSecond: number | null;
  bestValAccuracy: number | null;
  testAccuracy: number | null;
  testAccuracyTta: number | null;
  adapter: string | null;
}

const medianOrNull = (xs: number[]) => xs.length ? median(xs) : null;

interface ConfigLike {
  name?: string;
  adapter?: AdapterReport;
  hyperParameters?: { tta?: boolean };
  savedEpoch?: number | null;
  bestEpoch?: number | null;
  epochsCompleted?: number;
  timings?: { trainSeconds?: number };
  test?: { accuracy?: number };
}

interface EpochLike {
  valAccuracy: number | null;
  imagesPerSecond: number;
}

/**
 * One row per model of a run folder (run.sh's work folder, or its archive unpacked): from
 * models/<name>/{config,history}.json, train/<name>.meta.json and eval/<name>.json
 * (tools/gpu/test_accuracy.ts: test accuracy with and without flip TTA).
 */
export function summarize(root: string): SummaryRow[] {
  const rows: SummaryRow[] = [];
  let entries: Deno.DirEntry[] = [];
  try {
    entries = [...Deno.readDirSync(join(root, "models"))].filter((e) => e.isDirectory);
  } catch { /* no models */ }
  const order = Object.keys(ZOO);
  const rank = (n: string) => order.indexOf(n) < 0 ? order.length : order.indexOf(n);
  entries.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  for (const e of entries) {
    const name = e.name;
    const dir = join(root, "models", name);
    const config = readJson<ConfigLike>(join(dir, "config.json"));
    const history = readJson<EpochLike[]>(join(dir, "history.json")) ?? [];
    const meta = readJson<TrainMeta>(join(root, "train", `${name}.meta.json`));
    const evaluated = readJson<{ accuracy?: number; accuracyTta?: number }>(
      join(root, "eval", `${name}.json`),
    );
    if (!config && !history.length) continue;
    const vals = history.map((h) => h.valAccuracy).filter((v): v is number => v !== null);
    const trainTta = config?.hyperParameters?.tta && config.test?.accuracy !== undefined
      ? config.test.accuracy
      : null;
    const trainPlain = !config?.hyperParameters?.tta && config?.test?.accuracy !== undefined
      ? config.test.accuracy
      : null;
    rows.push({
      model: name,
      epochsPlanned: meta?.epochsPlanned ?? null,
      epochsCompleted: history.length,
      savedEpoch: config?.savedEpoch ?? config?.bestEpoch ?? null,
      cut: meta?.cut ?? false,
      wallSeconds: meta?.wallSeconds ?? null,
      trainSeconds: config?.timings?.trainSeconds ?? null,
      imagesPerSecond: medianOrNull(history.map((h) => h.imagesPerSecond)),
      bestValAccuracy: vals.length ? Math.max(...vals) : null,
      testAccuracy: evaluated?.accuracy ?? trainPlain,
      testAccuracyTta: evaluated?.accuracyTta ?? trainTta,
      adapter: config?.adapter ? adapterKey(config.adapter) : null,
    });
  }
  return rows;
}

const pct = (x: number | null) => x === null ? "—" : `${(x * 100).toFixed(2)}%`;
const num = (x: number | null, digits = 0) => x === null ? "—" : x.toFixed(digits);

/** The rows as a Markdown table. */
export function summaryTable(rows: SummaryRow[]): string {
  const head = [
    "model",
    "epochs",
    "saved epoch",
    "wall s",
    "train s",
    "images/s",
    "best val",
    "test",
    "test (TTA)",
    "adapter",
  ];
  const body = rows.map((r) => [
    r.model,
    `${r.epochsCompleted}${r.epochsPlanned !== null ? `/${r.epochsPlanned}` : ""}${
      r.cut ? " (cut)" : ""
    }`,
    num(r.savedEpoch),
    num(r.wallSeconds),
    num(r.trainSeconds),
    num(r.imagesPerSecond),
    pct(r.bestValAccuracy),
    pct(r.testAccuracy),
    pct(r.testAccuracyTta),
    r.adapter ?? "—",
  ]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...body.map(line)].join("\n");
}
