// Loading any saved model, kept apart from src/report so that predict loads no charting package.
import type { Classifier } from "./classifier.ts";
import { NetworkClassifier } from "./network.ts";
import { loadClassifier } from "./registry.ts";
import { QuantizedClassifier } from "../quant/classifier.ts";

/**
 * A saved network (float, or int8 from `deno task quantize`: its config.json has `quantization`)
 * or baseline from `dir`, by the `kind` in its config.json.
 */
export function loadSavedModel(
  dir: string,
  config: { kind?: unknown; quantization?: unknown },
): Promise<Classifier> {
  if (config.kind !== "network") return loadClassifier(dir);
  return config.quantization ? QuantizedClassifier.load(dir) : NetworkClassifier.load(dir);
}
