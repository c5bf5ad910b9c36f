// Where a training step's GPU time goes, per kernel entry: one step of bench/_training_step.ts is
// recorded (every dispatch and copy, in order), then each recorded command is replayed alone,
// `--repeat` times in one submit, and timed less an empty submit (a waited submit costs a fixed
// ~12 ms on the software adapter). Replaying alone runs each command with its inputs in cache as they were
// not in the step, so the shares are indicative; their sum is close to a step's time.
//
//   deno run -A bench/step_profile.ts [--model cnn-deep] [--batch 128] [--repeat 4] [--top 40]
import { parseArgs } from "node:util";
import { endStep, Gpu, useGpu } from "../mod.ts";
import { trainingStep } from "./_training_step.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "cnn-deep" },
    batch: { type: "string", default: "128" },
    repeat: { type: "string", default: "4" },
    top: { type: "string", default: "40" },
  },
});
const repeat = Number(values.repeat);
const g = await Gpu.create();
useGpu(g);

type Op =
  | {
    kind: "dispatch";
    label: string;
    pipeline: GPUComputePipeline;
    group: GPUBindGroup;
    grid: number[];
  }
  | { kind: "copy"; label: string; replay: (e: GPUCommandEncoder) => void };
const labels = new Map<GPUComputePipeline, string>();
let recording = false;
const ops: Op[] = [];

// Geometry constants that tell layers apart in the labels.
const shown = ["H", "W", "C", "F", "C4", "F4", "OH", "OW", "STRIDE", "KP", "KH"];
// Every kernel is declared with defineKernel (src/gpu/kernel.ts) and made by kernelPipeline.
const kernelPipeline = g.kernelPipeline.bind(g);
g.kernelPipeline = (kernel, entry, constants = {}) => {
  const p = kernelPipeline(kernel, entry, constants);
  const geometry = shown.filter((k) => k in constants).map((k) => `${k}=${constants[k]}`);
  labels.set(p, `${kernel.label}.${entry}${geometry.length ? ` (${geometry.join(" ")})` : ""}`);
  return p;
};
// A matmul's sizes (its params' first three words: M, N, K) tell its products apart.
let lastParams: ArrayLike<number> | null = null;
const uniform = g.uniform.bind(g);
g.uniform = (words: ArrayLike<number>) => {
  lastParams = Array.from(words);
  return uniform(words);
};
const pass = GPUComputePassEncoder.prototype;
const state = new WeakMap<GPUComputePassEncoder, { p?: GPUComputePipeline; b?: GPUBindGroup }>();
const { setPipeline, setBindGroup, dispatchWorkgroups } = pass;
pass.setPipeline = function (p: GPUComputePipeline) {
  state.set(this, { ...state.get(this), p });
  return setPipeline.call(this, p);
};
pass.setBindGroup = function (i: number, b: GPUBindGroup | null, ...rest: unknown[]) {
  state.set(this, { ...state.get(this), b: b! });
  // deno-lint-ignore no-explicit-any
  return (setBindGroup as any).call(this, i, b, ...rest);
};
pass.dispatchWorkgroups = function (x: number, y = 1, z = 1) {
  const s = state.get(this)!;
  if (recording) {
    ops.push({
      kind: "dispatch",
      label: (labels.get(s.p!) ?? "?") +
        (labels.get(s.p!)?.startsWith("ops/matmul/") && lastParams
          ? ` [${Array.from(lastParams).slice(0, 3).join("×")}]`
          : ""),
      pipeline: s.p!,
      group: s.b!,
      grid: [x, y, z],
    });
  }
  return dispatchWorkgroups.call(this, x, y, z);
};
const enc = GPUCommandEncoder.prototype;
/** Records a copy command of the step (replayed alone like the dispatches), then runs it. */
function recordCopies(name: "copyBufferToTexture" | "copyBufferToBuffer" | "clearBuffer") {
  const original = enc[name] as unknown as (...args: unknown[]) => void;
  (enc as unknown as Record<string, unknown>)[name] = function (
    this: GPUCommandEncoder,
    ...args: unknown[]
  ) {
    if (recording) {
      ops.push({ kind: "copy", label: name, replay: (e) => original.apply(e, args) });
    }
    return original.apply(this, args);
  };
}
recordCopies("copyBufferToTexture");
recordCopies("copyBufferToBuffer");
recordCopies("clearBuffer");

const step = trainingStep("profile", values.model!, Number(values.batch));
for (let i = 0; i < 2; i++) {
  step.run(undefined, 0);
  await g.sync();
  endStep();
}
const t0 = performance.now();
for (let i = 0; i < 3; i++) {
  step.run(undefined, 0);
  await g.sync();
  endStep();
}
const stepMs = (performance.now() - t0) / 3;
recording = true;
step.run(undefined, 0);
recording = false;
await g.sync();

async function time(record: (e: GPUCommandEncoder) => void) {
  const e = g.device.createCommandEncoder();
  record(e);
  const t = performance.now();
  g.device.queue.submit([e.finish()]);
  await g.device.queue.onSubmittedWorkDone();
  return performance.now() - t;
}
const empty: number[] = [];
for (let i = 0; i < 9; i++) empty.push(await time(() => {}));
const base = empty.sort((a, b) => a - b)[4];
const totals = new Map<string, { ms: number; n: number }>();
let sum = 0;
for (const op of ops) {
  const ms = (await time((e) => {
    if (op.kind === "copy") {
      for (let r = 0; r < repeat; r++) op.replay(e);
      return;
    }
    const p = e.beginComputePass();
    p.setPipeline(op.pipeline);
    p.setBindGroup(0, op.group);
    for (let r = 0; r < repeat; r++) p.dispatchWorkgroups(op.grid[0], op.grid[1], op.grid[2]);
    p.end();
  }) - base) / repeat;
  const t = totals.get(op.label) ?? { ms: 0, n: 0 };
  t.ms += ms;
  t.n++;
  totals.set(op.label, t);
  sum += ms;
}
endStep();
console.log(
  `${values.model} batch ${values.batch}: step ${stepMs.toFixed(0)} ms, ${ops.length} commands, ` +
    `replayed sum ${sum.toFixed(0)} ms (empty submit ${base.toFixed(1)} ms)`,
);
for (
  const [label, t] of [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(values.top))
) {
  console.log(`${t.ms.toFixed(1).padStart(7)} ms ${String(t.n).padStart(3)}×  ${label}`);
}
