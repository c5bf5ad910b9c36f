// The readback schedule and the epoch tally of src/train/readback.ts, on a fake clock: when fit
// reads its step log back, and that the sums do not depend on when.
import assert from "node:assert/strict";
import { EpochTally, ReadbackSchedule } from "../../src/train/readback.ts";

/** Runs `steps` steps of `ms` each (the readback's drain ends at the GPU's pace) through a schedule. */
function simulate(schedule: ReadbackSchedule, clock: { t: number }, steps: number, ms: number) {
  const reads: number[] = [];
  // JavaScript submits ahead of the GPU; a readback waits until the GPU has done every step.
  let gpuDone = clock.t;
  for (let s = 1; s <= steps; s++) {
    clock.t += 0.1 * ms; // recording
    gpuDone = Math.max(gpuDone, clock.t) + ms;
    if (schedule.submitted(steps - s) && s < steps) {
      clock.t = gpuDone;
      schedule.read();
      reads.push(s);
    }
  }
  clock.t = gpuDone;
  schedule.read();
  reads.push(steps);
  return reads;
}

Deno.test("readbacks come once per measured second of GPU work, never sooner", () => {
  const clock = { t: 0 };
  const schedule = new ReadbackSchedule(1, 20, () => clock.t);
  // 1 ms steps on the GPU, recorded 10× faster: until a first measurement the wall time on the
  // JavaScript side decides (10,000 steps recorded in the first second).
  const first = simulate(schedule, clock, 30_000, 1);
  assert.equal(first[0], 10_000);
  assert.ok(Math.abs(schedule.stepSeconds! - 0.001) < 1e-7, `${schedule.stepSeconds}`);
  assert.equal(schedule.interval, 1000);
  // Then every 1,000 steps (1 s of GPU work); the last interval is never shorter.
  const gaps = first.slice(1).map((s, i) => s - first[i]);
  assert.ok(gaps.every((g) => g >= 1000), `${gaps}`);
  // The next epoch knows the rate from its start.
  schedule.drained();
  const next = simulate(schedule, clock, 2500, 1);
  assert.deepEqual(next, [1000, 2500]);
  // An epoch shorter than two intervals is read once, at its end.
  schedule.drained();
  assert.deepEqual(simulate(schedule, clock, 1999, 1), [1999]);
});

Deno.test("slow steps are read back no more often than every minSteps steps", () => {
  const clock = { t: 0 };
  const schedule = new ReadbackSchedule(1, 20, () => clock.t);
  // 250 ms steps (a CNN on the software adapter): 1 s is 4 steps; the floor of 20 steps rules.
  // The first readback waits for 1 s on the JavaScript side (40 steps recorded at 25 ms).
  const reads = simulate(schedule, clock, 422, 250);
  assert.deepEqual(reads, [
    40,
    60,
    80,
    100,
    120,
    140,
    160,
    180,
    200,
    220,
    240,
    260,
    280,
    300,
    320,
    340,
    360,
    380,
    400,
    422,
  ]);
  assert.equal(schedule.interval, 20);
});

Deno.test("readbackSeconds 0 is the fixed schedule: every minSteps steps", () => {
  const clock = { t: 0 };
  const schedule = new ReadbackSchedule(0, 5, () => clock.t);
  assert.deepEqual(simulate(schedule, clock, 13, 1), [5, 10, 13]);
});

Deno.test("the fastest measured rate sets the interval", () => {
  const clock = { t: 0 };
  const schedule = new ReadbackSchedule(1, 1, () => clock.t);
  schedule.submitted(10);
  clock.t += 500; // 2 steps in 0.5 s
  schedule.submitted(9);
  schedule.read();
  assert.equal(schedule.stepSeconds, 0.25);
  schedule.submitted(8);
  clock.t += 400; // 1 step in 0.4 s: slower, the estimate stays
  schedule.read();
  assert.equal(schedule.stepSeconds, 0.25);
  assert.equal(schedule.interval, 4);
});

Deno.test("the tally sums in windows whatever the readbacks, and tracks the largest window mean", () => {
  const steps = Array.from({ length: 47 }, (_, i) => ({
    loss: Math.fround(Math.sin(i) * 37 + 40),
    hits: i % 7,
    images: i === 46 ? 5 : 16,
  }));
  // The old reading: a window of 20 steps summed, then added.
  let lossSum = 0;
  let hits = 0;
  let peak = 0;
  for (let w = 0; w < steps.length; w += 20) {
    const window = steps.slice(w, w + 20);
    const l = window.reduce((a, s) => a + s.loss, 0);
    lossSum += l;
    hits += window.reduce((a, s) => a + s.hits, 0);
    peak = Math.max(peak, l / window.reduce((a, s) => a + s.images, 0));
  }
  const images = steps.reduce((a, s) => a + s.images, 0);
  const tally = new EpochTally(20, 0);
  steps.forEach((s, i) => {
    tally.add(s.loss, s.hits, s.images, i === steps.length - 1);
    if (i === 9) {
      // Running figures mid-window count the open window's steps.
      const ten = steps.slice(0, 10);
      const l = ten.reduce((a, s) => a + s.loss, 0);
      assert.ok(Math.abs(tally.loss - l / 160) < 1e-12);
    }
  });
  assert.equal(tally.loss, lossSum / images);
  assert.equal(tally.accuracy, hits / images);
  assert.equal(tally.peakLoss, peak);
});
