/**
 * A model's weights as bytes and back, with no file system: what `checkpoint.ts` writes to and
 * reads from disk, and what a web page downloads or opens (src/platform/ says why the two are
 * kept apart: this module runs in a browser too).
 */
import type { ArchitecturePlan, Sequential } from "../nn/model.ts";
import type { TensorPlan } from "../nn/layers.ts";
import type { Param } from "../optim/optimizer.ts";
import {
  checkFinite,
  decodeEntries,
  encodeSafetensors,
  F32_ONLY,
  type NamedArray,
  readSafetensorsHeader,
  type SafetensorsHeader,
} from "./safetensors.ts";
import { clip, UserError } from "../util/errors.ts";

/** CPU copies of GPU tensors, named `prefix + name` (for files and in-memory snapshots). */
export async function readTensors(params: Param[], prefix = ""): Promise<NamedArray[]> {
  const out: NamedArray[] = [];
  for (const p of params) {
    out.push({ name: prefix + p.name, shape: [...p.value.shape], data: await p.value.read() });
  }
  return out;
}

/**
 * The bytes of `weights.safetensors` for `model`: every state tensor (parameters and running
 * statistics) as F32, with the architecture in the metadata. Reads the tensors back from the GPU.
 */
export async function encodeModelWeights(model: Sequential): Promise<Uint8Array<ArrayBuffer>> {
  return encodeSafetensors(await readTensors(model.stateTensors()), {
    format: "pt",
    architecture: JSON.stringify(model.architecture),
  });
}

/** The tensors a checkpoint of `plan` holds: parameters and running statistics, by name. */
export function stateTensorPlans(plan: ArchitecturePlan): TensorPlan[] {
  return plan.layers.flatMap((l) => [...l.params, ...l.buffers]);
}

/** The architecture's name as the weights file's metadata gives it, for messages. */
function savedName(metadata: Record<string, string>): string {
  try {
    const name = metadata.architecture ? JSON.parse(metadata.architecture).name : undefined;
    return typeof name === "string" ? clip(name, 60) : "unknown";
  } catch {
    // A damaged architecture note does not matter when the tensors fit; when they don't, the
    // error says which tensor differs.
    return "unknown";
  }
}

/**
 * Checks a weights file's header against the tensors `plan` needs, before its data are read or
 * anything is allocated: exactly these names, F32, with these shapes. Throws a one-line UserError
 * naming `file` and the first tensor that differs.
 */
export function checkWeightsHeader(
  header: SafetensorsHeader,
  plan: ArchitecturePlan,
  file: string,
): void {
  const wanted = stateTensorPlans(plan);
  const refuse = (what: string): never => {
    throw new UserError(
      `${file}: checkpoint of another architecture ("${savedName(header.metadata)}") — ${what}; ` +
        `load it with the architecture it was trained with`,
    );
  };
  for (const p of wanted) {
    const t = header.entries.get(p.name);
    if (!t || t.shape.join() !== p.shape.join()) {
      refuse(
        `${p.name} expects [${p.shape}], found ${t ? `shape [${t.shape}]` : "no such tensor"}`,
      );
    }
  }
  if (header.entries.size !== wanted.length) {
    const names = new Set(wanted.map((p) => p.name));
    const extra = [...header.entries.keys()].filter((k) => !names.has(k));
    refuse(`unexpected tensors ${extra.slice(0, 3).map((k) => clip(k, 60)).join(", ")}`);
  }
}

/**
 * The tensors of a weights file (as `encodeModelWeights` makes them) for `plan`, checked: the
 * header first (`checkWeightsHeader`), then every value finite. `file` names the source in
 * errors. Throws a UserError for a damaged file, a checkpoint of another network, or NaN/Inf.
 */
export function decodeCheckedWeights(
  bytes: Uint8Array,
  plan: ArchitecturePlan,
  file: string,
): Map<string, NamedArray> {
  const header = readSafetensorsHeader(bytes, bytes.length, file, F32_ONLY);
  checkWeightsHeader(header, plan, file);
  const tensors = decodeEntries(bytes, header) as Map<string, NamedArray>;
  checkFinite(tensors.values(), file);
  return tensors;
}

/**
 * Loads the bytes of a weights file (as `encodeModelWeights` makes them) into `model`, which must
 * have exactly these tensors with these shapes, all finite. `file` names the source in errors.
 * Throws a UserError for a damaged file, a checkpoint of another network, or NaN/Inf values.
 */
export function decodeModelWeights(model: Sequential, bytes: Uint8Array, file: string): void {
  writeStateTensors(model, decodeCheckedWeights(bytes, model.plan, file), file, "checked");
}

/** Writes `tensors` (named as `model.stateTensors()`, after `prefix`) into the model's buffers. */
export function writeStateTensors(
  model: Sequential,
  tensors: Map<string, NamedArray>,
  path: string,
  savedName: string,
  prefix = "",
) {
  const wanted = model.stateTensors();
  for (const p of wanted) {
    const t = tensors.get(prefix + p.name);
    const same = t && t.shape.length === p.value.shape.length &&
      t.shape.every((d, i) => d === p.value.shape[i]);
    if (!same) {
      const found = t ? `shape [${t.shape}]` : "no such tensor";
      throw new UserError(
        `${path}: checkpoint of another architecture ("${savedName}") — ${p.name} expects ` +
          `[${p.value.shape}], found ${found}; load it with the architecture it was trained with`,
      );
    }
    p.value.write(t.data as Float32Array<ArrayBuffer>);
  }
  const ours = [...tensors.keys()].filter((k) => k.startsWith(prefix));
  if (ours.length !== wanted.length) {
    const extra = ours.filter((k) => !wanted.some((p) => prefix + p.name === k));
    throw new UserError(
      `${path}: checkpoint of another architecture ("${savedName}") — unexpected tensors ${
        extra.slice(0, 3).join(", ")
      }; load it with the architecture it was trained with`,
    );
  }
}
