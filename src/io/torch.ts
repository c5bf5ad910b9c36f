/**
 * PyTorch's layout of our networks' weights: the names, shapes and element orders that the
 * equivalent `torch.nn.Module` (tools/torch_models.py) has in its `state_dict()`, so that
 * `model.load_state_dict(safetensors.torch.load_file(path))` accepts a file we export and we accept
 * a file PyTorch saved.
 *
 * Each layer type gives its own tensors' layout (`torch` in its file under src/nn/layers/); in
 * short (ours → PyTorch's):
 * - names: layer `4.conv2d` → module `4`; `4.residual.body.0.conv2d` → `4.body.0` (a residual
 *   block is a module with `body` and `shortcut` Sequentials); batch norm's `gamma`/`beta` →
 *   `weight`/`bias`, its `running` [2, C] → `running_mean` and `running_var`, plus PyTorch's
 *   `num_batches_tracked` counter (int64, shape []), which we do not keep: exported as 0, ignored
 *   on import (PyTorch reads it only when BatchNorm's momentum is None).
 * - conv2d weight [KH, KW, C_in, C_out] → [C_out, C_in, KH, KW] (torch.nn.Conv2d).
 * - depthwise conv weight [KH, KW, C] → [C, 1, KH, KW] (torch.nn.Conv2d with groups = C).
 * - dense weight [in, out] → [out, in] (torch.nn.Linear). After a flatten of [H, W, C], our
 *   features are in height-width-channel order and PyTorch's (NCHW, torch.nn.Flatten) in
 *   channel-height-width order: feature (h, w, c) is our row (h·W + w)·C + c and PyTorch's column
 *   (c·H + h)·W + w. The first dense layer after the flatten (and a batch norm between them) is
 *   re-ordered accordingly; a transpose alone would load without error and compute nonsense.
 *
 * Every conversion is a permutation of the f32 values, so export → import is the identity, bit for
 * bit.
 */
import type { Architecture } from "../nn/zoo.ts";
import { describeLayer, type LayerPlan } from "../nn/layers.ts";
import { layerType } from "../nn/layers/mod.ts";
import type { TorchLayout } from "../nn/layers/types.ts";
import { planArchitecture } from "../nn/model.ts";
import {
  decodeTypedSafetensors,
  encodeTypedSafetensors,
  type NamedArray,
  type TensorDType,
  type TypedTensor,
} from "./safetensors.ts";
import { UserError } from "../util/errors.ts";

/** Element types of the tensors a PyTorch state dict of these modules holds. */
export type TorchDtype = "F32" | "I64";

/** One tensor of a PyTorch state dict, as stored in a safetensors file. */
export interface TorchTensor {
  name: string;
  dtype: TorchDtype;
  shape: number[];
  data: Float32Array | BigInt64Array;
}

/** One entry of the equivalent module's `state_dict()` and where its values are in ours. */
export interface TorchEntry {
  /** PyTorch's key, e.g. "4.body.1.running_var". */
  key: string;
  /** PyTorch's shape (row-major, like ours). */
  shape: number[];
  dtype: TorchDtype;
  /** Our tensor (a `Sequential.stateTensors()` name) holding the values; null for the counter. */
  source: string | null;
  /** PyTorch's element i is our `source[offset + gather[i]]` (`offset + i` when gather is null). */
  offset: number;
  gather: Uint32Array | null;
  /** Our layer ("4.conv2d") and what it is ("conv2d 3×3, 64 filters"), for messages. */
  layer: string;
  description: string;
}

/** Metadata key under which an exported file carries our architecture (config.json's). */
export const ARCHITECTURE_METADATA = "architecture";
/** Metadata `layout` value of an exported file (PyTorch ignores metadata). */
export const TORCH_LAYOUT = "torch";

/** PyTorch module path of our layer `name`: "4.residual.body.0.conv2d" → "4.body.0". */
export function torchModulePath(name: string): string {
  return name.slice(0, name.lastIndexOf(".")).replaceAll(".residual.", ".");
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * The PyTorch state dict of `arch`'s equivalent module, in `state_dict()` order, with where each
 * entry's values are in our tensors. Throws (plain Error) on an architecture that does not plan.
 */
export function torchLayout(arch: Architecture): TorchEntry[] {
  const entries: TorchEntry[] = [];
  const walk = (plans: readonly LayerPlan[], flatIn: number[] | null): number[] | null => {
    // flat: the [H, W, C] that a flatten made the current features from (null: no reordering).
    let flat = flatIn;
    for (const plan of plans) {
      const module = torchModulePath(plan.name);
      const description = describeLayer(plan.spec);
      const layout: TorchLayout = {
        flat,
        add: (role, shape, source, gather = null, offset = 0, dtype = "F32") =>
          entries.push({
            key: `${module}.${role}`,
            shape,
            dtype,
            source,
            offset,
            gather,
            layer: plan.name,
            description,
          }),
        walk: (nested, from) => walk(nested as LayerPlan[], from),
      };
      // relu, maxpool, dropout have no torch layout: no tensors, order unchanged.
      layerType(plan.spec.type, plan.name).torch?.(plan, layout);
      flat = layout.flat;
    }
    return flat;
  };
  walk(planArchitecture(arch).layers, null);
  return entries;
}

/**
 * Our state tensors (named as `Sequential.stateTensors()`) in PyTorch's layout and names, in
 * `state_dict()` order. Throws (plain Error) when `tensors` lacks one of `arch`'s tensors.
 */
export function toTorch(arch: Architecture, tensors: Map<string, NamedArray>): TorchTensor[] {
  return torchLayout(arch).map((e) => {
    if (e.source === null) {
      return { name: e.key, dtype: e.dtype, shape: e.shape, data: new BigInt64Array(1) };
    }
    const src = tensors.get(e.source);
    if (!src) throw new Error(`${arch.name}: no tensor ${e.source} to export`);
    const n = numel(e.shape);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = src.data[e.offset + (e.gather ? e.gather[i] : i)];
    return { name: e.key, dtype: e.dtype, shape: e.shape, data };
  });
}

/** Why a state dict is not an architecture's: the first offending tensor. */
export interface Mismatch {
  /** Entries of the layout that matched before it (the layout's length for an extra tensor). */
  matched: number;
  /** "KEY (layer, what): expected shape [..], found [..]", "KEY …: missing", … */
  message: string;
}

/**
 * The first reason the PyTorch state dict `tensors` is not `arch`'s (in state-dict order: a
 * missing tensor, another shape or dtype, then a tensor `arch` does not have); null when it is.
 * The counter num_batches_tracked may be missing or of any type.
 */
export function firstMismatch(
  arch: Architecture,
  tensors: Map<string, TorchTensor>,
): Mismatch | null {
  const layout = torchLayout(arch);
  for (const [matched, e] of layout.entries()) {
    if (e.source === null) continue;
    const t = tensors.get(e.key);
    const at = `${e.key} (${e.layer}, ${e.description})`;
    if (!t) return { matched, message: `${at}: missing` };
    if (t.shape.join() !== e.shape.join()) {
      return { matched, message: `${at}: expected shape [${e.shape}], found [${t.shape}]` };
    }
    if (t.dtype !== "F32") return { matched, message: `${at}: dtype ${t.dtype}, expected F32` };
  }
  const known = new Set(layout.map((e) => e.key));
  const extra = [...tensors.keys()].find((k) => !known.has(k));
  return extra === undefined
    ? null
    : { matched: layout.length, message: `${extra}: unexpected tensor (${arch.name} has none)` };
}

/**
 * PyTorch-layout tensors → our state tensors for `arch` (named as `Sequential.stateTensors()`).
 * Throws a UserError naming `file` and the first mismatching tensor when they are not `arch`'s.
 */
export function fromTorch(
  arch: Architecture,
  tensors: Map<string, TorchTensor>,
  file: string,
): Map<string, NamedArray> {
  const mismatch = firstMismatch(arch, tensors);
  if (mismatch) {
    throw new UserError(
      `${file}: not the weights of ${arch.name} with ${arch.classes} classes — ${mismatch.message}`,
    );
  }
  const out = new Map<string, NamedArray>();
  for (const plan of allPlans(planArchitecture(arch).layers)) {
    for (const t of [...plan.params, ...plan.buffers]) {
      out.set(t.name, { name: t.name, shape: t.shape, data: new Float32Array(numel(t.shape)) });
    }
  }
  for (const e of torchLayout(arch)) {
    if (e.source === null) continue;
    const src = tensors.get(e.key)!.data as Float32Array;
    const dst = out.get(e.source)!.data;
    for (let i = 0; i < src.length; i++) dst[e.offset + (e.gather ? e.gather[i] : i)] = src[i];
  }
  return out;
}

function allPlans(plans: readonly LayerPlan[]): LayerPlan[] {
  return plans.flatMap((p) =>
    p.children ? [p, ...allPlans(p.children.body), ...allPlans(p.children.shortcut)] : [p]
  );
}

/**
 * Encodes a PyTorch state dict's tensors (F32, and I64 for num_batches_tracked) as a safetensors
 * file (https://github.com/huggingface/safetensors#format), by src/io/safetensors.ts.
 */
export function encodeTorchSafetensors(
  tensors: TorchTensor[],
  metadata: Record<string, string> = {},
): Uint8Array<ArrayBuffer> {
  return encodeTypedSafetensors(tensors as TypedTensor[], metadata);
}

/**
 * Decodes a safetensors file of F32 and I64 tensors (what a PyTorch state dict of these modules
 * holds). Other dtypes (F16, BF16, F64) are refused naming the tensor: save float32 weights.
 * Throws a UserError naming `file` on a damaged file.
 */
/** The dtypes a PyTorch state dict may hold for us (I64: batch norm's num_batches_tracked). */
export const TORCH_DTYPES = {
  dtypes: ["F32", "I64"] as TensorDType[],
  otherDtype: "only float32 weights are read — save them with model.float() first",
};

export function decodeTorchSafetensors(
  bytes: Uint8Array,
  file: string,
): { tensors: Map<string, TorchTensor>; metadata: Record<string, string> } {
  const { tensors, metadata } = decodeTypedSafetensors(bytes, file, TORCH_DTYPES);
  return { tensors: tensors as Map<string, TorchTensor>, metadata };
}
