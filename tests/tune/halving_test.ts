// The halving schedulers' promotions, worked out by hand for fixed scores (pure, no GPU).
import assert from "node:assert/strict";
import { type HalvingOptions, type Job, rungBudgets, Scheduler } from "../../src/tune/halving.ts";

/** Runs a scheduler to the end with `score(trial, rung)`; returns [trial, rung] of every job. */
function drive(o: HalvingOptions, score: (trial: number, rung: number) => number | null) {
  const s = new Scheduler(o);
  const jobs: [number, number][] = [];
  for (let job = s.next(); job; job = s.next()) {
    jobs.push([job.trial, job.rung]);
    assert.equal(job.budget, s.budgets[job.rung]);
    s.report(job, score(job.trial, job.rung));
  }
  return { s, jobs };
}

const SCORES = [0.1, 0.9, 0.5, 0.3, 0.8, 0.2, 0.7, 0.4, 0.6];
const base = { configs: 9, minBudget: 1, maxBudget: 9, eta: 3 };

Deno.test("rung budgets: min·η^k below max, then max", () => {
  assert.deepEqual(rungBudgets(1, 9, 3), [1, 3, 9]);
  assert.deepEqual(rungBudgets(1, 12, 3), [1, 3, 9, 12]);
  assert.deepEqual(rungBudgets(2, 16, 2), [2, 4, 8, 16]);
  assert.deepEqual(rungBudgets(6667, 60000, 3), [6667, 20001, 60000]);
  assert.deepEqual(rungBudgets(5, 5, 3), [5]);
  assert.throws(() => rungBudgets(0, 9, 3), RangeError);
  assert.throws(() => rungBudgets(3, 2, 3), RangeError);
  assert.throws(() => rungBudgets(1, 9, 1), RangeError);
});

Deno.test("asha: promotes the top 1/η of a rung as soon as it holds η·k results", () => {
  const { s, jobs } = drive({ halving: "asha", ...base }, (t) => SCORES[t]);
  assert.deepEqual(jobs, [
    [0, 0],
    [1, 0],
    [2, 0],
    [1, 1], // 3 results on rung 0: the best (1) goes on
    [3, 0],
    [4, 0],
    [5, 0],
    [4, 1], // 6: the second best (4)
    [6, 0],
    [7, 0],
    [8, 0],
    [6, 1], // 9: the third (6); then rung 1 holds 3
    [1, 2], //                         the best of rung 1 goes to the last rung
  ]);
  assert.deepEqual(s.best(), { job: { trial: 1, rung: 2, budget: 9, bracket: 0 }, score: 0.9 });
});

Deno.test("asha: the highest rung is served first; a failed trial is never promoted", () => {
  // Trial 1 diverges everywhere: trial 2 (0.5) is promoted instead.
  const { jobs } = drive(
    { halving: "asha", ...base, configs: 3 },
    (t) => t === 1 ? null : SCORES[t],
  );
  assert.deepEqual(jobs, [[0, 0], [1, 0], [2, 0], [2, 1]]);
  // All failed: nothing goes on, and there is no winner.
  const all = drive({ halving: "asha", ...base, configs: 3 }, () => null);
  assert.deepEqual(all.jobs, [[0, 0], [1, 0], [2, 0]]);
  assert.equal(all.s.best(), null);
});

Deno.test("sh: a complete rung, then its best ⌊n/η⌋ in rank order", () => {
  const { s, jobs } = drive({ halving: "sh", ...base }, (t) => SCORES[t]);
  assert.deepEqual(jobs, [
    ...SCORES.map((_, t) => [t, 0]),
    [1, 1],
    [4, 1],
    [6, 1],
    [1, 2],
  ]);
  assert.equal(s.best()!.job.trial, 1);
  // Ties go to the earlier configuration.
  const tie = drive({ halving: "sh", ...base, configs: 3 }, () => 0.5);
  assert.deepEqual(tie.jobs, [[0, 0], [1, 0], [2, 0], [0, 1]]);
});

Deno.test("hyperband: brackets s = 2, 1, 0 start 9, 5 and 3 configurations on rungs 0, 1, 2", () => {
  const score = (t: number) => ((t * 7) % 17) / 17;
  const { jobs } = drive({ halving: "hyperband", ...base, configs: 17 }, score);
  const starts = (from: number, to: number) =>
    jobs.filter(([t]) => t >= from && t < to).map(([, r]) => r);
  // Bracket 0: configurations 0-8 start on rung 0; 3 go to rung 1, 1 to rung 2.
  assert.deepEqual(starts(0, 9).sort(), [...Array(9).fill(0), 1, 1, 1, 2].sort());
  // Bracket 1: configurations 9-13 start on rung 1 (3 epochs); ⌊5/3⌋ = 1 goes to rung 2.
  assert.deepEqual(starts(9, 14).sort(), [1, 1, 1, 1, 1, 2].sort());
  // Bracket 2: configurations 14-16 on the largest budget only.
  assert.deepEqual(starts(14, 17), [2, 2, 2]);
  assert.equal(jobs.length, 13 + 6 + 3);
});

Deno.test("none: every configuration once, on the largest budget", () => {
  const { s, jobs } = drive({ halving: "none", ...base, configs: 4 }, (t) => SCORES[t]);
  assert.deepEqual(s.budgets, [9]);
  assert.deepEqual(jobs, [[0, 0], [1, 0], [2, 0], [3, 0]]);
  assert.equal(s.best()!.job.trial, 1);
});

Deno.test("planned work: jobs and budget units left", () => {
  const s = new Scheduler({ halving: "asha", ...base });
  assert.deepEqual(s.plannedRemaining(), { jobs: 13, units: 9 * 1 + 3 * 3 + 1 * 9 });
  const job = s.next()!;
  s.report(job, 0.5);
  assert.deepEqual(s.plannedRemaining(), { jobs: 12, units: 26 });
});

Deno.test("the scheduler refuses a report of another job, or a second next()", () => {
  const s = new Scheduler({ halving: "asha", ...base });
  const job = s.next()!;
  assert.throws(() => s.next(), /report the previous job/);
  const other: Job = { ...job, trial: 5 };
  assert.throws(() => s.report(other, 0.1), /expected trial 0 rung 0/);
  s.report(job, 0.1);
});
