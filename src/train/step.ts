// One training step as `fit` submits it (upload the batch, forward, loss, backward, optimizer
// update, one submit), planned once and replayed. The first step of each batch size runs
// through the tape as any op does and is captured (`Gpu.capture`): every dispatch with its
// pipeline and bind group, every copy. Later steps write what changes (the batch, and the step's
// values: learning rate, Adam's bias corrections, dropout and augmentation seeds, the loss log's
// slot) into buffers the plan reads, and replay it: no op code, no tape, no cache lookup, no GPU
// object created. The tape stays for everything else (evaluation, the API, tests).
import { backward, endStep, gpu, releaseStep, Tensor } from "../autograd/tensor.ts";
import { StepValues } from "../autograd/step_values.ts";
import type { GpuPlan } from "../gpu/gpu.ts";
import type { Sequential } from "../nn/model.ts";
import { lossByName, type LossOptions } from "../ops/loss/loss.ts";
import type { Optimizer } from "../optim/optimizer.ts";
import type { Augmenter } from "../augment/augment.ts";
import { autotune, type TuneResult } from "../gpu/tune.ts";

/** A training hook that augments each uploaded batch (fit's `augment`). */
export type AugmentHook = ((x: Tensor, step: number) => Tensor) | Augmenter;

export interface TrainingStepOptions {
  /** Label smoothing ε of the loss. */
  smoothing?: number;
  /** The run's seed: the dropout masks of global step s are drawn from seed · 7919 + s. */
  seed: number;
  augment?: AugmentHook;
  /**
   * Capture the first step of each batch size and replay it (default true). Off, or with an
   * augmentation hook that is a plain function (its seeds could not be written for a replay),
   * every step runs through the tape.
   */
  replay?: boolean;
}

/** What a step is given: the batch (NHWC pixels, class indices) and where it logs its loss. */
export interface StepBatch {
  x: Float32Array<ArrayBuffer>;
  y: Uint32Array<ArrayBuffer>;
  size: number;
}

/** A batch size's plan and the input tensors it reads. */
interface Planned {
  plan: GpuPlan;
  x: Tensor;
  y: Tensor;
}

/**
 * The training step of `model` with `optimizer`. `run(batch, step, log)` records and submits one
 * step and never waits. Plans are kept per batch size (the last batch of an epoch may be
 * shorter); `invalidate()` drops them when what a step does may change (fit calls it after every
 * epoch's callbacks, which may freeze or unfreeze layers). `dispose()` frees the step's buffers
 * and gives the optimizer its own hyper-parameter buffer back.
 */
export class TrainingStep {
  private readonly plans = new Map<number, Planned>();
  private readonly values: StepValues | null;
  private readonly lossFn: ReturnType<typeof lossByName>;
  /** Steps replayed, and captured (the rest of `run`'s calls ran through the tape). */
  replayed = 0;
  captured = 0;

  constructor(
    private readonly model: Sequential,
    private readonly optimizer: Optimizer,
    private readonly opts: TrainingStepOptions,
  ) {
    this.lossFn = lossByName(model.architecture.loss);
    const augment = opts.augment;
    const replayable = !augment || ("withStepSeeds" in augment && "seedAt" in augment);
    this.values = (opts.replay ?? true) && replayable ? new StepValues() : null;
  }

  /** Whether steps are planned and replayed (see `TrainingStepOptions.replay`). */
  get replays(): boolean {
    return this.values !== null;
  }

  /**
   * Records and submits training step `step` (global, 0-based) on `batch`, logging its loss sum
   * and hits into `log` (its `slot` is this step's).
   */
  run(batch: StepBatch, step: number, log?: NonNullable<LossOptions["log"]>) {
    // Set at every step: another TrainingStep of the same optimizer may have run in between.
    this.optimizer.useStepValues(this.values);
    if (!this.values) return this.runTape(batch, step, log);
    const values = this.values;
    const [h, w, c] = this.model.architecture.input;
    values.dropoutSeed = this.opts.seed * 7919 + step;
    values.logSlot = log?.slot ?? 0xffffffff;
    const augment = this.opts.augment as Augmenter | undefined;
    if (augment) values.augmentSeed = augment.seedAt(step);
    this.optimizer.prepareStep();
    values.write();
    const planned = this.plans.get(batch.size);
    if (planned) {
      planned.x.write(batch.x);
      planned.y.write(batch.y);
      planned.plan.replay();
      this.replayed++;
      return;
    }
    const x = Tensor.from(batch.x, [batch.size, h, w, c], { persistent: true });
    const y = Tensor.from(batch.y, [batch.size], { persistent: true });
    const plan = gpu().capture(() => {
      const input = augment ? augment.withStepSeeds(x, values.seedsBinding) : x;
      const logits = this.model.forward(input, { training: true, seed: 0, stepValues: values });
      const loss = this.lossFn(logits, y, {
        smoothing: this.opts.smoothing,
        log: log && { ...log, slot: 0, stepSeeds: values.seedsBinding },
      });
      backward(loss);
      this.optimizer.recordStep();
      releaseStep();
    });
    this.plans.set(batch.size, { plan, x, y });
    this.captured++;
  }

  /**
   * Lets the autotuner (src/gpu/tune.ts) measure the strategies of this step's ops on `batch`
   * before a step is captured, so that plans record the adapter's fastest ones. The step is
   * recorded once through the tape without its optimizer update (forward, loss, backward: the
   * shapes and gradient needs of a real step), its gradients are dropped, and the running
   * statistics its forward moved are copied back: the model is left as it was. Returns what was
   * measured (empty when every shape class was cached or tuning is off). Drops existing plans.
   * `onMeasuring(n)` hears, before the measuring starts, how many shape classes are new.
   */
  async tune(batch: StepBatch, onMeasuring?: (n: number) => void): Promise<TuneResult[]> {
    const g = gpu();
    const [h, w, c] = this.model.architecture.input;
    const stats = this.model.layers.flatMap((l) => l.buffers).map((b) => b.value);
    const saved = stats.map((t) => {
      const copy = Tensor.empty(t.shape);
      g.copy(t.buffer, copy.buffer, t.size * 4, copy.offset, t.offset);
      return copy;
    });
    try {
      return await autotune(g, () => {
        const x = Tensor.from(batch.x, [batch.size, h, w, c]);
        const y = Tensor.from(batch.y, [batch.size]);
        const logits = this.model.forward(x, { training: true, seed: 0 });
        backward(this.lossFn(logits, y, { smoothing: this.opts.smoothing }));
        for (const p of this.model.params()) p.value.grad = null;
      }, onMeasuring);
    } finally {
      stats.forEach((t, i) =>
        g.copy(saved[i].buffer, t.buffer, t.size * 4, t.offset, saved[i].offset)
      );
      g.submit();
      endStep();
      this.invalidate();
    }
  }

  /** The step through the tape, every value in its kernels' parameters (no plan). */
  private runTape(batch: StepBatch, step: number, log?: NonNullable<LossOptions["log"]>) {
    const [h, w, c] = this.model.architecture.input;
    const uploaded = Tensor.from(batch.x, [batch.size, h, w, c]);
    const x = this.opts.augment ? this.opts.augment(uploaded, step) : uploaded;
    const y = Tensor.from(batch.y, [batch.size]);
    const logits = this.model.forward(x, { training: true, seed: this.opts.seed * 7919 + step });
    backward(this.lossFn(logits, y, { smoothing: this.opts.smoothing, log }));
    this.optimizer.step();
    endStep();
  }

  /** Drops the plans: the next step of each batch size is captured again. */
  invalidate() {
    for (const { x, y } of this.plans.values()) {
      x.buffer.destroy();
      y.buffer.destroy();
    }
    this.plans.clear();
  }

  dispose() {
    gpu().submit();
    this.invalidate();
    this.optimizer.useStepValues(null);
    this.values?.destroy();
  }
}
