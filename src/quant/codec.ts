// The int8 model format without file access (a web page decodes it too): names, the
// `quantization` block, tensors to and from a quantized network. src/quant/model.ts reads and
// writes the folders.

import {
  checkFinite,
  decodeEntries,
  readSafetensorsHeader,
  type SafetensorsHeader,
  type TypedTensor,
} from "../io/safetensors.ts";
import { checkArchitecture } from "../nn/check.ts";
import { clip, quote, UserError } from "../util/errors.ts";
import { flattenOps, hasOwnScale, INPUT, planQuantized } from "./graph.ts";
import type { QParams, QuantizedNetwork, QuantizedTensors } from "./quantize.ts";

export const QUANT_WEIGHTS_FILE = "weights-int8.safetensors";
export const QUANT_FORMAT = "fashion-mnist-webgpu/int8/1";

/** The `quantization` block of an int8 model's config.json. */
export interface QuantizationInfo {
  format: typeof QUANT_FORMAT;
  weights: string;
  activations: string;
  batchnorm: string;
  /** The float model it was made from, and that model's test result when it had one. */
  source: { dir: string; test?: unknown };
  calibration: { images: number; seed: number; from: string };
  createdAt: string;
  [key: string]: unknown;
}

/** Whether a parsed config.json is an int8 model's. */
export function isQuantizedConfig(config: unknown): boolean {
  return typeof config === "object" && config !== null &&
    typeof (config as { quantization?: unknown }).quantization === "object";
}

/** The file's tensors for a quantized network, named `<op>.weight|weight_scale|bias`. */
export function quantizedTensors(net: QuantizedNetwork): TypedTensor[] {
  const out: TypedTensor[] = [];
  for (const [name, t] of net.tensors) {
    const n = t.weightScale.length;
    out.push(
      { name: `${name}.weight`, dtype: "I8", shape: t.weightShape, data: t.weight },
      { name: `${name}.weight_scale`, dtype: "F32", shape: [n], data: t.weightScale },
      { name: `${name}.bias`, dtype: "I32", shape: [n], data: t.bias },
    );
  }
  return out;
}

/** Weights and biases of the int8 network (batch-norm is folded away). */
export function countParameters(net: QuantizedNetwork): number {
  let n = 0;
  for (const t of net.tensors.values()) n += t.weight.length + t.bias.length;
  return n;
}

/** What an int8 weights file holds for an architecture: each tensor's dtype and shape, by name. */
type Expected = Map<string, { dtype: "I8" | "F32" | "I32"; shape: number[] }>;

/**
 * Checks an int8 model's config.json (parsed, untrusted: `configFile` names it) and plans its
 * network: the architecture as nn/check.ts checks it, then the int8 operations and the tensors
 * its weights file must hold. Throws a one-line UserError naming the file and field.
 */
export function planQuantizedModel(config: Record<string, unknown>, configFile: string) {
  const { architecture } = checkArchitecture(config.architecture, configFile);
  let ops;
  try {
    ops = planQuantized(architecture);
  } catch (e) {
    throw new UserError(`${configFile}: architecture has no int8 form: ${(e as Error).message}`);
  }
  const expected: Expected = new Map();
  for (const op of flattenOps(ops)) {
    if (op.type !== "conv2d" && op.type !== "depthwise_conv2d" && op.type !== "dense") continue;
    const n = op.outShape.at(-1)!;
    const weightShape = op.type === "conv2d"
      ? [n, op.kernel, op.kernel, op.inShape[2]]
      : op.type === "depthwise_conv2d"
      ? [n, op.kernel, op.kernel]
      : [n, op.inShape[0]];
    expected.set(`${op.name}.weight`, { dtype: "I8", shape: weightShape });
    expected.set(`${op.name}.weight_scale`, { dtype: "F32", shape: [n] });
    expected.set(`${op.name}.bias`, { dtype: "I32", shape: [n] });
  }
  return { architecture, ops, expected };
}

/**
 * Checks an int8 weights file's header (see `readSafetensorsHeader`) against what the config's
 * network needs, before its data are read: format, activation scales in the metadata, and every
 * tensor's dtype and shape, no other tensor. Throws a one-line UserError naming `path`.
 */
export function checkQuantizedHeader(
  header: SafetensorsHeader,
  expected: Expected,
  ops: ReturnType<typeof planQuantized>,
  path: string,
): Record<string, QParams> {
  const { metadata } = header;
  if (metadata.format !== QUANT_FORMAT || !metadata.activations) {
    throw new UserError(
      `${path}: not an int8 weights file of this version (format "${
        clip(metadata.format ?? "none", 60)
      }", expected "${QUANT_FORMAT}"); re-create it with "deno task quantize"`,
    );
  }
  let activations: Record<string, QParams>;
  try {
    activations = JSON.parse(metadata.activations);
  } catch {
    throw new UserError(`${path}: its metadata's activation scales are not JSON; re-create it`);
  }
  if (typeof activations !== "object" || activations === null) {
    throw new UserError(`${path}: its metadata's activation scales are not a map; re-create it`);
  }
  const scale = (name: string) => {
    const q = Object.hasOwn(activations, name) ? activations[name] : undefined;
    if (
      typeof q !== "object" || q === null || !(q.scale > 0) || !Number.isFinite(q.scale) ||
      !Number.isInteger(q.zeroPoint) || q.zeroPoint < -128 || q.zeroPoint > 127
    ) {
      throw new UserError(`${path}: no valid activation scale for ${name} in its metadata`);
    }
  };
  scale(INPUT);
  for (const op of flattenOps(ops)) if (hasOwnScale(op)) scale(op.name);
  for (const [name, want] of expected) {
    const t = header.entries.get(name);
    if (!t || t.dtype !== want.dtype || t.shape.join() !== want.shape.join()) {
      throw new UserError(
        `${path}: ${name} should be ${want.dtype} [${want.shape}], found ${
          t ? `${t.dtype} [${t.shape}]` : "no such tensor"
        }; the file does not belong to this config.json, re-create it with "deno task quantize"`,
      );
    }
  }
  if (header.entries.size !== expected.size) {
    const extra = [...header.entries.keys()].find((k) => !expected.has(k))!;
    throw new UserError(
      `${path}: unexpected tensor ${quote(extra, 60)}; the file does not belong to this ` +
        `config.json, re-create it with "deno task quantize"`,
    );
  }
  return activations;
}

/**
 * An int8 network from its parsed config.json and the bytes of its weights-int8.safetensors
 * (`path` names the file in errors; no file access, so a web page can use it too). The config is
 * checked (`planQuantizedModel`), then the file's header (`checkQuantizedHeader`) before its data
 * are copied, then the float scales are checked finite. The first fault is named in a one-line
 * UserError.
 */
export function decodeQuantized(
  config: Record<string, unknown>,
  bytes: Uint8Array,
  path: string,
  configFile = "config.json",
): QuantizedNetwork {
  const { architecture, ops, expected } = planQuantizedModel(config, configFile);
  const header = readSafetensorsHeader(bytes, bytes.length, path);
  const activations = checkQuantizedHeader(header, expected, ops, path);
  const tensors = decodeEntries(bytes, header);
  checkFinite(tensors.values(), path);
  const out = new Map<string, QuantizedTensors>();
  for (const [name, want] of expected) {
    if (!name.endsWith(".weight")) continue;
    const op = name.slice(0, -".weight".length);
    out.set(op, {
      weight: tensors.get(name)!.data as Int8Array,
      weightShape: want.shape,
      weightScale: tensors.get(`${op}.weight_scale`)!.data as Float32Array,
      bias: tensors.get(`${op}.bias`)!.data as Int32Array,
    });
  }
  return { architecture, ops, activations, tensors: out };
}
