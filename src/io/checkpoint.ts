import { basename, dirname, join } from "node:path";
import { type ArchitecturePlan, Sequential } from "../nn/model.ts";
import { checkArchitecture } from "../nn/check.ts";
import type { Architecture } from "../nn/zoo.ts";
import {
  checkFinite,
  decodeEntries,
  decodeSafetensors,
  encodeSafetensors,
  F32_ONLY,
  type NamedArray,
} from "./safetensors.ts";
import { checkWeightsHeader, encodeModelWeights, writeStateTensors } from "./weights.ts";
import { readConfigFile, readSafetensorsFile } from "./model_folder.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { clip, showValue, UserError } from "../util/errors.ts";

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

/**
 * `dir/config.json`, read as an untrusted file (see src/io/model_folder.ts: a regular file inside
 * the folder, at most 4 MiB, a JSON object). Its architecture is checked by `loadModel` and
 * `checkNetworkConfig`, not here (a baseline's config has none).
 */
export async function readConfig(dir: string): Promise<ModelConfig> {
  return await readConfigFile(dir) as ModelConfig;
}

/**
 * A float network's config.json checked before anything is built: kind "network", not int8, and
 * an architecture that passes nn/check.ts (fields, ranges, parameter and buffer budget). Throws a
 * one-line UserError naming the file and field.
 */
export function checkNetworkConfig(
  config: ModelConfig,
  dir: string,
  expected?: Architecture,
): { architecture: Architecture; plan: ArchitecturePlan } {
  const file = join(dir, CONFIG_FILE);
  if (config.quantization) {
    // An int8 model's folder has no float weights: say so rather than "not found".
    const source = (config.quantization as { source?: { dir?: string } }).source?.dir;
    throw new UserError(
      `${dir}: an int8 model from "deno task quantize"; it predicts and is evaluated, but ` +
        `this needs float weights${
          typeof source === "string" ? `: use ${clip(source, 200)}, its float model` : ""
        }`,
    );
  }
  if (!expected && (config.kind !== "network" || config.architecture === undefined)) {
    throw new UserError(
      `${file}: no network architecture in it (kind ${
        showValue(config.kind ?? null)
      }); is it a baseline model?`,
    );
  }
  return checkArchitecture(expected ?? config.architecture, file);
}

/**
 * Rebuilds the network described by `dir/config.json` (or `expected`, when the caller insists
 * on an architecture) and loads its weights. Everything is checked before the network is built:
 * the architecture (`checkNetworkConfig`), the weights file's header against it (every tensor
 * present with its shape, no other), then every value finite. Throws a one-line UserError naming
 * the file and the field or tensor at fault. `config`: the folder's config.json when the caller has
 * already read it.
 */
export async function loadModel(
  dir: string,
  expected?: Architecture,
  config?: ModelConfig,
): Promise<Sequential> {
  const { architecture, plan } = checkNetworkConfig(config ?? await readConfig(dir), dir, expected);
  const tensors = await readCheckedWeights(
    dir,
    WEIGHTS_FILE,
    plan,
    `retrain with "deno task train --out ${dir}"`,
  );
  const model = new Sequential(architecture);
  writeStateTensors(model, tensors, join(dir, WEIGHTS_FILE), architecture.name);
  return model;
}

/**
 * The tensors of `dir/name`, a weights file for `plan`: header checked against the plan before
 * the data are read, values checked finite. `missing` says what to do when the file is not there.
 */
export async function readCheckedWeights(
  dir: string,
  name: string,
  plan: ArchitecturePlan,
  missing: string,
): Promise<Map<string, NamedArray>> {
  const { bytes, header, path } = await readSafetensorsFile(
    dir,
    name,
    missing,
    (h, path) => checkWeightsHeader(h, plan, path),
    { header: F32_ONLY },
  );
  const tensors = decodeEntries(bytes, header) as Map<string, NamedArray>;
  checkFinite(tensors.values(), path);
  return tensors;
}

/**
 * Loads a weights file (as `saveModel` writes it) into `model`, which must have exactly these
 * tensors with these shapes, all finite; anything else is refused before any value is written.
 * `fix` says what to do when the file is missing.
 */
export async function loadWeights(model: Sequential, path: string, fix: string) {
  const tensors = await readCheckedWeights(dirname(path), basename(path), model.plan, fix);
  writeStateTensors(model, tensors, path, model.architecture.name);
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
