/**
 * A model's weights as bytes and back, with no file system: what `checkpoint.ts` writes to and
 * reads from disk, and what a web page downloads or opens (src/platform/ says why the two are
 * kept apart: this module runs in a browser too).
 */
import type { Sequential } from "../nn/model.ts";
import type { Param } from "../optim/optimizer.ts";
import { decodeSafetensors, encodeSafetensors, type NamedArray } from "./safetensors.ts";
import { UserError } from "../util/errors.ts";

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

/**
 * Loads the bytes of a weights file (as `encodeModelWeights` makes them) into `model`, which must
 * have exactly these tensors with these shapes. `file` names the source in errors. Throws a
 * UserError for a damaged file or a checkpoint of another network.
 */
export function decodeModelWeights(model: Sequential, bytes: Uint8Array, file: string): void {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  let savedName = "unknown";
  try {
    savedName = metadata.architecture ? JSON.parse(metadata.architecture).name : "unknown";
  } catch {
    // A damaged architecture note does not matter when the tensors fit; when they don't, the
    // error below says which tensor differs.
  }
  writeStateTensors(model, tensors, file, savedName);
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
