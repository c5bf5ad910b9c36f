// An architecture from someone else's config.json, checked before anything is built: every field
// of every layer has the type and range the kernels can run (each layer type's `check`, in
// src/nn/layers/), and the whole network fits a budget of parameters, FLOPs and buffer sizes. No
// GPU; the browser page uses it too.
import type { LossName } from "../ops/loss/loss.ts";
import { showValue, UserError } from "../util/errors.ts";
import { findLayerType, LAYER_TYPES } from "./layers/mod.ts";
import { type ArchitecturePlan, largestPerExample, planArchitecture } from "./model.ts";
import type { Architecture } from "./zoo.ts";

/** What a loaded architecture may ask for. Far above any zoo network (resnet: 0.7 M parameters). */
export interface ArchitectureLimits {
  /** Trained parameters and running statistics together. */
  parameters: number;
  /** Forward FLOPs per example. */
  flops: number;
  /**
   * Bytes of the largest buffer one kernel binds for one example (an activation or a patch
   * matrix): WebGPU's default `maxStorageBufferBindingSize`, 128 MiB, which every adapter has.
   */
  bindingBytes: number;
  /** Layers, counting those inside residual blocks. */
  layers: number;
}

export const ARCHITECTURE_LIMITS: ArchitectureLimits = {
  parameters: 64_000_000,
  flops: 50e9,
  bindingBytes: 128 * 2 ** 20,
  layers: 1_000,
};

/** Residual blocks nest at most this deep (the zoo nests one level). */
const MAX_NESTING = 8;
const LOSSES: readonly LossName[] = ["cross-entropy", "hinge"];

/** A field's path in config.json, for messages: `architecture.layers[3].kernel`. */
type Path = string;

/**
 * Checks `value` (config.json's `architecture`, untrusted) and plans it: name, input [H, W, C]
 * (H, W from 1 to 4096, C from 1 to 16), classes (1 to 100,000), loss, and every layer's type and
 * fields; then the plan's shapes, its parameter and FLOP budget and its largest buffer (`limits`).
 * Throws a one-line UserError naming `file` and the field at fault; returns the architecture
 * (the same object) with its plan.
 */
export function checkArchitecture(
  value: unknown,
  file: string,
  limits: ArchitectureLimits = ARCHITECTURE_LIMITS,
  path: Path = "architecture",
): { architecture: Architecture; plan: ArchitecturePlan } {
  const refuse = (where: Path, what: string): never => {
    throw new UserError(`${file}: ${where} ${what}; fix the field or use the model's own config`);
  };
  const a = object(value, path, refuse);
  if (typeof a.name !== "string" || a.name.length === 0 || a.name.length > 100) {
    refuse(`${path}.name`, `must be a name of 1 to 100 characters, got ${showValue(a.name)}`);
  }
  if (!Array.isArray(a.input) || a.input.length !== 3) {
    refuse(`${path}.input`, `must be [height, width, channels], got ${showValue(a.input)}`);
  }
  const input = a.input as unknown[];
  integer(input[0], `${path}.input[0]`, 1, 4096, refuse);
  integer(input[1], `${path}.input[1]`, 1, 4096, refuse);
  integer(input[2], `${path}.input[2]`, 1, 16, refuse);
  integer(a.classes, `${path}.classes`, 1, 100_000, refuse);
  if (a.loss !== undefined && !LOSSES.includes(a.loss as LossName)) {
    refuse(`${path}.loss`, `must be one of ${LOSSES.join(", ")}, got ${showValue(a.loss)}`);
  }
  const count = { layers: 0 };
  checkLayers(a.layers, `${path}.layers`, 0, count, limits, refuse);
  const architecture = a as unknown as Architecture;
  let plan: ArchitecturePlan;
  try {
    plan = planArchitecture(architecture);
  } catch (e) {
    // Shapes that do not chain (a kernel larger than its input, a head of the wrong size).
    return refuse(path, `cannot be built: ${(e as Error).message}`);
  }
  const state = plan.layers.reduce(
    (n, l) =>
      n + [...l.params, ...l.buffers].reduce((m, t) => m + t.shape.reduce((x, y) => x * y, 1), 0),
    0,
  );
  if (state > limits.parameters) {
    refuse(
      path,
      `has ${state.toLocaleString("en")} parameters, over the limit of ${
        limits.parameters.toLocaleString("en")
      }`,
    );
  }
  if (plan.flops > limits.flops) {
    refuse(
      path,
      `needs ${plan.flops.toExponential(2)} FLOPs per image, over the limit of ${
        limits.flops.toExponential(0)
      }`,
    );
  }
  const largest = 4 * largestPerExample(plan.layers);
  if (largest > limits.bindingBytes) {
    refuse(
      path,
      `needs a ${(largest / 2 ** 20).toFixed(0)} MiB buffer for one image, over the ` +
        `${(limits.bindingBytes / 2 ** 20).toFixed(0)} MiB a GPU binding holds`,
    );
  }
  return { architecture, plan };
}

function checkLayers(
  value: unknown,
  path: Path,
  depth: number,
  count: { layers: number },
  limits: ArchitectureLimits,
  refuse: (where: Path, what: string) => never,
) {
  if (!Array.isArray(value)) refuse(path, `must be a list of layers, got ${showValue(value)}`);
  if (depth > MAX_NESTING) refuse(path, `nests residual blocks over ${MAX_NESTING} deep`);
  for (let i = 0; i < (value as unknown[]).length; i++) {
    if (++count.layers > limits.layers) refuse(path, `has over ${limits.layers} layers`);
    checkLayer((value as unknown[])[i], `${path}[${i}]`, depth, count, limits, refuse);
  }
}

function checkLayer(
  value: unknown,
  path: Path,
  depth: number,
  count: { layers: number },
  limits: ArchitectureLimits,
  refuse: (where: Path, what: string) => never,
) {
  const l = object(value, path, refuse);
  const field = (name: string) => `${path}.${name}`;
  const type = findLayerType(l.type);
  if (!type) {
    return refuse(
      field("type"),
      `must be one of ${[...LAYER_TYPES.keys()].join(", ")}; got ${showValue(l.type)}`,
    );
  }
  // Each check skips an absent optional field.
  const absent = (name: string, opts?: { optional?: boolean }) =>
    opts?.optional === true && l[name] === undefined;
  type.check({
    value: (name) => l[name],
    refuse: (name, what) => refuse(field(name), what),
    integer(name, lo, hi, opts) {
      if (!absent(name, opts)) integer(l[name], field(name), lo, hi, refuse, opts?.or);
    },
    number(name, lo, hi, opts) {
      if (!absent(name, opts)) number(l[name], field(name), lo, hi, refuse);
    },
    boolean(name, opts) {
      if (!absent(name, opts) && typeof l[name] !== "boolean") {
        refuse(field(name), `must be true or false, got ${showValue(l[name])}`);
      }
    },
    layers(name, opts) {
      if (!absent(name, opts)) checkLayers(l[name], field(name), depth + 1, count, limits, refuse);
    },
  });
}

function object(
  value: unknown,
  path: Path,
  refuse: (where: Path, what: string) => never,
): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    refuse(path, `must be an object, got ${showValue(value)}`);
  }
  return value as Record<string, unknown>;
}

function integer(
  v: unknown,
  where: Path,
  lo: number,
  hi: number,
  refuse: (where: Path, what: string) => never,
  or = "",
) {
  if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi) {
    refuse(where, `must be ${or}an integer from ${lo} to ${hi}, got ${showValue(v)}`);
  }
}

function number(
  v: unknown,
  where: Path,
  lo: number,
  hi: number,
  refuse: (where: Path, what: string) => never,
) {
  if (typeof v !== "number" || !(v >= lo && v <= hi)) {
    refuse(where, `must be a number from ${lo} to ${hi}, got ${showValue(v)}`);
  }
}
