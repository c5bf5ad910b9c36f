/**
 * Successive halving for one worker: which configuration to train next, on what budget. Pure
 * and deterministic (no clock, no randomness): the same scores give the same jobs, so a search
 * resumed after a kill replays its finished trials through a new scheduler and arrives at the
 * job that was running.
 *
 * Rungs: budgets r_0 = min, r_k = min·η^k (rounded), and max as the last one
 * (`rungBudgets`). A configuration is first trained on a small budget; the best 1/η of a rung
 * are trained again on the next rung's budget.
 *
 * - "asha": asynchronous successive halving, Li et al. 2018, "A System for Massively Parallel
 *   Hyperparameter Tuning" (MLSys 2020, arXiv:1810.05934), Algorithm 2 with one worker: whenever
 *   the worker is free, promote a configuration that is in the top ⌊n_k/η⌋ of rung k's n_k
 *   results and was not promoted yet (highest rung first); when there is none, start a new
 *   configuration on rung 0. Needs no rung to be complete, so it suits a budget of minutes.
 * - "sh": synchronous successive halving (Jamieson & Talwalkar 2016; Hyperband's inner loop):
 *   every configuration on rung 0, then the best ⌊n_k/η⌋ of each complete rung on the next.
 * - "hyperband": Li et al. 2018, "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
 *   Optimization" (JMLR 18(185)): brackets s = s_max..0 of synchronous halving, bracket s
 *   starting ⌈(s_max+1)/(s+1)·η^s⌉ configurations on rung s_max − s; repeated while
 *   configurations are left.
 * - "none": every configuration on the largest budget (plain random or grid search).
 *
 * Scores are "higher is better" (validation accuracy); null is a trial that failed (diverged):
 * it ranks below every score and is never promoted. Ties go to the earlier configuration.
 */

export type Halving = "asha" | "sh" | "hyperband" | "none";
export const HALVINGS: readonly Halving[] = ["asha", "sh", "hyperband", "none"];

/** One run of one configuration: `trial` indexes the sampled configurations. */
export interface Job {
  trial: number;
  rung: number;
  /** rungBudgets(...)[rung]: epochs or images. */
  budget: number;
  /** Hyperband's bracket (0 for the others). */
  bracket: number;
}

export interface HalvingOptions {
  halving: Halving;
  /** How many configurations there are to start. */
  configs: number;
  minBudget: number;
  maxBudget: number;
  /** Reduction factor η ≥ 2: the top 1/η of a rung go on, on η times the budget. */
  eta: number;
}

/**
 * The rungs' budgets: min, min·η, min·η², ... (rounded to integers) below max, then max.
 *
 * @throws RangeError when min < 1, max < min or η < 2 (the CLI checks these first)
 */
export function rungBudgets(min: number, max: number, eta: number): number[] {
  if (!(Number.isInteger(min) && min >= 1 && Number.isInteger(max) && max >= min && eta >= 2)) {
    throw new RangeError(`rungBudgets: need 1 ≤ min ≤ max and η ≥ 2, got ${min}, ${max}, ${eta}`);
  }
  const out: number[] = [];
  for (let r = min; Math.round(r) < max; r *= eta) out.push(Math.round(r));
  out.push(max);
  return out;
}

/** The order of a rung's results: higher score first, failures (null) last, then lower trial. */
function byRank(a: { trial: number; score: number | null }, b: typeof a): number {
  const sa = a.score ?? -Infinity;
  const sb = b.score ?? -Infinity;
  return sb - sa || a.trial - b.trial;
}

interface Bracket {
  /** Rung index this bracket starts on. */
  first: number;
  /** The configurations it starts, in order. */
  trials: number[];
}

export class Scheduler {
  readonly budgets: number[];
  /** Finished jobs with their scores, in the order they were reported. */
  readonly results: { job: Job; score: number | null }[] = [];
  private issued: Job | null = null;
  private nextTrial = 0;
  /** asha: per rung, the trials already promoted from it. */
  private promoted: Set<number>[];
  /** sh, hyperband, none: the brackets started so far, the current one last. */
  private brackets: Bracket[] = [];
  /** sh, hyperband: the current bracket's queue of jobs not yet issued. */
  private queue: Job[] = [];

  constructor(readonly opts: HalvingOptions) {
    if (!(Number.isInteger(opts.configs) && opts.configs >= 1)) {
      throw new RangeError(`Scheduler: configs must be a positive integer, got ${opts.configs}`);
    }
    this.budgets = opts.halving === "none"
      ? [opts.maxBudget]
      : rungBudgets(opts.minBudget, opts.maxBudget, opts.eta);
    this.promoted = this.budgets.map(() => new Set());
  }

  /** The highest rung index. */
  get top(): number {
    return this.budgets.length - 1;
  }

  /**
   * The job to run now, or null when the search is over (every configuration started and
   * nothing left to promote). Call `report` with its score before asking again.
   *
   * @throws Error when the previous job was not reported
   */
  next(): Job | null {
    if (this.issued) throw new Error("Scheduler.next: report the previous job first");
    const job = this.opts.halving === "asha" ? this.nextAsha() : this.nextSync();
    this.issued = job;
    return job;
  }

  /**
   * The score of the job `next` gave (null: it failed).
   *
   * @throws Error when `job` is not that job
   */
  report(job: Job, score: number | null): void {
    const j = this.issued;
    if (!j || j.trial !== job.trial || j.rung !== job.rung || j.bracket !== job.bracket) {
      throw new Error(
        `Scheduler.report: expected ${j ? `trial ${j.trial} rung ${j.rung}` : "no job"}, got ` +
          `trial ${job.trial} rung ${job.rung}`,
      );
    }
    this.issued = null;
    this.results.push({ job: j, score });
  }

  /** Results on rung `rung`, best first. */
  rung(rung: number): { trial: number; score: number | null }[] {
    return this.results.filter((r) => r.job.rung === rung)
      .map((r) => ({ trial: r.job.trial, score: r.score }))
      .sort(byRank);
  }

  /**
   * The winner: the best scored result on the highest rung any job finished on (ties: the
   * earlier configuration), or null when nothing has a score.
   */
  best(): { job: Job; score: number } | null {
    for (let k = this.top; k >= 0; k--) {
      const scored = this.results.filter((r) => r.job.rung === k && r.score !== null)
        .map((r) => ({ trial: r.job.trial, score: r.score, job: r.job }))
        .sort(byRank);
      if (scored.length) {
        const first = scored[0];
        return { job: first.job, score: first.score! };
      }
    }
    return null;
  }

  /**
   * The jobs not yet finished (the one issued included) if no trial fails, and their budget
   * units (epochs or images) in all: for progress and the ETA. Exact for sh, hyperband and
   * none; for asha a lower estimate, as if the scores to come kept the present ranking (a
   * later result that outranks one promoted early earns a promotion of its own).
   */
  plannedRemaining(): { jobs: number; units: number } {
    const sim = new Scheduler(this.opts);
    for (const r of this.results) {
      sim.next();
      sim.report(r.job, r.score);
    }
    let jobs = 0;
    let units = 0;
    for (let job = sim.next(); job; job = sim.next()) {
      jobs++;
      units += job.budget;
      sim.report(job, 1 / (job.trial + 2));
    }
    return { jobs, units };
  }

  private nextAsha(): Job | null {
    const eta = this.opts.eta;
    for (let k = this.top - 1; k >= 0; k--) {
      const ranked = this.rung(k);
      const top = Math.floor(ranked.length / eta);
      for (const r of ranked.slice(0, top)) {
        if (r.score !== null && !this.promoted[k].has(r.trial)) {
          this.promoted[k].add(r.trial);
          return { trial: r.trial, rung: k + 1, budget: this.budgets[k + 1], bracket: 0 };
        }
      }
    }
    if (this.nextTrial < this.opts.configs) {
      return { trial: this.nextTrial++, rung: 0, budget: this.budgets[0], bracket: 0 };
    }
    return null;
  }

  private nextSync(): Job | null {
    while (!this.queue.length) {
      const current = this.brackets.at(-1);
      if (current && this.promoteBracket(current)) continue;
      if (!this.startBracket()) return null;
    }
    return this.queue.shift()!;
  }

  /** Queues the current bracket's next rung; false when the bracket is finished. */
  private promoteBracket(b: Bracket): boolean {
    const bracket = this.brackets.length - 1;
    const mine = this.results.filter((r) => r.job.bracket === bracket);
    const last = Math.max(...mine.map((r) => r.job.rung));
    if (last >= this.top) return false;
    const ranked = mine.filter((r) => r.job.rung === last)
      .map((r) => ({ trial: r.job.trial, score: r.score }))
      .sort(byRank);
    const keep = ranked.slice(0, Math.floor(ranked.length / this.opts.eta))
      .filter((r) => r.score !== null);
    if (!keep.length || b.trials.length === 0) return false;
    this.queue = keep.map((r) => ({
      trial: r.trial,
      rung: last + 1,
      budget: this.budgets[last + 1],
      bracket,
    }));
    return true;
  }

  /** Starts the next bracket with the next configurations; false when none are left. */
  private startBracket(): boolean {
    const left = this.opts.configs - this.nextTrial;
    if (left <= 0) return false;
    let first = 0;
    let n = left;
    if (this.opts.halving === "none") first = this.top;
    if (this.opts.halving === "hyperband") {
      const sMax = this.top;
      const s = sMax - (this.brackets.length % (sMax + 1));
      first = sMax - s;
      n = Math.min(left, Math.ceil((sMax + 1) / (s + 1) * this.opts.eta ** s));
    }
    const trials = Array.from({ length: n }, (_, i) => this.nextTrial + i);
    this.nextTrial += n;
    this.brackets.push({ first, trials });
    const bracket = this.brackets.length - 1;
    this.queue = trials.map((trial) => ({
      trial,
      rung: first,
      budget: this.budgets[first],
      bracket,
    }));
    return true;
  }
}
