import { gpu, Tensor } from "../autograd/tensor.ts";
import { grid1d } from "../autograd/dispatch.ts";

// kernels/optim.wgsl: adam, sgd.
const WG = 256;

/** A trainable tensor with a name (the key it is saved under). */
export interface Param {
  name: string;
  value: Tensor;
}

/**
 * Base of the optimizers: one dispatch per parameter, all reading the step's hyper-parameters
 * from one small buffer written once per step (so nothing else changes between steps).
 */
export abstract class Optimizer {
  /** Learning rate of the next step; schedules set it before `step()`. */
  lr: number;
  steps = 0;
  protected readonly hyper: GPUBuffer;
  protected readonly state: { m: Tensor; v: Tensor | null }[];

  constructor(
    readonly params: Param[],
    lr: number,
    private entry: "adam" | "sgd",
    needsV: boolean,
  ) {
    this.lr = lr;
    this.hyper = gpu().device.createBuffer({
      size: 32,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    this.state = params.map((p) => ({
      m: Tensor.zeros(p.value.shape),
      v: needsV ? Tensor.zeros(p.value.shape) : null,
    }));
  }

  protected abstract hyperParameters(): number[];

  /** Applies one update with the gradients left by `backward()`; parameters without one wait. */
  step() {
    this.steps++;
    const g = gpu();
    g.upload(this.hyper, new Float32Array(this.hyperParameters()));
    const pipe = g.pipeline("optim", this.entry, { WG });
    this.params.forEach((p, i) => {
      const grad = p.value.grad;
      if (!grad) return;
      const { groups, row } = grid1d(p.value.size, WG);
      const s = this.state[i];
      g.dispatch(pipe, [p.value.size, row], [
        this.hyper,
        grad.buffer,
        p.value.buffer,
        s.m.buffer,
        s.v ? s.v.buffer : null,
      ], groups);
      p.value.grad = null;
    });
  }
}

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** AdamW: decay the weights directly instead of adding wd·w to the gradient. */
  decoupled?: boolean;
}

export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  constructor(params: Param[], o: AdamOptions = {}) {
    super(params, o.lr ?? 1e-3, "adam", true);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.eps = o.eps ?? 1e-8;
    this.weightDecay = o.weightDecay ?? 0;
    this.decoupled = o.decoupled ?? false;
  }
  protected hyperParameters() {
    const t = this.steps;
    return [
      this.lr,
      this.beta1,
      this.beta2,
      this.eps,
      1 - this.beta1 ** t,
      1 - this.beta2 ** t,
      this.weightDecay,
      this.decoupled ? 1 : 0,
    ];
  }
}

export interface SgdOptions {
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class Sgd extends Optimizer {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  constructor(params: Param[], o: SgdOptions = {}) {
    super(params, o.lr ?? 0.01, "sgd", false);
    this.momentum = o.momentum ?? 0.9;
    this.weightDecay = o.weightDecay ?? 0;
    this.nesterov = o.nesterov ?? false;
  }
  protected hyperParameters() {
    return [this.lr, this.momentum, this.weightDecay, this.nesterov ? 1 : 0, 0, 0, 0, 0];
  }
}
