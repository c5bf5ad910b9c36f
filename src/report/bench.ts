// results/bench.json, the benchmark scoreboard: one run per adapter, so figures measured on
// different adapters sit side by side, and each suite (bench file) replaces only its own figures.
import { join } from "node:path";
import type { TopLevelSpec } from "./vega.ts";
import { writeChart } from "./vega.ts";
import { chart } from "./charts.ts";
import type { AdapterReport } from "../gpu/device.ts";

/** What a figure measures: arithmetic, memory traffic or whole images. */
export type BenchUnit = "GFLOP/s" | "GB/s" | "images/s";

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

const short = (key: string) => key.replace(/\s*\(LLVM [^)]*\)/, "");

/** GFLOP/s (or GB/s) per kernel, one bar per adapter. */
export function kernelChart(file: BenchFile, unit: "GFLOP/s" | "GB/s"): TopLevelSpec {
  const rows = file.runs.flatMap((r) =>
    r.figures.filter((f) => f.suite === "kernels" && f.unit === unit).map((f) => ({
      adapter: short(r.adapterKey),
      name: f.name,
      value: f.value,
      ms: f.ms,
    }))
  );
  const what = unit === "GFLOP/s" ? "arithmetic" : "memory traffic";
  return chart(
    `Kernels: ${unit}`,
    `Reference CNN layer shapes at batch 128 and matmul sizes (${what}); deno bench -P`,
    {
      data: { values: rows },
      mark: { type: "bar", tooltip: true },
      width: 380,
      encoding: {
        y: { field: "name", type: "nominal", sort: null, title: null },
        x: { field: "value", type: "quantitative", title: unit },
        yOffset: { field: "adapter" },
        color: { field: "adapter", type: "nominal", legend: { orient: "bottom", columns: 1 } },
      },
    },
  );
}

/** Training images/s against batch size, a line per adapter and model. */
export function trainingChart(file: BenchFile): TopLevelSpec {
  const rows = file.runs.flatMap((r) =>
    r.figures.filter((f) => f.suite === "training").map((f) => ({
      adapter: short(r.adapterKey),
      series: `${f.detail.model} ${f.kind} · ${short(r.adapterKey)}`,
      model: String(f.detail.model),
      kind: f.kind,
      batch: Number(f.detail.batch),
      value: f.value,
    }))
  );
  return chart(
    "Training and inference throughput",
    "images/s by batch size; a training step = upload, forward, loss, backward, update",
    {
      data: { values: rows },
      mark: { type: "line", point: true, tooltip: true },
      width: 380,
      height: 260,
      encoding: {
        x: {
          field: "batch",
          type: "quantitative",
          scale: { type: "log", base: 2 },
          title: "Batch",
        },
        y: { field: "value", type: "quantitative", scale: { type: "log" }, title: "images/s" },
        color: { field: "series", type: "nominal", legend: { orient: "bottom", columns: 1 } },
      },
    },
  );
}

/** The classical models' fit and predict images/s on the bench subset, per adapter. */
export function baselinesChart(file: BenchFile): TopLevelSpec {
  const rows = file.runs.flatMap((r) =>
    r.figures.filter((f) => f.suite === "baselines").map((f) => ({
      adapter: short(r.adapterKey),
      model: String(f.detail.model),
      kind: f.kind,
      value: f.value,
    }))
  );
  return chart(
    "Classical models: fit and predict speed",
    "images/s on a fixed subset (fit: 500 training images, predict: 2,000 test images)",
    {
      data: { values: rows },
      mark: { type: "bar", tooltip: true },
      width: 300,
      encoding: {
        row: { field: "kind", type: "nominal", title: null },
        y: { field: "model", type: "nominal", title: null },
        x: { field: "value", type: "quantitative", scale: { type: "log" }, title: "images/s" },
        yOffset: { field: "adapter" },
        color: { field: "adapter", type: "nominal", legend: { orient: "bottom", columns: 1 } },
      },
    },
  );
}

/** Renders the scoreboard's charts (spec + SVG) into `dir`; returns the names written. */
export async function writeBenchCharts(
  dir: string,
  file: BenchFile,
  accuracyVsTime?: TopLevelSpec,
): Promise<string[]> {
  const charts: [string, TopLevelSpec][] = [
    ["bench_kernels_gflops", kernelChart(file, "GFLOP/s")],
    ["bench_kernels_gbps", kernelChart(file, "GB/s")],
    ["bench_training", trainingChart(file)],
    ["bench_baselines", baselinesChart(file)],
  ];
  if (accuracyVsTime) charts.push(["bench_accuracy_vs_time", accuracyVsTime]);
  for (const [name, spec] of charts) await writeChart(dir, name, spec);
  return charts.map(([name]) => join(dir, `${name}.svg`));
}
