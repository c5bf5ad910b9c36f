/**
 * The search loop of `deno task tune`: asks the halving scheduler for the next job, runs it as a
 * `deno task train` subprocess on the validation split, records its score in the state file
 * (written atomically after every trial) and goes on until the scheduler is done or the budget of
 * minutes is spent. A search killed at any point resumes from the state file: the finished
 * trials are replayed through a new scheduler (which is deterministic), and the trial that was
 * running continues from its last saved epoch (train --resume) or starts again.
 */
import { join } from "node:path";
import { type Config, configArgs } from "./space.ts";
import { type Halving, type Job, Scheduler } from "./halving.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { exists, readJsonOrNull } from "../util/fs.ts";
import { UserError } from "../util/errors.ts";
import { duration } from "../train/progress.ts";

export const STATE_FILE = "tune.json";
export const TRIALS_DIR = "trials";

/** Everything that defines a search: saved in its state, so that --resume rebuilds it. */
export interface TuneSettings {
  /** The space in the spec grammar (formatParam), fixed flags included. */
  space: string[];
  search: "random" | "grid";
  /** random: configurations drawn; grid: the grid's size (all of it). */
  trials: number;
  gridPoints: number;
  halving: Halving;
  eta: number;
  budget: "epochs" | "images";
  minBudget: number;
  maxBudget: number;
  seed: number;
  /** Stop starting trials after this many minutes of searching (all sessions), or null. */
  minutes: number | null;
  dataDir: string | null;
  /** Keep each trial's model folder (else removed once its scores are read). */
  keepTrials: boolean;
  /** Where the winner's retrained model goes, or null (not retrained). */
  modelOut: string | null;
}

/** One epoch of a trial, as train's history gives it (no test figures). */
export interface TrialEpoch {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  valAccuracy: number | null;
  seconds: number;
}

/** A finished job. */
export interface TrialRecord extends Job {
  /** The last epoch's validation accuracy; null when the trial diverged. */
  score: number | null;
  status: "ok" | "diverged";
  /** Wall seconds of the train process (start-up and compile included). */
  seconds: number;
  history: TrialEpoch[];
  /** diverged: train's one line. */
  error?: string;
}

export interface TuneState {
  version: 1;
  settings: TuneSettings;
  configs: Config[];
  results: TrialRecord[];
  /** The job being run when the state was written, or null. */
  running: Job | null;
  /** The WebGPU adapter the trials ran on (train's summary), once known. */
  adapter: string | null;
  /** Whether the trials were given train's --no-test (else train tested them; tune kept none). */
  trialsTested: boolean | null;
  /** Seconds spent in trials over every session. */
  searchSeconds: number;
  /** "complete": the scheduler had nothing left; "minutes": the time budget ended it. */
  finished: null | "complete" | "minutes";
  /** The winner's retraining (the one test-set pass), once done. */
  final: null | {
    trial: number;
    config: Config;
    budget: number;
    validationScore: number;
    testAccuracy: number;
    testLoss: number;
    trainSeconds: number;
    out: string;
  };
  createdAt: string;
  updatedAt: string;
}

/** What a trial run gave: train's --json summary, or how it failed. */
export interface TrainOutcome {
  /** Exit code of the train process. */
  code: number;
  /** Its --json summary (null unless code is 0). */
  summary: { history: TrialEpoch[]; adapter?: { description?: string } } | null;
  /** Its last "error: ..." line on stderr, if any. */
  error: string | null;
  seconds: number;
}

/**
 * Runs train with `args`; `args` already hold --out or --resume. The search is given one so
 * tests can run it without a GPU.
 */
export type TrainRunner = (args: string[]) => Promise<TrainOutcome>;

/** The trial's model folder: trials/<trial>-r<rung>, numbered from 1 like the progress lines. */
export function trialDir(out: string, job: Job): string {
  return join(out, TRIALS_DIR, `${String(job.trial + 1).padStart(3, "0")}-r${job.rung}`);
}

/** The train arguments of a job: its configuration, the budget, the seed, the output. */
export function jobArgs(
  s: TuneSettings,
  config: Config,
  budget: number,
  out: string,
  extra: string[] = [],
): string[] {
  return [
    ...configArgs(config),
    s.budget === "epochs" ? `--epochs=${budget}` : `--limit=${budget}`,
    `--seed=${s.seed}`,
    ...(s.dataDir ? [`--data-dir=${s.dataDir}`] : []),
    `--out=${out}`,
    "--overwrite",
    "--json",
    "--quiet",
    ...extra,
  ];
}

/** Reads a search's state file; null when there is none. */
export function readState(out: string): TuneState | null {
  const state = readJsonOrNull<TuneState>(join(out, STATE_FILE));
  if (state && state.version !== 1) {
    throw new UserError(`${join(out, STATE_FILE)}: unknown state version ${state.version}`);
  }
  return state;
}

export function writeState(out: string, state: TuneState): Promise<void> {
  state.updatedAt = new Date().toISOString();
  return writeJsonAtomic(join(out, STATE_FILE), state);
}

/** The scheduler of `state`'s settings, with its finished trials replayed (checked in order). */
export function replay(state: TuneState): Scheduler {
  const s = state.settings;
  const scheduler = new Scheduler({
    halving: s.halving,
    configs: state.configs.length,
    minBudget: s.minBudget,
    maxBudget: s.maxBudget,
    eta: s.eta,
  });
  for (const r of state.results) {
    const job = scheduler.next();
    if (!job || job.trial !== r.trial || job.rung !== r.rung) {
      throw new UserError(
        `${STATE_FILE}: its trials do not follow from its settings (trial ${r.trial + 1} rung ` +
          `${r.rung}); start again with --overwrite`,
      );
    }
    scheduler.report(job, r.score);
  }
  return scheduler;
}

export interface SearchOptions {
  out: string;
  state: TuneState;
  runTrain: TrainRunner;
  /** Whether train has --no-test (then trials are given it and never touch the test set). */
  noTest: boolean;
  /** Progress lines on stderr (one per trial start and end). */
  log: (line: string) => void;
  /** Called after each trial with the state (for the caller's --json or tests). */
  onTrial?: (record: TrialRecord, state: TuneState) => void;
  /** Seconds since this session started searching; tests replace it. */
  now?: () => number;
}

/**
 * Runs jobs until the scheduler is done or the minutes are spent; the state is written before
 * and after each trial. A trial that diverged scores null and the search goes on.
 *
 * @throws UserError (exit 2) when train refuses a configuration (a usage error), naming the
 *   trial, its flags and train's message; UserError (exit 1) for any other failed trial (the
 *   state is kept: --resume runs it again)
 */
export async function search(o: SearchOptions): Promise<TuneState> {
  const { state, out } = o;
  const s = state.settings;
  const clock = o.now ?? ((t0) => () => (performance.now() - t0) / 1000)(performance.now());
  const before = state.searchSeconds;
  const scheduler = replay(state);
  const unit = s.budget === "epochs" ? "epoch" : "image";
  // Seconds of a trial as a + b·budget (least squares over this search's trials; a: start-up
  // and compile, b: per epoch or image), for the ETA.
  const cost = () => {
    const ok = state.results.filter((r) => r.seconds > 0);
    const n = ok.length;
    const mx = ok.reduce((t, r) => t + r.budget, 0) / n;
    const my = ok.reduce((t, r) => t + r.seconds, 0) / n;
    const sxx = ok.reduce((t, r) => t + (r.budget - mx) ** 2, 0);
    const b = sxx > 0 ? ok.reduce((t, r) => t + (r.budget - mx) * (r.seconds - my), 0) / sxx : NaN;
    return b >= 0 && my - b * mx >= 0 ? { a: my - b * mx, b } : { a: 0, b: my / mx };
  };
  for (;;) {
    const spent = before + clock();
    if (s.minutes !== null && spent >= s.minutes * 60) {
      state.finished = "minutes";
      break;
    }
    const job = scheduler.next();
    if (!job) {
      state.finished = "complete";
      break;
    }
    const dir = trialDir(out, job);
    const resumable = state.running?.trial === job.trial && state.running.rung === job.rung &&
      exists(join(dir, "training-state.safetensors"));
    state.running = job;
    state.searchSeconds = spent;
    await writeState(out, state);
    const n = state.results.length + 1;
    const left = scheduler.plannedRemaining();
    const { a, b } = cost();
    const eta = state.results.length ? a * left.jobs + b * left.units : NaN;
    const config = state.configs[job.trial];
    o.log(
      `tune: trial ${n}/${n + left.jobs - 1}: configuration ${
        job.trial + 1
      }/${state.configs.length}, rung ${job.rung + 1}/${scheduler.top + 1} (${job.budget} ${unit}${
        job.budget === 1 ? "" : "s"
      }): ${configArgs(config).join(" ") || "(defaults)"}${resumable ? ", resuming" : ""}` +
        `; elapsed ${duration(spent)}, ETA ${duration(eta)}`,
    );
    const noTest = o.noTest ? ["--no-test"] : [];
    const args = resumable
      ? [`--resume=${dir}`, "--json", "--quiet", ...noTest]
      : jobArgs(s, config, job.budget, dir, noTest);
    const outcome = await o.runTrain(args);
    const record = recordOf(job, outcome, args);
    state.adapter ??= outcome.summary?.adapter?.description ?? null;
    state.trialsTested = !o.noTest;
    scheduler.report(job, record.score);
    state.results.push(record);
    state.running = null;
    state.searchSeconds = before + clock();
    await writeState(out, state);
    if (!s.keepTrials) await Deno.remove(dir, { recursive: true }).catch(() => {});
    const best = scheduler.best();
    o.log(
      `tune: trial ${n} ${
        record.score === null
          ? `diverged (${record.error})`
          : `validation accuracy ${(record.score * 100).toFixed(2)}%`
      } in ${duration(record.seconds)}; best so far ${
        best
          ? `${(best.score * 100).toFixed(2)}% (configuration ${best.job.trial + 1}, rung ${
            best.job.rung + 1
          })`
          : "none"
      }`,
    );
    o.onTrial?.(record, state);
  }
  state.running = null;
  await writeState(out, state);
  return state;
}

/** A trial's record from train's outcome; throws for failures that are not divergence. */
function recordOf(job: Job, r: TrainOutcome, args: string[]): TrialRecord {
  const base = { ...job, seconds: r.seconds };
  if (r.code === 0 && r.summary) {
    // Only what the validation split says; train's test figures (when it has no --no-test)
    // are not kept, so nothing here can select on them.
    const history = r.summary.history.map((h) => ({
      epoch: h.epoch,
      trainLoss: h.trainLoss,
      valLoss: h.valLoss,
      valAccuracy: h.valAccuracy,
      seconds: h.seconds,
    }));
    const last = history.at(-1)?.valAccuracy;
    if (typeof last !== "number") {
      throw new UserError(
        `trial ${job.trial + 1}: train gave no validation accuracy; its validation split is ` +
          `empty (raise --limit or --val-split)`,
        2,
      );
    }
    return { ...base, score: last, status: "ok", history };
  }
  const error = r.error ?? `exit ${r.code}`;
  if (r.code === 1 && /diverged/.test(error)) {
    return { ...base, score: null, status: "diverged", history: [], error };
  }
  const shown = args.filter((a) => !a.startsWith("--out=") && a !== "--overwrite").join(" ");
  throw new UserError(
    `trial ${job.trial + 1} (deno task train ${shown}) failed: ${error.replace(/^error: /, "")}` +
      (r.code === 2 ? "" : "; continue with deno task tune --resume"),
    r.code === 2 ? 2 : 1,
  );
}

/** The train processes running now (one, in a search). */
const children = new Set<Deno.ChildProcess>();

/** Sends SIGTERM to the running trials: train saves nothing half-written and exits. */
export function stopTrials(): void {
  for (const c of children) {
    try {
      c.kill("SIGTERM");
    } catch {
      // Already gone.
    }
  }
}

/** Runs src/cli/train.ts in a new Deno process with train's permissions. */
export function subprocessRunner(trainScript: string): TrainRunner {
  return async (args) => {
    const t0 = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-net",
        "--allow-sys",
        trainScript,
        ...args,
      ],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).spawn();
    children.add(child);
    const out = await child.output().finally(() => children.delete(child));
    const stdout = new TextDecoder().decode(out.stdout).trim();
    const stderr = new TextDecoder().decode(out.stderr);
    const error = stderr.split("\n").reverse().find((l) => l.startsWith("error:")) ??
      (out.code === 0 ? null : stderr.trim().split("\n").slice(-3).join(" / ").slice(0, 300));
    let summary = null;
    if (out.code === 0) {
      try {
        summary = JSON.parse(stdout.split("\n").at(-1) ?? "");
      } catch {
        return { code: 1, summary: null, error: "train printed no JSON summary", seconds: 0 };
      }
    }
    return { code: out.code, summary, error, seconds: (performance.now() - t0) / 1000 };
  };
}
