/**
 * The search space of `deno task tune`: which `deno task train` flags may be searched, the spec
 * grammar that names their values, sampling (random search) and enumeration (grid search), and
 * a configuration's command-line arguments.
 *
 * Grammar of one `--space NAME=SPEC` (NAME is a train flag without its dashes):
 *
 *     VALUE                one value for every trial (a fixed flag)
 *     A,B,C                a list: random search draws one uniformly, grid search takes each
 *     A|B|C                the same; the only separator for flags whose values hold commas
 *                          (augment, classes, freeze)
 *     LO..HI               a number range, uniform; integers for integer flags
 *     log:LO..HI           a number range, log-uniform (LO > 0); integers for integer flags
 *     true,false           a boolean flag (--nesterov) on or off
 *
 * Grid search takes a range as --grid-points values, evenly spaced (geometrically for log:), ends
 * included. A JSON spec file gives the same as {"space": {"lr": "log:1e-4..1e-1",
 * "batch-size": [32, 64, 128], "weight-decay": {"range": [0, 0.1]}, "label-smoothing":
 * {"log": [0.01, 0.3]}, "model": "cnn"}}: a string in the grammar above, an array (a list), an
 * object with "range" or "log" (a range) or a number or boolean (a fixed value).
 */
import { architecture, ARCHITECTURES } from "../nn/zoo.ts";
import { SCHEDULES } from "../optim/schedule.ts";
import { describeAugment, parseAugment } from "../augment/mod.ts";
import { parseClasses } from "../data/subset.ts";
import { showValue, UserError } from "../util/errors.ts";
import { Rng } from "../util/random.ts";
import { nearestFlags } from "../cli/common.ts";

const USAGE = 2;

/** A flag's value in a configuration: a number, a word, or a boolean flag's on/off. */
export type Value = number | string | boolean;

/** One configuration: train flag name (no dashes) → value. */
export type Config = Record<string, Value>;

/** One dimension of the space. */
export type Param =
  | { name: string; kind: "list"; values: Value[] }
  | { name: string; kind: "range"; lo: number; hi: number; log: boolean; integer: boolean };

/** What a train flag takes, as tune checks it before any trial runs. */
type FlagKind =
  | { type: "int"; min: number }
  | { type: "number"; lo: number; hi: number }
  | { type: "choice"; choices: () => readonly string[] }
  | { type: "boolean" }
  | { type: "augment" }
  | { type: "classes" }
  | { type: "text" };

/**
 * Every flag of `deno task train` (src/cli/train.ts's FLAGS and its range checks), with what it
 * takes, or why tune does not pass it through. tests/tune/cli_test.ts compares these names with
 * `deno task train --help`, so a flag added there is noticed here.
 */
export const TRAIN_FLAGS: Record<string, FlagKind | { refused: string }> = {
  model: { type: "choice", choices: () => Object.keys(ARCHITECTURES) },
  epochs: { type: "int", min: 1 },
  "batch-size": { type: "int", min: 1 },
  optimizer: { type: "choice", choices: () => ["adam", "adamw", "sgd", "rmsprop"] },
  lr: { type: "number", lo: 1e-8, hi: 10 },
  "weight-decay": { type: "number", lo: 0, hi: 1 },
  nesterov: { type: "boolean" },
  "lr-schedule": { type: "choice", choices: () => SCHEDULES },
  "warmup-epochs": { type: "number", lo: 0, hi: 1e6 },
  "lr-step-epochs": { type: "int", min: 1 },
  "lr-gamma": { type: "number", lo: 1e-6, hi: 1 },
  "lr-plateau": { type: "int", min: 1 },
  "lr-plateau-factor": { type: "number", lo: 0.01, hi: 0.99 },
  "label-smoothing": { type: "number", lo: 0, hi: 0.99 },
  augment: { type: "augment" },
  "early-stop": { type: "int", min: 1 },
  monitor: { type: "choice", choices: () => ["val_loss", "val_accuracy"] },
  "min-delta": { type: "number", lo: 0, hi: 1 },
  checkpoint: { type: "choice", choices: () => ["best", "last"] },
  limit: { type: "int", min: 10 },
  "permute-pixels": { type: "int", min: 0 },
  "val-split": { type: "number", lo: 0.01, hi: 0.5 },
  init: { type: "text" },
  freeze: { type: "text" },
  classes: { type: "classes" },
  "per-class": { type: "int", min: 0 },
  seed: {
    refused: "tune's own --seed seeds every trial, so that all score on one validation split",
  },
  tta: { refused: "it changes the test pass only, and trials never touch the test set" },
  "test-every-epoch": {
    refused: "trials never touch the test set (only the winner's retraining does, once)",
  },
  resume: { refused: "tune resumes its trials itself (deno task tune --resume DIR)" },
  out: { refused: "tune places its trials itself; give tune's --out or --model-out" },
  overwrite: { refused: "it is tune's own flag" },
  "data-dir": { refused: "give it to tune (--data-dir), which passes it to every trial" },
  json: { refused: "it is tune's own flag" },
  quiet: { refused: "it is tune's own flag" },
  "no-test": { refused: "tune gives it to every trial itself" },
  "no-tune": { type: "boolean" },
  images: { refused: "tune searches Fashion-MNIST runs (their validation split)" },
};

/** Flags whose values contain commas: only "|" separates their choices. */
const COMMA_VALUES = new Set(["augment", "classes", "freeze"]);

function usage(message: string): never {
  throw new UserError(message, USAGE);
}

/** What the budget is measured in: epochs (train's --epochs) or training images (--limit). */
export type BudgetUnit = "epochs" | "images";

/** The flag that carries the budget: it cannot be searched as well. */
export function budgetFlag(unit: BudgetUnit): string {
  return unit === "epochs" ? "epochs" : "limit";
}

function flagKind(name: string, where: string, unit: BudgetUnit): FlagKind {
  const kind = TRAIN_FLAGS[name];
  if (!kind) {
    const known = Object.keys(TRAIN_FLAGS).filter((n) => !("refused" in TRAIN_FLAGS[n]));
    const near = nearestFlags(name, known);
    usage(
      `${where}: ${showValue(name)} is not a flag of deno task train; ` +
        (near.length ? `did you mean ${near.join(" or ")}? ` : "") +
        `searchable: ${known.join(", ")}`,
    );
  }
  if ("refused" in kind) usage(`${where}: --${name} cannot be searched: ${kind.refused}`);
  if (name === budgetFlag(unit)) {
    usage(
      `${where}: --${name} is the budget (--budget ${unit}): set it with --min-budget and ` +
        `--max-budget`,
    );
  }
  return kind;
}

/** Checks one value for flag `name`, returning it in its type (number, boolean or string). */
function checkValue(name: string, kind: FlagKind, raw: Value, where: string): Value {
  const bad = (why: string): never => usage(`${where}: --${name} ${showValue(raw)}: ${why}`);
  switch (kind.type) {
    case "int":
    case "number": {
      const n = typeof raw === "number"
        ? raw
        : raw === "" || raw === true || raw === false
        ? NaN
        : Number(raw);
      if (!Number.isFinite(n)) bad("not a number");
      if (kind.type === "int") {
        if (!Number.isInteger(n)) bad("must be an integer");
        if (n < kind.min) bad(`must be ≥ ${kind.min}`);
      } else if (n < kind.lo || n > kind.hi) bad(`must be in [${kind.lo}, ${kind.hi}]`);
      return n;
    }
    case "boolean":
      if (raw === true || raw === "true") return true;
      if (raw === false || raw === "false") return false;
      return bad("a boolean flag takes true or false");
    case "choice": {
      const choices = kind.choices();
      if (!choices.includes(String(raw))) bad(`must be one of ${choices.join(", ")}`);
      return String(raw);
    }
    case "augment":
      try {
        return describeAugment(parseAugment(String(raw)));
      } catch (e) {
        return bad((e as Error).message);
      }
    case "classes":
      try {
        parseClasses(String(raw));
      } catch (e) {
        return bad((e as Error).message);
      }
      return String(raw);
    case "text":
      if (typeof raw !== "string" || raw === "") bad("must be a non-empty word");
      return raw;
  }
}

function parseNumber(text: string, name: string, where: string): number {
  const n = text.trim() === "" ? NaN : Number(text);
  if (!Number.isFinite(n)) {
    usage(`${where}: --${name} range end ${showValue(text)} is not a number`);
  }
  return n;
}

/** A range's checks: numeric flag, lo < hi, log only above 0, an integer inside for ints. */
function makeRange(
  name: string,
  kind: FlagKind,
  lo: number,
  hi: number,
  log: boolean,
  where: string,
): Param {
  const shown = `${log ? "log:" : ""}${lo}..${hi}`;
  if (kind.type !== "int" && kind.type !== "number") {
    usage(`${where}: --${name} takes no range (${shown}); list its values, e.g. ${name}=A,B`);
  }
  if (lo > hi) usage(`${where}: --${name} range ${shown} has lo > hi; write ${hi}..${lo}`);
  if (lo === hi) usage(`${where}: --${name} range ${shown} is empty; give the one value alone`);
  if (log && lo <= 0) {
    usage(`${where}: --${name} range ${shown}: log needs lo > 0 (the logarithm of ${lo})`);
  }
  for (const end of [lo, hi]) checkValue(name, kind, end, where);
  const integer = kind.type === "int";
  if (integer && Math.ceil(lo) > Math.floor(hi)) {
    usage(`${where}: --${name} range ${shown} holds no integer`);
  }
  return { name, kind: "range", lo, hi, log, integer };
}

/**
 * Parses one `--space NAME=SPEC` (grammar in this file's header).
 *
 * @param unit the budget's unit: its flag (epochs or limit) cannot be searched
 * @throws UserError (usage, exit 2), one line naming the spec and what is wrong: no "=", an unknown
 *   or refused flag, a value out of the flag's range, an empty range (lo = hi, or no integer in
 *   it), lo > hi, a log range that reaches 0 or below, a range on a flag that is not a number,
 *   a repeated list value
 */
export function parseSpaceEntry(entry: string, unit: BudgetUnit = "epochs"): Param {
  const where = `--space ${showValue(entry)}`;
  const eq = entry.indexOf("=");
  if (eq < 0) usage(`${where}: write NAME=VALUES, e.g. lr=log:1e-4..1e-1 or batch-size=32,64,128`);
  const name = entry.slice(0, eq).trim().replace(/^--/, "");
  const spec = entry.slice(eq + 1).trim();
  const kind = flagKind(name, where, unit);
  if (spec === "") usage(`${where}: no value for --${name}`);
  // A number never holds "..": the first one splits a range's ends.
  const log = spec.startsWith("log:");
  const body = log ? spec.slice(4) : spec;
  const dots = body.indexOf("..");
  if (log || (dots >= 0 && (kind.type === "int" || kind.type === "number"))) {
    if (dots < 0) usage(`${where}: log: takes a range, e.g. ${name}=log:1e-4..1e-1`);
    return makeRange(
      name,
      kind,
      parseNumber(body.slice(0, dots), name, where),
      parseNumber(body.slice(dots + 2), name, where),
      log,
      where,
    );
  }
  const sep = spec.includes("|") || COMMA_VALUES.has(name) ? "|" : ",";
  const parts = spec.split(sep).map((s) => s.trim());
  if (parts.some((p) => p === "")) usage(`${where}: an empty value in the list`);
  return makeList(name, kind, parts, where);
}

function makeList(name: string, kind: FlagKind, raw: Value[], where: string): Param {
  const values = raw.map((v) => checkValue(name, kind, v, where));
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(String(v))) usage(`${where}: --${name} lists ${showValue(v)} twice`);
    seen.add(String(v));
  }
  return { name, kind: "list", values };
}

/**
 * A JSON spec file's space: {"space": {NAME: SPEC, ...}} (SPEC: a grammar string, an array, an
 * object {"range": [lo, hi]} or {"log": [lo, hi]}, or a fixed number or boolean).
 *
 * @param file the file's name, for the messages
 * @throws UserError (usage, exit 2) naming the file and the entry that is wrong
 */
export function parseSpecFile(text: string, file: string, unit: BudgetUnit = "epochs"): Param[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    usage(`--spec ${file}: not JSON (${(e as Error).message.split("\n")[0]})`);
  }
  const space = (json as { space?: unknown } | null)?.space;
  if (typeof space !== "object" || space === null || Array.isArray(space)) {
    usage(`--spec ${file}: needs {"space": {"lr": "log:1e-4..1e-1", ...}}`);
  }
  const extra = Object.keys(json as object).filter((k) => k !== "space");
  if (extra.length) usage(`--spec ${file}: unknown key ${showValue(extra[0])}; only "space"`);
  return Object.entries(space as Record<string, unknown>).map(([name, spec]) => {
    const where = `--spec ${file}: ${showValue(name)}`;
    if (typeof spec === "string") return parseSpaceEntry(`${name}=${spec}`, unit);
    const kind = flagKind(name, where, unit);
    if (typeof spec === "number" || typeof spec === "boolean") {
      return makeList(name, kind, [spec], where);
    }
    if (Array.isArray(spec)) {
      if (!spec.length) usage(`${where}: an empty list`);
      if (!spec.every((v) => ["number", "string", "boolean"].includes(typeof v))) {
        usage(`${where}: list values must be numbers, strings or booleans`);
      }
      return makeList(name, kind, spec, where);
    }
    const o = spec as Record<string, unknown> | null;
    const ends = o?.range ?? o?.log;
    if (
      o && Object.keys(o).length === 1 && Array.isArray(ends) && ends.length === 2 &&
      ends.every((v) => typeof v === "number" && Number.isFinite(v))
    ) {
      return makeRange(name, kind, ends[0] as number, ends[1] as number, "log" in o, where);
    }
    return usage(`${where}: give a string, a list, {"range": [lo, hi]} or {"log": [lo, hi]}`);
  });
}

/** Refuses a flag named twice (by --space twice, or by --space and the spec file). */
export function mergeSpace(params: Param[]): Param[] {
  const seen = new Set<string>();
  for (const p of params) {
    if (seen.has(p.name)) usage(`--space: --${p.name} is given twice`);
    seen.add(p.name);
  }
  return params;
}

/** The dimensions that vary (a list of one value is a fixed flag). */
export function searched(params: Param[]): Param[] {
  return params.filter((p) => p.kind === "range" || p.values.length > 1);
}

/** Four significant digits: sampled reals print and pass as short, repeatable numbers. */
function round4(x: number): number {
  return Number(x.toPrecision(4));
}

/** One value of a range at t ∈ [0, 1]: linearly or geometrically between its ends. */
function at(p: Extract<Param, { kind: "range" }>, t: number): number {
  const x = p.log ? Math.exp(Math.log(p.lo) + t * (Math.log(p.hi) - Math.log(p.lo))) : p.lo +
    t * (p.hi - p.lo);
  if (p.integer) return Math.min(Math.floor(p.hi), Math.max(Math.ceil(p.lo), Math.round(x)));
  return Math.min(p.hi, Math.max(p.lo, round4(x)));
}

/**
 * `n` configurations drawn independently (random search, Bergstra & Bengio 2012): each list
 * value with equal probability, each range uniformly (log-uniformly for log:), reals to 4
 * significant digits. Depends only on (params, n, seed); repeated configurations are kept
 * (they are rare for ranges; a small list space is better searched with --search grid).
 */
export function sampleConfigs(params: Param[], n: number, seed: number): Config[] {
  const rng = new Rng(seed ^ 0x7475_6e65);
  return Array.from({ length: n }, () => {
    const c: Config = {};
    for (const p of params) {
      c[p.name] = p.kind === "list" ? p.values[rng.int(p.values.length)] : at(p, rng.next());
    }
    return c;
  });
}

/**
 * Every combination (grid search): each list's values and `points` values of each range, evenly
 * (for log: geometrically) spaced with both ends included; integer ranges lose the points that
 * round to the same integer. The first parameter varies slowest.
 */
export function gridConfigs(params: Param[], points: number): Config[] {
  const axes = params.map((p) => {
    if (p.kind === "list") return p.values;
    const vs = Array.from(
      { length: points },
      (_, i) => at(p, points === 1 ? 0.5 : i / (points - 1)),
    );
    return [...new Set(vs)];
  });
  let out: Config[] = [{}];
  params.forEach((p, i) => {
    out = out.flatMap((c) => axes[i].map((v) => ({ ...c, [p.name]: v })));
  });
  return out;
}

/**
 * Combinations deno task train would refuse, found before any trial runs: --nesterov without
 * sgd, --lr-step-epochs/--lr-gamma without the step schedule, --lr-plateau-factor without
 * --lr-plateau, label smoothing on a hinge-loss model, --val-split 0 (trials score on the
 * validation split).
 *
 * @throws UserError (usage, exit 2) naming the configuration's flags
 */
export function checkConfig(c: Config, index: number): void {
  const say = (why: string): never =>
    usage(`configuration ${index + 1} (${configArgs(c).join(" ")}): ${why}`);
  const optimizer = c.optimizer ?? "adamw";
  const schedule = c["lr-schedule"] ?? "onecycle";
  if (c.nesterov === true && optimizer !== "sgd") say("--nesterov applies to --optimizer sgd only");
  for (const f of ["lr-step-epochs", "lr-gamma"]) {
    if (c[f] !== undefined && schedule !== "step") say(`--${f} applies to --lr-schedule step only`);
  }
  if (c["lr-plateau-factor"] !== undefined && c["lr-plateau"] === undefined) {
    say("--lr-plateau-factor needs --lr-plateau");
  }
  if (
    typeof c["label-smoothing"] === "number" && c["label-smoothing"] > 0 &&
    architecture(String(c.model ?? "cnn")).loss === "hinge"
  ) {
    say(`--label-smoothing applies to cross-entropy; ${c.model} is trained with a hinge loss`);
  }
}

/**
 * A configuration as train's arguments: `--name=value`, a boolean flag alone when true and left
 * out when false. Keys in the configuration's order.
 */
export function configArgs(c: Config): string[] {
  return Object.entries(c).flatMap(([k, v]) =>
    v === true ? [`--${k}`] : v === false ? [] : [`--${k}=${v}`]
  );
}

/** A spec in the grammar, as parseSpaceEntry reads it back (for the state file and the docs). */
export function formatParam(p: Param): string {
  if (p.kind === "range") return `${p.name}=${p.log ? "log:" : ""}${p.lo}..${p.hi}`;
  const sep = COMMA_VALUES.has(p.name) || p.values.some((v) => String(v).includes(",")) ? "|" : ",";
  return `${p.name}=${p.values.join(sep)}`;
}
