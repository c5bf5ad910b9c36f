import { accumulate, gpu, record, Tensor } from "../../autograd/tensor.ts";
import { defineKernel } from "../../gpu/kernel.ts";
import type { Binding } from "../../gpu/gpu.ts";

/**
 * loss.wgsl: cross_entropy and hinge (per row: the loss, whether the argmax is the label, and the
 * gradient of the mean loss), then reduce (one invocation: the mean and the hit count).
 */
export const lossKernel = defineKernel({
  source: "ops/loss/loss",
  workgroupSize: 64,
  params: {
    rows: "u32",
    classes: "u32",
    /** Label smoothing ε (cross_entropy only). */
    smoothing: "f32",
    /** reduce also writes [loss sum, hits, plain loss sum] to history[3·slot ..] when slot < logSize. */
    slot: "u32",
    /** The history buffer's length in slots (0: nothing logged). */
    logSize: "u32",
  },
  bindings: {
    /** Scores, rows×classes. */
    logits: "read array<f32>",
    /** Class indices [rows]. */
    labels: "read array<u32>",
    /** d(mean loss)/d logits, rows×classes. */
    grad: "read_write array<f32>",
    /** [loss, hit, loss without label smoothing] per row. */
    rowStats: "read_write array<f32>",
    /** [mean loss, hits]. */
    out: "read_write array<f32>",
    /** The training loop's log: [loss sum, hits, loss sum without smoothing] per slot. */
    history: "read_write array<f32>",
    /**
     * The step's values (src/autograd/step_values.ts): the log's slot is `slot + stepSeeds.z`
     * (zeros outside a planned step: `slot` alone).
     */
    stepSeeds: "uniform vec4<u32>",
  },
  entries: {
    cross_entropy: ["p", "logits", "labels", "grad", "rowStats"],
    hinge: ["p", "logits", "labels", "grad", "rowStats"],
    reduce: ["p", "rowStats", "out", "history", "stepSeeds"],
  },
});

const WG = 64;
const CONSTANTS = { WG };

/** The losses a network can be trained with. */
export type LossName = "cross-entropy" | "hinge";

export interface LossOptions {
  /** Label smoothing ε: the target puts 1−ε+ε/C on the label and ε/C elsewhere. */
  smoothing?: number;
  /**
   * Also write [loss sum, correct count, loss sum without label smoothing] to `log` at `slot`
   * (read back once per interval).
   */
  log?: {
    buffer: GPUBuffer;
    slot: number;
    size: number;
    /** A planned step's `StepValues.seedsBinding`: its log slot is added to `slot` on the GPU. */
    stepSeeds?: Binding;
  };
}

/**
 * Mean softmax cross-entropy of logits [B, C] against labels (u32 class indices [B]), with
 * optional label smoothing (Szegedy et al., 2016, "Rethinking the Inception Architecture").
 * Returns [mean loss (nats), correct count] ([2]); the gradient, (softmax − target)/B, is computed
 * by the forward kernel. Throws when labels has not B elements; its backward throws unless the
 * loss is the root of backward().
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor, opts: LossOptions = {}) {
  return classificationLoss("cross_entropy", logits, labels, opts);
}

/**
 * Mean Crammer–Singer multi-class hinge loss (Crammer & Singer, 2001), max(0, 1 + max_{j≠y} s_j −
 * s_y) per row, of scores [B, C] against labels (u32 class indices [B]): a linear SVM when the
 * scores are x·W + b. Returns [mean loss, correct count] ([2]); throws as softmaxCrossEntropy.
 */
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
    const name = entry === "hinge" ? "multiclassHinge" : "softmaxCrossEntropy";
    throw new Error(`${name}: ${rows} rows but ${labels.size} labels`);
  }
  const g = gpu();
  const grad = Tensor.empty(logits.shape);
  const rowStats = Tensor.empty([rows, 3]);
  const out = Tensor.empty([2]);
  const log = opts.log;
  const params = {
    rows,
    classes,
    smoothing: opts.smoothing ?? 0,
    slot: log?.slot ?? 0,
    logSize: log?.size ?? 0,
  };
  // One record for both passes (each takes the names it uses).
  const bindings = {
    logits: logits.binding,
    labels: labels.binding,
    grad: grad.binding,
    rowStats: rowStats.binding,
    out: out.binding,
    history: log ? log.buffer : g.dummy,
    stepSeeds: log?.stepSeeds ?? g.zeroUniform,
  };
  g.run(lossKernel, entry, { constants: CONSTANTS, params, bindings }, [Math.ceil(rows / WG)]);
  g.run(lossKernel, "reduce", { constants: CONSTANTS, params, bindings }, [1]);
  return record(out, [logits], () => {
    if (out.grad) throw new Error(`${entry} loss must be the root of backward()`);
    accumulate(logits, grad);
  });
}
