// Training the experiments' extra networks with `deno task train` itself (a child process), so
// that they get exactly the comparison's training code, progress, per-epoch checkpoints and
// --resume: a run interrupted by anything resumes where it stopped when the command runs again.
import { join } from "node:path";
import { UserError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";

type Settings = Record<string, unknown>;

const TRAIN_CLI = new URL("../cli/train.ts", import.meta.url).pathname;
const STATE_FILE = "training-state.safetensors";
/** The permissions `deno task train` runs with (deno.json). */
const PERMISSIONS = ["--allow-read", "--allow-write", "--allow-env", "--allow-net", "--allow-sys"];

/**
 * The `deno task train` flags that reproduce a run from the settings its config.json records
 * (`hyperParameters`): the comparison's recipe, given again for a new run. Flags that only apply
 * with another setting (step-schedule or plateau factors, --monitor) are given only with it.
 *
 * @throws UserError when the settings lack the model or epochs (not a `deno task train` run)
 */
export function recipeFlags(s: Settings): string[] {
  if (typeof s.model !== "string" || typeof s.epochs !== "number") {
    throw new UserError(
      `the settings (${JSON.stringify(s).slice(0, 80)}…) are not a "deno task train" run's`,
    );
  }
  const flags: string[] = [];
  const add = (flag: string, value: unknown) => {
    if (value !== undefined && value !== null) flags.push(`--${flag}`, String(value));
  };
  add("model", s.model);
  add("epochs", s.epochs);
  add("batch-size", s.batchSize);
  add("optimizer", s.optimizer);
  add("lr", s.lr);
  add("weight-decay", s.weightDecay);
  if (s.nesterov === true) flags.push("--nesterov");
  add("lr-schedule", s.schedule);
  add("warmup-epochs", s.warmupEpochs);
  if (s.schedule === "step") {
    add("lr-step-epochs", s.lrStepEpochs);
    add("lr-gamma", s.lrGamma);
  }
  add("lr-plateau", s.plateauPatience);
  if (s.plateauPatience != null) add("lr-plateau-factor", s.plateauFactor);
  add("label-smoothing", s.labelSmoothing);
  if (typeof s.augment === "string" && s.augment !== "none" && s.augment !== "") {
    add("augment", s.augment);
  }
  if (s.tta === true) flags.push("--tta");
  add("early-stop", s.earlyStop);
  if (s.earlyStop != null || s.checkpoint === "best") {
    add("monitor", s.monitor);
    add("min-delta", s.minDelta);
  }
  add("checkpoint", s.checkpoint);
  add("seed", s.seed);
  add("limit", s.limit);
  add("val-split", s.valSplit);
  add("permute-pixels", s.permutePixels);
  return flags;
}

/** A run's config.json, or null when there is none (yet). */
export async function readConfig(dir: string): Promise<Settings | null> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new UserError(`${join(dir, "config.json")}: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** True when `dir` holds a finished `deno task train` run (its config.json has the test result). */
export async function isFinished(dir: string): Promise<boolean> {
  const c = await readConfig(dir);
  return c !== null && c.test !== undefined;
}

/**
 * Makes sure `dir` holds a finished run of `settings` (a `deno task train` settings object):
 * returns at once when it does; resumes a run that was interrupted (its training state is there);
 * else starts one. Progress goes to this process's stderr. A finished or started run with other
 * settings (another seed, augmentation, permutation...) is refused rather than reused.
 *
 * @param check the settings that must match in a run found in `dir` (e.g. model, augment)
 * @returns the run's config.json
 * @throws UserError when `dir` holds another run or the training fails
 */
export async function ensureTrained(
  dir: string,
  settings: Settings,
  opts: { dataDir?: string; quiet?: boolean; log?: (line: string) => void } = {},
): Promise<Settings> {
  const keys = ["model", "epochs", "augment", "seed", "permutePixels", "limit"];
  const same = (c: Settings | null) => {
    const hp = (c?.hyperParameters ?? {}) as Settings;
    return keys.every((k) => (hp[k] ?? null) === (settings[k] ?? null));
  };
  const config = await readConfig(dir);
  if (config && !same(config)) {
    const hp = config.hyperParameters as Settings;
    const diff = keys.filter((k) => (hp?.[k] ?? null) !== (settings[k] ?? null))
      .map((k) =>
        `${k} ${JSON.stringify(hp?.[k] ?? null)} (wanted ${JSON.stringify(settings[k])})`
      );
    throw new UserError(
      `${dir} holds another run (${diff.join(", ")}); move it away or choose another --train-dir`,
    );
  }
  if (config?.test !== undefined) return config;
  const resume = exists(join(dir, STATE_FILE));
  const args = resume ? ["--resume", dir] : [...recipeFlags(settings), "--out", dir];
  if (opts.dataDir) args.push("--data-dir", opts.dataDir);
  if (opts.quiet) args.push("--quiet");
  opts.log?.(`${resume ? "resuming" : "training"} ${dir}: deno task train ${args.join(" ")}`);
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, TRAIN_CLI, ...args],
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    throw new UserError(
      `training ${dir} failed (exit ${status.code}); run the command again to resume it`,
    );
  }
  const done = await readConfig(dir);
  if (!done || done.test === undefined) {
    throw new UserError(`training ${dir} ended without a result; run the command again`);
  }
  return done;
}
