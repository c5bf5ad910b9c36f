import { accumulate, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { f32bits } from "../../gpu/gpu.ts";

// kernels/loss.wgsl: cross_entropy, hinge (loss rows + gradient), reduce.
const WG = 64;

/** The losses a network can be trained with. */
export type LossName = "cross-entropy" | "hinge";

export interface LossOptions {
  /** Label smoothing ε: the target puts 1−ε+ε/C on the label and ε/C elsewhere. */
  smoothing?: number;
  /** Also write [loss sum, correct count] to `log` at `slot` (read back once per interval). */
  log?: { buffer: GPUBuffer; slot: number; size: number };
}

/**
 * Mean softmax cross-entropy of logits [B, C] against labels (u32 [B]). Returns [mean loss,
 * correct count]; as a tape root its gradient is already computed by the forward kernel.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor, opts: LossOptions = {}) {
  return classificationLoss("cross_entropy", logits, labels, opts);
}

/** Mean Crammer–Singer multi-class hinge loss (a linear SVM when the scores are x·W + b). */
export function multiclassHinge(logits: Tensor, labels: Tensor, opts: LossOptions = {}) {
  return classificationLoss("hinge", logits, labels, opts);
}

/** The loss named `name`, as used by training (`Architecture.loss`). */
export function lossByName(name: LossName = "cross-entropy") {
  return name === "hinge" ? multiclassHinge : softmaxCrossEntropy;
}

function classificationLoss(
  entry: "cross_entropy" | "hinge",
  logits: Tensor,
  labels: Tensor,
  opts: LossOptions,
): Tensor {
  const [rows, classes] = logits.shape;
  if (labels.size !== rows) {
    throw new Error(`cross-entropy: ${rows} rows but ${labels.size} labels`);
  }
  const g = gpu();
  const grad = Tensor.empty(logits.shape);
  const rowStats = Tensor.empty([rows, 2]);
  const out = Tensor.empty([2]);
  const log = opts.log;
  const params = [
    rows,
    classes,
    f32bits(opts.smoothing ?? 0),
    log?.slot ?? 0,
    log?.size ?? 0,
    0,
    0,
    0,
  ];
  g.dispatch(g.pipeline("ops/loss/loss", entry, { WG }), params, [
    logits.buffer,
    labels.buffer,
    grad.buffer,
    rowStats.buffer,
  ], [Math.ceil(rows / WG)]);
  g.dispatch(g.pipeline("ops/loss/loss", "reduce", { WG }), params, [
    null,
    null,
    null,
    rowStats.buffer,
    out.buffer,
    log ? log.buffer : g.dummy,
  ], [1]);
  return record(out, [logits], () => {
    if (out.grad) throw new Error(`${entry} loss must be the root of backward()`);
    accumulate(logits, grad);
  });
}
