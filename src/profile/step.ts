// One training step on synthetic data, as `fit` submits it (upload, forward, loss, backward,
// Adam update, one submit), and what it cost the Gpu: the JavaScript time to record it and the
// differences of `Gpu.counts` (src/gpu/gpu.ts) across it. Shared by `deno task profile` and
// bench/step_bench.ts.
import { gpu } from "../autograd/tensor.ts";
import type { Gpu } from "../gpu/gpu.ts";
import { Sequential } from "../nn/model.ts";
import { architecture } from "../nn/zoo.ts";
import { TrainingStep as FitStep } from "../train/step.ts";
import { Adam } from "../optim/optimizer.ts";
import { Rng } from "../util/random.ts";
import { UserError } from "../util/errors.ts";

/** `Gpu.counts`: what the Gpu has done since it was created. */
export type GpuCounts = Gpu["counts"];

/** A training step's cost on the CPU side: recording time and the Gpu's counters. */
export interface StepFigures extends GpuCounts {
  /** JavaScript milliseconds from the step's start to its submit's return (no wait). */
  recordMs: number;
  /**
   * GPU objects created: buffers + textures + uniform buffers + bind groups + pipelines, and
   * any made straight on the device (`otherCreations`).
   */
  creations: number;
  /** Buffers, textures, bind groups and pipelines created on the device but not through the Gpu. */
  otherCreations: number;
}

/** The counters that are GPU objects created through the Gpu. */
export const CREATED = [
  "buffers",
  "textures",
  "uniformBuffers",
  "bindGroups",
  "pipelines",
] as const;

/** A synthetic training step of a zoo architecture: `run()` records and submits one step. */
export interface TrainingStep {
  model: string;
  batch: number;
  parameters: number;
  /** The largest batch whose buffers fit the device's bindings (`Sequential.maxBatch`). */
  maxBatch: number;
  /** Whether `run` replays a captured step (src/train/step.ts) after the first. */
  replays: boolean;
  /** Records and submits one step as `fit` does: replayed when `replays`. */
  run(): void;
  /** Records and submits one step through the tape (the profiler's per-command recording). */
  runTape(): void;
  dispose(): void;
}

/**
 * `name` (a zoo architecture) at `batch`: random pixels in [0, 1) and random labels, uploaded
 * every step, the architecture's loss and Adam, through `fit`'s step (src/train/step.ts: the first
 * step captured, later ones replayed, unless `replay` is false). A batch whose buffers outgrow a
 * binding of the device is refused (a UserError, exit code 2).
 */
export function trainingStep(name: string, batch: number, seed = 1, replay = true): TrainingStep {
  const arch = architecture(name);
  const model = new Sequential(arch, seed);
  const optimizer = new Adam(model.params());
  const maxBatch = model.maxBatch();
  if (batch > maxBatch) {
    model.dispose();
    optimizer.dispose();
    throw new UserError(
      `batch ${batch}: ${name}'s largest buffer outgrows a binding of this device above batch ` +
        `${maxBatch}`,
      2,
    );
  }
  const rng = new Rng(seed);
  const [h, w, c] = arch.input;
  const data = {
    x: Float32Array.from({ length: batch * h * w * c }, () => rng.next()),
    y: Uint32Array.from({ length: batch }, () => rng.int(arch.classes)),
    size: batch,
  };
  const planned = new FitStep(model, optimizer, { seed, replay });
  const tape = new FitStep(model, optimizer, { seed, replay: false });
  let step = 0;
  return {
    model: name,
    batch,
    parameters: model.parameterCount(),
    maxBatch,
    replays: planned.replays,
    run: () => planned.run(data, step++),
    runTape: () => tape.run(data, step++),
    dispose() {
      tape.dispose();
      planned.dispose();
      model.dispose();
      optimizer.dispose();
    },
  };
}

/** A copy of the counters, to subtract later. */
export function snapshot(counts: GpuCounts): GpuCounts {
  return { ...counts };
}

/** `after` − `before`, field by field. */
export function difference(after: GpuCounts, before: GpuCounts): GpuCounts {
  const d = { ...after };
  for (const k of Object.keys(d) as (keyof GpuCounts)[]) d[k] = after[k] - before[k];
  return d;
}

/** Creation methods of the device, counted while a step is measured (any caller). */
const DEVICE_CREATIONS = [
  "createBuffer",
  "createTexture",
  "createBindGroup",
  "createComputePipeline",
] as const;

/**
 * Runs `run` (one step that ends with its submit, as `TrainingStep.run`) and returns its figures.
 * Nothing here waits: call `Gpu.sync()` before, so the GPU is idle while the step is recorded,
 * and after. The device's creation methods are counted for the step's duration to catch objects
 * made around the Gpu (`otherCreations`).
 */
export function measureStep(run: () => void, g: Gpu = gpu()): StepFigures {
  let deviceCreations = 0;
  const device = g.device as unknown as Record<string, unknown>;
  const own = DEVICE_CREATIONS.map((name) => Object.getOwnPropertyDescriptor(device, name));
  for (const name of DEVICE_CREATIONS) {
    const original = device[name] as (...args: unknown[]) => unknown;
    device[name] = function (this: unknown, ...args: unknown[]) {
      deviceCreations++;
      return original.apply(this, args);
    };
  }
  const before = snapshot(g.counts);
  let recordMs: number;
  try {
    const t0 = performance.now();
    run();
    recordMs = performance.now() - t0;
  } finally {
    DEVICE_CREATIONS.forEach((name, i) => {
      delete device[name];
      if (own[i]) Object.defineProperty(device, name, own[i]);
    });
  }
  const counts = difference(g.counts, before);
  const tracked = CREATED.reduce((sum, k) => sum + counts[k], 0);
  const otherCreations = Math.max(0, deviceCreations - tracked);
  return { ...counts, recordMs, creations: tracked + otherCreations, otherCreations };
}

/** The mean of each figure over `steps` (recordMs too); zeros for none. */
export function meanFigures(steps: StepFigures[]): StepFigures {
  const keys = Object.keys(steps[0] ?? {}) as (keyof StepFigures)[];
  const mean = {} as StepFigures;
  for (const k of keys) mean[k] = steps.reduce((s, f) => s + f[k], 0) / steps.length;
  return mean;
}
