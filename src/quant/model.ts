// An int8 model folder, as `deno task quantize` writes it: config.json (the float model's, with a
// `quantization` block) and weights-int8.safetensors (int8 weights, f32 per-channel scales,
// int32 biases; the activation scales in its metadata). The format itself is src/quant/codec.ts.

import { join } from "node:path";
import { encodeTypedSafetensors } from "../io/safetensors.ts";
import { CONFIG_FILE, readConfig } from "../io/checkpoint.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import type { QuantizedNetwork } from "./quantize.ts";
import { readSafetensorsFile } from "../io/model_folder.ts";
import {
  checkQuantizedHeader,
  countParameters,
  decodeQuantized,
  isQuantizedConfig,
  planQuantizedModel,
  QUANT_FORMAT,
  QUANT_WEIGHTS_FILE,
  quantizedTensors,
} from "./codec.ts";

export {
  countParameters,
  decodeQuantized,
  isQuantizedConfig,
  QUANT_FORMAT,
  QUANT_WEIGHTS_FILE,
  type QuantizationInfo,
  quantizedTensors,
} from "./codec.ts";

/**
 * Writes `dir/weights-int8.safetensors` and `dir/config.json` atomically. `config` is what
 * config.json should say besides the architecture and parameter count: the float model's
 * config with a `quantization` block (QuantizationInfo) and the int8 model's own test result.
 */
export async function saveQuantized(
  dir: string,
  net: QuantizedNetwork,
  config: Record<string, unknown>,
): Promise<{ weightsBytes: number }> {
  const bytes = encodeTypedSafetensors(quantizedTensors(net), {
    format: QUANT_FORMAT,
    architecture: JSON.stringify(net.architecture),
    activations: JSON.stringify(net.activations),
  });
  await writeFileAtomic(join(dir, QUANT_WEIGHTS_FILE), bytes);
  await writeJsonAtomic(join(dir, CONFIG_FILE), {
    ...config,
    kind: "network",
    architecture: net.architecture,
    parameters: countParameters(net),
  });
  return { weightsBytes: bytes.length };
}

/**
 * Loads an int8 model folder as untrusted input: config.json and weights-int8.safetensors read as
 * src/io/model_folder.ts says, the architecture and the weights' header checked before the data
 * are read (see `decodeQuantized` for the checks).
 */
export async function loadQuantized(dir: string): Promise<{
  net: QuantizedNetwork;
  config: Record<string, unknown>;
}> {
  const config = await readConfig(dir) as unknown as Record<string, unknown>;
  const configFile = join(dir, CONFIG_FILE);
  if (!isQuantizedConfig(config)) {
    throw new UserError(
      `${configFile}: not an int8 model; make one with "deno task quantize --model ${dir}"`,
    );
  }
  const { ops, expected } = planQuantizedModel(config, configFile);
  const { bytes, path } = await readSafetensorsFile(
    dir,
    QUANT_WEIGHTS_FILE,
    're-create it with "deno task quantize"',
    (header, path) => checkQuantizedHeader(header, expected, ops, path),
  );
  return { net: decodeQuantized(config, bytes, path, configFile), config };
}
