import { type Gpu, paddedBytes } from "../gpu/gpu.ts";

/**
 * The engine state every op shares: the device, the tape of the current step, and the arena of
 * step-scoped buffers. One engine per process keeps the op signatures short (`relu(x)`, not
 * `relu(gpu, tape, x)`), the way micrograd's `Value` carries its graph implicitly.
 */
export const engine = {
  gpu: null as Gpu | null,
  /** Ops recorded since the last `backward()`/`endStep()`, in execution order. */
  tape: [] as Tensor[],
  /** Tensors whose buffers return to the pool at `endStep()`. */
  arena: [] as Tensor[],
  /** False inside `noGrad()`: ops then record nothing on the tape. */
  gradEnabled: true,
};

export function useGpu(gpu: Gpu) {
  engine.gpu = gpu;
}

export function gpu(): Gpu {
  if (!engine.gpu) throw new Error("no GPU: call useGpu(await Gpu.create()) first");
  return engine.gpu;
}

export type DType = "f32" | "u32";

/**
 * A GPU buffer with a shape. Activations are NHWC. A tensor made by an op that needs gradients
 * carries the closure that pushes its gradient to its inputs (`backwardFn`), defined by the op
 * next to its forward dispatch.
 *
 * A view (`Tensor.view`, `relocate`: the optimizer's parameters, gradients and moments, segments
 * of its flat buffers) is `size` elements of a shared buffer from byte `offset` (a multiple of
 * 256, WebGPU's minStorageBufferOffsetAlignment, so that a kernel can bind it): `read`, `write` and
 * `reshape` keep to its range, and a kernel binds it by `binding` (its byte range); every op binds
 * every tensor that way, and copies start at `offset`.
 */
export class Tensor {
  grad: Tensor | null = null;
  /**
   * Where an op writes this tensor's gradient when it is the first contribution of a step
   * (`gradientOutput`): the optimizer's view of its flat gradient buffer for a parameter it has
   * laid out, so that the step needs no copy; null elsewhere.
   */
  gradTarget: Tensor | null = null;
  backwardFn: (() => void) | null = null;
  readonly size: number;

  /** Where the elements live: the whole buffer, or for a view the buffer it shares. */
  get buffer(): GPUBuffer {
    return this.storage;
  }
  /** Where element 0 sits in `buffer`, in bytes (0 for a whole-buffer tensor). */
  get offset(): number {
    return this.at;
  }
  /** Whether `buffer` is shared (a view): its owner, not this tensor, frees it. */
  get isView(): boolean {
    return this.shared;
  }

  constructor(
    readonly shape: readonly number[],
    private storage: GPUBuffer,
    public requiresGrad = false,
    readonly dtype: DType = "f32",
    /** Parameters and other long-lived tensors are not returned to the pool at `endStep()`. */
    readonly persistent = false,
    private at = 0,
    private shared = at !== 0,
  ) {
    this.size = shape.reduce((a, b) => a * b, 1);
  }

  /**
   * Moves a persistent tensor's elements to `buffer` from byte `offset` (a view when `shared`),
   * where its owner has put them: the optimizer lays its parameters out in its flat buffer this
   * way (`Optimizer`), and gives them buffers of their own back. Copies nothing; commands already
   * recorded keep the old place, so it happens between steps.
   */
  relocate(buffer: GPUBuffer, offset: number, shared: boolean) {
    if (!this.persistent) throw new Error("relocate: only a persistent tensor can move");
    if (offset % VIEW_ALIGNMENT || offset + this.bindingBytes() > buffer.size) {
      throw new Error(
        `relocate of [${this.shape}] to byte ${offset} of a ${buffer.size}-byte buffer`,
      );
    }
    this.storage = buffer;
    this.at = offset;
    this.shared = shared;
  }

  /**
   * A persistent view of `shape` into `buffer` from byte `offset` (a multiple of 256; the range,
   * padded to 16 bytes, must lie inside the buffer). Its owner frees the buffer.
   */
  static view(buffer: GPUBuffer, offset: number, shape: readonly number[]): Tensor {
    const t = new Tensor(shape, buffer, false, "f32", true, offset, true);
    if (offset % VIEW_ALIGNMENT || offset + t.bindingBytes() > buffer.size) {
      throw new Error(`view of [${shape}] at byte ${offset} of a ${buffer.size}-byte buffer`);
    }
    return t;
  }

  /**
   * What a kernel binds to reach the elements: the whole buffer, or for a view its range (padded
   * to 16 bytes, as every buffer is, for kernels that read vec4s).
   */
  get binding(): GPUBuffer | { buffer: GPUBuffer; offset: number; size: number } {
    if (!this.shared) return this.buffer;
    return { buffer: this.buffer, offset: this.offset, size: this.bindingBytes() };
  }

  private bindingBytes(): number {
    return Math.max(16, Math.ceil(this.size / 4) * 16);
  }

  /**
   * Frees the tensor's buffer at once (a view leaves its owner's alone); it cannot be used
   * afterwards. Work already submitted still completes.
   */
  destroy() {
    if (!this.shared) this.storage.destroy();
    this.destroyed = true;
  }

  /** Whether `destroy()` was called. */
  destroyed = false;

  /** A step-scoped tensor from the buffer pool (uninitialised). */
  static empty(shape: readonly number[], dtype: DType = "f32"): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const t = new Tensor(shape, gpu().alloc(n * 4), false, dtype);
    engine.arena.push(t);
    return t;
  }

  /** A tensor holding `data`; step-scoped unless `persistent`. */
  static from(
    data: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>,
    shape: readonly number[],
    opts: { requiresGrad?: boolean; persistent?: boolean } = {},
  ): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new Error(`data length ${data.length} != shape ${shape} (${n})`);
    const dtype: DType = data instanceof Uint32Array ? "u32" : "f32";
    const g = gpu();
    const buffer = opts.persistent
      ? g.device.createBuffer({
        size: paddedBytes(n * 4),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      })
      : g.alloc(n * 4);
    g.upload(buffer, data);
    const t = new Tensor(shape, buffer, opts.requiresGrad ?? false, dtype, opts.persistent);
    if (!opts.persistent) engine.arena.push(t);
    return t;
  }

  /** A persistent tensor of zeros (parameters' optimizer state, running statistics). */
  static zeros(shape: readonly number[], persistent = true): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    return Tensor.from(new Float32Array(n), shape, { persistent });
  }

  /** Same buffer, another shape with as many elements (free: no copy, no dispatch). */
  reshape(shape: readonly number[]): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== this.size) throw new Error(`cannot reshape [${this.shape}] to [${shape}]`);
    const t = new Tensor(shape, this.buffer, false, this.dtype, true, this.offset, this.shared);
    if (this.requiresGrad && engine.gradEnabled) {
      t.requiresGrad = true;
      t.backwardFn = () => accumulate(this, t.grad!.reshape(this.shape));
      engine.tape.push(t);
    }
    return t;
  }

  /** Copies the values back to the CPU (submits pending work and waits: never inside a step). */
  async read(): Promise<Float32Array> {
    const bytes = await gpu().read(this.buffer, this.size * 4, this.offset);
    return new Float32Array(bytes);
  }

  /** Overwrites the values (queue order: before any command recorded but not yet submitted). */
  write(data: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>) {
    if (data.length !== this.size) throw new Error(`write of ${data.length} into [${this.shape}]`);
    gpu().upload(this.buffer, data, this.offset);
  }
}

/** Byte alignment of a view's offset: WebGPU's default minStorageBufferOffsetAlignment. */
export const VIEW_ALIGNMENT = 256;

/**
 * The tensor an op writes `t`'s gradient into before `accumulate(t, ·)`: `t.gradTarget` for the
 * first contribution of a tensor that needs a gradient, else a step-scoped one of `t`'s shape.
 */
export function gradientOutput(t: Tensor): Tensor {
  if (t.gradTarget && t.requiresGrad && !t.grad) return t.gradTarget;
  return Tensor.empty(t.shape);
}

/** Adds `g` to `t.grad` (the first contribution is taken as is: no zeroing pass needed). */
export function accumulate(t: Tensor, g: Tensor) {
  if (!t.requiresGrad) return;
  if (!t.grad) t.grad = g;
  else t.grad = addInto(t.grad, g);
}

/** Registered by the elementwise ops module; kept indirect to avoid an import cycle. */
let addInto: (a: Tensor, b: Tensor) => Tensor = () => {
  throw new Error("elementwise ops not loaded");
};
export function setGradAdder(fn: (a: Tensor, b: Tensor) => Tensor) {
  addInto = fn;
}

/** Records `out` on the tape with its backward closure when any input needs a gradient. */
export function record(out: Tensor, inputs: readonly Tensor[], backward: () => void): Tensor {
  if (engine.gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.backwardFn = backward;
    engine.tape.push(out);
  }
  return out;
}

/**
 * Runs the tape backwards from `root`. With no `seed`, `root` must be a loss whose op already
 * knows its gradient (d loss / d loss = 1); with a seed, that tensor is root's upstream gradient.
 */
export function backward(root: Tensor, seed?: Tensor) {
  if (!root.requiresGrad) throw new Error("backward() on a tensor that does not need gradients");
  runBackward(engine.tape, root, seed ?? null);
  engine.tape.length = 0;
}

/**
 * The walk behind `backward()` over recorded `ops` (a slice of the tape, oldest first), leaving
 * the tape as it is: benchmarks replay one layer's backward several times this way.
 */
export function runBackward(ops: readonly Tensor[], root: Tensor, seed: Tensor | null) {
  root.grad = seed;
  for (let i = ops.length - 1; i >= 0; i--) {
    const t = ops[i];
    if (t === root || t.grad) t.backwardFn!();
  }
}

/** Runs `fn` without recording any backward closures (inference, evaluation). */
export function noGrad<T>(fn: () => T): T {
  const was = engine.gradEnabled;
  engine.gradEnabled = false;
  try {
    return fn();
  } finally {
    engine.gradEnabled = was;
  }
}

/**
 * Ends a step: submits its commands, then returns every step-scoped buffer to the pool. Because
 * a step allocates the same sizes in the same order each time, the next step gets the same
 * buffers back and every cached bind group hits.
 */
export function endStep() {
  gpu().submit();
  releaseStep();
}

/**
 * `endStep()` without the submit: the step's buffers go back to the pool while its commands are
 * still being recorded (safe: the queue orders every later use after them), for a step that is
 * captured (`Gpu.capture` submits it).
 */
export function releaseStep() {
  const g = gpu();
  for (const t of engine.arena) g.release(t.buffer);
  engine.arena.length = 0;
  engine.tape.length = 0;
}
