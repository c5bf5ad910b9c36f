/**
 * Class probabilities from a saved model on the command line (the page has its own engine):
 * what `predict --csv` reports as confidence and top 3, and what `predict --explain` occludes.
 */
import type { Classifier } from "../baselines/classifier.ts";
import { NetworkClassifier } from "../baselines/network.ts";
import { QuantizedClassifier } from "../quant/classifier.ts";
import { endStep, Tensor } from "../autograd/tensor.ts";
import { softmaxRows } from "../experiments/occlusion.ts";

/**
 * Softmax probabilities, one row of `outputs` per image, for n images `x` (n×784 values in
 * [0, 1], row-major, dataset polarity), in the model's output order (see `outputClasses`).
 */
export type Probabilities = (x: Float32Array, n: number) => Promise<Float32Array>;

/** Horizontal mirror images of n 28×28 images. */
function mirror(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < 28; y++) {
      for (let c = 0; c < 28; c++) out[i * 784 + y * 28 + c] = x[i * 784 + y * 28 + 27 - c];
    }
  }
  return out;
}

/**
 * The probability function of a network (float or int8), batched on the GPU `batchSize` images
 * at a time (bounded by the model's largest batch); null for a baseline (a forest or an SVM
 * gives a class, not probabilities). `tta`: the mean of each image's and its mirror image's
 * probabilities, as `predict --tta` averages them.
 */
export function probabilitiesOf(
  classifier: Classifier,
  opts: { batchSize?: number; tta?: boolean } = {},
): { fn: Probabilities; outputs: number } | null {
  let logits: ((x: Float32Array, n: number) => Promise<Float32Array>) | null = null;
  let outputs = 0;
  if (classifier instanceof NetworkClassifier) {
    const model = classifier.model;
    outputs = model.architecture.classes;
    const [h, w, c] = model.architecture.input;
    const batch = Math.max(1, Math.min(opts.batchSize ?? 500, model.maxBatch()));
    logits = async (x, n) => {
      const out = new Float32Array(n * outputs);
      for (let at = 0; at < n; at += batch) {
        const size = Math.min(batch, n - at);
        const per = h * w * c;
        const t = Tensor.from(x.slice(at * per, (at + size) * per), [size, h, w, c]);
        out.set((await model.predict(t).read()).subarray(0, size * outputs), at * outputs);
        endStep();
      }
      return out;
    };
  } else if (classifier instanceof QuantizedClassifier) {
    outputs = classifier.program.classes;
    logits = (x, n) => classifier.logits(x, n, opts.batchSize ?? 500);
  }
  if (!logits) return null;
  const forward = logits;
  const fn: Probabilities = async (x, n) => {
    const p = softmaxRows(await forward(x, n), outputs);
    if (!opts.tta) return p;
    const q = softmaxRows(await forward(mirror(x, n), n), outputs);
    for (let i = 0; i < p.length; i++) p[i] = (p[i] + q[i]) / 2;
    return p;
  };
  return { fn, outputs };
}

/**
 * What each output of a saved model means: the class number `predict` reports (Fashion-MNIST's
 * numbering for a model trained on some classes, `config.classes`; the output index otherwise)
 * and its name (`config.classNames` when it has one per output, as models trained on a folder
 * of own pictures do; else Fashion-MNIST's name of that class).
 */
export function outputClasses(
  config: Record<string, unknown>,
  outputs: number,
  fashionNames: readonly string[],
): { index: number; name: string }[] {
  const classes = Array.isArray(config.classes) && config.classes.length === outputs
    ? config.classes.map(Number)
    : null;
  const names = Array.isArray(config.classNames) && config.classNames.length === outputs &&
      config.classNames.every((n) => typeof n === "string")
    ? config.classNames as string[]
    : null;
  return Array.from({ length: outputs }, (_, j) => {
    const index = classes ? classes[j] : j;
    return { index, name: names?.[j] ?? fashionNames[index] ?? `class ${index}` };
  });
}
