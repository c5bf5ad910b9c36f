import { join } from "node:path";
import { Sequential } from "../nn/model.ts";
import type { Architecture } from "../nn/zoo.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";

export const CONFIG_FILE = "config.json";
export const WEIGHTS_FILE = "weights.safetensors";
export const HISTORY_FILE = "history.json";

/** What config.json holds: enough to rebuild the model and to say how it was made. */
export interface ModelConfig {
  kind: "network";
  architecture: Architecture;
  [key: string]: unknown;
}

/** Writes weights (with running statistics) and config.json atomically into `dir`. */
export async function saveModel(dir: string, model: Sequential, config: ModelConfig) {
  const tensors = await Promise.all(
    model.stateTensors().map(async (p) => ({
      name: p.name,
      shape: [...p.value.shape],
      data: await p.value.read(),
    })),
  );
  const bytes = encodeSafetensors(tensors, {
    format: "pt",
    architecture: JSON.stringify(model.architecture),
  });
  await writeFileAtomic(join(dir, WEIGHTS_FILE), bytes);
  await writeJsonAtomic(join(dir, CONFIG_FILE), config);
}

export async function readConfig(dir: string): Promise<ModelConfig> {
  const path = join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    throw new UserError(
      `${path}: not found; pass --model with a directory written by "deno task train"`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`${path}: not valid JSON; retrain the model or restore the file`);
  }
}

/**
 * Rebuilds the network described by `dir/config.json` (or `expected`, when the caller insists
 * on an architecture) and loads its weights. Every tensor must be present with the shape the
 * architecture gives; anything else is a checkpoint of another network and is refused.
 */
export async function loadModel(dir: string, expected?: Architecture): Promise<Sequential> {
  const config = await readConfig(dir);
  const architecture = expected ?? config.architecture;
  if (!architecture?.layers) {
    throw new UserError(
      `${join(dir, CONFIG_FILE)}: no network architecture in it; is it a baseline model?`,
    );
  }
  const model = new Sequential(architecture);
  const path = join(dir, WEIGHTS_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    throw new UserError(`${path}: not found; retrain with "deno task train --out ${dir}"`);
  }
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  const savedName = metadata.architecture ? JSON.parse(metadata.architecture).name : "unknown";
  const wanted = model.stateTensors();
  for (const p of wanted) {
    const t = tensors.get(p.name);
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
  if (tensors.size !== wanted.length) {
    const extra = [...tensors.keys()].filter((k) => !wanted.some((p) => p.name === k));
    throw new UserError(
      `${path}: checkpoint of another architecture ("${savedName}") — unexpected tensors ${
        extra.slice(0, 3).join(", ")
      }; ` +
        `load it with the architecture it was trained with`,
    );
  }
  return model;
}
