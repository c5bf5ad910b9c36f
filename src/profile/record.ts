// Records the GPU commands of a step as they are encoded (every dispatch with its pipeline, bind
// group and grid; every copy and clear), so that src/profile/timing.ts can replay and time them.
// The encoders' methods are wrapped only while `recordCommands` runs and restored after: normal
// training never goes through here.
import type { Gpu } from "../gpu/gpu.ts";

/** The copy commands a step records between its compute passes. */
export type CopyKind = "copyBufferToTexture" | "copyBufferToBuffer" | "clearBuffer";

/** One recorded command, replayable into another encoder. */
export type Command =
  | {
    kind: "dispatch";
    /** `kernel.entry` (the pipeline's label), with geometry when recorded with `detail`. */
    label: string;
    pipeline: GPUComputePipeline;
    group: GPUBindGroup;
    grid: [number, number, number];
  }
  | { kind: "copy"; label: CopyKind; replay: (e: GPUCommandEncoder) => void };

// deno-lint-ignore no-explicit-any
type Fn = (...args: any[]) => any;

/** Override constants that tell layers apart in `detail` labels. */
const SHOWN = ["H", "W", "C", "F", "C4", "F4", "OH", "OW", "STRIDE", "KP", "KH"];

/**
 * Runs `run` (a step that ends with its submit) and returns the commands it encoded, in order.
 * With `detail`, labels add the geometry constants (`H=28 W=28 C=1 F=32`) and a matrix
 * product's sizes (`[M×N×K]`, its params' first three words), so each layer is its own row.
 * A copy into a MAP_READ buffer (a readback's staging buffer, destroyed after) is left out.
 */
export function recordCommands(g: Gpu, run: () => void, detail = false): Command[] {
  const commands: Command[] = [];
  const undo: (() => void)[] = [];
  /** Wraps `target[name]` until `undo` runs. */
  const wrap = (target: object, name: string, make: (original: Fn) => Fn) => {
    const t = target as Record<string, unknown>;
    const previous = Object.getOwnPropertyDescriptor(t, name);
    const original = t[name] as Fn;
    t[name] = make(original);
    undo.push(() => {
      delete t[name];
      if (previous) Object.defineProperty(t, name, previous);
    });
  };

  const detailed = new Map<GPUComputePipeline, string>();
  let lastParams: number[] | null = null;
  if (detail) {
    wrap(g, "kernelPipeline", (original) =>
      function (this: Gpu, ...args: unknown[]) {
        const p = original.apply(this, args) as GPUComputePipeline;
        const constants = (args[2] ?? {}) as Record<string, number>;
        const geometry = SHOWN.filter((k) => k in constants).map((k) => `${k}=${constants[k]}`);
        detailed.set(p, p.label + (geometry.length ? ` (${geometry.join(" ")})` : ""));
        return p;
      });
    wrap(g, "uniform", (original) =>
      function (this: Gpu, words: ArrayLike<number>) {
        lastParams = Array.from(words);
        return original.call(this, words);
      });
  }

  const state = new WeakMap<GPUComputePassEncoder, { p?: GPUComputePipeline; b?: GPUBindGroup }>();
  const pass = GPUComputePassEncoder.prototype;
  wrap(
    pass,
    "setPipeline",
    (original) =>
      function (this: GPUComputePassEncoder, p: GPUComputePipeline) {
        state.set(this, { ...state.get(this), p });
        return original.call(this, p);
      },
  );
  wrap(
    pass,
    "setBindGroup",
    (original) =>
      function (this: GPUComputePassEncoder, ...args: unknown[]) {
        state.set(this, { ...state.get(this), b: args[1] as GPUBindGroup });
        return original.apply(this, args);
      },
  );
  wrap(
    pass,
    "dispatchWorkgroups",
    (original) =>
      function (this: GPUComputePassEncoder, x: number, y = 1, z = 1) {
        const s = state.get(this);
        if (s?.p && s.b) {
          let label = detailed.get(s.p) ?? s.p.label;
          if (detail && label.startsWith("ops/matmul/") && lastParams) {
            label += ` [${lastParams.slice(0, 3).join("×")}]`;
          }
          commands.push({ kind: "dispatch", label, pipeline: s.p, group: s.b, grid: [x, y, z] });
        }
        return original.call(this, x, y, z);
      },
  );

  const encoder = GPUCommandEncoder.prototype;
  for (const name of ["copyBufferToTexture", "copyBufferToBuffer", "clearBuffer"] as const) {
    wrap(encoder, name, (original) =>
      function (this: GPUCommandEncoder, ...args: unknown[]) {
        const dst = (typeof args[1] === "number" ? args[2] : args[1]) as GPUBuffer;
        const staging = name === "copyBufferToBuffer" &&
          (dst.usage & GPUBufferUsage.MAP_READ) !== 0;
        if (!staging) {
          commands.push({ kind: "copy", label: name, replay: (e) => original.apply(e, args) });
        }
        return original.apply(this, args);
      });
  }

  try {
    run();
  } finally {
    for (const u of undo.reverse()) u();
  }
  return commands;
}
