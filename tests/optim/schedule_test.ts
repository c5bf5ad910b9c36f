import assert from "node:assert/strict";
import {
  learningRateSchedule,
  LrScheduler,
  ReduceLrOnPlateau,
  type ScheduleOptions,
} from "../../src/optim/schedule.ts";

/** The schedule's rates for steps 0..n-1, compared to hand-computed values to 1e-12. */
function assertRates(o: ScheduleOptions, expected: number[]) {
  const f = learningRateSchedule(o);
  const got = expected.map((_, s) => f(s));
  for (let s = 0; s < expected.length; s++) {
    assert.ok(
      Math.abs(got[s] - expected[s]) <= 1e-12,
      `${o.name} step ${s}: got ${got[s]}, expected ${expected[s]} (all: ${got})`,
    );
  }
}

Deno.test("constant schedule with one epoch of linear warm-up", () => {
  assertRates(
    { name: "constant", lr: 0.1, epochs: 2, stepsPerEpoch: 4, warmupEpochs: 1 },
    [0.025, 0.05, 0.075, 0.1, 0.1, 0.1, 0.1, 0.1],
  );
  assertRates({ name: "constant", lr: 0.1, epochs: 1, stepsPerEpoch: 3 }, [0.1, 0.1, 0.1]);
});

Deno.test("step schedule: gamma every stepEpochs epochs, changing at epoch boundaries", () => {
  assertRates(
    { name: "step", lr: 1, epochs: 6, stepsPerEpoch: 3, stepEpochs: 2, gamma: 0.5 },
    [1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25],
  );
});

Deno.test("cosine schedule: linear warm-up, then half a cosine to minLr over the rest", () => {
  // 3 epochs × 2 steps, 1 warm-up epoch: the cosine spans steps 2..6 (t = 0, 1/4, 1/2, 3/4, 1).
  assertRates(
    { name: "cosine", lr: 1, epochs: 3, stepsPerEpoch: 2, warmupEpochs: 1 },
    [0.5, 1, 1, 0.8535533905932737, 0.5, 0.14644660940672627, 0],
  );
  // With a floor: minLr + (lr − minLr)·(1 + cos(π t))/2.
  assertRates(
    { name: "cosine", lr: 1, epochs: 2, stepsPerEpoch: 2, minLr: 0.2 },
    [1, 0.2 + 0.8 * 0.8535533905932737, 0.6],
  );
  // Past the planned end (a run extended on resume) it stays at the floor.
  assert.equal(learningRateSchedule({ name: "cosine", lr: 1, epochs: 1, stepsPerEpoch: 2 })(9), 0);
});

Deno.test("one-cycle schedule follows PyTorch's OneCycleLR (cosine, 30% rising)", () => {
  // 10 steps: peak at step 0.3·10 − 1 = 2; start lr/25 = 0.04; end 0.04/1e4 at step 9.
  const end = 0.04 / 1e4;
  const f = learningRateSchedule({ name: "onecycle", lr: 1, epochs: 2, stepsPerEpoch: 5 });
  assert.ok(Math.abs(f(0) - 0.04) < 1e-12, `${f(0)}`);
  assert.ok(Math.abs(f(1) - 0.52) < 1e-12, `${f(1)}`);
  assert.equal(f(2), 1);
  assert.ok(Math.abs(f(3) - 0.9504846320134737) < 1e-12, `${f(3)}`);
  assert.ok(Math.abs(f(6) - 0.38874197806371075) < 1e-12, `${f(6)}`);
  assert.ok(Math.abs(f(9) - end) < 1e-15, `${f(9)}`);
  // --warmup-epochs sets the rising phase: 1 of 2 epochs → peak at step 4.
  const g = learningRateSchedule({
    name: "onecycle",
    lr: 1,
    epochs: 2,
    stepsPerEpoch: 5,
    warmupEpochs: 1,
  });
  assert.equal(g(4), 1);
  assert.ok(g(3) < 1 && g(5) < 1);
});

Deno.test("ReduceLrOnPlateau halves after `patience` epochs without improvement", () => {
  const p = new ReduceLrOnPlateau(2, 0.5);
  const losses = [1.0, 0.9, 0.95, 0.92, 0.8, 0.85, 0.86, 0.87, 0.88];
  const reduced = losses.map((l) => p.observe(l));
  assert.deepEqual(reduced, [false, false, false, true, false, false, true, false, true]);
  assert.equal(p.scale, 0.125);
  assert.equal(p.best, 0.8);

  // minDelta: an improvement smaller than it counts as none.
  const q = new ReduceLrOnPlateau(2, 0.1, 0.05);
  assert.deepEqual([1.0, 0.96, 0.94, 0.93, 0.92].map((l) => q.observe(l)), [
    false,
    false,
    false,
    false,
    true,
  ]);
  assert.ok(Math.abs(q.scale - 0.1) < 1e-15);
});

Deno.test("LrScheduler scales the schedule on plateaus; its state survives JSON", () => {
  const schedule = learningRateSchedule({ name: "step", lr: 1, epochs: 4, stepsPerEpoch: 2 });
  const a = new LrScheduler(schedule, new ReduceLrOnPlateau(1, 0.5));
  assert.equal(a.lrAt(0), 1);
  assert.equal(a.endEpoch(1.0), false);
  assert.equal(a.endEpoch(1.5), true);
  assert.equal(a.lrAt(2), 0.1 * 0.5);

  const b = new LrScheduler(schedule, new ReduceLrOnPlateau(1, 0.5));
  b.restore(JSON.parse(JSON.stringify(a.state())));
  assert.equal(b.lrAt(2), a.lrAt(2));
  // The restored best is 1.0: 1.2 is no improvement and patience 1 reduces again.
  assert.equal(b.endEpoch(1.2), true);

  const fresh = new LrScheduler(schedule, new ReduceLrOnPlateau(1));
  fresh.restore(JSON.parse(JSON.stringify(fresh.state())));
  assert.equal(fresh.plateau!.best, Infinity, "an unset best (Infinity → null in JSON) is kept");
  assert.throws(() => fresh.endEpoch(null), /needs a validation loss/);
  assert.equal(new LrScheduler(schedule).endEpoch(null), false);
});
