// flatten: [H, W, C] → [H·W·C] per example, in height-width-channel order (a reshape, no copy).
import { size } from "./common.ts";
import type { LayerType } from "./types.ts";

export interface FlattenSpec {
  type: "flatten";
}

/**
 * Where PyTorch's flattened feature j sits among ours, for a flatten of [H, W, C]: ours are in
 * height-width-channel order (feature (h, w, c) is (h·W + w)·C + c), PyTorch's (NCHW,
 * torch.nn.Flatten) in channel-height-width order ((c·H + h)·W + w). The first dense layer after
 * the flatten (and a batch norm between them) is re-ordered accordingly in PyTorch's layout; a
 * transpose alone would load without error and compute nonsense.
 */
export function chwToHwc([h, w, c]: number[]): Uint32Array {
  const map = new Uint32Array(h * w * c);
  for (let ci = 0; ci < c; ci++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) map[(ci * h + y) * w + x] = (y * w + x) * c + ci;
    }
  }
  return map;
}

export const flattenLayer: LayerType<FlattenSpec> = {
  type: "flatten",
  check() {},
  plan: (_spec, input) => ({ outputShape: [size(input)], flops: 0 }),
  build(plan) {
    const features = plan.outputShape[0];
    return { forward: (x) => x.reshape([x.shape[0], features]) };
  },
  describe: () => "flatten",
  /** No tensors; the features after it are in another order than PyTorch's (chwToHwc). */
  torch(plan, t) {
    // Flattening features that are already flat keeps their order.
    if (plan.inputShape.length === 3) t.flat = plan.inputShape;
  },
  /** Vanishes: NHWC flattening is a no-op on the packed bytes. */
  int8: { group: (_plans, i) => ({ op: null, last: i }) },
};
