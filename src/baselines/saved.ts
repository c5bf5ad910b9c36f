// Loading any saved model, kept apart from src/report so that predict loads no charting package.
import type { Classifier } from "./classifier.ts";
import { NetworkClassifier } from "./network.ts";
import { loadClassifier } from "./registry.ts";

/** A saved network or baseline from `dir`, by the `kind` in its config.json. */
export function loadSavedModel(dir: string, config: { kind?: unknown }): Promise<Classifier> {
  return config.kind === "network" ? NetworkClassifier.load(dir) : loadClassifier(dir);
}
