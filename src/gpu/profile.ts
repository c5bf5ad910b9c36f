// The one place that decides, per adapter, which strategy each op runs and with which tuning
// constants. Ops read `gpu().profile`; nothing else in src/ asks what the adapter is. Each field
// carries the measurement behind it (docs/engine.md has the figures and dates).
import type { AdapterReport } from "./adapter_report.ts";

/** How a matrix product is run (src/ops/matmul/matmul.ts says what each strategy is). */
export type MatmulStrategy = "texture" | "register" | "tiled" | "tiled8";

/** Every matmul strategy (tests and the autotuner iterate them). */
export const MATMUL_STRATEGIES: readonly MatmulStrategy[] = [
  "texture",
  "register",
  "tiled",
  "tiled8",
];

/** Which strategy each op runs on an adapter, and its tuning constants. */
export interface AdapterProfile {
  /**
   * "software-vulkan" and "software-gl" are Mesa's llvmpipe through those APIs;
   * "software-swiftshader" is Chromium's software fallback adapter (SwiftShader).
   */
  readonly name: "software-vulkan" | "software-gl" | "software-swiftshader" | "gpu";
  /**
   * Memory-bound kernels read their big inputs through texture copies (`Gpu.inputTextures`):
   * on llvmpipe a texel fetch is a vectorised gather and a storage load a per-lane loop (about
   * 3× faster there); real GPUs coalesce storage loads, so there the copies would be pure cost.
   */
  textureInputs: boolean;
  /**
   * matmul: "texture" (llvmpipe's Vulkan path: generated register tiles reading textures),
   * "register" (llvmpipe's GL path compiles big unrolled tiles very slowly, ~50 s for 32×16, so
   * plain 8×8 register tiles), "tiled" / "tiled8" (64×64 workgroup-memory blocks, 4×4 or 8×8
   * outputs per invocation: real GPUs). The autotuner (src/gpu/tune.ts) replaces this default per
   * product shape where it has measured another strategy faster on the adapter.
   */
  matmul: MatmulStrategy;
  /**
   * The strategies the autotuner (src/gpu/tune.ts) times against `matmul` here. The GL path
   * leaves "texture" out: its unrolled 16×12 tiles compile there for ~14 s (src/ops/matmul/generate.ts),
   * longer than a whole tune may take.
   */
  matmulCandidates: readonly MatmulStrategy[];
  /**
   * Invocations per workgroup of the column-reduction passes (batch-norm statistics and
   * gradients, sumRows, the direct convolution's weight gradient): llvmpipe runs a workgroup's
   * invocations as SIMD lanes of one thread, so 8 keeps its partial sums in registers; a GPU
   * wants at least a warp (64).
   */
  reductionWorkgroup: number;
  /** Rows each workgroup of those passes sums before one partial result is written. */
  rowsPerSlice: number;
  /** sumRows' rows per slice (its rows are short: twice batch norm's keeps the passes balanced). */
  sumRowsPerSlice: number;
  /**
   * conv2d's 3×3 stride-1 layers run Winograd F(2×2, 3×3) when the algorithm is "auto". On
   * llvmpipe a 3×3 convolution's forward and backward at the zoo's shapes ran 1.3-4.5× faster than
   * by im2col (bench/winograd_probe.ts, alternating rounds); no GPU has measured it yet, but its
   * 2.25× fewer multiplies for ~1.5× the data movement should not lose there either.
   */
  winograd: boolean;
  /**
   * conv2d without gradients runs the direct kernel for inputs of at most this many channels.
   * With C input channels im2col's matmul has K = 9C: at C = 1 it mostly moves the patch matrix.
   * On llvmpipe (bench/conv1_probe.ts, batch 128, alternating rounds) the direct forward ran
   * 1.1-1.65× faster than im2col's at the zoo's first layers, but forward + weight gradient
   * 0.6-0.9× as fast, and a cnn or resnet training step was unchanged within noise: so it is the
   * default only where no gradient is recorded.
   */
  directMaxChannels: number;
}

const SOFTWARE_VULKAN: AdapterProfile = {
  name: "software-vulkan",
  textureInputs: true,
  matmul: "texture",
  matmulCandidates: MATMUL_STRATEGIES,
  reductionWorkgroup: 8,
  rowsPerSlice: 256,
  sumRowsPerSlice: 512,
  winograd: true,
  directMaxChannels: 1,
};

const GPU: AdapterProfile = {
  name: "gpu",
  textureInputs: false,
  matmul: "tiled",
  matmulCandidates: MATMUL_STRATEGIES,
  reductionWorkgroup: 64,
  rowsPerSlice: 256,
  sumRowsPerSlice: 512,
  // Not yet measured on a GPU against im2col: kept as on llvmpipe.
  winograd: true,
  directMaxChannels: 1,
};

/** Every profile, by name: tests force each one on llvmpipe so that every path stays checked. */
export const PROFILES: Readonly<Record<AdapterProfile["name"], AdapterProfile>> = {
  "software-vulkan": SOFTWARE_VULKAN,
  "software-gl": {
    ...SOFTWARE_VULKAN,
    name: "software-gl",
    matmul: "register",
    matmulCandidates: MATMUL_STRATEGIES.filter((s) => s !== "texture"),
  },
  gpu: GPU,
  // SwiftShader (Chromium's WebGPU on a machine without a GPU) runs the GPU profile except for
  // the matmul: its 64×64 workgroup-tiled kernel both compiles slowly there (1.6-2.9 s a pipeline
  // against 0.7-1.5 s for the register kernel) and runs slowly (the page's cnn trained at
  // 7-9 images/s against 43-62 with "register"; docs/browser-page.md has the figures).
  "software-swiftshader": { ...GPU, name: "software-swiftshader", matmul: "register" },
};

/** Mesa's software rasteriser (llvmpipe), which the software profiles are tuned for. */
export function isLlvmpipe(adapter: { description: string }): boolean {
  return adapter.description.includes("llvmpipe");
}

/**
 * The API a software adapter runs through: Mesa's llvmpipe reports a subgroup size of 8 through
 * Vulkan (lavapipe) and none through GL; "unknown" for every other adapter.
 */
export function adapterBackend(
  info: { description: string },
  subgroupMaxSize: number,
): "vulkan" | "gl" | "unknown" {
  if (!isLlvmpipe(info)) return "unknown";
  return subgroupMaxSize === 8 ? "vulkan" : "gl";
}

/** A software rasteriser or WebGPU's fallback adapter: its figures are not GPU figures. */
export function isSoftwareAdapter(
  a: Pick<AdapterReport, "description"> & Partial<AdapterReport>,
): boolean {
  if (a.isFallbackAdapter) return true;
  const text = `${a.description} ${a.vendor ?? ""} ${a.architecture ?? ""}`;
  return /llvmpipe|lavapipe|softpipe|swiftshader|software|basic render/i.test(text);
}

/** Chromium's software adapter, SwiftShader (its description is often empty: vendor "google"). */
export function isSwiftShader(
  adapter: Pick<AdapterReport, "description"> & Partial<AdapterReport>,
): boolean {
  return /swiftshader/i.test(`${adapter.description} ${adapter.architecture ?? ""}`);
}

/**
 * The profile for an adapter: llvmpipe's by its backend, SwiftShader's, every other adapter
 * "gpu".
 */
export function profileFor(
  adapter: Pick<AdapterReport, "description" | "backend"> & Partial<AdapterReport>,
): AdapterProfile {
  if (isSwiftShader(adapter)) return PROFILES["software-swiftshader"];
  if (!isLlvmpipe(adapter)) return PROFILES.gpu;
  return adapter.backend === "gl" ? PROFILES["software-gl"] : PROFILES["software-vulkan"];
}
