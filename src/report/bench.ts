// results/bench.json, the benchmark scoreboard: one run per adapter, so figures measured on
// different adapters sit side by side, and each suite (bench file) replaces only its own figures.
// No charting here (that is bench_charts.ts, which needs Vega from npm): the bench harness and
// tools/gpu import this module on machines without an npm registry.
import type { AdapterReport } from "../gpu/device.ts";

/** What a figure measures: arithmetic, memory traffic or whole images. */
/** "s": seconds (the cold-start suite), where less is better. */
export type BenchUnit = "GFLOP/s" | "GB/s" | "images/s" | "s";

export interface BenchFigure {
  /** The bench file it came from ("kernels", "training", "baselines"). */
  suite: string;
  /** Within the suite: "cnn/conv2d#4 backward", "matmul 1024³", "train cnn batch 128". */
  name: string;
  /** For charts: "conv2d", "matmul", "train", "fit", ... */
  kind: string;
  /** Median milliseconds of one measured call. */
  ms: number;
  value: number;
  unit: BenchUnit;
  /** Free-form context: shapes, batch, images, FLOPs per call. */
  detail: Record<string, unknown>;
  date: string;
}

export interface BenchRun {
  /** `description (backend)`: the identity runs are merged by. */
  adapterKey: string;
  adapter: AdapterReport;
  deno: string;
  os: string;
  cpus: number;
  date: string;
  figures: BenchFigure[];
}

export interface BenchFile {
  runs: BenchRun[];
}

export function adapterKey(a: AdapterReport): string {
  return `${a.description} (${a.backend})`;
}

/**
 * Merges `run` into `file`: same adapter → that run's figures of the suites in `run` are
 * replaced, others kept; a new adapter gets a run of its own.
 */
export function mergeRun(file: BenchFile, run: BenchRun): BenchFile {
  const suites = new Set(run.figures.map((f) => f.suite));
  const old = file.runs.find((r) => r.adapterKey === run.adapterKey);
  const kept = old ? old.figures.filter((f) => !suites.has(f.suite)) : [];
  const merged: BenchRun = { ...run, figures: [...kept, ...run.figures] };
  return {
    runs: [...file.runs.filter((r) => r.adapterKey !== run.adapterKey), merged],
  };
}

/** Reads a bench.json; a missing file is an empty scoreboard, a damaged one an error naming it. */
export function readBenchFile(path: string): BenchFile {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { runs: [] };
    throw e;
  }
  try {
    const file = JSON.parse(text) as BenchFile;
    if (!Array.isArray(file.runs)) throw new Error("no runs array");
    return file;
  } catch (e) {
    throw new Error(
      `${path}: not a bench file (${(e as Error).message}); delete it to start a new one`,
    );
  }
}
