/**
 * Fine-tuning onto classes of one's own (`deno task train --images DIR --init MODEL`): the outputs
 * of the new head are taken, class by class, from the source model's head where the class names
 * match (src/data/image_folder.ts `classKey`: "T-shirt_top" is Fashion-MNIST's "T-shirt/top"), and
 * keep their fresh initialisation otherwise. A folder of Bag, Sneaker and Hat pictures fine-tuned
 * from a Fashion-MNIST model starts with working Bag and Sneaker outputs and a new Hat output.
 */
import type { Sequential } from "../nn/model.ts";
import { CLASS_NAMES } from "../data/classes.ts";
import { matchClassNames } from "../data/image_folder.ts";
import { headTensors, type InitSource } from "./finetune.ts";

/**
 * The class names of a saved model's outputs: config.json's `classNames` (a model trained on
 * pictures of its own), else its `classes` (Fashion-MNIST labels, `train --classes`) by name, else
 * Fashion-MNIST's ten names for a 10-class model; null when they cannot be known. `config` is
 * untrusted: only a list of strings (or label numbers 0..9) of the head's length is used.
 */
export function sourceClassNames(
  config: Record<string, unknown> | null,
  classes: number,
): string[] | null {
  const names = config?.classNames;
  if (
    Array.isArray(names) && names.length === classes && names.every((n) => typeof n === "string")
  ) {
    return names as string[];
  }
  const labels = config?.classes;
  if (
    Array.isArray(labels) && labels.length === classes &&
    labels.every((c) => Number.isInteger(c) && c >= 0 && c < CLASS_NAMES.length)
  ) {
    return labels.map((c: number) => CLASS_NAMES[c]);
  }
  return classes === CLASS_NAMES.length ? [...CLASS_NAMES] : null;
}

/** What `mapHeadByName` did. */
export interface HeadMapping {
  /** Per output of the new head: the source output it was copied from, or -1 (fresh). */
  sources: number[];
  /** "Bag ← Bag, Sneaker ← Sneaker; new: Hat" for the log. */
  description: string;
}

/**
 * The freshly initialised head of `model` (its last dense layer's weight [K, N] and bias [N]),
 * read back before `loadInit` may overwrite it. Call before `loadInit`.
 */
export async function readHead(model: Sequential): Promise<Float32Array[]> {
  const names = new Set(headTensors(model.architecture));
  const params = model.stateTensors().filter((p) => names.has(p.name));
  return await Promise.all(params.map((p) => p.value.read()));
}

/**
 * Writes `model`'s head after `loadInit`: output i of the new head gets the weight column and
 * bias of the source output whose class name matches `names[i]` (by `classKey`), or keeps
 * `fresh` (from `readHead`) when none does (every output, when the source's names are not known:
 * `sourceNames` null). Weights are [K, N] row-major (src/nn/layers/dense.ts), so output i is
 * column i.
 */
export function mapHeadByName(
  model: Sequential,
  source: InitSource,
  sourceNames: readonly string[] | null,
  names: readonly string[],
  fresh: Float32Array[],
): HeadMapping {
  const sources = sourceNames ? matchClassNames(names, sourceNames) : names.map(() => -1);
  const [wName, bName] = headTensors(model.architecture);
  const sw = source.tensors.get(wName);
  const sb = source.tensors.get(bName);
  const params = new Map(model.stateTensors().map((p) => [p.name, p]));
  const w = params.get(wName)!;
  const b = params.get(bName)!;
  const [k, n] = w.value.shape;
  const ns = sourceNames?.length ?? 0;
  if (!sw || !sb || sw.shape.join() !== `${k},${ns}` || sb.shape.join() !== `${ns}`) {
    sources.fill(-1);
  }
  const weight = Float32Array.from(fresh[0]);
  const bias = Float32Array.from(fresh[1]);
  const sWeight = sw?.data as Float32Array;
  const sBias = sb?.data as Float32Array;
  sources.forEach((j, i) => {
    if (j < 0) return;
    for (let r = 0; r < k; r++) weight[r * n + i] = sWeight[r * ns + j];
    bias[i] = sBias[j];
  });
  w.value.write(weight);
  b.value.write(bias);
  const mapped = names.flatMap((name, i) =>
    sources[i] >= 0 ? [`${name} ← ${sourceNames![sources[i]]}`] : []
  );
  const added = names.filter((_, i) => sources[i] < 0);
  return {
    sources,
    description: mapped.length
      ? `${mapped.length} of ${names.length} outputs from the source's by class name (` +
        mapped.join(", ") + ")" + (added.length ? `; new: ${added.join(", ")}` : "")
      : `no class name matches the source's${
        sourceNames ? "" : " (its names are not known)"
      }: a new ${names.length}-class head`,
  };
}
