// One check of a whole saved model folder, before any GPU buffer or network exists: what
// `predict`, `quantize`, `export`, `train --init` and `evaluate` run first. Loading checks the same
// again (the loaders never trust a file either); this one lets a command refuse before its
// expensive set-up.
import { join } from "node:path";
import {
  checkNetworkConfig,
  CONFIG_FILE,
  readCheckedWeights,
  readConfig,
  WEIGHTS_FILE,
} from "./checkpoint.ts";
import {
  checkFolderFile,
  checkPlainName,
  MODEL_FILE_LIMITS,
  readSafetensorsFile,
} from "./model_folder.ts";
import { checkFinite, decodeEntries } from "./safetensors.ts";
import {
  checkQuantizedHeader,
  isQuantizedConfig,
  planQuantizedModel,
  QUANT_WEIGHTS_FILE,
} from "../quant/codec.ts";
import { UserError } from "../util/errors.ts";
import { BASELINE_KINDS, type BaselineKind } from "../baselines/common.ts";

/** What a checked folder holds. */
export type CheckedModel =
  | { kind: "network"; config: Record<string, unknown> }
  | { kind: "int8"; config: Record<string, unknown> }
  | { kind: "baseline"; config: Record<string, unknown> };

/**
 * Checks the model folder `dir` completely without a GPU: config.json (size, JSON, fields); for a
 * network, its architecture (nn/check.ts: types, ranges, parameter and buffer budget) and its
 * weights file (regular file inside the folder, header against the architecture, every value
 * finite); for an int8 model the same for its int8 file; for a baseline, the model file its
 * config names (a plain name inside the folder, a regular file under the size cap). Throws a
 * one-line UserError naming the file and the field or tensor at fault.
 */
export async function checkModelFolder(dir: string): Promise<CheckedModel> {
  const config = await readConfig(dir) as Record<string, unknown>;
  const configFile = join(dir, CONFIG_FILE);
  if (config.kind === "network" && isQuantizedConfig(config)) {
    const { ops, expected } = planQuantizedModel(config, configFile);
    const { bytes, header } = await readSafetensorsFile(
      dir,
      QUANT_WEIGHTS_FILE,
      're-create it with "deno task quantize"',
      (h, path) => checkQuantizedHeader(h, expected, ops, path),
    );
    checkFinite(decodeEntries(bytes, header).values(), join(dir, QUANT_WEIGHTS_FILE));
    return { kind: "int8", config };
  }
  if (config.kind === "network") {
    const { plan } = checkNetworkConfig(config as never, dir);
    await readCheckedWeights(
      dir,
      WEIGHTS_FILE,
      plan,
      `retrain with "deno task train --out ${dir}"`,
    );
    return { kind: "network", config };
  }
  if (!BASELINE_KINDS.includes(config.kind as BaselineKind)) {
    throw new UserError(
      `${configFile}: unknown model kind ${JSON.stringify(config.kind ?? null).slice(0, 40)}; ` +
        `expected network or one of ${BASELINE_KINDS.join(", ")}`,
    );
  }
  const name = checkPlainName(config.file, `${configFile}: "file"`);
  // Checked, not read: the baseline's own loader parses it (with the same limit).
  await checkFolderFile(dir, name, MODEL_FILE_LIMITS.baseline, "train and save the model again");
  return { kind: "baseline", config };
}
