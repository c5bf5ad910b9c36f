import { gpu, Tensor } from "../autograd/tensor.ts";
import { grid1d } from "../autograd/dispatch.ts";
import { defineKernel } from "../gpu/kernel.ts";

/**
 * optim.wgsl: adam, sgd, rmsprop, one invocation per vec4 of a parameter (n4 = ⌈size / 4⌉). Each
 * reads the step's hyper-parameters from `hyper4` (written once per step) and updates `param`
 * and its moments `m` (and `v`: Adam, RMSprop) in place; gradT, paramT, mT, vT are texture copies
 * of the same, read instead of the buffers where the adapter profile says so.
 */
export const optimKernel = defineKernel({
  source: "optim/optim",
  params: { n4: "u32", row: "u32" },
  bindings: {
    /** The optimizer's hyper-parameters: 8 floats, their order per entry in optim.wgsl. */
    hyper4: "uniform array<vec4f, 2>",
    grad: "read array<vec4f>",
    param: "read_write array<vec4f>",
    /** Adam: first moment; SGD: velocity; RMSprop: momentum buffer. */
    m: "read_write array<vec4f>",
    /** Adam: second moment; RMSprop: running mean of g²; SGD: none. */
    v: "read_write array<vec4f>",
    gradT: "texture",
    paramT: "texture",
    mT: "texture",
    vT: "texture",
  },
  entries: {
    adam: ["p", "hyper4", "grad", "param", "m", "v", "gradT", "paramT", "mT", "vT"],
    sgd: ["p", "hyper4", "grad", "param", "m", "gradT", "paramT", "mT"],
    rmsprop: ["p", "hyper4", "grad", "param", "m", "v", "gradT", "paramT", "mT", "vT"],
  },
});

const WG = 256;
/** Override constants by the textures' TEXTURES. */
const BY_TEXTURES = [{ WG, TEXTURES: 0 }, { WG, TEXTURES: 1 }];
/** Parameters of at least this many vec4s are read through textures (see `step`). */
const TEXTURE_MIN_VEC4S = 4096;

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
    private entry: "adam" | "sgd" | "rmsprop",
    needsV: boolean,
  ) {
    this.lr = lr;
    this.hyper = gpu().device.createBuffer({
      size: 32,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.state = params.map((p) => ({
      m: Tensor.zeros(p.value.shape),
      v: needsV ? Tensor.zeros(p.value.shape) : null,
    }));
  }

  protected abstract hyperParameters(): number[];

  /** Frees the moment buffers on the GPU (see Sequential.dispose); the optimizer cannot step after. */
  dispose(): void {
    for (const { m, v } of this.state) {
      m.buffer.destroy();
      v?.buffer.destroy();
    }
    this.hyper.destroy();
  }

  /**
   * The moment tensors, named after their parameter (`m.<param>`, `v.<param>`), for a training
   * checkpoint: with them and `steps`, a resumed run takes exactly the updates the interrupted
   * one would have.
   */
  stateTensors(): Param[] {
    return this.params.flatMap((p, i) => {
      const { m, v } = this.state[i];
      const out = [{ name: `m.${p.name}`, value: m }];
      if (v) out.push({ name: `v.${p.name}`, value: v });
      return out;
    });
  }

  /** Restores what `stateTensors()` and `steps` held; a missing or misshapen tensor throws. */
  loadState(steps: number, tensors: Map<string, { shape: number[]; data: Float32Array }>) {
    for (const { name, value } of this.stateTensors()) {
      const t = tensors.get(name);
      if (!t || t.data.length !== value.size) {
        throw new Error(
          `optimizer state ${name}: expected ${value.size} values, found ${
            t ? t.data.length : "none"
          }`,
        );
      }
      value.write(t.data as Float32Array<ArrayBuffer>);
    }
    this.steps = steps;
  }

  /** Applies one update with the gradients left by `backward()`; parameters without one wait. */
  step() {
    this.steps++;
    const g = gpu();
    g.upload(this.hyper, new Float32Array(this.hyperParameters()));
    this.params.forEach((p, i) => {
      const grad = p.value.grad;
      if (!grad) return;
      const n4 = Math.ceil(p.value.size / 4);
      const { groups, row } = grid1d(n4, WG);
      const s = this.state[i];
      // Big tensors are read through textures where the adapter profile says so; for small ones
      // the copies would cost more than the storage loads they save.
      const buffers = [grad.buffer, p.value.buffer, s.m.buffer, s.v ? s.v.buffer : null];
      const t = g.inputTextures(buffers, n4 * 4, n4 >= TEXTURE_MIN_VEC4S);
      g.run(optimKernel, this.entry, {
        constants: BY_TEXTURES[t.TEXTURES],
        params: { n4, row },
        bindings: {
          hyper4: this.hyper,
          grad: grad.buffer,
          param: p.value.buffer,
          m: s.m.buffer,
          v: s.v ? s.v.buffer : null,
          gradT: t.bindings[0],
          paramT: t.bindings[1],
          mT: t.bindings[2],
          vT: s.v ? t.bindings[3] : null,
        },
      }, groups);
      t.release();
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

export interface RmspropOptions {
  lr?: number;
  /** Decay of the running mean of squared gradients (PyTorch's `alpha`). */
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
}

/**
 * RMSprop with PyTorch's update (not centered; eps added outside the square root) and Keras's
 * defaults (lr 1e-3, alpha 0.9, eps 1e-7), which suit our short runs better than PyTorch's lr 0.01.
 */
export class Rmsprop extends Optimizer {
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  constructor(params: Param[], o: RmspropOptions = {}) {
    // The kernel uses the momentum buffer (m) unconditionally; it stays cheap at momentum 0.
    super(params, o.lr ?? 1e-3, "rmsprop", true);
    this.alpha = o.alpha ?? 0.9;
    this.eps = o.eps ?? 1e-7;
    this.weightDecay = o.weightDecay ?? 0;
    this.momentum = o.momentum ?? 0;
  }
  protected hyperParameters() {
    return [this.lr, this.alpha, this.eps, this.weightDecay, this.momentum, 0, 0, 0];
  }
}
