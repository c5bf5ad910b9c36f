// What a layer type declares (LayerType) and the shapes it plans and builds, shared by every file
// of src/nn/layers/ and by the engine that reads them (src/nn/layers.ts, nn/check.ts, io/torch.ts,
// quant/graph.ts, quant/quantize.ts). Types only: a layer file imports these, the registry
// (mod.ts) imports the layer files, and nothing here imports either.
import type { Tensor } from "../../autograd/tensor.ts";
import type { StepValues } from "../../autograd/step_values.ts";
import type { Param } from "../../optim/optimizer.ts";
import type { Rng } from "../../util/random.ts";
import type { QOp, QOpKind, QParams, QuantizedTensors, RuntimeOp } from "../../quant/types.ts";

/** What every layer spec has: config.json's `type`, the key of its LayerType in the registry. */
export interface SpecBase {
  type: string;
}

export interface TensorPlan {
  name: string;
  shape: number[];
}

export interface ForwardContext {
  training: boolean;
  /** Changes every step so dropout masks differ; the same seed reproduces the same masks. */
  seed: number;
  /**
   * A planned training step's values (src/autograd/step_values.ts): dropout then reads the
   * step's seed on the GPU (`seed` is not used), so that the step can be replayed.
   */
  stepValues?: StepValues;
  /**
   * The caller reads layers' outputs between layers (feature maps, int8 calibration): a batch
   * norm then leaves the max pool it would absorb (`batchNormFusion`) to the max-pool layer, so
   * the layers between them give their own full-size outputs. The ReLU stays fused either way (its
   * layer's output is the batch norm's).
   */
  layerOutputs?: boolean;
}

/**
 * What a layer will be, known from its spec and input shape alone (no GPU): shapes, the names
 * and shapes of its tensors, its cost. Building, the summary table and the diagram all read this.
 * `S` is its spec's type, `C` its children's (a residual block's branches).
 */
export interface LayerPlanOf<S extends SpecBase = SpecBase, C extends SpecBase = SpecBase> {
  /** Unique and stable within a network: "3.conv2d", "5.residual.body.0.conv2d". */
  name: string;
  spec: S;
  inputShape: number[];
  /** Per-example output shape ([H, W, C] or [features]). */
  outputShape: number[];
  /** Trained tensors, in initialisation order, named `${name}.<role>` (checkpoint keys). */
  params: TensorPlan[];
  /** Saved with the weights but not trained (batchnorm's running statistics). */
  buffers: TensorPlan[];
  /** Multiply-adds ×2 (plus one per element for adds, ReLUs, pooling) per example, forward. */
  flops: number;
  /** A residual block's branches. */
  children?: { body: LayerPlanOf<C, C>[]; shortcut: LayerPlanOf<C, C>[] };
}

/** A built layer: its plan, with GPU tensors for its parameters and state, and its forward. */
export interface LayerOf<S extends SpecBase = SpecBase, C extends SpecBase = SpecBase>
  extends Omit<LayerPlanOf<S, C>, "params" | "buffers" | "children"> {
  params: Param[];
  buffers: Param[];
  children?: { body: LayerOf<C, C>[]; shortcut: LayerOf<C, C>[] };
  forward(x: Tensor, ctx: ForwardContext): Tensor;
}

/**
 * The fields of one untrusted layer spec (config.json), checked by src/nn/check.ts. Each check
 * refuses a wrong value with a one-line UserError naming the field's path
 * (`architecture.layers[3].kernel`) and what it must be.
 */
export interface SpecFields {
  /** The field's value as the file gives it (undefined when absent). */
  value(name: string): unknown;
  /** Refuses field `name`: "<path> <what>; fix the field or use the model's own config". */
  refuse(name: string, what: string): never;
  /** An integer from `lo` to `hi`; `or` starts the message ('"same" or '). */
  integer(name: string, lo: number, hi: number, opts?: { optional?: boolean; or?: string }): void;
  /** A number from `lo` to `hi`. */
  number(name: string, lo: number, hi: number, opts?: { optional?: boolean }): void;
  boolean(name: string, opts?: { optional?: boolean }): void;
  /** A list of layers, one residual level deeper (each checked, counted against the limits). */
  layers(name: string, opts?: { optional?: boolean }): void;
}

/** What `LayerType.plan` gets besides the spec and input shape. */
export interface PlanContext {
  /** The layer's name, "3.conv2d": messages start with it, tensors are named after it. */
  name: string;
  /** One of the layer's tensors: `${name}.${role}` of `shape`. */
  tensor(role: string, shape: number[]): TensorPlan;
  /** Plans nested layers (a residual block's branch) for `input`, named `${prefix}${i}.${type}`. */
  planLayers(specs: readonly SpecBase[], input: number[], prefix: string): LayerPlanOf[];
}

/** What `LayerType.plan` gives; the registry adds the name, spec and input shape. */
export interface PlanParts {
  outputShape: number[];
  flops: number;
  /** Trained tensors, in initialisation order (none when left out). */
  params?: TensorPlan[];
  /** Saved, not trained (none when left out). */
  buffers?: TensorPlan[];
  children?: { body: LayerPlanOf[]; shortcut: LayerPlanOf[] };
}

/**
 * The layers right after a layer that it runs inside its own forward (only a batch norm does:
 * see batchnorm.ts): the ReLU, and a max pool with its window, stride and index among the layers.
 */
export interface Fusion {
  relu: boolean;
  pool: { size: number; stride: number; index: number } | null;
}

/** What `LayerType.build` gets besides the plan. */
export interface BuildContext {
  rng: Rng;
  /** The ReLU and max pool after this layer that it applies itself (`LayerType.fuses`). */
  fuse: { relu: boolean; pool: { size: number; stride: number } | null };
  /** A trained tensor of `t`'s name and shape, element i = init(i), on the GPU. */
  param(t: TensorPlan, init: (i: number) => number): Param;
  /** He (Kaiming) normal init for `fanIn` inputs per output, drawing from `rng`. */
  he(fanIn: number): () => number;
  /** Builds nested planned layers (a residual block's branch). */
  buildLayers(plans: readonly LayerPlanOf[]): LayerOf[];
}

/** What `LayerType.build` gives; the registry adds the plan's fields. */
export interface BuiltParts {
  params?: Param[];
  buffers?: Param[];
  children?: { body: LayerOf[]; shortcut: LayerOf[] };
  forward(x: Tensor, ctx: ForwardContext): Tensor;
}

/**
 * Where a layer writes its tensors in PyTorch's layout (src/io/torch.ts, whose header gives the
 * mapping): the equivalent `torch.nn.Module`'s state-dict entries, in `state_dict()` order.
 */
export interface TorchLayout {
  /**
   * The [H, W, C] a flatten made the current features from (they are then in our
   * height-width-channel order, PyTorch's are channel-height-width); null when no reordering is
   * needed. A layer that changes it sets it.
   */
  flat: number[] | null;
  /**
   * Adds PyTorch tensor `${module}.${role}` of `shape`: its element i is our tensor `source`'s
   * element `offset + gather[i]` (`offset + i` without gather); `source` null for a counter we do
   * not keep (dtype I64).
   */
  add(
    role: string,
    shape: number[],
    source: string | null,
    gather?: Uint32Array | null,
    offset?: number,
    dtype?: "F32" | "I64",
  ): void;
  /** Lays out nested layers (a residual branch) starting from order `flat`; returns the order after them. */
  walk(plans: readonly LayerPlanOf[], flat: number[] | null): number[] | null;
}

/** What `Int8Form.group` gets besides the plans. */
export interface GroupContext {
  /** Throws "<model>: layer <name>: <why>; int8 quantization does not cover it" (a UserError). */
  refuse(plan: LayerPlanOf, why: string): never;
  /** Groups nested layers (a residual branch) into ops. */
  group(plans: readonly LayerPlanOf[]): QOp[];
}

/** What `Int8Form.compile` gets besides the op. */
export interface CompileContext {
  /** Activation parameters of the op's input and of its output (its own or, without, its input's). */
  input: QParams;
  output: QParams;
  /** The op's int8 tensors (from `Int8Form.quantize`). */
  tensors(name: string): QuantizedTensors;
  /** Compiles nested ops (a residual branch) whose input has parameters `input`. */
  compile(ops: readonly QOp[], input: QParams): RuntimeOp[];
  /** The parameters of what nested ops give (their input's when there are none: identity). */
  outputOf(ops: readonly QOp[], input: QParams): QParams;
}

/**
 * A layer type's int8 form (src/quant/): the op it becomes, its int8 tensors, its kernels'
 * constants. `O` is its op's type. A layer type without one is refused by int8 quantization.
 */
export interface Int8Form<O extends QOpKind = QOpKind> {
  /**
   * The op for layer `plans[i]` (of this type) and the layers after it that the op absorbs (a
   * convolution's batch norm and ReLU): `op` null when the layer vanishes (flatten, dropout),
   * `last` the index of the last layer it covers. Refuses (`g.refuse`) what int8 does not cover.
   */
  group(plans: readonly LayerPlanOf[], i: number, g: GroupContext): { op: O | null; last: number };
  /** Whether the op's output gets its own calibrated activation scale; true when left out. */
  ownScale?(op: O): boolean;
  /**
   * The op's int8 tensors from the f32 ones (`get` names a missing one), its input quantized with
   * `input`; left out when it has none.
   */
  quantize?(op: O, get: (name: string) => Float32Array, input: QParams): QuantizedTensors;
  /** The shape of the op's int8 weight (output channel first); left out when it has none. */
  weightShape?(op: O): number[];
  /** The op's kernel constants. */
  compile?(op: O, c: CompileContext): RuntimeOp;
}

/**
 * Everything about one layer type, in one place: one file per type in src/nn/layers/, registered
 * in mod.ts. `S` is its spec (config.json's object), `O` its int8 op.
 */
export interface LayerType<S extends SpecBase, O extends QOpKind = QOpKind> {
  /** config.json's `type`. */
  type: S["type"];
  /** Checks the fields of an untrusted spec of this type (src/nn/check.ts). */
  check(f: SpecFields): void;
  /**
   * Output shape, tensors and FLOPs for per-example input `input`. Throws a plain Error starting
   * with `p.name` when the spec does not fit its input.
   */
  plan(spec: S, input: number[], p: PlanContext): PlanParts;
  /**
   * Floats per example of the largest buffer a kernel binds for this layer besides its input and
   * output (a convolution's patch matrix); none when left out.
   */
  scratch?(plan: LayerPlanOf<S>): number;
  /** The later layers it runs inside its own forward (`plans[i]` is this layer). */
  fuses?(plans: readonly Pick<LayerPlanOf, "spec" | "inputShape">[], i: number): Fusion;
  /** Its parameters (initial values drawn from `b.rng`, in plan order) and its forward. */
  build(plan: LayerPlanOf<S>, b: BuildContext): BuiltParts;
  /** A short human description: "conv2d 3×3, 32 filters, stride 2". */
  describe(spec: S): string;
  /** Its tensors in PyTorch's layout; left out when it has none and keeps the features' order. */
  torch?(plan: LayerPlanOf<S>, t: TorchLayout): void;
  int8?: Int8Form<O>;
}
