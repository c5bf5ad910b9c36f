/**
 * Fashion-MNIST WebGPU workbench: train CNNs with hand-written WGSL kernels from TypeScript.
 *
 * ```ts
 * import { Adam, architecture, fit, Gpu, loadFashionMnist, Sequential, stratifiedSplit, useGpu } from "./mod.ts";
 * useGpu(await Gpu.create());
 * const { train } = await loadFashionMnist();
 * const model = new Sequential(architecture("cnn"), 1);
 * const { train: idx } = stratifiedSplit(train.labels, 0, 1);
 * await fit(model, new Adam(model.params()), train, idx, { epochs: 1, batchSize: 128, seed: 1 });
 * ```
 * @module
 */

// GPU and tensors
export { type AdapterReport, Gpu } from "./src/gpu/mod.ts";
export { backward, endStep, engine, noGrad, Tensor, useGpu } from "./src/autograd/tensor.ts";
// Ops (forward + backward each)
export { add, dropout, relu } from "./src/ops/elementwise/elementwise.ts";
export { matmul, matmulInto, type MatmulOptions } from "./src/ops/matmul/matmul.ts";
export { conv2d, type Conv2dOptions } from "./src/ops/conv2d/conv2d.ts";
export { maxPool2d } from "./src/ops/maxpool/maxpool.ts";
export {
  depthwiseConv2d,
  type DepthwiseConv2dOptions,
} from "./src/ops/depthwise_conv2d/depthwise_conv2d.ts";
export { globalAvgPool } from "./src/ops/global_avg_pool/global_avg_pool.ts";
export { batchNorm, type BatchNormState } from "./src/ops/batchnorm/batchnorm.ts";
export { batchNormMaxPool } from "./src/ops/batchnorm/batchnorm_maxpool.ts";
export { multiclassHinge, softmaxCrossEntropy } from "./src/ops/loss/loss.ts";
export { sumRows } from "./src/ops/reduce/reduce.ts";
// Layers and models
export {
  batchNormFusion,
  buildLayer,
  type ForwardContext,
  type Layer,
  type LayerPlan,
  type LayerSpec,
  planLayers,
} from "./src/nn/layers.ts";
export { planArchitecture, Sequential } from "./src/nn/model.ts";
export { type Architecture, architecture, ARCHITECTURES } from "./src/nn/zoo.ts";
// Optimizers and schedules
export { Adam, type Optimizer, type Param, Rmsprop, Sgd } from "./src/optim/optimizer.ts";
export {
  learningRateSchedule,
  LrScheduler,
  ReduceLrOnPlateau,
  type ScheduleName,
} from "./src/optim/schedule.ts";
// Augmentation (GPU) and test-time augmentation
export {
  augment,
  augmenter,
  type AugmentOptions,
  describeAugment,
  flipHorizontal,
  parseAugment,
  predictWithFlipTta,
} from "./src/augment/mod.ts";
// Data
export * from "./src/data/mod.ts";
// Training and evaluation
export { type EpochRecord, fit, type FitOptions } from "./src/train/fit.ts";
export { evaluate, type Evaluation } from "./src/train/evaluate.ts";
export {
  type Callback,
  EarlyStopping,
  ModelCheckpoint,
  Monitor,
  TrainingCheckpoint,
} from "./src/train/callbacks.ts";
// Files
export { loadModel, saveModel } from "./src/io/checkpoint.ts";
export {
  decodeSafetensors,
  decodeTypedSafetensors,
  encodeSafetensors,
  encodeTypedSafetensors,
} from "./src/io/safetensors.ts";
// int8 post-training quantization and inference
export {
  loadQuantized,
  QuantizedClassifier,
  QuantizedForward,
  quantizeModel,
  quantizeNetwork,
  saveQuantized,
} from "./src/quant/mod.ts";
export { decodeModelWeights, encodeModelWeights } from "./src/io/weights.ts";
// Pictures → 28×28 as the dataset was made (predict --images and the browser page)
export {
  checkPictureSize,
  preprocess,
  type Preprocessed,
  type RgbaImage,
} from "./src/image/preprocess.ts";
// Why a prediction: occlusion saliency of one 28×28 (and on the picture), readable layer names
export {
  type LayerTitle,
  layerTitles,
  mapToPicture,
  overlay,
  type ProbabilityFn,
  type Saliency,
  saliencyMap,
} from "./src/explain/mod.ts";
// Similar items: penultimate-layer embeddings and nearest neighbours by cosine (deno task similar)
export {
  computeEmbeddings,
  embeddingSize,
  l2Normalize,
  nearestNeighbours,
  nearestNeighboursBatch,
  type Neighbour,
  type PrecisionAtK,
  precisionAtK,
} from "./src/catalog/mod.ts";
// What differs between Deno and a web page (the page installs its own platform)
export { denoPlatform, type Platform, platform, setPlatform } from "./src/platform/mod.ts";
export { browserPlatform, useBrowserPlatform } from "./src/platform/browser.ts";
export { Rng } from "./src/util/random.ts";
export { UserError } from "./src/util/errors.ts";
