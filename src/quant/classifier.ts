// An int8 model behind the Classifier interface, so `predict` and `evaluate` take it like any
// saved model.

import type { Classifier } from "../baselines/classifier.ts";
import { gpu } from "../autograd/tensor.ts";
import { compile, type Program, type QuantizedNetwork } from "./quantize.ts";
import { QuantizedForward } from "./forward.ts";
import { countParameters, loadQuantized, saveQuantized } from "./model.ts";
import type { QuantKernels } from "./kernels.ts";

export class QuantizedClassifier implements Classifier {
  readonly supportsTta = true;
  readonly program: Program;
  private forward: QuantizedForward | null = null;

  constructor(
    readonly net: QuantizedNetwork,
    readonly config: Record<string, unknown> = {},
    private readonly kernels?: QuantKernels,
  ) {
    this.program = compile(net);
  }

  static async load(dir: string): Promise<QuantizedClassifier> {
    const { net, config } = await loadQuantized(dir);
    return new QuantizedClassifier(net, config);
  }

  get name(): string {
    return `${this.net.architecture.name}-int8`;
  }

  /** Whether the dot products use dot4I8Packed, known once the GPU side exists. */
  get engine(): string {
    const mode = this.forward?.kernels.dot4;
    return `WGSL int8 (this project${mode ? `, ${mode}` : ""})`;
  }

  hyperParameters(): Record<string, unknown> {
    return {
      ...(this.config.hyperParameters as Record<string, unknown> ?? {}),
      quantization: this.config.quantization,
    };
  }

  parameterCount(): number {
    return countParameters(this.net);
  }

  fit(): Promise<void> {
    return Promise.reject(
      new Error("an int8 model does not train: quantize a trained float model instead"),
    );
  }

  /** The GPU forward, created on first use with the engine's GPU. */
  gpuForward(): QuantizedForward {
    return this.forward ??= new QuantizedForward(gpu(), this.program, this.kernels);
  }

  /** Logits [n, classes] for images x [n, 784] in [0, 1], in batches of `batchSize`. */
  async logits(x: Float32Array, n: number, batchSize = 500): Promise<Float32Array> {
    const f = this.gpuForward();
    const per = this.program.inputSize;
    const classes = this.program.classes;
    const size = Math.max(1, Math.min(batchSize, f.maxBatch()));
    const out = new Float32Array(n * classes);
    for (let start = 0; start < n; start += size) {
      const b = Math.min(size, n - start);
      out.set(await f.logits(x.slice(start * per, (start + b) * per), b), start * classes);
    }
    return out;
  }

  /**
   * Class per image. `tta` averages the softmax of each image's and its mirror image's logits
   * (as src/augment/tta.ts does for float networks).
   */
  async predict(
    x: Float32Array,
    n: number,
    opts: { batchSize?: number; tta?: boolean } = {},
  ): Promise<Uint8Array> {
    const classes = this.program.classes;
    const scores = softmaxRows(await this.logits(x, n, opts.batchSize), classes);
    if (opts.tta) {
      const mirrored = softmaxRows(await this.logits(flipImages(x, n), n, opts.batchSize), classes);
      for (let i = 0; i < scores.length; i++) scores[i] += mirrored[i];
    }
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < classes; j++) {
        if (scores[i * classes + j] > scores[i * classes + best]) best = j;
      }
      out[i] = best;
    }
    return out;
  }

  async save(dir: string): Promise<void> {
    await saveQuantized(dir, this.net, this.config);
  }
}

function softmaxRows(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += classes) {
    let most = -Infinity;
    for (let j = 0; j < classes; j++) most = Math.max(most, logits[r + j]);
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += out[r + j] = Math.exp(logits[r + j] - most);
    for (let j = 0; j < classes; j++) out[r + j] /= sum;
  }
  return out;
}

/** Each 28×28 image mirrored left to right. */
function flipImages(x: Float32Array, n: number, side = 28): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < side; r++) {
      const row = (i * side + r) * side;
      for (let c = 0; c < side; c++) out[row + c] = x[row + side - 1 - c];
    }
  }
  return out;
}
