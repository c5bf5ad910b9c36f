import type { Classifier } from "./classifier.ts";
import { Sequential } from "../nn/model.ts";
import { type Architecture, architecture } from "../nn/zoo.ts";
import { Adam } from "../optim/optimizer.ts";
import { fit } from "../train/fit.ts";
import { evaluate } from "../train/evaluate.ts";
import { loadModel, readConfig, saveModel } from "../io/checkpoint.ts";
import { gpu } from "../autograd/tensor.ts";
import type { Dataset } from "../data/dataset.ts";

export interface NetworkOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay?: number;
  /**
   * At least this many optimizer steps, adding epochs on small training sets, so that a learning
   * curve compares converged models rather than fewer updates.
   */
  minSteps?: number;
  seed: number;
  quiet?: boolean;
}

/**
 * A network of the zoo behind the Classifier interface, trained with our WGSL kernels: the CNN,
 * and the GPU-trained linear models (softmax regression, linear SVM) that show flattened-pixel
 * families at their best on all 60,000 images.
 */
export class NetworkClassifier implements Classifier {
  readonly engine = "WGSL (this project)";
  readonly supportsTta = true;
  model: Sequential;
  trainImages = 0;
  trainSeconds = 0;
  /**
   * For a network trained on some classes (`train --classes`, config.json `classes`): the dataset
   * class of each output, so that predictions come back in Fashion-MNIST's numbering. Null: all.
   */
  classes: number[] | null = null;

  constructor(readonly arch: Architecture, readonly opts: NetworkOptions, model?: Sequential) {
    this.model = model ?? new Sequential(arch, opts.seed);
  }

  get name() {
    return this.arch.name;
  }

  static named(name: string, opts: NetworkOptions) {
    return new NetworkClassifier(architecture(name), opts);
  }

  static async load(dir: string): Promise<NetworkClassifier> {
    const config = await readConfig(dir);
    const model = await loadModel(dir, undefined, config);
    // Recorded settings, shown in reports; untrusted, so only sane numbers are kept (the batch
    // size sizes buffers when the classifier predicts).
    const h =
      (typeof config.hyperParameters === "object" && config.hyperParameters || {}) as Record<
        string,
        unknown
      >;
    const num = (v: unknown, lo: number, hi: number, fallback: number) =>
      typeof v === "number" && v >= lo && v <= hi ? v : fallback;
    const network = new NetworkClassifier(model.architecture, {
      epochs: num(h.epochs, 0, 1e6, 0),
      batchSize: Math.round(num(h.batchSize, 1, 4096, 128)),
      lr: num(h.lr, 0, 1e3, 0),
      weightDecay: h.weightDecay === undefined ? undefined : num(h.weightDecay, 0, 1e3, 0),
      seed: num(h.seed, 0, 2 ** 32, 0),
    }, model);
    const classes = config.classes;
    if (Array.isArray(classes) && classes.length === model.architecture.classes) {
      network.classes = classes.map(Number);
    }
    return network;
  }

  hyperParameters(): Record<string, unknown> {
    return { ...this.opts, optimizer: "adam", loss: this.arch.loss ?? "cross-entropy" };
  }

  parameterCount(): number {
    return this.model.parameterCount();
  }

  async fit(
    x: Float32Array,
    y: Uint8Array,
    n: number,
    opts: { onProgress?: (done: number, total: number) => void } = {},
  ) {
    const start = performance.now();
    const ds = toDataset(x, n, y);
    const optimizer = new Adam(this.model.params(), {
      lr: this.opts.lr,
      weightDecay: this.opts.weightDecay ?? 0,
      decoupled: true,
    });
    const stepsPerEpoch = Math.ceil(n / this.opts.batchSize);
    const epochs = Math.max(this.opts.epochs, Math.ceil((this.opts.minSteps ?? 0) / stepsPerEpoch));
    await fit(this.model, optimizer, ds, Uint32Array.from({ length: n }, (_, i) => i), {
      epochs,
      batchSize: this.opts.batchSize,
      seed: this.opts.seed,
      quiet: this.opts.quiet,
      onEpoch: (record) => opts.onProgress?.(record.epoch, epochs),
    });
    this.trainImages = n;
    this.trainSeconds = (performance.now() - start) / 1000;
  }

  async predict(
    x: Float32Array,
    n: number,
    opts: { batchSize?: number; tta?: boolean } = {},
  ): Promise<Uint8Array> {
    const ds = toDataset(x, n);
    const predictions =
      (await evaluate(this.model, ds, { batchSize: opts.batchSize, tta: opts.tta })).predictions;
    const classes = this.classes;
    return classes ? predictions.map((p) => classes[p]) : predictions;
  }

  async save(dir: string) {
    await saveModel(dir, this.model, {
      kind: "network",
      name: this.name,
      engine: this.engine,
      // The adapter it trained on, as `deno task train` records it: the report shows it.
      adapter: gpu().adapter,
      architecture: this.arch,
      hyperParameters: this.hyperParameters(),
      trainImages: this.trainImages,
      trainSeconds: this.trainSeconds,
      parameterCount: this.parameterCount(),
    });
  }
}

/** Back to the 8-bit Dataset our batcher reads (lossless for pixels that came from bytes). */
function toDataset(x: Float32Array, n: number, y?: Uint8Array): Dataset {
  const images = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) images[i] = Math.round(x[i] * 255);
  return { images, labels: y ?? new Uint8Array(n), count: n, rows: 28, cols: 28 };
}
