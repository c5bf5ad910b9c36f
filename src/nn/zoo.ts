import type { LayerSpec } from "./layers.ts";

/** A network as saved in config.json. */
export interface Architecture {
  name: string;
  /** Per-example input shape, NHWC without the batch: [28, 28, 1]. */
  input: number[];
  classes: number;
  layers: LayerSpec[];
}

const convBlock = (filters: number): LayerSpec[] => [
  { type: "conv2d", filters, kernel: 3, padding: "same" },
  { type: "batchnorm" },
  { type: "relu" },
  { type: "maxpool", size: 2 },
];

/** The model zoo: `--model NAME`. */
export const ARCHITECTURES: Record<string, () => Architecture> = {
  /** The reference CNN: two conv blocks and a dense head. */
  cnn: () => ({
    name: "cnn",
    input: [28, 28, 1],
    classes: 10,
    layers: [
      ...convBlock(32),
      ...convBlock(64),
      { type: "flatten" },
      { type: "dense", units: 128 },
      { type: "relu" },
      { type: "dropout", rate: 0.3 },
      { type: "dense", units: 10 },
    ],
  }),
  /** The classic neural baseline on flattened pixels. */
  mlp: () => ({
    name: "mlp",
    input: [28, 28, 1],
    classes: 10,
    layers: [
      { type: "flatten" },
      { type: "dense", units: 256 },
      { type: "relu" },
      { type: "dropout", rate: 0.2 },
      { type: "dense", units: 128 },
      { type: "relu" },
      { type: "dropout", rate: 0.2 },
      { type: "dense", units: 10 },
    ],
  }),
};

export function architecture(name: string): Architecture {
  const make = ARCHITECTURES[name];
  if (!make) {
    throw new Error(
      `unknown model "${name}"; choose one of: ${Object.keys(ARCHITECTURES).join(", ")}`,
    );
  }
  return make();
}
