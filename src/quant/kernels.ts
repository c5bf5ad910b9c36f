// The int8 kernels of src/quant/forward.ts, declared once by name (src/gpu/kernel.ts): their
// uniform parameters, bindings and each entry's uses. The matrix products come in two variants
// of one text: as written, and with WGSL's dot4I8Packed calls replaced by `dot4_shifts`, for
// implementations that lack the language feature packed_4x8_integer_dot_product (a call to a
// built-in they do not have fails the whole module, even where never reached). QuantKernels picks
// the variant and the products' UNPACK constant for a Dot4Mode.

import type { Gpu } from "../gpu/gpu.ts";
import { defineKernel, type Kernel, PARAMS } from "../gpu/kernel.ts";
import { kernelText } from "../platform/mod.ts";
import { FLAT_TEXTURE_WGSL, generateQuantMatmulTexture } from "./generate.ts";

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
 * one instruction), else "unpacked". On the software adapter, which emulates the built-in,
 * neither was consistently faster: each led on some of the zoo's networks, in alternating rounds
 * on a busy machine (results/quantization.json times both).
 */
export function defaultDot4Mode(): Dot4Mode {
  return hasPackedDot4() ? "dot4I8Packed" : "unpacked";
}

/**
 * The parameters of the kernels with one invocation per output word (int8 packed four to a
 * u32): `n` output words, `row` invocations per grid row (src/autograd/dispatch.ts grid1d),
 * `count` output elements (the last word may be part full).
 */
const PER_WORD = { n: "u32", row: "u32", count: "u32" } as const;

/** The parameter names of `PER_WORD`. */
export type PerWordParam = keyof typeof PER_WORD;

/** f32 → int8 `quantize`, the residual `add` and `relu` (src/quant/quant_elementwise.wgsl). */
export const quantElementwise = defineKernel({
  source: "quant/quant_elementwise",
  workgroupSize: 64,
  params: PER_WORD,
  bindings: {
    xf: "read array<f32>",
    a: "read array<u32>",
    b: "read array<u32>",
    out: "read_write array<u32>",
  },
  entries: {
    quantize: [PARAMS, "xf", "out"],
    add: [PARAMS, "a", "b", "out"],
    relu: [PARAMS, "a", "out"],
  },
});

/** int8 `maxpool` and global average pooling `gap` (src/quant/quant_pool.wgsl). */
export const quantPool = defineKernel({
  source: "quant/quant_pool",
  workgroupSize: 64,
  params: PER_WORD,
  bindings: { x: "read array<u32>", out: "read_write array<u32>" },
  entries: { maxpool: [PARAMS, "x", "out"], gap: [PARAMS, "x", "out"] },
});

/**
 * Patch rows (`im2col` into `out`, `im2col_tex` into the rgba32uint texture `outT`) and the
 * `depthwise` convolution (src/quant/quant_conv.wgsl, after the flat textures' width).
 */
export const quantConv = defineKernel({
  label: "quant/quant_conv",
  workgroupSize: 64,
  source: () => FLAT_TEXTURE_WGSL + kernelText("quant/quant_conv"),
  params: PER_WORD,
  bindings: {
    x: "read array<u32>",
    out: "read_write array<u32>",
    wd: "read array<i32>",
    bias: "read array<i32>",
    mult: "read array<f32>",
    outT: "texture_storage_2d<rgba32uint, write>",
  },
  entries: {
    im2col: [PARAMS, "x", "out"],
    im2col_tex: [PARAMS, "x", "outT"],
    depthwise: [PARAMS, "x", "out", "wd", "bias", "mult"],
  },
});

/** `m` rows of the product, `row` invocations per grid row (src/autograd/dispatch.ts grid1d). */
const PRODUCT = { m: "u32", row: "u32" } as const;

/** The product's body with the built-in's calls replaced, for implementations without it. */
const portable = (text: string) => text.replaceAll("dot4I8Packed(", "dot4_shifts(");

/** Both variants of a product kernel: the text as written (`builtin`) and `portable`. */
function variants<B extends string, E extends string>(
  label: string,
  text: () => string,
  spec: {
    workgroupSize: number;
    bindings: Readonly<Record<B, `read ${string}` | `read_write ${string}` | `texture_${string}`>>;
    entries: Readonly<Record<E, readonly (B | typeof PARAMS)[]>>;
  },
): Record<"builtin" | "portable", Kernel<B, keyof typeof PRODUCT, E>> {
  return {
    builtin: defineKernel({ ...spec, params: PRODUCT, label, source: text }),
    portable: defineKernel({
      ...spec,
      params: PRODUCT,
      label: `${label} (without dot4I8Packed)`,
      source: () => portable(text()),
    }),
  };
}

/**
 * The int8 matrix product over storage buffers (src/quant/quant_matmul.wgsl): `forward` and
 * `forward_any` write int8 `out`, `logits` writes f32 `logits_out`.
 */
export const quantMatmul = variants("quant/quant_matmul", () => kernelText("quant/quant_matmul"), {
  workgroupSize: 64,
  bindings: {
    a: "read array<u32>",
    w: "read array<u32>",
    bias: "read array<i32>",
    mult: "read array<f32>",
    out: "read_write array<u32>",
    logits_out: "read_write array<f32>",
  },
  entries: {
    forward: [PARAMS, "a", "w", "bias", "mult", "out"],
    forward_any: [PARAMS, "a", "w", "bias", "mult", "out"],
    logits: [PARAMS, "a", "w", "bias", "mult", "logits_out"],
  },
});

/**
 * The int8 matrix product with both operands in rgba32uint textures, generated
 * (src/quant/generate.ts): `forward_tex` reads `aT` and `wT`, writes `out` (vec4u per 16 outputs).
 */
export const quantMatmulTexture = variants(
  "quant/quant_matmul_texture",
  generateQuantMatmulTexture,
  {
    workgroupSize: 8,
    bindings: {
      bias: "read array<i32>",
      mult: "read array<f32>",
      out: "read_write array<vec4u>",
      aT: "texture_2d<u32>",
      wT: "texture_2d<u32>",
    },
    entries: { forward_tex: [PARAMS, "bias", "mult", "out", "aT", "wT"] },
  },
);

/** The product kernels and their UNPACK constant for one Dot4Mode. */
export class QuantKernels {
  readonly dot4: Dot4Mode;
  /**
   * Whether the products are compiled with dot4I8Packed's calls replaced by `dot4_shifts`: where
   * the implementation lacks the built-in (the default there), or forced by tests.
   */
  readonly portable: boolean;
  /** The products' UNPACK override constant: 1 for "unpacked". */
  readonly unpack: 0 | 1;
  readonly matmul: typeof quantMatmul.builtin;
  readonly matmulTexture: typeof quantMatmulTexture.builtin;

  /**
   * Throws when `dot4` is "dot4I8Packed" and the implementation lacks the built-in or `portable`
   * removes it, or when `portable` is false where the built-in is missing.
   */
  constructor(readonly gpu: Gpu, dot4?: Dot4Mode, portable = !hasPackedDot4()) {
    this.dot4 = dot4 ?? defaultDot4Mode();
    if (this.dot4 === "dot4I8Packed" && !hasPackedDot4()) {
      throw new Error(`dot4I8Packed: this WebGPU implementation lacks ${DOT4_FEATURE}`);
    }
    if (this.dot4 === "dot4I8Packed" && portable) {
      throw new Error("dot4I8Packed: the portable kernels have its calls replaced");
    }
    if (!portable && !hasPackedDot4()) {
      throw new Error(`the built-in's kernels need ${DOT4_FEATURE}, which this one lacks`);
    }
    this.portable = portable;
    this.unpack = this.dot4 === "unpacked" ? 1 : 0;
    this.matmul = portable ? quantMatmul.portable : quantMatmul.builtin;
    this.matmulTexture = portable ? quantMatmulTexture.portable : quantMatmulTexture.builtin;
  }
}
