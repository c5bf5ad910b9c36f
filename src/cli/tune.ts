import { join } from "node:path";
import {
  checkWritableDir,
  choiceFlag,
  intFlag,
  numberFlag,
  parseFlags,
  projectPath,
  runCli,
  USAGE,
  userPath,
} from "./common.ts";
import {
  type BudgetUnit,
  checkConfig,
  type Config,
  configArgs,
  formatParam,
  gridConfigs,
  mergeSpace,
  type Param,
  parseSpaceEntry,
  parseSpecFile,
  sampleConfigs,
  searched,
} from "../tune/space.ts";
import { type Halving, HALVINGS, rungBudgets } from "../tune/halving.ts";
import {
  jobArgs,
  readState,
  replay,
  search,
  STATE_FILE,
  stopTrials,
  subprocessRunner,
  type TrainOutcome,
  TRIALS_DIR,
  type TuneSettings,
  type TuneState,
  writeState,
} from "../tune/search.ts";
import { writeReport } from "../tune/report.ts";
import { info } from "../train/progress.ts";
import { UserError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { acquireFolderLock } from "../util/lock.ts";

const HELP = `deno task tune [flags]

Searches deno task train's hyper-parameters: random or grid search, with successive halving
(ASHA, synchronous halving or Hyperband: many short trials, the best promoted to longer
budgets). Every trial is a "deno task train" run with the same --seed, scored by its
validation accuracy; the test set is used once, by the winner's retraining. See docs/tune.md.

  --space NAME=SPEC   a train flag and its values, repeatable:
                        lr=log:1e-4..1e-1          log-uniform range
                        weight-decay=0..0.1        uniform range (integers for integer flags)
                        batch-size=32,64,128       a list
                        augment=none|flip|flip,shift=2   "|" between values holding commas
                        model=mlp                  one value: a fixed flag for every trial
  --spec FILE         the space as JSON: {"space": {"lr": "log:1e-4..1e-1",
                      "batch-size": [32, 64], "weight-decay": {"range": [0, 0.1]}}}
  --search KIND       random or grid (default random)
  --trials N          random: configurations drawn (default 12); grid takes every combination
  --grid-points N     grid: values taken from each range (default 3)
  --halving KIND      asha, sh (synchronous), hyperband or none (every trial on the largest
                      budget) (default asha)
  --eta N             halving's factor: the best 1/N of a rung go on, on N times the budget
                      (default 3)
  --budget UNIT       epochs (train's --epochs) or images (train's --limit) (default epochs)
  --min-budget N      the first rung's budget (default 1 epoch; images: max / eta²)
  --max-budget N      the last rung's budget, and the winner's (default 9 epochs; 60000
                      images)
  --minutes X         start no trial after X minutes of searching (default: no limit)
  --seed N            seeds the sampling and every trial (one validation split) (default 1)
  --data-dir DIR      the dataset directory, given to every trial
  --out DIR           state, table, charts (default results/tune)
  --model-out DIR     where the winner is retrained and saved (default models/tuned)
  --no-final          do not retrain the winner (the test set is then never used)
  --keep-trials       keep each trial's model folder in DIR/${TRIALS_DIR}/ (default: removed)
  --resume DIR        continue the search saved in DIR (only --minutes, --json and --quiet may
                      be given with it)
  --overwrite         replace the search in --out and the model in --model-out
  --json              print a JSON summary on stdout (progress stays on stderr)
  --quiet             no progress lines

The state (settings, configurations, every finished trial) is written atomically to
DIR/${STATE_FILE} before and after each trial; a killed search continues with --resume DIR,
the trial that was running from its last saved epoch. DIR/.lock keeps a second search out.
Writes DIR/trials.csv, trials.md and the charts tune_scores and tune_rungs (.vl.json, .svg,
.png). A bad spec is refused before any trial (exit 2).`;

const FLAGS = {
  space: { type: "string", multiple: true },
  spec: { type: "string" },
  search: { type: "string" },
  trials: { type: "string" },
  "grid-points": { type: "string" },
  halving: { type: "string" },
  eta: { type: "string" },
  budget: { type: "string" },
  "min-budget": { type: "string" },
  "max-budget": { type: "string" },
  minutes: { type: "string" },
  seed: { type: "string" },
  "data-dir": { type: "string" },
  out: { type: "string" },
  "model-out": { type: "string" },
  "no-final": { type: "boolean" },
  "keep-trials": { type: "boolean" },
  resume: { type: "string" },
  overwrite: { type: "boolean" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

type Flags = ReturnType<typeof parseFlags<typeof FLAGS>>;

/** The most configurations a search may hold (a grid grows as the product of its axes). */
const MAX_CONFIGS = 10_000;
/** Fashion-MNIST's training images: the largest --limit. */
const TRAIN_IMAGES = 60_000;
const RESUME_FLAGS = new Set(["resume", "minutes", "json", "quiet"]);
const TRAIN_SCRIPT = new URL("./train.ts", import.meta.url).pathname;

function usage(message: string): never {
  throw new UserError(message, USAGE);
}

/** The space from --space and --spec, in that order. */
async function readSpace(flags: Flags, unit: BudgetUnit): Promise<Param[]> {
  const params = (flags.space ?? []).map((e) => parseSpaceEntry(e, unit));
  if (flags.spec !== undefined) {
    const file = userPath(flags.spec);
    const text = await Deno.readTextFile(file).catch((e) =>
      usage(`--spec ${file}: cannot be read (${(e as Error).message.split(" (os")[0]})`)
    );
    params.push(...parseSpecFile(text, file, unit));
  }
  if (!params.length) usage("give the space: --space NAME=SPEC (e.g. lr=log:1e-4..1e-1) or --spec");
  mergeSpace(params);
  const vs = params.find((p) => p.name === "val-split");
  if (vs && searched([vs]).length) {
    usage("--space val-split: one value only: every trial must score on the same split");
  }
  if (vs && vs.kind === "list" && vs.values[0] === 0) {
    usage("--space val-split=0: trials score on the validation split; give a fraction above 0");
  }
  return params;
}

/** Flags → settings and the configurations, every check done before any trial. */
async function newSearch(flags: Flags): Promise<{ settings: TuneSettings; configs: Config[] }> {
  const budget = choiceFlag("budget", flags.budget, "epochs", ["epochs", "images"] as const);
  const params = await readSpace(flags, budget);
  const kind = choiceFlag("search", flags.search, "random", ["random", "grid"] as const);
  const halving = choiceFlag("halving", flags.halving, "asha", HALVINGS) as Halving;
  const eta = intFlag("eta", flags.eta, 3, 2);
  const seed = intFlag("seed", flags.seed, 1, 0);
  const gridPoints = intFlag("grid-points", flags["grid-points"], 3, 1);
  if (kind === "grid" && flags.trials !== undefined) {
    usage("--trials applies to --search random; a grid runs every combination");
  }
  if (kind === "random" && flags["grid-points"] !== undefined) {
    usage("--grid-points applies to --search grid");
  }
  const trials = intFlag("trials", flags.trials, 12, 1);
  const maxBudget = budget === "epochs"
    ? intFlag("max-budget", flags["max-budget"], 9, 1)
    : numberFlag("max-budget", flags["max-budget"], TRAIN_IMAGES, [10, TRAIN_IMAGES]);
  if (!Number.isInteger(maxBudget)) usage(`--max-budget must be an integer, got ${maxBudget}`);
  const minBudget = intFlag(
    "min-budget",
    flags["min-budget"],
    budget === "epochs" ? 1 : Math.max(10, Math.round(maxBudget / eta ** 2)),
    budget === "epochs" ? 1 : 10,
  );
  if (minBudget > maxBudget) {
    usage(`--min-budget ${minBudget} is above --max-budget ${maxBudget}`);
  }
  if (halving === "none" && flags["min-budget"] !== undefined) {
    usage("--min-budget applies to halving; --halving none runs every trial on --max-budget");
  }
  if (halving !== "none" && minBudget === maxBudget) {
    usage(`--min-budget equals --max-budget (${maxBudget}): nothing to halve; use --halving none`);
  }
  const minutes = flags.minutes === undefined
    ? null
    : numberFlag("minutes", flags.minutes, 0, [0.01, 1e6]);
  const configs = kind === "random" ? sampleConfigs(params, trials, seed) : (() => {
    const size = searched(params).reduce(
      (n, p) => n * (p.kind === "list" ? p.values.length : gridPoints),
      1,
    );
    if (size > MAX_CONFIGS) {
      usage(`the grid has ${size} combinations (over ${MAX_CONFIGS}); use fewer values`);
    }
    return gridConfigs(params, gridPoints);
  })();
  configs.forEach(checkConfig);
  const modelOut = flags["no-final"]
    ? null
    : flags["model-out"] === undefined
    ? projectPath("models", "tuned")
    : userPath(flags["model-out"]);
  return {
    configs,
    settings: {
      space: params.map(formatParam),
      search: kind,
      trials: configs.length,
      gridPoints,
      halving,
      eta,
      budget,
      minBudget: halving === "none" ? maxBudget : minBudget,
      maxBudget,
      seed,
      minutes,
      dataDir: flags["data-dir"] === undefined ? null : userPath(flags["data-dir"]),
      keepTrials: flags["keep-trials"] ?? false,
      modelOut,
    },
  };
}

/** The flags of the winner's retraining that need a validation split (train refuses without). */
function needsValidation(c: Config): boolean {
  return c["early-stop"] !== undefined || c.checkpoint === "best" || c["lr-plateau"] !== undefined;
}

/**
 * Retrains the winner on its configuration at the largest budget, on the whole training set
 * (--val-split 0, unless its flags need a validation split), and tests it: the search's one
 * test pass.
 */
async function retrainWinner(state: TuneState, out: string, log: (l: string) => void) {
  const s = state.settings;
  const best = replay(state).best();
  if (!best || !s.modelOut) return;
  const config = state.configs[best.job.trial];
  const full = needsValidation(config) ? [] : ["--val-split=0"];
  const args = jobArgs(s, { ...config }, s.maxBudget, s.modelOut, full)
    .filter((a) => a !== "--quiet");
  log(
    `tune: retraining the winner (configuration ${best.job.trial + 1}, ${
      (best.score * 100).toFixed(2)
    }% validation) on ${s.maxBudget} ${s.maxBudget === 1 ? s.budget.slice(0, -1) : s.budget}${
      full.length ? ", all training images" : ""
    }: ` +
      `deno task train ${configArgs(config).join(" ")}`,
  );
  const run = subprocessRunner(TRAIN_SCRIPT);
  const r: TrainOutcome = await run([...args, "--quiet"]);
  if (r.code !== 0 || !r.summary) {
    throw new UserError(
      `the winner's retraining into ${s.modelOut} failed: ${
        (r.error ?? `exit ${r.code}`).replace(/^error: /, "")
      }; run deno task tune --resume ${out} again`,
      r.code === 2 ? 2 : 1,
    );
  }
  const summary = r.summary as unknown as {
    test: { accuracy: number; loss: number };
    timings: { trainSeconds: number };
    adapter?: { description?: string };
  };
  state.final = {
    trial: best.job.trial,
    config,
    budget: s.maxBudget,
    validationScore: best.score,
    testAccuracy: summary.test.accuracy,
    testLoss: summary.test.loss,
    trainSeconds: summary.timings.trainSeconds,
    out: s.modelOut,
  };
  state.adapter ??= summary.adapter?.description ?? null;
  await writeState(out, state);
  log(
    `tune: winner saved in ${s.modelOut}: test accuracy ${
      (summary.test.accuracy * 100).toFixed(2)
    }% (the search's only test pass)`,
  );
}

await runCli(async () => {
  const flags = parseFlags("tune", FLAGS, HELP);
  const quiet = flags.quiet ?? false;
  const log = (line: string) => quiet || info(line);
  let out: string;
  let state: TuneState | null = null;
  let fresh: Awaited<ReturnType<typeof newSearch>> | null = null;
  if (flags.resume !== undefined) {
    const refused = Object.keys(flags).filter((k) => !RESUME_FLAGS.has(k));
    if (refused.length) {
      usage(`--${refused[0]} cannot be combined with --resume (the search's saved settings rule)`);
    }
    out = userPath(flags.resume);
    if (!exists(join(out, STATE_FILE))) {
      usage(`--resume ${out}: no ${STATE_FILE} there; --resume takes the --out of a search`);
    }
  } else {
    fresh = await newSearch(flags);
    out = flags.out === undefined ? projectPath("results", "tune") : userPath(flags.out);
  }
  await checkWritableDir(out, flags.resume === undefined ? "--out" : "--resume");
  // Before the lock's own handlers (which exit): a stopped search stops its trial too, which
  // keeps its last saved epoch for --resume.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, stopTrials);
  }
  using _lock = acquireFolderLock(out, flags.resume === undefined ? "--out" : "--resume");
  if (fresh) {
    const old = readState(out);
    if (old && !flags.overwrite) {
      usage(
        `--out ${out} holds a search (${old.results.length} trial runs, ${
          old.finished ? "finished" : "unfinished"
        }); continue it with --resume ${out}, or give --overwrite to start again`,
      );
    }
    const m = fresh.settings.modelOut;
    if (m && exists(join(m, "config.json")) && !flags.overwrite) {
      usage(
        `--model-out ${m} already holds a model; give another --model-out, --no-final, or ` +
          `--overwrite to replace it`,
      );
    }
    await Deno.remove(join(out, TRIALS_DIR), { recursive: true }).catch(() => {});
    const now = new Date().toISOString();
    state = {
      version: 1,
      settings: fresh.settings,
      configs: fresh.configs,
      results: [],
      running: null,
      adapter: null,
      trialsTested: null,
      searchSeconds: 0,
      finished: null,
      final: null,
      createdAt: now,
      updatedAt: now,
    };
    await writeState(out, state);
  } else {
    state = readState(out)!;
    if (flags.minutes !== undefined) {
      state.settings.minutes = numberFlag("minutes", flags.minutes, 0, [0.01, 1e6]);
      if (state.finished === "minutes") state.finished = null;
    }
    log(`tune: resuming ${out}: ${state.results.length} trial runs done`);
  }
  const s = state.settings;
  const params = s.space.map((e) => parseSpaceEntry(e, s.budget));
  const budgets = s.halving === "none"
    ? [s.maxBudget]
    : rungBudgets(s.minBudget, s.maxBudget, s.eta);
  log(
    `tune: ${s.search} search, ${state.configs.length} configurations of ${
      searched(params).map((p) => p.name).join(", ") || "(nothing varies)"
    }; ${s.halving} with rungs of ${budgets.join(", ")} ${s.budget}; results in ${out}`,
  );
  if (!state.finished) {
    // Trials are given train's --no-test: they are scored on the validation split alone.
    await search({ out, state, runTrain: subprocessRunner(TRAIN_SCRIPT), noTest: true, log });
  }
  let files = await writeReport(out, state, params, state.adapter ?? "unknown adapter");
  if (!state.final && s.modelOut) {
    await retrainWinner(state, out, log);
    files = await writeReport(out, state, params, state.adapter ?? "unknown adapter");
  }
  if (!s.keepTrials) await Deno.remove(join(out, TRIALS_DIR), { recursive: true }).catch(() => {});
  const best = replay(state).best();
  log(`tune: wrote ${files.map((f) => join(out, f)).join(", ")}`);
  if (flags.json) {
    console.log(JSON.stringify({
      out,
      settings: s,
      trialRuns: state.results.length,
      finished: state.finished,
      best: best && {
        configuration: best.job.trial + 1,
        config: state.configs[best.job.trial],
        budget: best.job.budget,
        validationAccuracy: best.score,
      },
      final: state.final,
      files,
      results: state.results.map(({ history: _h, ...r }) => r),
    }));
  }
});
