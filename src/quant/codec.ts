// The int8 model format without file access (a web page decodes it too): names, the
// `quantization` block, tensors to and from a quantized network. src/quant/model.ts reads and
// writes the folders.

import type { Architecture } from "../nn/zoo.ts";
import { decodeTypedSafetensors, type TypedTensor } from "../io/safetensors.ts";
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

/** Weights and biases of the int8 network (batch-norm is folded away). */
export function countParameters(net: QuantizedNetwork): number {
  let n = 0;
  for (const t of net.tensors.values()) n += t.weight.length + t.bias.length;
  return n;
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
