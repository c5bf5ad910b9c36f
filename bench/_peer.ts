// The PyTorch side of bench/peer_bench.ts, kept free of the GPU so its logic can be tested alone:
// finding a Python with torch, choosing PyTorch's device, reading bench/torch_cnn.py's JSON and
// turning both sides' measurements into bench.json figures.
import type { BenchFigure } from "../src/report/bench.ts";
import { isSoftwareAdapter } from "../src/gpu/device.ts";
import { median } from "../src/util/stats.ts";

export const SKIPPED = "skipped: python3-torch not installed (apt-get install python3-torch)";

/** What bench/torch_cnn.py --json prints. */
export interface TorchReport {
  torch: string;
  device: "cpu" | "cuda";
  deviceName: string;
  threads: number;
  results: {
    batch: number;
    imagesPerSecond: number;
    msPerStep: number;
    steps: number;
    repeats: number;
  }[];
}

/** A Python interpreter that imports torch, its version and whether it sees a CUDA device. */
export interface TorchPython {
  python: string;
  torch: string;
  cuda: boolean;
}

const PROBE = "import json, torch; " +
  "print(json.dumps({'torch': torch.__version__, 'cuda': torch.cuda.is_available()}))";

/**
 * The first of `candidates` (PEER_PYTHON if set, else `python3` on PATH, then the system's
 * /usr/bin/python3, which is where Debian's python3-torch lives) that imports torch; null if none.
 */
export async function findTorchPython(
  candidates = Deno.env.get("PEER_PYTHON")
    ? [Deno.env.get("PEER_PYTHON")!]
    : ["python3", "/usr/bin/python3"],
): Promise<TorchPython | null> {
  for (const python of candidates) {
    try {
      const out = await new Deno.Command(python, {
        args: ["-c", PROBE],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (!out.success) continue;
      const probe = JSON.parse(new TextDecoder().decode(out.stdout));
      return { python, torch: String(probe.torch), cuda: probe.cuda === true };
    } catch {
      // Not installed (NotFound) or printed something else: try the next one.
    }
  }
  return null;
}

/**
 * PyTorch's device: `override` (PEER_DEVICE) if given; else CUDA when our adapter is real
 * hardware (not llvmpipe, not a fallback adapter) and torch sees a CUDA device, so that both run
 * on the same kind of hardware; else the CPU, which is what a software adapter runs on too.
 */
export function chooseDevice(
  adapter: { description: string; isFallbackAdapter: boolean },
  cudaAvailable: boolean,
  override?: string,
): "cpu" | "cuda" {
  if (override) {
    if (override !== "cpu" && override !== "cuda") {
      throw new Error(`PEER_DEVICE must be cpu or cuda, not "${override}"`);
    }
    return override;
  }
  return !isSoftwareAdapter(adapter) && cudaAvailable ? "cuda" : "cpu";
}

/** Reads bench/torch_cnn.py's --json output (its last non-empty line); throws saying what is off. */
export function parseTorchReport(stdout: string): TorchReport {
  const line = stdout.trim().split("\n").pop() ?? "";
  let report: TorchReport;
  try {
    report = JSON.parse(line);
  } catch {
    throw new Error(`torch_cnn.py printed no JSON report: ${JSON.stringify(line.slice(0, 200))}`);
  }
  const fine = typeof report?.torch === "string" &&
    (report.device === "cpu" || report.device === "cuda") &&
    typeof report.deviceName === "string" && Number.isInteger(report.threads) &&
    Array.isArray(report.results) && report.results.length > 0 &&
    report.results.every((r) =>
      Number.isInteger(r?.batch) && r.imagesPerSecond > 0 && r.msPerStep > 0 &&
      Number.isInteger(r.steps) && Number.isInteger(r.repeats)
    );
  if (!fine) throw new Error(`torch_cnn.py's report is not in the expected form: ${line}`);
  return report;
}

/**
 * Our measured figure and PyTorch's, from the reports of the rounds run beside ours at `batch`
 * (the median images/s of the rounds): `pytorch train MODEL batch B` in images/s, and the ratio
 * ours/PyTorch (`oursOverPytorch`) in both figures' details. No reports: our figure alone.
 */
export function peerFigures(ours: BenchFigure, reports: TorchReport[]): BenchFigure[] {
  const batch = Number(ours.detail.batch);
  const rows = reports.map((r) => ({ report: r, result: r.results.find((x) => x.batch === batch) }))
    .filter((r) => r.result);
  if (!rows.length) return [ours];
  const images = median(rows.map((r) => r.result!.imagesPerSecond));
  const ms = median(rows.map((r) => r.result!.msPerStep));
  const { report } = rows[0];
  const ratio = Number((ours.value / images).toPrecision(3));
  const torch: BenchFigure = {
    suite: ours.suite,
    name: `pytorch ${ours.name}`,
    kind: ours.kind,
    ms,
    value: Number(images.toPrecision(4)),
    unit: "images/s",
    detail: {
      engine: "pytorch",
      model: ours.detail.model,
      batch,
      torch: report.torch,
      device: report.device,
      deviceName: report.deviceName,
      threads: report.threads,
      steps: rows.map((r) => r.result!.steps),
      rounds: rows.length,
      oursOverPytorch: ratio,
    },
    date: ours.date,
  };
  return [{ ...ours, detail: { ...ours.detail, engine: "webgpu", oursOverPytorch: ratio } }, torch];
}
