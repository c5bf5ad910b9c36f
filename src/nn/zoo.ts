import type { LayerSpec } from "./layers.ts";
import type { LossName } from "../ops/loss/loss.ts";

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

/** 3×3 "same" conv → BN → ReLU; the conv has no bias because BN's β plays that part. */
const convBnRelu = (filters: number, stride = 1): LayerSpec[] => [
  { type: "conv2d", filters, kernel: 3, stride, padding: "same", bias: false },
  { type: "batchnorm" },
  { type: "relu" },
];

/** VGG-style block: two 3×3 convs with BN and ReLU, 2×2 max-pool, dropout. */
const doubleConvBlock = (filters: number, rate: number): LayerSpec[] => [
  ...convBnRelu(filters),
  ...convBnRelu(filters),
  { type: "maxpool", size: 2 },
  { type: "dropout", rate },
];

/**
 * MobileNet's depthwise-separable block: a 3×3 depthwise conv filters each channel spatially
 * (and downsamples when stride 2), a 1×1 conv mixes channels; BN + ReLU after each.
 */
const separableBlock = (filters: number, stride = 1): LayerSpec[] => [
  { type: "depthwise_conv2d", kernel: 3, stride, padding: "same", bias: false },
  { type: "batchnorm" },
  { type: "relu" },
  { type: "conv2d", filters, kernel: 1, bias: false },
  { type: "batchnorm" },
  { type: "relu" },
];

/**
 * ResNet's basic block: relu(BN(conv3×3(relu(BN(conv3×3(x))))) + shortcut(x)). Where the block
 * changes resolution or width, the shortcut is a strided 1×1 conv + BN (a projection); otherwise
 * the identity.
 */
const basicBlock = (filters: number, stride = 1, project = stride !== 1): LayerSpec => ({
  type: "residual",
  body: [
    ...convBnRelu(filters, stride),
    { type: "conv2d", filters, kernel: 3, padding: "same", bias: false },
    { type: "batchnorm" },
  ],
  ...(project
    ? {
      shortcut: [
        { type: "conv2d", filters, kernel: 1, stride, bias: false },
        { type: "batchnorm" },
      ] as LayerSpec[],
    }
    : {}),
  relu: true,
});

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
  /** Deeper VGG-style CNN: three double-conv blocks (28 → 14 → 7 → 3) and a 256-unit head. */
  "cnn-deep": () => ({
    name: "cnn-deep",
    input: [28, 28, 1],
    classes: 10,
    layers: [
      ...doubleConvBlock(16, 0.2),
      ...doubleConvBlock(32, 0.25),
      ...doubleConvBlock(64, 0.3),
      { type: "flatten" },
      { type: "dense", units: 256 },
      { type: "relu" },
      { type: "dropout", rate: 0.4 },
      { type: "dense", units: 10 },
    ],
  }),
  /** All-convolutional: stride-2 convs downsample (28 → 14 → 7 → 4) instead of pooling. */
  "cnn-strided": () => ({
    name: "cnn-strided",
    input: [28, 28, 1],
    classes: 10,
    layers: [
      ...convBnRelu(32, 2),
      ...convBnRelu(64, 2),
      ...convBnRelu(128, 2),
      { type: "flatten" },
      { type: "dropout", rate: 0.3 },
      { type: "dense", units: 10 },
    ],
  }),
  /** MobileNet-style: a stem conv, depthwise-separable blocks, global average pooling. */
  mobilenet: () => ({
    name: "mobilenet",
    input: [28, 28, 1],
    classes: 10,
    layers: [
      ...convBnRelu(32, 2),
      ...separableBlock(64),
      ...separableBlock(128, 2),
      ...separableBlock(128),
      ...separableBlock(256, 2),
      ...separableBlock(256),
      { type: "global_avgpool" },
      { type: "dense", units: 10 },
    ],
  }),
  /**
   * A small ResNet: stem conv, three stages of basic residual blocks (32, 64, 128 channels), each
   * stage starting with a stride-2 block (28 → 14 → 7 → 4), global average pooling, dense.
   */
  resnet: () => ({
    name: "resnet",
    input: [28, 28, 1],
    classes: 10,
    layers: [
      ...convBnRelu(32),
      basicBlock(32, 2),
      basicBlock(64, 2),
      basicBlock(128, 2),
      { type: "global_avgpool" },
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
