// Model folders as someone else might share them, built in temporary folders from the shipped
// reference model (web/model, the `cnn`) or from scratch, for the untrusted-input tests.
import { join } from "node:path";
import {
  encodeSafetensors,
  encodeTypedSafetensors,
  type TypedTensor,
} from "../../src/io/safetensors.ts";
import { planQuantizedModel, QUANT_FORMAT, QUANT_WEIGHTS_FILE } from "../../src/quant/codec.ts";
import { flattenOps, hasOwnScale, INPUT } from "../../src/quant/graph.ts";
import { ROOT } from "./_run.ts";

export const SHIPPED = join(ROOT, "web/model");

// deno-lint-ignore no-explicit-any
export type Json = any;

/** A copy of the shipped model in a new folder under `parent`, its config changed by `edit`. */
export async function copyShipped(
  parent: string,
  name: string,
  edit: (config: Json) => void = () => {},
): Promise<string> {
  const dir = join(parent, name);
  await Deno.mkdir(dir, { recursive: true });
  const config = JSON.parse(await Deno.readTextFile(join(SHIPPED, "config.json")));
  edit(config);
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config));
  await Deno.copyFile(join(SHIPPED, "weights.safetensors"), join(dir, "weights.safetensors"));
  return dir;
}

/** The first layer of `config`'s architecture with this type. */
export function firstLayer(config: Json, type: string): Json {
  return config.architecture.layers.find((l: Json) => l.type === type);
}

export const SOFTMAX = {
  name: "softmax",
  input: [28, 28, 1],
  classes: 10,
  layers: [{ type: "flatten" }, { type: "dense", units: 10 }],
};

/** A tiny float network (flatten + dense) with small deterministic weights. */
export async function softmaxModel(parent: string, name = "softmax"): Promise<string> {
  const dir = join(parent, name);
  await Deno.mkdir(dir, { recursive: true });
  const weight = new Float32Array(784 * 10).map((_, i) => Math.sin(i) * 0.01);
  await Deno.writeFile(
    join(dir, "weights.safetensors"),
    encodeSafetensors([
      { name: "1.dense.weight", shape: [784, 10], data: weight },
      { name: "1.dense.bias", shape: [10], data: new Float32Array(10) },
    ], { format: "pt", architecture: JSON.stringify(SOFTMAX) }),
  );
  await Deno.writeTextFile(
    join(dir, "config.json"),
    JSON.stringify({ kind: "network", architecture: SOFTMAX }),
  );
  return dir;
}

/**
 * An int8 model folder of the softmax network (zero weights, unit scales), its activation-scale
 * metadata replaced by `activations` when given.
 */
export async function int8Model(parent: string, activations?: string): Promise<string> {
  const dir = join(parent, "int8");
  await Deno.mkdir(dir, { recursive: true });
  const config = {
    kind: "network",
    architecture: SOFTMAX,
    quantization: { format: QUANT_FORMAT, source: { dir: "elsewhere" } },
  };
  const { ops, expected } = planQuantizedModel(config, "config.json");
  const tensors: TypedTensor[] = [...expected].map(([name, { dtype, shape }]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return dtype === "I8"
      ? { name, dtype, shape, data: new Int8Array(n) }
      : dtype === "I32"
      ? { name, dtype, shape, data: new Int32Array(n) }
      : { name, dtype, shape, data: new Float32Array(n).fill(0.01) };
  });
  const scales: Record<string, { scale: number; zeroPoint: number }> = {
    [INPUT]: { scale: 1 / 255, zeroPoint: -128 },
  };
  for (const op of flattenOps(ops)) {
    if (hasOwnScale(op)) scales[op.name] = { scale: 0.1, zeroPoint: 0 };
  }
  await Deno.writeFile(
    join(dir, QUANT_WEIGHTS_FILE),
    encodeTypedSafetensors(tensors, {
      format: QUANT_FORMAT,
      architecture: JSON.stringify(SOFTMAX),
      activations: activations ?? JSON.stringify(scales),
    }),
  );
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config));
  return dir;
}

/** Rewrites a safetensors file's header (JSON text, any length) and keeps its data section. */
export async function replaceHeader(path: string, header: string) {
  const bytes = await Deno.readFile(path);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + head.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(bytes.subarray(8 + n), 8 + head.length);
  await Deno.writeFile(path, out);
}

/** A safetensors file's header, parsed. */
export async function readHeader(path: string): Promise<Json> {
  const bytes = await Deno.readFile(path);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

/** Every float of a float weights file's data section set to `value`. */
export async function fillWeights(path: string, value: number) {
  const bytes = await Deno.readFile(path);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const data = new Float32Array(bytes.buffer.slice(8 + n));
  data.fill(value);
  bytes.set(new Uint8Array(data.buffer), 8 + n);
  await Deno.writeFile(path, bytes);
}
