// The autotuner: which strategy an op runs for a shape, measured on the adapter instead of guessed.
//
// An op with several strategies (matmul: texture, register, tiled, tiled8; conv2d: winograd,
// im2col, implicit_gemm, direct) asks `choose` each time it records. Until tuning has been started
// (`Tuner.start`, done by `autotune`) the answer is the adapter profile's default, so tests and
// anything that never tunes stay deterministic. Once started, a shape class the tuner has not
// measured is answered with the default too and queued; `tune` then times each candidate on that
// shape (a few short runs, outside any step), keeps the fastest (the default unless another is at
// least `margin` faster: noise must not move a choice), and saves the choices for this adapter: on
// disk in Deno (FASHION_MNIST_TUNE_DIR, else $XDG_CACHE_HOME/fashion-mnist or
// ~/.cache/fashion-mnist, file tune-<adapter hash>.json, written atomically), in localStorage in a
// page. Nothing is timed while a step is recorded: the ops only read the table, so a captured
// step replays what was chosen when it was recorded. Burn/CubeCL's autotune works the same way
// (a key per shape class, a cache per device).
//
// Overrides: FASHION_MNIST_TUNE=off keeps every default (nothing read, timed or written);
// FASHION_MNIST_MATMUL=<strategy> and FASHION_MNIST_CONV2D=<algorithm> force one strategy wherever
// it applies (tests and comparisons; `Tuner.force` does the same from code).
//
// The cache file is untrusted input: anything that is not a well-formed table for this adapter,
// with known strategies, is ignored as a whole (one line on the progress stream says why).
import type { AdapterReport } from "./adapter_report.ts";
import { platform } from "../platform/mod.ts";
import { UserError } from "../util/errors.ts";

/** The ops the tuner chooses for, and each one's strategies. */
export const TUNED_STRATEGIES = {
  matmul: ["texture", "register", "tiled", "tiled8"],
  conv2d: ["winograd", "im2col", "implicit_gemm", "direct"],
} as const;
export type TunedOp = keyof typeof TUNED_STRATEGIES;
export type StrategyOf<O extends TunedOp> = (typeof TUNED_STRATEGIES)[O][number];

/** Bumped when a kernel changes enough that earlier measurements no longer say anything. */
export const TUNE_VERSION = 1;

/** The environment variables that force an op's strategy. */
export const FORCE_ENV: Readonly<Record<TunedOp, string>> = {
  matmul: "FASHION_MNIST_MATMUL",
  conv2d: "FASHION_MNIST_CONV2D",
};
export const TUNE_ENV = "FASHION_MNIST_TUNE";
export const TUNE_DIR_ENV = "FASHION_MNIST_TUNE_DIR";

/** A cache file larger than this is not read (a table of a few hundred entries is ~20 KB). */
const MAX_CACHE_BYTES = 1 << 20;
const MAX_ENTRIES = 10000;
const KEY = /^(matmul|conv2d):[\w.,:-]{1,200}$/;

/**
 * What an op hands the tuner to measure one shape class: `run(strategy)` records the op once on
 * fresh tensors of that shape with `strategy` forced and submits it (the op isolates it from any
 * step being recorded).
 */
export interface TuneCase {
  run(strategy: string): void;
}

/** A shape class waiting to be measured. */
interface Pending {
  op: TunedOp;
  candidates: readonly string[];
  fallback: string;
  makeCase: () => TuneCase;
}

/** What `tune` did for one shape class. */
export interface TuneResult {
  key: string;
  /**
   * The fastest timed batch per candidate, GPU milliseconds (absent: dropped after its first run
   * or failed).
   */
  ms: Record<string, number>;
  fallback: string;
  chosen: string;
  /** Runs per timed batch (`ms` is per batch). */
  runs: number;
}

/** Where the choices are kept between runs. */
export interface TuneStore {
  /** For messages: the file or storage key. */
  readonly where: string;
  read(): Promise<string | null>;
  write(text: string): Promise<void>;
}

/** Something that can wait for the GPU (src/gpu/gpu.ts `Gpu.sync`). */
export interface Syncable {
  sync(): Promise<void>;
}

/** FNV-1a (32-bit) of a string, as 8 hex digits: names the adapter's cache file. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** The adapter's identity for the cache: what it is, through which API, and the kernels' version. */
export function adapterHash(a: AdapterReport): string {
  return fnv1a(
    JSON.stringify([TUNE_VERSION, a.description, a.vendor, a.architecture, a.backend]),
  );
}

/** The default store: a file in Deno, localStorage in a page, else none (memory only). */
export function defaultStore(a: AdapterReport): TuneStore | null {
  const name = `tune-${adapterHash(a)}.json`;
  const p = platform();
  if (p.name === "deno") {
    const dir = p.env(TUNE_DIR_ENV) || join(
      p.env("XDG_CACHE_HOME") || join(p.env("HOME") || ".", ".cache"),
      "fashion-mnist",
    );
    return fileStore(join(dir, name));
  }
  const ls = (globalThis as { localStorage?: Storage }).localStorage;
  return ls ? localStorageStore(ls, `fashion-mnist-${name}`) : null;
}

function join(a: string, b: string): string {
  return a.endsWith("/") ? a + b : `${a}/${b}`;
}

/** A JSON file, written atomically (src/util/atomic.ts); a file over 1 MB reads as absent. */
export function fileStore(path: string): TuneStore {
  return {
    where: path,
    async read() {
      try {
        const info = await Deno.stat(path);
        if (!info.isFile || info.size > MAX_CACHE_BYTES) return null;
        return await Deno.readTextFile(path);
      } catch {
        return null;
      }
    },
    write: (text) => writeAtomic(path, text),
  };
}

/**
 * src/util/atomic.ts's write (a temporary file beside the target, renamed over it; removed when
 * anything fails), without its node:path import, which a page's bundle cannot load.
 */
async function writeAtomic(path: string, text: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  const tmp = `${path}.${Deno.pid}.${Date.now()}.tmp`;
  try {
    if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** A page's localStorage entry. */
export function localStorageStore(ls: Storage, key: string): TuneStore {
  return {
    where: `localStorage ${key}`,
    read: () => {
      try {
        const v = ls.getItem(key);
        return Promise.resolve(v && v.length <= MAX_CACHE_BYTES ? v : null);
      } catch {
        return Promise.resolve(null);
      }
    },
    write: (text) => {
      try {
        ls.setItem(key, text);
      } catch { /* full or refused: the choices stay in memory */ }
      return Promise.resolve();
    },
  };
}

/**
 * The choices a cache text holds, or a one-line reason it is refused: JSON
 * `{ version, adapter, choices: { "<op>:<class>": strategy } }` with this TUNE_VERSION and
 * adapter hash, at most 10,000 entries, keys of the form the ops make and strategies the op has.
 */
export function parseCache(text: string, hash: string): Map<string, string> | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) return "not a JSON object";
  const o = data as Record<string, unknown>;
  if (o.version !== TUNE_VERSION) return `version is not ${TUNE_VERSION}`;
  if (o.adapter !== hash) return "made for another adapter";
  const choices = o.choices;
  if (!choices || typeof choices !== "object" || Array.isArray(choices)) return "no choices object";
  const entries = Object.entries(choices as Record<string, unknown>);
  if (entries.length > MAX_ENTRIES) return `more than ${MAX_ENTRIES} entries`;
  const out = new Map<string, string>();
  for (const [key, value] of entries) {
    const m = KEY.exec(key);
    if (!m) return "a key that no op makes";
    const allowed = TUNED_STRATEGIES[m[1] as TunedOp] as readonly string[];
    if (typeof value !== "string" || !allowed.includes(value)) return "an unknown strategy";
    out.set(key, value);
  }
  return out;
}

/** Options of a Tuner; each defaults to the environment's setting. */
export interface TunerOptions {
  /** Where choices persist (null: memory only). */
  store?: TuneStore | null;
  /** False: never tune, always the profile's defaults (FASHION_MNIST_TUNE=off). */
  enabled?: boolean;
  /** Strategies forced per op (FASHION_MNIST_MATMUL, FASHION_MNIST_CONV2D). */
  force?: Partial<Record<TunedOp, string>>;
  /** A strategy other than the default is taken only when at least this much faster (0.1: 10%). */
  margin?: number;
  /** Wall-clock budget of one `tune` call, compiling included (ms). */
  budgetMs?: number;
  /** Timed batches per candidate (the fastest counts). */
  reps?: number;
  /** A timed batch holds enough runs for this much GPU work (ms), at most 256 runs. */
  batchMs?: number;
  /** Writes the one-line notes (a refused cache file, a skipped class); default: progress stream. */
  log?: (line: string) => void;
}

/** Reads the force variables: a name that is not a strategy of the op is a usage error. */
export function forcedFromEnv(env: (name: string) => string | undefined) {
  const force: Partial<Record<TunedOp, string>> = {};
  for (const op of Object.keys(FORCE_ENV) as TunedOp[]) {
    const v = env(FORCE_ENV[op]);
    if (!v) continue;
    const allowed = TUNED_STRATEGIES[op] as readonly string[];
    if (!allowed.includes(v)) {
      throw new UserError(`${FORCE_ENV[op]}=${v.slice(0, 40)}: not one of ${allowed.join(", ")}`);
    }
    force[op] = v;
  }
  return force;
}

/**
 * The strategy table of one adapter: forced choices, measured choices, and the shape classes
 * waiting to be measured. See the top of this file.
 */
export class Tuner {
  /** Forced strategies per op: taken wherever they are among a call's candidates. */
  force: Partial<Record<TunedOp, string>>;
  /** Whether `choose` consults and extends the table (after `start`, unless disabled). */
  active = false;
  readonly enabled: boolean;
  readonly store: TuneStore | null;
  readonly hash: string;
  private choices = new Map<string, string>();
  private pending = new Map<string, Pending>();
  private opts: Required<Omit<TunerOptions, "store" | "enabled" | "force">>;

  constructor(readonly adapter: AdapterReport, o: TunerOptions = {}) {
    const env = (name: string) => {
      try {
        return platform().env(name);
      } catch {
        return undefined;
      }
    };
    this.hash = adapterHash(adapter);
    this.enabled = o.enabled ?? env(TUNE_ENV) !== "off";
    this.force = o.force ?? forcedFromEnv(env);
    this.store = o.store === undefined ? defaultStore(adapter) : o.store;
    const software = /llvmpipe|lavapipe|swiftshader/i.test(adapter.description);
    this.opts = {
      margin: o.margin ?? 0.1,
      // A GPU measures its few dozen shape classes in well under its 2 s; the software adapter
      // compiles each new pipeline for up to ~1.5 s, so it gets more, still bounded.
      budgetMs: o.budgetMs ?? (software ? 15000 : 2000),
      reps: o.reps ?? 3,
      batchMs: o.batchMs ?? 20,
      log: o.log ?? ((line) => platform().writeProgress(line + "\n")),
    };
  }

  /**
   * The strategy for one call: `fallback` (the profile's) unless a forced strategy is among
   * `candidates`, or the tuner is active and has measured `key`; an active tuner queues an
   * unmeasured key with `makeCase` (called only when it is measured).
   */
  choose<S extends string>(
    op: TunedOp,
    key: string,
    candidates: readonly S[],
    fallback: S,
    makeCase: () => TuneCase,
  ): S {
    const forced = this.force[op] as S | undefined;
    if (forced && candidates.includes(forced)) return forced;
    if (!this.active || candidates.length < 2) return fallback;
    const known = this.choices.get(key) as S | undefined;
    if (known !== undefined && candidates.includes(known)) return known;
    if (known === undefined && !this.pending.has(key)) {
      this.pending.set(key, { op, candidates, fallback, makeCase });
    }
    return fallback;
  }

  /** The measured choice for `key`, if any. */
  choice(key: string): string | undefined {
    return this.choices.get(key);
  }

  /** Keys waiting to be measured. */
  pendingKeys(): string[] {
    return [...this.pending.keys()];
  }

  /**
   * Turns the tuner on (unless disabled) and loads the choices saved for this adapter; a cache
   * that fails `parseCache` is ignored (noted in one line) and overwritten at the next save.
   */
  async start(): Promise<void> {
    if (!this.enabled || this.active) return;
    this.active = true;
    const text = await this.store?.read();
    if (text === null || text === undefined) return;
    const parsed = parseCache(text, this.hash);
    if (typeof parsed === "string") {
      this.opts.log(`tune: ignoring ${this.store!.where}: ${parsed}`);
      return;
    }
    for (const [k, v] of parsed) if (!this.choices.has(k)) this.choices.set(k, v);
  }

  /**
   * Measures every queued shape class (classes queued while measuring too) within the budget,
   * keeps the choices and saves them. Call between steps, never while one is being recorded:
   * each candidate is run and waited for. Classes left when the budget is spent stay queued
   * (their default runs meanwhile) for the next call.
   */
  async tune(g: Syncable): Promise<TuneResult[]> {
    const results: TuneResult[] = [];
    if (!this.active) return results;
    const deadline = performance.now() + this.opts.budgetMs;
    while (this.pending.size) {
      if (performance.now() > deadline) {
        this.opts.log(`tune: budget spent, ${this.pending.size} shape classes keep their default`);
        break;
      }
      const [key, p] = this.pending.entries().next().value!;
      this.pending.delete(key);
      results.push(await this.measure(g, key, p));
    }
    if (results.length) {
      // A cache that cannot be written (read-only home, full disk) costs a re-tune next time,
      // not the run: one line says so.
      try {
        await this.save();
      } catch (e) {
        const why = String((e as Error).message).split("\n")[0].slice(0, 200);
        this.opts.log(`tune: could not save ${this.store!.where} (${why})`);
      }
    }
    return results;
  }

  /**
   * Times each candidate of one class. A wait for the GPU has a fixed cost of its own (~12 ms in
   * Deno, whose mapAsync polls then sleeps), measured first and subtracted; the default is timed
   * first and sets how many runs a timed batch holds (doubling until the batch's work is at least
   * `batchMs`, at most 256 runs). A candidate whose untimed first run (its pipelines compile while
   * it records, so only the wait after counts) kept the GPU over 3× as long as the default's
   * first run (+ 2 ms) is dropped unmeasured. A winner other than the
   * default is timed once more against it, alternating, and kept only if it still wins by
   * `margin`.
   */
  private async measure(g: Syncable, key: string, p: Pending): Promise<TuneResult> {
    const c = p.makeCase();
    const order = [p.fallback, ...p.candidates.filter((s) => s !== p.fallback)];
    let overhead = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await g.sync();
      overhead = Math.min(overhead, performance.now() - t0);
    }
    /** Milliseconds of GPU work of `n` runs: recording, then the wait less its fixed cost. */
    const timeBatch = async (s: string, n: number) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) c.run(s);
      await g.sync();
      return Math.max(0, performance.now() - t0 - overhead);
    };
    const ms: Record<string, number> = {};
    let runs = 1;
    let firstDefault = Infinity;
    for (const s of order) {
      try {
        // The first run compiles (on the CPU, while recording): only the wait after it counts.
        c.run(s);
        const t0 = performance.now();
        await g.sync();
        const first = performance.now() - t0 - overhead;
        if (s === p.fallback) {
          firstDefault = first;
          while (runs < 256 && (await timeBatch(s, runs)) < this.opts.batchMs) runs *= 2;
        } else if (first > 3 * firstDefault + 2) {
          continue;
        }
        let best = Infinity;
        for (let r = 0; r < this.opts.reps; r++) {
          best = Math.min(best, await timeBatch(s, runs));
          // Far behind the default after one batch: no need to confirm it.
          if (s !== p.fallback && best > 2 * ms[p.fallback]) break;
        }
        ms[s] = best;
      } catch (e) {
        this.opts.log(`tune: ${key} ${s} failed (${String((e as Error).message).slice(0, 200)})`);
      }
    }
    const better = (s: string) =>
      ms[s] !== undefined && ms[s] < (ms[p.fallback] ?? Infinity) * (1 - this.opts.margin);
    let chosen = p.fallback;
    for (const s of Object.keys(ms)) if (better(s) && ms[s] < (ms[chosen] ?? Infinity)) chosen = s;
    if (chosen !== p.fallback && ms[p.fallback] !== undefined) {
      ms[p.fallback] = Math.min(ms[p.fallback], await timeBatch(p.fallback, runs));
      ms[chosen] = Math.min(ms[chosen], await timeBatch(chosen, runs));
      if (!better(chosen)) chosen = p.fallback;
    }
    this.choices.set(key, chosen);
    return { key, ms, fallback: p.fallback, chosen, runs };
  }

  /** Writes the table (all choices measured or loaded) to the store. */
  async save(): Promise<void> {
    if (!this.store) return;
    const choices = Object.fromEntries([...this.choices].sort(([a], [b]) => a < b ? -1 : 1));
    const text = JSON.stringify(
      {
        version: TUNE_VERSION,
        adapter: this.hash,
        description: this.adapter.description,
        choices,
      },
      null,
      1,
    );
    await this.store.write(text + "\n");
  }
}

const tuners = new WeakMap<object, Tuner>();

/** The tuner of a Gpu (by its `adapter`), created from the environment on first use. */
export function tunerFor(g: { adapter: AdapterReport }): Tuner {
  let t = tuners.get(g);
  if (!t) tuners.set(g, t = new Tuner(g.adapter));
  return t;
}

/** Replaces a Gpu's tuner (tests: a temporary store, forced strategies). */
export function setTuner(g: { adapter: AdapterReport }, t: Tuner): void {
  tuners.set(g, t);
}

/**
 * Tunes the ops that `record` uses, before they run for real: starts the tuner (loading this
 * adapter's saved choices), records `record` once (one step, say; its ops queue their unmeasured
 * shape classes and run their defaults), waits for it, then measures what was queued. Call it
 * before the first training step, or before a step is captured, so no step waits for tuning.
 * Returns what was measured (empty when everything was cached or tuning is off).
 */
export async function autotune(
  g: Syncable & { adapter: AdapterReport },
  record: () => void | Promise<void>,
  /** Hears how many shape classes are new, before they are measured (none: not called). */
  onMeasuring?: (n: number) => void,
): Promise<TuneResult[]> {
  const t = tunerFor(g);
  await t.start();
  if (!t.active) return [];
  await record();
  await g.sync();
  const pending = t.pendingKeys().length;
  if (pending && onMeasuring) onMeasuring(pending);
  return await t.tune(g);
}

/**
 * Shape-class bucket of a size: the next power of two (1, 2, 4, ...), so that nearby sizes (a last
 * short batch) share a measurement.
 */
export function bucket(n: number): number {
  return n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
}
