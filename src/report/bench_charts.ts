// The bench scoreboard's charts (Vega-Lite specs rendered to SVG): kernel GFLOP/s and GB/s,
// training and inference images/s, the classical models' speed. Kept apart from bench.ts so that
// recording figures needs no npm package.
import { join } from "node:path";
import type { TopLevelSpec } from "./vega.ts";
import { writeChart } from "./vega.ts";
import { chart } from "./charts.ts";
import type { BenchFile } from "./bench.ts";

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
