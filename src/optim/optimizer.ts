import { gpu, Tensor } from "../autograd/tensor.ts";
import { grid1d } from "../autograd/dispatch.ts";
import type { StepValues } from "../autograd/step_values.ts";
import { defineKernel } from "../gpu/kernel.ts";
import { paddedBytes } from "../gpu/gpu.ts";
import { chunkFlags, type FlatLayout, flatLayout, WG } from "./flat.ts";

/**
 * optim.wgsl: adam, sgd, rmsprop over the optimizer's flat buffers (layout: flat.ts), one
 * invocation per vec4 (n4 = the buffers' length / 4). Each reads the hyper-parameters from
 * `hyper4` (written once per step) and its chunk's `flags`, and updates `param` and the moments `m`
 * (and `v`: Adam, RMSprop) in place; gradT, paramT, mT, vT are texture copies of the same, read
 * instead of the buffers where the adapter profile says so.
 */
export const optimKernel = defineKernel({
  source: "optim/optim",
  workgroupSize: 256,
  params: { n4: "u32", row: "u32" },
  bindings: {
    /** The optimizer's hyper-parameters: 8 floats, their order per entry in optim.wgsl. */
    hyper4: "uniform array<vec4f, 2>",
    /** Per chunk of WG vec4s: UPDATE (1) | DECAY (2), see flat.ts. */
    flags: "read array<u32>",
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
    adam: ["p", "hyper4", "flags", "grad", "param", "m", "v", "gradT", "paramT", "mT", "vT"],
    sgd: ["p", "hyper4", "flags", "grad", "param", "m", "gradT", "paramT", "mT"],
    rmsprop: ["p", "hyper4", "flags", "grad", "param", "m", "v", "gradT", "paramT", "mT", "vT"],
  },
});

/** Override constants by the textures' TEXTURES. */
const BY_TEXTURES = [{ WG, TEXTURES: 0 }, { WG, TEXTURES: 1 }];
/** Flat buffers of at least this many vec4s are read through textures (see `step`). */
const TEXTURE_MIN_VEC4S = 4096;

/** A trainable tensor with a name (the key it is saved under). */
export interface Param {
  name: string;
  value: Tensor;
}

/** What every optimizer takes besides its own hyper-parameters. */
export interface DecayMask {
  /**
   * Which parameters weight decay applies to (default: all of them, as PyTorch's single parameter
   * group does). A mask, not a rate: the others get none.
   */
  decays?: (p: Param) => boolean;
}

/**
 * Base of the optimizers: one dispatch per step updates every parameter. The optimizer keeps its
 * parameters, their gradients and its moments in flat GPU buffers of `layout.floats` f32 each,
 * parameter i's `size` elements from float `layout.offsets[i]` (segments aligned to 4 KiB, see
 * flat.ts); its moments are views into theirs (`stateTensors`), and so are the parameters: the
 * optimizer lays them out in its parameter buffer when it is made (their tensors become views,
 * `Tensor.relocate`; ops bind a view's range) and gives them buffers of their own back at
 * `dispose()`. Ops write the gradients into the flat gradient buffer (`Tensor.gradTarget`); a
 * step copies those they could not (a buffer-to-buffer copy, no dispatch) and runs one dispatch
 * that updates the parameters in place. Parameters without a
 * gradient that step (frozen ones among them) are left alone, their chunks' flags off, as the
 * per-tensor optimizer skipped them.
 *
 * The step's hyper-parameters (learning rate, Adam's bias corrections, and the constant ones
 * beside them) live in one 32-byte uniform buffer written once per step (queue.writeBuffer), so
 * the dispatch, its bind group and the copies are the same commands every step.
 */
export abstract class Optimizer {
  /** Learning rate of the next step; schedules set it before `step()`. */
  lr: number;
  steps = 0;
  /** Where each parameter sits in the flat buffers. */
  readonly layout: FlatLayout;
  protected readonly hyper: GPUBuffer;
  /** The flat buffers: parameters, gradients, moments (v null for SGD) and per-chunk flags. */
  protected readonly flat: {
    param: GPUBuffer;
    grad: GPUBuffer;
    m: GPUBuffer;
    v: GPUBuffer | null;
    flags: GPUBuffer;
  };
  /** Per parameter: its moments, views into `flat.m` and `flat.v`. */
  protected readonly state: { m: Tensor; v: Tensor | null }[];
  private readonly decays: boolean[];
  /** Which parameters the flags last written mark for update (null: none written yet). */
  private updating: boolean[] | null = null;
  /** Where the hyper-parameters go: a training loop's step values, or null (own `hyper`). */
  private stepValues: StepValues | null = null;

  constructor(
    readonly params: Param[],
    lr: number,
    private entry: "adam" | "sgd" | "rmsprop",
    needsV: boolean,
    mask: DecayMask = {},
  ) {
    this.lr = lr;
    if (new Set(params.map((p) => p.value)).size !== params.length) {
      throw new Error("optimizer: a parameter tensor is given twice");
    }
    const g = gpu();
    this.hyper = g.device.createBuffer({
      size: 32,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.layout = flatLayout(params.map((p) => p.value.size));
    const bytes = this.layout.floats * 4;
    const storage = () =>
      g.device.createBuffer({
        size: paddedBytes(bytes), // whole texture rows: one copy each when read as textures
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
    this.flat = {
      param: storage(),
      grad: storage(),
      m: storage(),
      v: needsV ? storage() : null,
      flags: g.device.createBuffer({
        size: bytes / (4 * WG),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      }),
    };
    this.adopt();
    const { m, v } = this.flat;
    this.state = params.map((p, i) => {
      const at = this.layout.offsets[i] * 4;
      return { m: Tensor.view(m, at, p.value.shape), v: v && Tensor.view(v, at, p.value.shape) };
    });
    this.decays = params.map((p) => mask.decays?.(p) ?? true);
  }

  protected abstract hyperParameters(): number[];

  /** Whether parameter i's tensor is (still) the view of its segment of `flat.param`. */
  private adopted(i: number): boolean {
    const t = this.params[i].value;
    return t.buffer === this.flat.param && t.offset === this.layout.offsets[i] * 4;
  }

  /**
   * Lays the parameters out in `flat.param`: each one's values are copied to its segment and its
   * tensor becomes a view of it (`Tensor.relocate`), so that a step updates them in place; their
   * own buffers are freed once the copies are submitted. Tensors that are views already (of
   * another optimizer's buffer, or of a buffer their caller owns) stay where they are, and a step
   * copies them in and out (see `recordStep`).
   */
  private adopt() {
    const g = gpu();
    const adopted = this.params.map(({ value }) => value).filter((t) => !t.isView);
    if (!adopted.length) return;
    this.params.forEach(({ value }, i) => {
      if (value.isView) return;
      g.copy(value.buffer, this.flat.param, value.size * 4, this.layout.offsets[i] * 4);
    });
    g.submit();
    const buffers = adopted.map((t) => t.buffer);
    this.params.forEach(({ value }, i) => {
      if (value.isView) return;
      const at = this.layout.offsets[i] * 4;
      value.relocate(this.flat.param, at, true);
      // Ops write a gradient straight into its segment where the view's range holds exactly the
      // parameter (no vec4 lanes past it, which the update would then write into the parameter's
      // padding, kept zero).
      if (value.size % 4 === 0) value.gradTarget = Tensor.view(this.flat.grad, at, value.shape);
    });
    for (const b of buffers) b.destroy();
  }

  /**
   * Frees the flat buffers on the GPU (see Sequential.dispose); the optimizer cannot step after.
   * Parameters still laid out in them get buffers of their own back, holding their values, so
   * the network stays usable (those of a disposed network are left alone).
   */
  dispose(): void {
    const g = gpu();
    this.params.forEach(({ value }, i) => {
      if (!this.adopted(i) || value.destroyed) return;
      const own = g.device.createBuffer({
        size: paddedBytes(value.size * 4),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      g.copy(this.flat.param, own, value.size * 4, 0, value.offset);
      value.relocate(own, 0, false);
      value.gradTarget = null;
    });
    g.submit();
    for (const b of Object.values(this.flat)) b?.destroy();
    this.hyper.destroy();
  }

  /**
   * The moment tensors, named after their parameter (`m.<param>`, `v.<param>`), for a training
   * checkpoint: with them and `steps`, a resumed run takes exactly the updates the interrupted
   * one would have. They are views into the flat moment buffers.
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

  /**
   * Puts the hyper-parameters into `values` (a training loop's per-step buffer, written once
   * per step by its owner) instead of this optimizer's own uniform buffer; null goes back.
   */
  useStepValues(values: StepValues | null) {
    this.stepValues = values;
  }

  /**
   * Counts the step and sets its hyper-parameters (learning rate, Adam's bias corrections): a
   * queue write of the optimizer's own uniform, or into the step values (`useStepValues`), which
   * their owner writes. `step()` does it first; a replayed step (`Gpu.capture`) calls it alone.
   */
  prepareStep() {
    this.steps++;
    const hyper = this.hyperParameters();
    if (this.stepValues) this.stepValues.hyper.set(hyper);
    else gpu().upload(this.hyper, new Float32Array(hyper));
  }

  /**
   * Applies one update with the gradients left by `backward()`; parameters without one wait.
   * Records copies and one dispatch; the hyper-parameters (and, when which parameters have a
   * gradient changes, the flags) are queue writes, which take effect before every command not yet
   * submitted: submit (`endStep()`) between two steps.
   */
  step() {
    this.prepareStep();
    this.recordStep();
  }

  /** The update's commands (`step()` without `prepareStep()`): copies and one dispatch. */
  recordStep() {
    const g = gpu();
    const update = this.params.map((p) => p.value.grad !== null);
    if (!update.includes(true)) return;
    if (!this.updating || update.some((u, i) => u !== this.updating![i])) {
      g.upload(this.flat.flags, chunkFlags(this.layout, update, this.decays));
      this.updating = update;
    }
    const { param, grad, m, v, flags } = this.flat;
    // Parameters laid out in `param` (see `adopt`) are updated in place, the others copied in
    // and out; gradients that ops wrote into `grad` (`Tensor.gradTarget`) need no copy.
    const adopted = this.params.map((_, i) => this.adopted(i));
    this.params.forEach((p, i) => {
      const gradient = p.value.grad;
      if (!gradient) return;
      const at = this.layout.offsets[i] * 4;
      const bytes = p.value.size * 4;
      if (gradient.buffer !== grad || gradient.offset !== at) {
        g.copy(gradient.buffer, grad, bytes, at, gradient.offset);
      }
      if (!adopted[i]) g.copy(p.value.buffer, param, bytes, at, p.value.offset);
    });
    const n4 = this.layout.floats / 4;
    const { groups, row } = grid1d(n4, WG);
    // Big buffers are read through textures where the adapter profile says so; for small ones
    // the copies would cost more than the storage loads they save.
    const t = g.inputTextures([grad, param, m, v], n4 * 4, n4 >= TEXTURE_MIN_VEC4S);
    g.run(optimKernel, this.entry, {
      constants: BY_TEXTURES[t.TEXTURES],
      params: { n4, row },
      bindings: {
        hyper4: this.stepValues?.hyperBinding ?? this.hyper,
        flags,
        grad,
        param,
        m,
        v,
        gradT: t.bindings[0],
        paramT: t.bindings[1],
        mT: t.bindings[2],
        vT: v ? t.bindings[3] : null,
      },
    }, groups);
    t.release();
    this.params.forEach((p, i) => {
      if (!p.value.grad) return;
      if (!adopted[i]) {
        g.copy(param, p.value.buffer, p.value.size * 4, p.value.offset, this.layout.offsets[i] * 4);
      }
      p.value.grad = null;
    });
  }
}

export interface AdamOptions extends DecayMask {
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
    super(params, o.lr ?? 1e-3, "adam", true, o);
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

export interface SgdOptions extends DecayMask {
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
    super(params, o.lr ?? 0.01, "sgd", false, o);
    this.momentum = o.momentum ?? 0.9;
    this.weightDecay = o.weightDecay ?? 0;
    this.nesterov = o.nesterov ?? false;
  }
  protected hyperParameters() {
    return [this.lr, this.momentum, this.weightDecay, this.nesterov ? 1 : 0, 0, 0, 0, 0];
  }
}

export interface RmspropOptions extends DecayMask {
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
    super(params, o.lr ?? 1e-3, "rmsprop", true, o);
    this.alpha = o.alpha ?? 0.9;
    this.eps = o.eps ?? 1e-7;
    this.weightDecay = o.weightDecay ?? 0;
    this.momentum = o.momentum ?? 0;
  }
  protected hyperParameters() {
    return [this.lr, this.alpha, this.eps, this.weightDecay, this.momentum, 0, 0, 0];
  }
}
