// GPU time per recorded command of a step (src/profile/record.ts), two ways:
//
// - timestamp queries, where the device has "timestamp-query": the step's commands replayed in
//   order in one submit (a few for long steps), each dispatch in a compute pass of its own whose
//   `timestampWrites` mark its start and end; copies sit between passes and are given the time
//   between the end of the pass before them and the start of the pass after (shared equally by
//   the copies there). Empty marker passes open and close each submit.
// - replay, anywhere: each command replayed alone, `repeat` times in one submit, and timed less an
//   empty submit (a waited submit costs a fixed ~12 ms on the software adapter). Alone, a command
//   finds its inputs in cache as it did not in the step: the shares are indicative.
import type { Gpu } from "../gpu/gpu.ts";
import type { Command } from "./record.ts";

export type TimingMethod = "timestamp-query" | "replay";

export interface CommandTimes {
  method: TimingMethod;
  /** GPU milliseconds of each command, in the order recorded. */
  ms: number[];
  /** timestamp-query: milliseconds between passes with no copy between them; replay: 0. */
  betweenPassesMs: number;
  /** Wall milliseconds of the timing submits, from the first submit to the last readback. */
  wallMs: number;
  /** replay: the median empty submit subtracted from each timing; timestamp-query: 0. */
  emptySubmitMs: number;
  /** replay: times each command ran per timing submit; timestamp-query: 1. */
  repeat: number;
}

/** Whether the device times passes by timestamp queries (requested in src/gpu/device.ts). */
export function hasTimestamps(g: Gpu): boolean {
  return g.device.features.has("timestamp-query");
}

/** Query sets hold at most 4096 queries: 2 per pass. */
const MAX_PASSES = 2048;

/**
 * Times every command by timestamp queries (see the file's comment). Returns null when the
 * device wrote no timestamps (all zero), so the caller can replay instead.
 */
export async function timeByTimestamps(g: Gpu, commands: Command[]): Promise<CommandTimes | null> {
  const device = g.device;
  const ms = new Array<number>(commands.length).fill(0);
  let betweenPassesMs = 0;
  let anyTime = false;
  const t0 = performance.now();
  for (let start = 0; start < commands.length;) {
    // One submit: a marker pass, then commands until the query set is nearly full, then a marker.
    const passes: number[] = [-1]; // the command index of each pass (-1: a marker)
    const copiesAfter: number[][] = [[]]; // copies between pass k and pass k+1
    let i = start;
    for (; i < commands.length; i++) {
      if (commands[i].kind === "copy") copiesAfter[copiesAfter.length - 1].push(i);
      else if (passes.length < MAX_PASSES - 1) {
        passes.push(i);
        copiesAfter.push([]);
      } else break;
    }
    passes.push(-1);
    const count = passes.length * 2;
    const querySet = device.createQuerySet({ type: "timestamp", count });
    const resolved = device.createBuffer({
      size: count * 8,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    const staging = device.createBuffer({
      size: count * 8,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = device.createCommandEncoder();
    passes.forEach((c, k) => {
      const pass = encoder.beginComputePass({
        timestampWrites: {
          querySet,
          beginningOfPassWriteIndex: 2 * k,
          endOfPassWriteIndex: 2 * k + 1,
        },
      });
      const command = commands[c];
      if (command?.kind === "dispatch") {
        pass.setPipeline(command.pipeline);
        pass.setBindGroup(0, command.group);
        pass.dispatchWorkgroups(...command.grid);
      }
      pass.end();
      for (const copy of copiesAfter[k] ?? []) {
        (commands[copy] as Extract<Command, { kind: "copy" }>).replay(encoder);
      }
    });
    encoder.resolveQuerySet(querySet, 0, count, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, staging, 0, count * 8);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const stamps = new BigUint64Array(staging.getMappedRange().slice(0));
    staging.unmap();
    for (const b of [staging, resolved]) b.destroy();
    querySet.destroy();
    g.check("timing the step by timestamp queries");
    anyTime ||= stamps.some((s) => s !== 0n);
    const span = (from: bigint, to: bigint) => Math.max(0, Number(to - from) / 1e6);
    passes.forEach((c, k) => {
      if (c >= 0) ms[c] = span(stamps[2 * k], stamps[2 * k + 1]);
      if (k + 1 === passes.length) return;
      const gap = span(stamps[2 * k + 1], stamps[2 * k + 2]);
      const copies = copiesAfter[k];
      if (!copies.length) betweenPassesMs += gap;
      for (const copy of copies) ms[copy] = gap / copies.length;
    });
    start = i;
  }
  if (!anyTime) return null;
  return {
    method: "timestamp-query",
    ms,
    betweenPassesMs,
    wallMs: performance.now() - t0,
    emptySubmitMs: 0,
    repeat: 1,
  };
}

/** What `checkTimestamps` measured. */
export interface TimestampCheck {
  /** Whether the passes' timestamps bracket their dispatches' work. */
  ok: boolean;
  /** The dispatch timed: the step's largest grid. */
  label: string;
  passes: number;
  /** Their summed durations by timestamps. */
  stampedMs: number;
  /** The same submit's wall time less that of as many empty passes. */
  clockMs: number;
}

/**
 * Whether timestamps measure dispatches here: `passes` passes of one dispatch each (the step's
 * largest grid), their summed durations by timestamps against the submit's wall time less that of
 * as many empty passes. On Mesa's llvmpipe (Vulkan) a dispatch runs after its pass's end has been
 * stamped, so the passes measure ~0.05 ms each and the work lands between them; a GPU's passes
 * hold their work. `ok` when the timestamps hold at least half of the clock's time; the passes are
 * multiplied by 4 (up to 512) until the clock sees at least 2 ms of work, and below that `ok`.
 */
export async function checkTimestamps(
  g: Gpu,
  commands: Command[],
  passes = 8,
): Promise<TimestampCheck | null> {
  const dispatches = commands.filter((c) => c.kind === "dispatch");
  if (!dispatches.length) return null;
  const size = (c: (typeof dispatches)[number]) => c.grid[0] * c.grid[1] * c.grid[2];
  const largest = dispatches.reduce((a, b) => size(b) > size(a) ? b : a);
  const run = async (work: boolean) => {
    const device = g.device;
    const querySet = device.createQuerySet({ type: "timestamp", count: 2 * passes });
    const resolved = device.createBuffer({
      size: 16 * passes,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    const staging = device.createBuffer({
      size: 16 * passes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = device.createCommandEncoder();
    for (let k = 0; k < passes; k++) {
      const pass = encoder.beginComputePass({
        timestampWrites: {
          querySet,
          beginningOfPassWriteIndex: 2 * k,
          endOfPassWriteIndex: 2 * k + 1,
        },
      });
      if (work) {
        pass.setPipeline(largest.pipeline);
        pass.setBindGroup(0, largest.group);
        pass.dispatchWorkgroups(...largest.grid);
      }
      pass.end();
    }
    encoder.resolveQuerySet(querySet, 0, 2 * passes, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, staging, 0, 16 * passes);
    const t = performance.now();
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const wall = performance.now() - t;
    const stamps = new BigUint64Array(staging.getMappedRange().slice(0));
    staging.unmap();
    for (const b of [staging, resolved]) b.destroy();
    querySet.destroy();
    let stamped = 0;
    for (let k = 0; k < passes; k++) {
      stamped += Math.max(0, Number(stamps[2 * k + 1] - stamps[2 * k]));
    }
    return { wall, stamped: stamped / 1e6 };
  };
  for (;;) {
    const empty: number[] = [];
    for (let i = 0; i < 3; i++) empty.push((await run(false)).wall);
    const full = await run(true);
    g.check("checking timestamp queries");
    const clockMs = Math.max(0, full.wall - empty.sort((a, b) => a - b)[1]);
    // Too little work to judge against the clock: four times the passes, up to 512.
    if (clockMs < 2 && passes < 512) {
      passes *= 4;
      continue;
    }
    return {
      ok: clockMs < 2 || full.stamped >= 0.5 * clockMs,
      label: largest.label,
      passes,
      stampedMs: full.stamped,
      clockMs,
    };
  }
}

/** Wall milliseconds of one submit of what `record` encodes, waited for. */
async function timedSubmit(g: Gpu, record: (e: GPUCommandEncoder) => void): Promise<number> {
  const e = g.device.createCommandEncoder();
  record(e);
  const t = performance.now();
  g.device.queue.submit([e.finish()]);
  await g.device.queue.onSubmittedWorkDone();
  return performance.now() - t;
}

/**
 * Times every command by replaying it alone (see the file's comment); `progress` hears how many
 * commands are done now and then.
 */
export async function timeByReplay(
  g: Gpu,
  commands: Command[],
  repeat = 4,
  progress?: (done: number) => void,
): Promise<CommandTimes> {
  const empty: number[] = [];
  for (let i = 0; i < 9; i++) empty.push(await timedSubmit(g, () => {}));
  const base = empty.sort((a, b) => a - b)[4];
  const ms: number[] = [];
  let wallMs = 0;
  for (const command of commands) {
    const t = await timedSubmit(g, (e) => {
      if (command.kind === "copy") {
        for (let r = 0; r < repeat; r++) command.replay(e);
        return;
      }
      const p = e.beginComputePass();
      p.setPipeline(command.pipeline);
      p.setBindGroup(0, command.group);
      for (let r = 0; r < repeat; r++) p.dispatchWorkgroups(...command.grid);
      p.end();
    });
    wallMs += t;
    ms.push((t - base) / repeat);
    if (ms.length % 50 === 0) progress?.(ms.length);
  }
  g.check("replaying the step");
  return { method: "replay", ms, betweenPassesMs: 0, wallMs, emptySubmitMs: base, repeat };
}

/** A kernel entry's (or a copy kind's) share of a step's GPU time. */
export interface KernelTime {
  /** `kernel.entry` (e.g. `ops/matmul/matmul.main`), or the copy command. */
  kernel: string;
  kind: "dispatch" | "copy";
  /** Commands of the step with this label. */
  calls: number;
  /** Their GPU milliseconds, summed. */
  ms: number;
  /** `ms` over the step's total (kernels and copies). */
  share: number;
}

/** The commands' times grouped by label, most time first. */
export function byKernel(commands: Command[], times: CommandTimes): KernelTime[] {
  const rows = new Map<string, KernelTime>();
  commands.forEach((c, i) => {
    let row = rows.get(c.label);
    if (!row) rows.set(c.label, row = { kernel: c.label, kind: c.kind, calls: 0, ms: 0, share: 0 });
    row.calls++;
    row.ms += times.ms[i];
  });
  const total = times.ms.reduce((a, b) => a + b, 0);
  const list = [...rows.values()].sort((a, b) => b.ms - a.ms);
  for (const row of list) row.share = total > 0 ? row.ms / total : 0;
  return list;
}
