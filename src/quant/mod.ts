// int8 post-training quantization and inference: see quantize.ts for the scheme.
import type { Sequential } from "../nn/model.ts";
import { readTensors } from "../io/checkpoint.ts";
import { calibrate } from "./calibrate.ts";
import { planQuantized } from "./graph.ts";
import { type QuantizedNetwork, quantizeNetwork } from "./quantize.ts";

export { calibrate, calibrationIndices } from "./calibrate.ts";
export { flattenOps, hasOwnScale, INPUT, planQuantized, type QOp } from "./graph.ts";
export {
  activationQParams,
  compile,
  foldBatchNorm,
  INPUT_QPARAMS,
  type Program,
  type QParams,
  type QuantizedNetwork,
  quantizeNetwork,
  quantizePerChannel,
} from "./quantize.ts";
export { forwardReference } from "./reference.ts";
export { QuantizedForward } from "./forward.ts";
export { type Dot4Mode, hasPackedDot4, QuantKernels } from "./kernels.ts";
export {
  decodeQuantized,
  isQuantizedConfig,
  loadQuantized,
  QUANT_FORMAT,
  QUANT_WEIGHTS_FILE,
  type QuantizationInfo,
  saveQuantized,
} from "./model.ts";
export { QuantizedClassifier } from "./classifier.ts";

/**
 * Quantizes a trained f32 network: calibrates its activation ranges on `count` images
 * x [count, H·W·C] (pixels in [0, 1]; a few hundred training images), folds batch-norm, quantizes
 * weights per output channel. Throws a UserError naming the first layer int8 does not cover,
 * before any GPU work.
 */
export async function quantizeModel(
  model: Sequential,
  x: Float32Array,
  count: number,
): Promise<QuantizedNetwork> {
  const ops = planQuantized(model.architecture);
  const ranges = await calibrate(model, ops, x, count);
  const tensors = new Map(
    (await readTensors(model.stateTensors())).map((t) => [t.name, t.data] as const),
  );
  return quantizeNetwork(model.architecture, tensors, ranges);
}
