// A search killed in the middle of a trial continues from its state file and ends with the same
// trials and scores as one that was never interrupted. The trials are a stand-in for train (no
// GPU): a score computed from the flags, and a "saved epoch" file for train --resume.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  readState,
  search,
  type TrainRunner,
  type TuneSettings,
  type TuneState,
  writeState,
} from "../../src/tune/search.ts";
import { parseSpaceEntry, sampleConfigs } from "../../src/tune/space.ts";

const SETTINGS: TuneSettings = {
  space: ["lr=log:1e-4..1e-1", "model=mlp"],
  search: "random",
  trials: 9,
  gridPoints: 3,
  halving: "asha",
  eta: 3,
  budget: "epochs",
  minBudget: 1,
  maxBudget: 9,
  seed: 3,
  minutes: null,
  dataDir: null,
  keepTrials: false,
  modelOut: null,
};

function freshState(): TuneState {
  const params = SETTINGS.space.map((e) => parseSpaceEntry(e));
  return {
    version: 1,
    settings: SETTINGS,
    configs: sampleConfigs(params, SETTINGS.trials, SETTINGS.seed),
    results: [],
    running: null,
    adapter: null,
    trialsTested: null,
    searchSeconds: 0,
    finished: null,
    final: null,
    createdAt: "2026-12-04T00:00:00.000Z",
    updatedAt: "2026-12-04T00:00:00.000Z",
  };
}

const flag = (args: string[], name: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/**
 * A stand-in for train: the score peaks at lr 0.01 and grows with epochs. It writes the folder a
 * real run would (its args and a training state), and `killAt` makes that call die half-way.
 */
function fakeTrain(calls: string[][], killAt = -1): TrainRunner {
  return async (args) => {
    calls.push(args);
    let run = args;
    const resume = flag(args, "resume");
    if (resume) run = JSON.parse(await Deno.readTextFile(join(resume, "args.json")));
    const out = flag(run, "out")!;
    await Deno.mkdir(out, { recursive: true });
    await Deno.writeTextFile(join(out, "args.json"), JSON.stringify(run));
    await Deno.writeTextFile(join(out, "training-state.safetensors"), "epoch 1");
    if (calls.length === killAt) throw new Error("killed");
    const lr = Number(flag(run, "lr"));
    const epochs = Number(flag(run, "epochs"));
    const score = 0.9 - Math.abs(Math.log10(lr) + 2) / 10 + epochs / 1000;
    const history = Array.from({ length: epochs }, (_, i) => ({
      epoch: i + 1,
      trainLoss: 1,
      valLoss: 1,
      valAccuracy: i === epochs - 1 ? score : 0.5,
      seconds: 1,
    }));
    return { code: 0, summary: { history }, error: null, seconds: 1 + epochs };
  };
}

const quiet = () => {};
const strip = (s: TuneState) => s.results.map((r) => [r.trial, r.rung, r.budget, r.score]);

Deno.test("a search killed during a trial resumes it and ends as an uninterrupted one", async () => {
  const whole = await Deno.makeTempDir({ prefix: "tune-whole-" });
  const killed = await Deno.makeTempDir({ prefix: "tune-killed-" });
  try {
    const wholeCalls: string[][] = [];
    const done = await search({
      out: whole,
      state: freshState(),
      runTrain: fakeTrain(wholeCalls),
      noTest: false,
      log: quiet,
    });
    assert.equal(done.finished, "complete");
    // ASHA's runs: 9 on rung 0, then promotions (more than 3 + 1 when a later result outranks
    // one promoted early, as here).
    assert.equal(done.results.filter((r) => r.rung === 0).length, 9);
    assert.ok(done.results.length > 9 + 3);
    assert.equal(wholeCalls.length, done.results.length);

    // Killed in the middle of the 5th trial: the error ends the search like a SIGKILL would
    // (the state file was written before the trial started, and is not written after).
    const calls: string[][] = [];
    await assert.rejects(
      search({
        out: killed,
        state: freshState(),
        runTrain: fakeTrain(calls, 5),
        noTest: true,
        log: quiet,
      }),
      /killed/,
    );
    const saved = readState(killed)!;
    assert.equal(saved.results.length, 4);
    const fifth = done.results[4];
    assert.deepEqual(saved.running, {
      trial: fifth.trial,
      rung: fifth.rung,
      budget: fifth.budget,
      bracket: fifth.bracket,
    });

    // Resumed: the running trial continues from its saved epoch (train --resume), the rest runs.
    const resumedCalls: string[][] = [];
    const resumed = await search({
      out: killed,
      state: saved,
      runTrain: fakeTrain(resumedCalls),
      noTest: true,
      log: quiet,
    });
    const dir = `trials/${String(fifth.trial + 1).padStart(3, "0")}-r${fifth.rung}`;
    assert.equal(resumedCalls[0][0], `--resume=${join(killed, dir)}`);
    assert.ok(resumedCalls[0].includes("--no-test"));
    assert.equal(resumed.finished, "complete");
    assert.deepEqual(strip(resumed), strip(done));
    assert.deepEqual(strip(readState(killed)!), strip(done));
    // Finished trials' folders are removed (their scores are in the state).
    assert.deepEqual([...Deno.readDirSync(join(killed, "trials"))], []);
  } finally {
    await Deno.remove(whole, { recursive: true });
    await Deno.remove(killed, { recursive: true });
  }
});

Deno.test("a state whose trials do not follow from its settings is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tune-bad-" });
  try {
    const state = freshState();
    state.results.push({
      trial: 5,
      rung: 0,
      budget: 1,
      bracket: 0,
      score: 0.5,
      status: "ok",
      seconds: 1,
      history: [],
    });
    await writeState(dir, state);
    await assert.rejects(
      search({ out: dir, state, runTrain: fakeTrain([]), noTest: false, log: quiet }),
      /do not follow from its settings/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a budget of minutes ends the search between trials; --resume can extend it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tune-minutes-" });
  try {
    let t = 0;
    const state = freshState();
    state.settings = { ...SETTINGS, minutes: 0.05 };
    // Each trial takes 1 s of this clock: 3 trials fit in 3 s.
    const runTrain: TrainRunner = async (args) => {
      t += 1;
      return await fakeTrain([])(args);
    };
    const done = await search({
      out: dir,
      state,
      runTrain,
      noTest: false,
      log: quiet,
      now: () => t,
    });
    assert.equal(done.finished, "minutes");
    assert.equal(done.results.length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
