// Shared by the bench files: Deno.bench registrations that also record each figure (GFLOP/s,
// GB/s or images/s, from the median of the measured calls) into results/bench.json when the file
// ends, merged by adapter, then re-render the bench charts.
//
// Environment: BENCH_RESULTS (default results) where bench.json and the charts go;
// BENCH_NO_RECORD=1 to print only; BENCH_NO_CHARTS=1 to skip rendering.
import { join } from "node:path";
import { endStep, Gpu, useGpu } from "../mod.ts";
import {
  adapterKey,
  type BenchFigure,
  type BenchUnit,
  mergeRun,
  readBenchFile,
} from "../src/report/bench.ts";
import { writeTextFileAtomicSync } from "../src/util/atomic.ts";
import { median } from "../src/util/stats.ts";

export const gpu = await Gpu.create();
useGpu(gpu);

const RESULTS = Deno.env.get("BENCH_RESULTS") ?? "results";
const figures: BenchFigure[] = [];

export interface Measure<S> {
  suite: string;
  name: string;
  kind: string;
  unit: BenchUnit;
  /** FLOPs, bytes or images of one call, whichever `unit` counts. */
  work: number;
  detail?: Record<string, unknown>;
  /**
   * Times `run` does its work per call (`work` is for one), so that small kernels are not
   * measured as the ~10 ms a submit-and-wait costs on a software adapter.
   */
  repeat?: number;
  /** Measured calls (after Deno's warm-up ones); the figure is their median. */
  n?: number;
  warmup?: number;
  /** Untimed set-up of each call (e.g. the forward pass a backward bench needs). */
  prepare?: () => S | Promise<S>;
  /** The timed work (`repeat` times; `r` counts). GPU work is waited for before the clock stops. */
  run: (state: S, r: number) => void | Promise<void>;
  /**
   * The figures recorded for the measured one (default: just it), when the file ends; e.g. a
   * figure measured beside it in `prepare`, with both compared in their details.
   */
  finish?: (figure: BenchFigure) => BenchFigure[];
}

/** Registers a Deno.bench whose calls are also timed here, for bench.json. */
export function measure<S>(m: Measure<S>) {
  const n = m.n ?? 3;
  const repeat = m.repeat ?? 1;
  const samples: number[] = [];
  Deno.bench({
    name: m.name,
    group: m.kind,
    n,
    warmup: m.warmup ?? 1,
    async fn(b) {
      const state = await m.prepare?.() as S;
      await gpu.sync();
      b.start();
      const t0 = performance.now();
      for (let r = 0; r < repeat; r++) await m.run(state, r);
      await gpu.sync();
      const ms = performance.now() - t0;
      b.end();
      endStep();
      samples.push(ms);
    },
  });
  recorders.push(() => {
    if (!samples.length) return;
    // Deno may add calibration calls to the ones asked for: the last n are the measured ones.
    const ms = median(samples.slice(-n));
    const perSecond = (m.work * repeat) / (ms / 1000);
    const figure: BenchFigure = {
      suite: m.suite,
      name: m.name,
      kind: m.kind,
      ms: Number((ms / repeat).toFixed(3)),
      value: Number((m.unit === "images/s" ? perSecond : perSecond / 1e9).toPrecision(4)),
      unit: m.unit,
      detail: { ...m.detail, repeat },
      date: new Date().toISOString(),
    };
    figures.push(...(m.finish?.(figure) ?? [figure]));
  });
}

const recorders: (() => void)[] = [];

globalThis.addEventListener("unload", () => {
  for (const r of recorders) r();
  if (!figures.length || Deno.env.get("BENCH_NO_RECORD") === "1") return;
  const path = join(RESULTS, "bench.json");
  const file = mergeRun(readBenchFile(path), {
    adapterKey: adapterKey(gpu.adapter),
    adapter: gpu.adapter,
    deno: Deno.version.deno,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    cpus: navigator.hardwareConcurrency,
    date: new Date().toISOString(),
    figures,
  });
  // Unload handlers cannot await: written synchronously, still atomically.
  writeTextFileAtomicSync(path, JSON.stringify(file, null, 2) + "\n");
  console.error(`bench: ${figures.length} figures recorded in ${path}`);
  if (Deno.env.get("BENCH_NO_CHARTS") === "1") return;
  // Rendering is asynchronous (Vega), so it runs as its own short process.
  const charts = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./charts.ts", import.meta.url).pathname, RESULTS],
    stdout: "inherit",
    stderr: "inherit",
  }).outputSync();
  if (!charts.success) console.error("bench: rendering the charts failed (see above)");
});
