/**
 * A search's results as files: trials.csv and trials.md (one row per trial run), and two
 * Vega-Lite charts, each as .vl.json, .svg and .png: tune_scores (validation accuracy against
 * each searched hyper-parameter, coloured by rung) and tune_rungs (the halving rounds: every
 * configuration's accuracy on each budget it reached, joined by a line).
 */
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { type Config, configArgs, type Param, searched } from "./space.ts";
import type { TrialRecord, TuneState } from "./search.ts";
import { writeFileAtomic } from "../util/atomic.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** The searched parameters (name, log scale) of a state's space. */
export function searchedParams(
  params: Param[],
): { name: string; log: boolean; numeric: boolean }[] {
  return searched(params).map((p) => ({
    name: p.name,
    log: p.kind === "range" && p.log,
    numeric: p.kind === "range" || p.values.every((v) => typeof v === "number"),
  }));
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One row per trial run: trial, rung, budget, each searched flag, score, status, seconds. */
export function trialsCsv(state: TuneState, names: string[]): string {
  const head = ["trial", "rung", "budget", ...names, "val_accuracy", "status", "seconds"];
  const rows = state.results.map((r) => [
    r.trial + 1,
    r.rung + 1,
    r.budget,
    ...names.map((n) => state.configs[r.trial][n]),
    r.score ?? "",
    r.status,
    r.seconds.toFixed(1),
  ]);
  return [head, ...rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

const pct = (x: number | null) => x === null ? "diverged" : `${(x * 100).toFixed(2)}%`;

/**
 * The markdown report: settings, the winner and its test accuracy (the one test pass), and the
 * trials sorted by rung (highest first), then score.
 */
export function trialsMarkdown(state: TuneState, names: string[], adapter: string): string {
  const s = state.settings;
  const unit = s.budget;
  const lines = [
    `# Hyper-parameter search (deno task tune)`,
    "",
    `- date: ${state.updatedAt.slice(0, 10)}; adapter: ${adapter}`,
    `- space: ${s.space.map((x) => `\`${x}\``).join(", ")}`,
    `- ${s.search} search, ${state.configs.length} configurations, halving ${s.halving} (η = ${s.eta}), ` +
    `budget ${s.minBudget}..${s.maxBudget} ${unit}, seed ${s.seed}` +
    (s.minutes === null ? "" : `, at most ${s.minutes} minutes`),
    `- ${state.results.length} trial runs in ${(state.searchSeconds / 60).toFixed(1)} minutes; ` +
    `ended: ${state.finished ?? "interrupted"}`,
    `- score: the validation accuracy after the trial's last epoch (the test set is not used)`,
  ];
  const f = state.final;
  if (f) {
    lines.push(
      `- winner: configuration ${f.trial + 1} (${configArgs(f.config).join(" ") || "defaults"}), ` +
        `${pct(f.validationScore)} validation; retrained on ${f.budget} ${unit} into ${f.out}: ` +
        `**${pct(f.testAccuracy)} test accuracy** (the search's only test pass), ` +
        `${(f.trainSeconds / 60).toFixed(1)} minutes of training`,
    );
  }
  lines.push("", `| trial | rung | ${unit} | ${names.join(" | ")} | val accuracy | seconds |`);
  lines.push(`|${" --- |".repeat(names.length + 5)}`);
  const sorted = [...state.results].sort((a, b) =>
    b.rung - a.rung || (b.score ?? -1) - (a.score ?? -1) || a.trial - b.trial
  );
  for (const r of sorted) {
    const c = state.configs[r.trial];
    lines.push(
      `| ${r.trial + 1} | ${r.rung + 1} | ${r.budget} | ${
        names.map((n) => String(c[n])).join(" | ")
      } | ${pct(r.score)} | ${r.seconds.toFixed(1)} |`,
    );
  }
  return lines.join("\n") + "\n";
}

function rows(results: TrialRecord[], configs: Config[]) {
  return results.filter((r) => r.score !== null).map((r) => ({
    ...configs[r.trial],
    trial: r.trial + 1,
    rung: r.rung + 1,
    budget: r.budget,
    accuracy: r.score,
  }));
}

/** Validation accuracy against each searched hyper-parameter, one panel each, colour = rung. */
export function scoresChart(state: TuneState, params: ReturnType<typeof searchedParams>) {
  const data = rows(state.results, state.configs);
  const unit = state.settings.budget;
  const panel = (p: (typeof params)[number]) => ({
    width: 220,
    height: 200,
    mark: { type: "point", filled: true, size: 60, opacity: 0.8 },
    encoding: {
      x: p.numeric
        ? {
          field: p.name,
          type: "quantitative",
          title: `--${p.name}`,
          scale: p.log ? { type: "log" } : { zero: false },
        }
        : { field: p.name, type: "nominal", title: `--${p.name}` },
      y: {
        field: "accuracy",
        type: "quantitative",
        title: "validation accuracy",
        scale: { zero: false },
        axis: { format: ".1%" },
      },
      color: { field: "budget", type: "ordinal", title: unit },
      tooltip: [{ field: "trial" }, { field: "budget" }, { field: "accuracy", format: ".2%" }],
    },
  });
  const panels = params.length
    ? params.map(panel)
    : [{ ...panel({ name: "trial", log: false, numeric: false }) }];
  return {
    $schema: SCHEMA,
    title: {
      text: "Validation accuracy against each searched hyper-parameter",
      subtitle:
        `deno task tune: ${state.results.length} trial runs, colour: the rung's budget (${unit})`,
      anchor: "start",
    },
    background: "white",
    data: { values: data },
    hconcat: panels,
  } as unknown as TopLevelSpec;
}

/** The halving rounds: each configuration's accuracy on each budget it reached. */
export function rungsChart(state: TuneState) {
  const data = rows(state.results, state.configs);
  const unit = state.settings.budget;
  return {
    $schema: SCHEMA,
    title: {
      text: `Successive halving (${state.settings.halving}, η = ${state.settings.eta})`,
      subtitle: "every configuration's validation accuracy on each budget it was promoted to",
      anchor: "start",
    },
    background: "white",
    width: 360,
    height: 240,
    data: { values: data },
    encoding: {
      x: { field: "budget", type: "ordinal", title: `budget (${unit})` },
      y: {
        field: "accuracy",
        type: "quantitative",
        title: "validation accuracy",
        scale: { zero: false },
        axis: { format: ".1%" },
      },
      detail: { field: "trial" },
    },
    layer: [
      { mark: { type: "line", opacity: 0.4, color: "#888" } },
      {
        mark: { type: "point", filled: true, size: 50 },
        encoding: {
          color: { field: "rung", type: "ordinal", title: "rung" },
          tooltip: [{ field: "trial" }, { field: "accuracy", format: ".2%" }],
        },
      },
    ],
  } as unknown as TopLevelSpec;
}

/**
 * Writes trials.csv, trials.md and the two charts (.vl.json, .svg, .png) into `out`; returns the
 * file names. Loads the charting and PNG packages here, not at start-up (--help needs none).
 */
export async function writeReport(
  out: string,
  state: TuneState,
  params: Param[],
  adapter: string,
): Promise<string[]> {
  const shown = searchedParams(params);
  const names = shown.map((p) => p.name);
  await writeFileAtomic(join(out, "trials.csv"), trialsCsv(state, names));
  await writeFileAtomic(join(out, "trials.md"), trialsMarkdown(state, names, adapter));
  const { writeChart } = await import("../report/vega.ts");
  const { svgToRgb } = await import("../report/svg_png.ts");
  const { encodePng } = await import("../report/png.ts");
  const files = ["trials.csv", "trials.md"];
  for (
    const [name, spec] of [["tune_scores", scoresChart(state, shown)], [
      "tune_rungs",
      rungsChart(state),
    ]] as const
  ) {
    const svg = await writeChart(out, name, spec);
    const { width, height, rgb } = svgToRgb(svg);
    await writeFileAtomic(join(out, `${name}.png`), encodePng(width, height, 3, rgb));
    files.push(`${name}.vl.json`, `${name}.svg`, `${name}.png`);
  }
  return files;
}
