// Pipelines of kernels/quant_*.wgsl. Like Gpu.pipeline, but the matrix products
// (kernels/quant_matmul*.wgsl) are compiled without their dot4I8Packed call where the implementation lacks the WGSL language feature
// packed_4x8_integer_dot_product (a call to a built-in it does not have fails the whole module,
// even where never reached), and gets the UNPACK constant of the chosen Dot4Mode.

import type { Gpu } from "../gpu/gpu.ts";
import { kernelText } from "../platform/mod.ts";

export const DOT4_FEATURE = "packed_4x8_integer_dot_product";

/** Whether this WebGPU implementation offers WGSL's packed 4×8-bit integer dot product. */
export function hasPackedDot4(): boolean {
  const features = (navigator.gpu as unknown as { wgslLanguageFeatures?: Set<string> })
    ?.wgslLanguageFeatures;
  return Boolean(features?.has(DOT4_FEATURE));
}

/**
 * How the int8 four-way products are computed: "dot4I8Packed" (WGSL's built-in, one instruction
 * on GPUs with dp4a-style hardware) or "unpacked" (bytes sign-extended to i32 by shifts and
 * multiplied in i32, each loaded word unpacked once per register tile: any adapter). Both give
 * the same int32 sums.
 */
export type Dot4Mode = "dot4I8Packed" | "unpacked";

/**
 * The built-in wherever the implementation has it (GPUs with dp4a-style instructions run it as
 * one instruction), else "unpacked". On llvmpipe, which emulates the built-in, neither was
 * consistently faster: each led on some of the zoo's networks, in alternating rounds on a busy
 * machine (results/quantization.json times both).
 */
export function defaultDot4Mode(): Dot4Mode {
  return hasPackedDot4() ? "dot4I8Packed" : "unpacked";
}

export class QuantKernels {
  private modules = new Map<string, GPUShaderModule>();
  private pipelines = new Map<string, GPUComputePipeline>();

  readonly dot4: Dot4Mode;

  constructor(readonly gpu: Gpu, dot4?: Dot4Mode) {
    this.dot4 = dot4 ?? defaultDot4Mode();
    if (this.dot4 === "dot4I8Packed" && !hasPackedDot4()) {
      throw new Error(`dot4I8Packed: this WebGPU implementation lacks ${DOT4_FEATURE}`);
    }
  }

  /** The pipeline for `entry` of `src/<kernel>.wgsl` (a key: "quant/quant_conv") with override constants. */
  pipeline(kernel: string, entry: string, constants: Record<string, number>): GPUComputePipeline {
    if (kernel.startsWith("quant/quant_matmul")) {
      constants = { ...constants, UNPACK: this.dot4 === "unpacked" ? 1 : 0 };
    }
    const key = `${kernel}:${entry}:${JSON.stringify(constants)}`;
    let p = this.pipelines.get(key);
    if (p) return p;
    let module = this.modules.get(kernel);
    if (!module) {
      let code = kernelText(kernel);
      if (!hasPackedDot4()) code = code.replaceAll("dot4I8Packed(", "dot4_shifts(");
      module = this.gpu.device.createShaderModule({ label: kernel, code });
      this.modules.set(kernel, module);
    }
    p = this.gpu.device.createComputePipeline({
      label: `${kernel}.${entry}`,
      layout: "auto",
      compute: { module, entryPoint: entry, constants },
    });
    this.pipelines.set(key, p);
    this.gpu.check(`compiling src/${kernel}.wgsl entry ${entry} (${this.dot4})`);
    return p;
  }
}
