/**
 * Starting a run from saved weights (`deno task train --init DIR|FILE`): a model folder of ours, our
 * weights.safetensors, or a PyTorch state dict in the layout of tools/torch_models.py (exported
 * by `deno task export`, or saved by PyTorch). When the run has another number of classes than the
 * weights, the last dense layer (the head) is left at its fresh initialisation.
 */
import { basename, dirname, join } from "node:path";
import { type Architecture, ARCHITECTURES } from "../nn/zoo.ts";
import type { Sequential } from "../nn/model.ts";
import { planArchitecture } from "../nn/model.ts";
import {
  checkNetworkConfig,
  CONFIG_FILE,
  readCheckedWeights,
  readConfig,
  WEIGHTS_FILE,
} from "../io/checkpoint.ts";
import { checkFinite, type NamedArray } from "../io/safetensors.ts";
import {
  checkFolderFile,
  MODEL_FILE_LIMITS,
  readPrefix,
  readSafetensorsFile,
} from "../io/model_folder.ts";
import { checkArchitecture } from "../nn/check.ts";
import {
  ARCHITECTURE_METADATA,
  decodeTorchSafetensors,
  firstMismatch,
  fromTorch,
  TORCH_DTYPES,
  TORCH_LAYOUT,
  torchLayout,
  type TorchTensor,
} from "../io/torch.ts";
import { showValue, UserError } from "../util/errors.ts";

/** Weights to start from, converted to our names and layout. */
export interface InitSource {
  path: string;
  /** A model folder, our weights file, or a PyTorch-layout state dict. */
  format: "model-dir" | "weights" | "torch";
  /** The network the weights belong to (its `classes` are those of the weights' head). */
  architecture: Architecture;
  /** State tensors named as `Sequential.stateTensors()`. */
  tensors: Map<string, NamedArray>;
}

/**
 * `arch` with `classes` outputs: the last layer, which must be dense, gets that many units.
 * Returns `arch` itself when it already has them. Throws a UserError otherwise.
 */
export function withClasses(arch: Architecture, classes: number): Architecture {
  if (arch.classes === classes) return arch;
  const last = arch.layers.at(-1);
  if (last?.type !== "dense") {
    throw new UserError(
      `${arch.name} does not end in a dense layer, so its ${arch.classes}-class head cannot be ` +
        `replaced by a ${classes}-class one`,
    );
  }
  return { ...arch, classes, layers: [...arch.layers.slice(0, -1), { ...last, units: classes }] };
}

/** Names of the head's tensors (the last layer's weight and bias) for `arch`. */
export function headTensors(arch: Architecture): string[] {
  const last = planArchitecture(arch).layers.at(-1)!;
  return last.params.map((p) => p.name);
}

/** Does `tensors` hold our own names (a weights.safetensors) rather than PyTorch's? */
function ourNames(tensors: Map<string, unknown>): boolean {
  return [...tensors.keys()].some((k) =>
    /^\d+\.(conv2d|depthwise_conv2d|batchnorm|dense|residual)\./.test(k)
  );
}

/**
 * Reads the weights to start from. `path`: a model folder (config.json + weights.safetensors),
 * a weights.safetensors of ours (its metadata names the architecture) or a PyTorch-layout
 * safetensors file. The architecture of a PyTorch file is `model` (a zoo name) when given, else
 * the one in its metadata (files we export), else the zoo architecture whose state dict it is.
 * Throws a UserError naming the file and the first mismatching tensor when the weights are not
 * those of the architecture.
 */
export async function readInit(path: string, model?: string): Promise<InitSource> {
  const stat = await Deno.stat(path).catch(() => null);
  if (!stat) {
    throw new UserError(
      `--init ${path}: not found; give a model folder saved by "deno task train" or a ` +
        `.safetensors file (ours, or a PyTorch state dict exported by "deno task export")`,
      2,
    );
  }
  if (stat.isDirectory) {
    if (!(await Deno.stat(join(path, CONFIG_FILE)).catch(() => null))) {
      throw new UserError(
        `--init ${path}: no ${CONFIG_FILE} in this folder; give a model folder saved by ` +
          `"deno task train" or a .safetensors file`,
        2,
      );
    }
    const config = await readConfig(path);
    if (config.kind !== "network" || !config.architecture?.layers) {
      throw new UserError(
        `--init ${join(path, CONFIG_FILE)}: not a network (kind ${
          showValue(config.kind ?? null)
        }); give a ` +
          `folder saved by "deno task train"`,
        2,
      );
    }
    if (config.quantization) {
      throw new UserError(
        `--init ${path}: an int8 model from "deno task quantize"; start from its float model`,
        2,
      );
    }
    // Architecture, weights header against it, values: checked before anything is built.
    const { architecture, plan } = checkNetworkConfig(config, path);
    checkModelFlag(model, architecture, path);
    const tensors = await readCheckedWeights(
      path,
      WEIGHTS_FILE,
      plan,
      "the model folder is incomplete",
    );
    return { path, format: "model-dir", architecture, tensors };
  }
  if (basename(path) === CONFIG_FILE) {
    throw new UserError(
      `--init ${path}: a model's config.json; give its folder (${dirname(path)}) instead`,
      2,
    );
  }
  // A regular file under the weights size cap (never /dev/zero, a FIFO or a 10 GB file).
  await checkFolderFile(dirname(path), basename(path), MODEL_FILE_LIMITS.weights, "check --init");
  // Not a safetensors file at all (a JSON, a CSV, a picture): its 8-byte header length does not
  // point inside the file at a JSON object. Said before the header is parsed.
  const first = await readPrefix(path, 9);
  const headerLength = first.length >= 9
    ? new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true)
    : 0n;
  if (headerLength === 0n || 8n + headerLength > BigInt(stat.size) || first[8] !== 0x7b) {
    throw new UserError(
      `--init ${path}: not a safetensors file; give a model folder saved by "deno task train" ` +
        `or a .safetensors file (ours, or a PyTorch state dict exported by "deno task export")`,
      2,
    );
  }
  const { bytes: file } = await readSafetensorsFile(
    dirname(path),
    basename(path),
    "check --init",
    () => {},
    { header: TORCH_DTYPES },
  );
  const { tensors, metadata } = decodeTorchSafetensors(file, path);
  checkFinite(tensors.values(), path);
  const saved = metadata[ARCHITECTURE_METADATA]
    ? savedArchitecture(metadata[ARCHITECTURE_METADATA], path)
    : null;
  if (metadata.layout !== TORCH_LAYOUT && ourNames(tensors)) {
    if (!saved) {
      throw new UserError(
        `--init ${path}: our layer names but no architecture in its metadata; give its model ` +
          `folder instead`,
        2,
      );
    }
    return fromOurs(path, saved, model, tensors);
  }
  const arch = torchArchitecture(path, tensors, model, saved);
  return { path, format: "torch", architecture: arch, tensors: fromTorch(arch, tensors, path) };
}

/** Refuses `--model` naming another network than the saved one. */
function checkModelFlag(model: string | undefined, arch: Architecture, path: string) {
  if (model !== undefined && model !== arch.name) {
    throw new UserError(
      `--model ${model} but --init ${path} holds ${arch.name}; leave out --model (the ` +
        `architecture comes from the saved model)`,
      2,
    );
  }
}

/** Weights in our own names and layout, from a weights.safetensors whose metadata names `arch`. */
function fromOurs(
  path: string,
  arch: Architecture,
  model: string | undefined,
  read: Map<string, TorchTensor>,
): InitSource {
  checkModelFlag(model, arch, path);
  const ours = new Map<string, NamedArray>();
  for (const [name, t] of read) {
    if (t.dtype === "F32") ours.set(name, { name, shape: t.shape, data: t.data as Float32Array });
  }
  return { path, format: "weights", architecture: arch, tensors: ours };
}

/** The architecture a weights file's metadata records, checked as config.json's would be. */
function savedArchitecture(text: string, path: string): Architecture {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`--init ${path}: its metadata's architecture is not JSON; re-export it`);
  }
  return checkArchitecture(value, `${path} (metadata)`).architecture;
}

/**
 * The architecture of a PyTorch state dict, with the class count of its head: `model`'s when
 * given, else `saved` (our export's metadata), else the one zoo architecture it fits.
 */
function torchArchitecture(
  path: string,
  tensors: Map<string, TorchTensor>,
  model: string | undefined,
  saved: Architecture | null,
): Architecture {
  const candidates = model !== undefined
    ? [ARCHITECTURES[model]()]
    : saved
    ? [saved]
    : Object.values(ARCHITECTURES).map((make) => make());
  const tried = candidates.map((arch) => {
    // The head's outputs set the class count; that is not a mismatch.
    const bias = torchLayout(arch).at(-1)!;
    const found = tensors.get(bias.key);
    const fitted = found?.shape.length === 1 && arch.layers.at(-1)?.type === "dense"
      ? withClasses(arch, found.shape[0])
      : arch;
    const mismatch = firstMismatch(fitted, tensors);
    const matched = mismatch?.matched ?? Infinity;
    return { arch: fitted, mismatch, matched };
  });
  const fits = tried.filter((t) => t.mismatch === null);
  if (fits.length === 1) return fits[0].arch;
  if (fits.length > 1) {
    throw new UserError(
      `--init ${path}: the weights fit ${fits.map((f) => f.arch.name).join(" and ")}; pass ` +
        `--model to say which`,
      2,
    );
  }
  const nearest = tried.reduce((a, b) => (b.matched > a.matched ? b : a));
  const which = model !== undefined
    ? `not the weights of ${model}`
    : saved
    ? `not the weights of ${saved.name} (the architecture in its metadata)`
    : `no zoo architecture fits, nearest is ${nearest.arch.name}`;
  throw new UserError(`--init ${path}: ${which} — ${nearest.mismatch!.message}`);
}

/** What `loadInit` did. */
export interface InitReport {
  /** Tensors copied from the source. */
  loaded: number;
  /** Tensors left at their fresh initialisation (a new head), empty when none. */
  fresh: string[];
}

/**
 * Copies `source`'s tensors into `model`. Every tensor must have the model's shape, except the
 * head's when the class counts differ: that head keeps its fresh initialisation. Throws a
 * UserError naming the source and the first mismatching tensor otherwise.
 */
export function loadInit(model: Sequential, source: InitSource): InitReport {
  const head = new Set(
    source.architecture.classes === model.architecture.classes
      ? []
      : headTensors(model.architecture),
  );
  const fresh: string[] = [];
  let loaded = 0;
  for (const p of model.stateTensors()) {
    if (head.has(p.name)) {
      fresh.push(p.name);
      continue;
    }
    const t = source.tensors.get(p.name);
    if (!t || t.shape.join() !== p.value.shape.join()) {
      throw new UserError(
        `--init ${source.path}: not the weights of ${model.architecture.name} — ${p.name} ` +
          `expects [${p.value.shape}], found ${t ? `[${t.shape}]` : "no such tensor"}`,
      );
    }
    p.value.write(t.data as Float32Array<ArrayBuffer>);
    loaded++;
  }
  const extra = [...source.tensors.keys()].find((k) =>
    !model.stateTensors().some((p) => p.name === k)
  );
  if (extra !== undefined) {
    throw new UserError(
      `--init ${source.path}: not the weights of ${model.architecture.name} — unexpected tensor ` +
        extra,
    );
  }
  return { loaded, fresh };
}
