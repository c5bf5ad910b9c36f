// An int8 model folder, as `deno task quantize` writes it: config.json (the float model's, with a
// `quantization` block) and weights-int8.safetensors (int8 weights, f32 per-channel scales,
// int32 biases; the activation scales in its metadata).

import { join } from "node:path";
import type { Architecture } from "../nn/zoo.ts";
import {
  decodeTypedSafetensors,
  encodeTypedSafetensors,
  type TypedTensor,
} from "../io/safetensors.ts";
import { CONFIG_FILE, readConfig } from "../io/checkpoint.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
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

/** Weights and biases of the int8 network (batch-norm is folded away). */
export function countParameters(net: QuantizedNetwork): number {
  let n = 0;
  for (const t of net.tensors.values()) n += t.weight.length + t.bias.length;
  return n;
}

/**
 * Loads an int8 model folder (Deno: reads its two files; see `decodeQuantized` for the checks).
 */
export async function loadQuantized(dir: string): Promise<{
  net: QuantizedNetwork;
  config: Record<string, unknown>;
}> {
  const config = await readConfig(dir) as unknown as Record<string, unknown>;
  if (!isQuantizedConfig(config)) {
    throw new UserError(
      `${
        join(dir, CONFIG_FILE)
      }: not an int8 model; make one with "deno task quantize --model ${dir}"`,
    );
  }
  const path = join(dir, QUANT_WEIGHTS_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    throw new UserError(`${path}: not found; re-create it with "deno task quantize"`);
  }
  return { net: decodeQuantized(config, bytes, path), config };
}

/**
 * An int8 network from its parsed config.json and the bytes of its weights-int8.safetensors
 * (`path` names the file in errors; no file access, so a web page can use it too). Every tensor
 * the architecture needs must be there with its dtype and shape; the first that is not is named
 * in a one-line UserError.
 */
export function decodeQuantized(
  config: Record<string, unknown>,
  bytes: Uint8Array,
  path: string,
): QuantizedNetwork {
  const { tensors, metadata } = decodeTypedSafetensors(bytes, path);
  if (metadata.format !== QUANT_FORMAT || !metadata.activations) {
    throw new UserError(
      `${path}: not an int8 weights file of this version (format "${metadata.format ?? "none"}", ` +
        `expected "${QUANT_FORMAT}"); re-create it with "deno task quantize"`,
    );
  }
  const architecture = config.architecture as Architecture;
  const ops = planQuantized(architecture);
  const activations = JSON.parse(metadata.activations) as Record<string, QParams>;
  const out = new Map<string, QuantizedTensors>();
  const expect = (name: string, dtype: string, shape: number[]) => {
    const t = tensors.get(name);
    if (!t || t.dtype !== dtype || t.shape.join() !== shape.join()) {
      throw new UserError(
        `${path}: ${name} should be ${dtype} [${shape}], found ${
          t ? `${t.dtype} [${t.shape}]` : "no such tensor"
        }; the file does not belong to this config.json, re-create it with "deno task quantize"`,
      );
    }
    return t.data;
  };
  const scale = (name: string) => {
    const q = activations[name];
    if (!q || !(q.scale > 0) || !Number.isInteger(q.zeroPoint)) {
      throw new UserError(`${path}: no valid activation scale for ${name} in its metadata`);
    }
  };
  scale(INPUT);
  for (const op of flattenOps(ops)) {
    if (hasOwnScale(op)) scale(op.name);
    if (op.type !== "conv2d" && op.type !== "depthwise_conv2d" && op.type !== "dense") continue;
    const n = op.outShape.at(-1)!;
    const weightShape = op.type === "conv2d"
      ? [n, op.kernel, op.kernel, op.inShape[2]]
      : op.type === "depthwise_conv2d"
      ? [n, op.kernel, op.kernel]
      : [n, op.inShape[0]];
    out.set(op.name, {
      weight: expect(`${op.name}.weight`, "I8", weightShape) as Int8Array,
      weightShape,
      weightScale: expect(`${op.name}.weight_scale`, "F32", [n]) as Float32Array,
      bias: expect(`${op.name}.bias`, "I32", [n]) as Int32Array,
    });
  }
  return { architecture, ops, activations, tensors: out };
}
