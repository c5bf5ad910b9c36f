import { join } from "node:path";
import { Sequential } from "../nn/model.ts";
import type { Architecture } from "../nn/zoo.ts";
import { decodeSafetensors, encodeSafetensors, type NamedArray } from "./safetensors.ts";
import { decodeModelWeights, encodeModelWeights } from "./weights.ts";
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

export { readTensors, writeStateTensors } from "./weights.ts";

/** Writes weights (with running statistics) and config.json atomically into `dir`. */
export async function saveModel(dir: string, model: Sequential, config: ModelConfig) {
  await writeFileAtomic(join(dir, WEIGHTS_FILE), await encodeModelWeights(model));
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
  if (config.quantization) {
    // An int8 model's folder has no float weights: say so rather than "not found".
    const source = (config.quantization as { source?: { dir?: string } }).source?.dir;
    throw new UserError(
      `${dir}: an int8 model from "deno task quantize"; it predicts and is evaluated, but ` +
        `this needs float weights${source ? `: use ${source}, its float model` : ""}`,
    );
  }
  const architecture = expected ?? config.architecture;
  if (!architecture?.layers) {
    throw new UserError(
      `${join(dir, CONFIG_FILE)}: no network architecture in it; is it a baseline model?`,
    );
  }
  const model = new Sequential(architecture);
  await loadWeights(model, join(dir, WEIGHTS_FILE), `retrain with "deno task train --out ${dir}"`);
  return model;
}

/**
 * Loads a weights file (as `saveModel` writes it) into `model`, which must have exactly these
 * tensors with these shapes; anything else is a checkpoint of another network and is refused.
 * `fix` says what to do when the file is missing.
 */
export async function loadWeights(model: Sequential, path: string, fix: string) {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    throw new UserError(`${path}: not found; ${fix}`);
  }
  decodeModelWeights(model, bytes, path);
}

/**
 * A run's training state, written after every epoch so that `deno task train --resume DIR`
 * continues it: model weights and running statistics, optimizer moments and whatever else the
 * callbacks keep as tensors, plus a JSON `state` (settings, epoch, step, history, schedule and
 * callback positions) in the safetensors metadata. One file, written atomically, so the
 * weights and the position they belong to can never disagree after a crash.
 */
export const TRAINING_STATE_FILE = "training-state.safetensors";
const TRAINING_STATE_FORMAT = "fashion-mnist-webgpu/training-state/1";

export async function saveTrainingState(
  path: string,
  tensors: NamedArray[],
  state: unknown,
): Promise<void> {
  const bytes = encodeSafetensors(tensors, {
    format: TRAINING_STATE_FORMAT,
    state: JSON.stringify(state),
  });
  await writeFileAtomic(path, bytes);
}

export async function readTrainingState<S>(
  path: string,
): Promise<{ state: S; tensors: Map<string, NamedArray> }> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    throw new UserError(
      `${path}: not found; --resume takes the --out directory of a run started by this version ` +
        `of "deno task train"`,
    );
  }
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  if (metadata.format !== TRAINING_STATE_FORMAT || !metadata.state) {
    throw new UserError(
      `${path}: not a training state of this version (format "${
        metadata.format ?? "none"
      }", expected "${TRAINING_STATE_FORMAT}")`,
    );
  }
  return { state: JSON.parse(metadata.state) as S, tensors };
}
