import type { LayerSpec } from "./layers.ts";
import type { LossName } from "../autograd/loss.ts";

/** A network as saved in config.json. */
export interface Architecture {
  name: string;
  /** Per-example input shape, NHWC without the batch: [28, 28, 1]. */
  input: number[];
  classes: number;
  layers: LayerSpec[];
  /** Training loss; cross-entropy unless said otherwise. */
  loss?: LossName;
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
  /** Multinomial logistic (softmax) regression on flattened pixels, trained on the GPU. */
  softmax: () => ({
    name: "softmax",
    input: [28, 28, 1],
    classes: 10,
    layers: [{ type: "flatten" }, { type: "dense", units: 10 }],
  }),
  /** A linear SVM (Crammer–Singer multi-class hinge) on flattened pixels, trained on the GPU. */
  "linear-svm": () => ({
    name: "linear-svm",
    input: [28, 28, 1],
    classes: 10,
    layers: [{ type: "flatten" }, { type: "dense", units: 10 }],
    loss: "hinge",
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
