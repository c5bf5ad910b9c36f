// `deno task profile`: where a training step's time goes. The CPU side of every measured step
// (JavaScript recording time and the Gpu's counters: commands, submits, waits, objects created)
// and the GPU side of one step per kernel entry (src/profile/timing.ts: timestamp queries where
// the device has them, else replay). docs/profile.md says what each figure means.
import { endStep } from "../autograd/tensor.ts";
import type { Gpu } from "../gpu/gpu.ts";
import { type Command, recordCommands } from "./record.ts";
import { meanFigures, measureStep, type StepFigures, trainingStep } from "./step.ts";
import {
  byKernel,
  checkTimestamps,
  type CommandTimes,
  hasTimestamps,
  type KernelTime,
  timeByReplay,
  timeByTimestamps,
  type TimestampCheck,
  type TimingMethod,
} from "./timing.ts";

export interface ProfileOptions {
  /** A zoo architecture. */
  model: string;
  batch: number;
  /** Steps measured after the first (which compiles the pipelines and fills the pools). */
  steps: number;
  /** "auto": timestamp queries where the device has them, else replay. */
  timing: "auto" | TimingMethod;
  /** replay: times each command runs per timing submit. */
  repeat: number;
  /** Labels with each layer's geometry and matmul sizes: a row per layer, not per kernel. */
  layers: boolean;
  /** Hears a line now and then (stderr in the CLI). */
  progress?: (line: string) => void;
}

export interface StepProfile {
  model: string;
  batch: number;
  parameters: number;
  adapter: { description: string; backend: string };
  /** The first step: it compiles every pipeline it uses and fills the pools. */
  first: StepFigures;
  /** Each measured step after the first. */
  steps: StepFigures[];
  /** Their means. */
  perStep: StepFigures;
  /**
   * One step through the tape (every op's JavaScript, cache lookups), as steps were recorded
   * before they were planned and replayed (src/train/step.ts): the same commands.
   */
  tape: StepFigures;
  /** Wall milliseconds of a measured step, recorded, submitted and waited for (mean). */
  stepMs: number;
  gpu: {
    method: TimingMethod;
    /**
     * Why the method is not the one asked for (no timestamp-query, no timestamps written, or
     * timestamps that do not hold the dispatches' work), or why its times are not to be trusted.
     */
    note: string | null;
    /** The check of timestamp queries against the clock (src/profile/timing.ts), if made. */
    timestampCheck: TimestampCheck | null;
    /** Commands of the timed step: dispatches and copies. */
    commands: number;
    /** GPU milliseconds of the step: its kernels and copies. */
    totalMs: number;
    kernelMs: number;
    copyMs: number;
    /** timestamp-query: between passes with no copy between them (not in totalMs). */
    betweenPassesMs: number;
    /** Wall milliseconds of the timing submits (timestamp-query: about one step's). */
    wallMs: number;
    emptySubmitMs: number;
    repeat: number;
    /** Per kernel entry (or layer with `layers`) and per copy kind, most time first. */
    kernels: KernelTime[];
  };
}

/** Profiles `opts.model`'s training step on `g` (which must be the engine's GPU: useGpu). */
export async function profileTraining(g: Gpu, opts: ProfileOptions): Promise<StepProfile> {
  const say = opts.progress ?? (() => {});
  const step = trainingStep(opts.model, opts.batch);
  try {
    await g.sync();
    say(`${opts.model} batch ${opts.batch}: first step (compiles its pipelines)…`);
    const first = measureStep(() => step.run(), g);
    await g.sync();
    const steps: StepFigures[] = [];
    const wall: number[] = [];
    for (let i = 0; i < opts.steps; i++) {
      const t0 = performance.now();
      steps.push(measureStep(() => step.run(), g));
      await g.sync();
      wall.push(performance.now() - t0);
    }
    const tape = measureStep(() => step.runTape(), g);
    await g.sync();
    say(`${opts.steps} steps measured; recording one more to time its commands…`);
    let commands: Command[] = [];
    try {
      commands = recordCommands(g, () => step.runTape(), opts.layers);
    } finally {
      endStep();
    }
    await g.sync();
    let note: string | null = null;
    let times: CommandTimes | null = null;
    const stamps = hasTimestamps(g);
    if (opts.timing === "timestamp-query" && !stamps) {
      note = "the adapter has no timestamp-query feature";
    }
    let check: TimestampCheck | null = null;
    if (opts.timing !== "replay" && stamps) {
      check = await checkTimestamps(g, commands);
      if (check && !check.ok && opts.timing === "auto") {
        note = `timestamps do not hold the dispatches' work on this adapter (${check.passes} ` +
          `passes of ${check.label}: ${check.stampedMs.toFixed(2)} ms by timestamps, ` +
          `${check.clockMs.toFixed(0)} ms by the clock)`;
      } else {
        say(`timing ${commands.length} commands by timestamp queries…`);
        times = await timeByTimestamps(g, commands);
        if (!times) note = "the device wrote no timestamps";
        else if (check && !check.ok) {
          note = `timestamps do not hold the dispatches' work on this adapter: these times ` +
            `are not the kernels' (${check.stampedMs.toFixed(2)} ms by timestamps, ` +
            `${check.clockMs.toFixed(0)} ms by the clock)`;
        }
      }
    }
    if (!times) {
      say(`timing ${commands.length} commands by replaying each alone (${opts.repeat}×)…`);
      times = await timeByReplay(
        g,
        commands,
        opts.repeat,
        (done) => say(`  ${done} / ${commands.length} commands`),
      );
    }
    const kernels = byKernel(commands, times);
    const sum = (kind: KernelTime["kind"]) =>
      kernels.filter((k) => k.kind === kind).reduce((s, k) => s + k.ms, 0);
    return {
      model: opts.model,
      batch: opts.batch,
      parameters: step.parameters,
      adapter: { description: g.adapter.description, backend: g.adapter.backend },
      first,
      steps,
      perStep: meanFigures(steps),
      tape,
      stepMs: wall.reduce((a, b) => a + b, 0) / wall.length,
      gpu: {
        method: times.method,
        note,
        timestampCheck: check,
        commands: commands.length,
        totalMs: sum("dispatch") + sum("copy"),
        kernelMs: sum("dispatch"),
        copyMs: sum("copy"),
        betweenPassesMs: times.betweenPassesMs,
        wallMs: times.wallMs,
        emptySubmitMs: times.emptySubmitMs,
        repeat: times.repeat,
        kernels,
      },
    };
  } finally {
    step.dispose();
    await g.sync();
  }
}

const n = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** A mean count: whole when it is, else one decimal. */
const count = (x: number) => Number.isInteger(x) ? n(x) : n(x, 1);

/** One line of a step's CPU-side figures. */
export function stepLine(f: StepFigures): string {
  return `record ${n(f.recordMs, 1)} ms; ${count(f.dispatches)} dispatches, ` +
    `${count(f.textureCopies)} texture copies, ${count(f.bufferCopies)} buffer copies, ` +
    `${count(f.clears)} clears, ${count(f.uploads)} uploads, ${count(f.submits)} submits, ` +
    `${count(f.waits)} waits; created ${count(f.buffers)} buffers, ${
      count(f.textures)
    } textures, ` +
    `${count(f.uniformBuffers)} uniform buffers, ${count(f.bindGroups)} bind groups, ` +
    `${count(f.pipelines)} pipelines` +
    (f.otherCreations ? `, ${count(f.otherCreations)} other objects` : "");
}

/** The report as text: the step's figures, then the `top` kernels by GPU time. */
export function profileTable(p: StepProfile, top = 25): string {
  const lines = [
    `${p.model} batch ${p.batch} (${n(p.parameters)} parameters) on ${p.adapter.description} ` +
    `(${p.adapter.backend})`,
    `first step:   ${stepLine(p.first)}`,
    `per step (mean of ${p.steps.length} after the first): ${n(p.stepMs, 1)} ms wall ` +
    `(recorded, submitted, waited for)`,
    `              ${stepLine(p.perStep)}`,
    `through the tape (not replayed): record ${n(p.tape.recordMs, 1)} ms`,
  ];
  const g = p.gpu;
  const how = g.method === "timestamp-query"
    ? `timestamp queries (one step replayed in one submit, a pass per dispatch; ` +
      `${n(g.betweenPassesMs, 1)} ms between passes not counted; wall ${n(g.wallMs, 0)} ms)`
    : `replay (each command alone, ${g.repeat}× per submit, less an empty submit of ` +
      `${n(g.emptySubmitMs, 1)} ms)`;
  lines.push(
    `GPU time of one step by ${how}:`,
    ...(g.note ? [`  (${g.note})`] : []),
    `  ${n(g.totalMs, 1)} ms: kernels ${n(g.kernelMs, 1)} ms, copies ${n(g.copyMs, 1)} ms, ` +
      `${n(g.commands)} commands`,
    `${"ms".padStart(9)} ${"share".padStart(6)} ${"calls".padStart(5)}  kernel`,
  );
  for (const k of g.kernels.slice(0, top)) {
    lines.push(
      `${n(k.ms, 2).padStart(9)} ${(n(k.share * 100, 1) + "%").padStart(6)} ` +
        `${String(k.calls).padStart(5)}  ${k.kernel}`,
    );
  }
  if (g.kernels.length > top) {
    const rest = g.kernels.slice(top);
    lines.push(
      `${n(rest.reduce((s, k) => s + k.ms, 0), 2).padStart(9)} ${"".padStart(6)} ` +
        `${String(rest.reduce((s, k) => s + k.calls, 0)).padStart(5)}  ` +
        `(${rest.length} more rows)`,
    );
  }
  return lines.join("\n");
}
