// One check of a whole saved model folder before the GPU starts, short of reading its tensors:
// what `predict`, `quantize` and `evaluate` run first, so that a bad folder is refused before
// their expensive set-up. The loaders check the same again as they read the tensors (once), and
// refuse NaN or infinite values before any network is built.
import { join } from "node:path";
import { checkNetworkConfig, CONFIG_FILE, readConfig, WEIGHTS_FILE } from "./checkpoint.ts";
import {
  checkFolderFile,
  checkPlainName,
  checkSafetensorsFile,
  MODEL_FILE_LIMITS,
} from "./model_folder.ts";
import { F32_ONLY } from "./safetensors.ts";
import { checkWeightsHeader } from "./weights.ts";
import {
  checkQuantizedHeader,
  isQuantizedConfig,
  planQuantizedModel,
  QUANT_WEIGHTS_FILE,
} from "../quant/codec.ts";
import { showValue, UserError } from "../util/errors.ts";
import { BASELINE_KINDS, type BaselineKind } from "../baselines/common.ts";

/** What a checked folder holds. */
export type CheckedModel =
  | { kind: "network"; config: Record<string, unknown> }
  | { kind: "int8"; config: Record<string, unknown> }
  | { kind: "baseline"; config: Record<string, unknown> };

/**
 * Checks the model folder `dir` without a GPU and without reading its tensors: config.json (size,
 * JSON, fields); for a network, its architecture (nn/check.ts: types, ranges, parameter and
 * buffer budget) and its weights file (a regular file inside the folder, its header against the
 * architecture, its length); for an int8 model the same for its int8 file; for a baseline, the
 * model file its config names (a plain name inside the folder, a regular file under the size
 * cap). The loaders read the tensors once, later, and refuse NaN or infinite values before the
 * network is built. Throws a
 * one-line UserError naming the file and the field or tensor at fault.
 */
export async function checkModelFolder(dir: string): Promise<CheckedModel> {
  const config = await readConfig(dir) as Record<string, unknown>;
  const configFile = join(dir, CONFIG_FILE);
  if (config.kind === "network" && isQuantizedConfig(config)) {
    const { ops, expected } = planQuantizedModel(config, configFile);
    await checkSafetensorsFile(
      dir,
      QUANT_WEIGHTS_FILE,
      're-create it with "deno task quantize"',
      (h, path) => checkQuantizedHeader(h, expected, ops, path),
    );
    return { kind: "int8", config };
  }
  if (config.kind === "network") {
    const { plan } = checkNetworkConfig(config as never, dir);
    await checkSafetensorsFile(
      dir,
      WEIGHTS_FILE,
      `retrain with "deno task train --out ${dir}"`,
      (h, path) => checkWeightsHeader(h, plan, path),
      { header: F32_ONLY },
    );
    return { kind: "network", config };
  }
  if (!BASELINE_KINDS.includes(config.kind as BaselineKind)) {
    throw new UserError(
      `${configFile}: unknown model kind ${showValue(config.kind ?? null)}; ` +
        `expected network or one of ${BASELINE_KINDS.join(", ")}`,
    );
  }
  const name = checkPlainName(config.file, `${configFile}: "file"`);
  // Checked, not read: the baseline's own loader parses it (with the same limit).
  await checkFolderFile(dir, name, MODEL_FILE_LIMITS.baseline, "train and save the model again");
  return { kind: "baseline", config };
}
