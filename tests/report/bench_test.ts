import assert from "node:assert/strict";
import {
  type BenchFigure,
  type BenchRun,
  mergeRun,
  readBenchFile,
} from "../../src/report/bench.ts";
import { writeBenchCharts } from "../../src/report/bench_charts.ts";
import type { AdapterReport } from "../../src/gpu/device.ts";

const adapter = (description: string): AdapterReport => ({
  description,
  vendor: "",
  architecture: "",
  backend: "vulkan",
  isFallbackAdapter: false,
  subgroupMaxSize: 8,
  requestedBackend: null,
});

const figure = (suite: string, name: string, value: number, unit = "GFLOP/s"): BenchFigure => ({
  suite,
  name,
  kind: name.split(" ")[0],
  ms: 1,
  value,
  unit: unit as BenchFigure["unit"],
  detail: { model: "cnn", batch: 128 },
  date: "2026-11-23T00:00:00Z",
});

const run = (key: string, figures: BenchFigure[]): BenchRun => ({
  adapterKey: key,
  adapter: adapter(key),
  deno: "2.9.6",
  os: "linux x86_64",
  cpus: 2,
  date: "2026-11-23T00:00:00Z",
  figures,
});

Deno.test("bench.json: a suite's rerun replaces its figures, other suites and adapters stay", () => {
  let file = mergeRun({ runs: [] }, run("cpu", [figure("kernels", "matmul 1024³", 5)]));
  file = mergeRun(file, run("cpu", [figure("training", "train cnn", 85, "images/s")]));
  file = mergeRun(file, run("gpu", [figure("kernels", "matmul 1024³", 9000)]));
  file = mergeRun(file, run("cpu", [figure("kernels", "matmul 1024³", 6)]));
  assert.equal(file.runs.length, 2);
  const cpu = file.runs.find((r) => r.adapterKey === "cpu")!;
  assert.deepEqual(cpu.figures.map((f) => [f.suite, f.value]), [["training", 85], ["kernels", 6]]);
  assert.equal(file.runs.find((r) => r.adapterKey === "gpu")!.figures[0].value, 9000);
});

Deno.test("bench.json: missing is empty, damaged is a one-line error naming the file", async () => {
  const dir = await Deno.makeTempDir();
  assert.deepEqual(readBenchFile(`${dir}/bench.json`), { runs: [] });
  await Deno.writeTextFile(`${dir}/bench.json`, "{ not json");
  assert.throws(() => readBenchFile(`${dir}/bench.json`), (e: Error) => {
    assert.ok(e.message.includes(`${dir}/bench.json`) && !e.message.includes("\n"), e.message);
    return true;
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bench charts: every spec renders to SVG, both adapters in the kernel chart", async () => {
  const dir = await Deno.makeTempDir();
  let file = mergeRun(
    { runs: [] },
    run("llvmpipe", [
      figure("kernels", "matmul 1024³", 5),
      figure("kernels", "cnn/3.maxpool forward", 2, "GB/s"),
      figure("training", "train cnn batch 128", 85, "images/s"),
      { ...figure("baselines", "fit softmax", 900, "images/s"), kind: "fit" },
    ]),
  );
  file = mergeRun(file, run("H100", [figure("kernels", "matmul 1024³", 9000)]));
  const written = await writeBenchCharts(dir, file);
  assert.equal(written.length, 4);
  for (const path of written) {
    const svg = await Deno.readTextFile(path);
    assert.ok(svg.startsWith("<svg"), path);
    assert.ok(JSON.parse(await Deno.readTextFile(path.replace(/\.svg$/, ".vl.json"))).data);
  }
  const kernels = await Deno.readTextFile(`${dir}/bench_kernels_gflops.svg`);
  assert.ok(kernels.includes("H100") && kernels.includes("llvmpipe"));
  await Deno.remove(dir, { recursive: true });
});
