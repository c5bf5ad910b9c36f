// Calibration: the range of every int8 activation, measured by running the f32 network on a few
// hundred training images (post-training quantization's "representative dataset").

import { endStep, noGrad, Tensor } from "../autograd/tensor.ts";
import type { Layer } from "../nn/layers.ts";
import type { Sequential } from "../nn/model.ts";
import { flattenOps, hasOwnScale, type QOp } from "./graph.ts";
import { Rng } from "../util/random.ts";

/**
 * `count` distinct image indices out of `total`, drawn with `seed` (a partial Fisher–Yates
 * shuffle), in increasing order.
 */
export function calibrationIndices(total: number, count: number, seed: number): Uint32Array {
  const n = Math.min(count, total);
  const all = Uint32Array.from({ length: total }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(total - i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, n).sort();
}

/**
 * The [min, max] of every op output that gets its own int8 scale (`hasOwnScale`), keyed by op
 * name, over `count` images x [count, H·W·C] (pixels in [0, 1]) run through the f32 network in
 * eval mode (batch-norm on running statistics, no dropout). An op's output is its last layer's:
 * conv → batch-norm → ReLU is read after the ReLU.
 */
export async function calibrate(
  model: Sequential,
  ops: readonly QOp[],
  x: Float32Array,
  count: number,
  batchSize = 100,
): Promise<Record<string, [number, number]>> {
  // The layer whose output each op's scale describes.
  const at = new Map<string, string>();
  for (const op of flattenOps(ops)) if (hasOwnScale(op)) at.set(op.lastLayer, op.name);
  const ranges: Record<string, [number, number]> = {};
  const [h, w, c] = model.architecture.input;
  const per = h * w * c;
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const recorded: [string, Tensor][] = [];
    noGrad(() => {
      const input = Tensor.from(x.slice(start * per, (start + n) * per), [n, h, w, c]);
      run(model.layers, input, (layer, out) => {
        const op = at.get(layer);
        if (op) recorded.push([op, out]);
      });
    });
    for (const [op, t] of recorded) {
      const values = await t.read();
      let [lo, hi] = ranges[op] ?? [Infinity, -Infinity];
      for (const v of values) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      ranges[op] = [lo, hi];
    }
    endStep();
  }
  for (const name of at.values()) {
    if (!ranges[name]) throw new Error(`calibration: ${name} was never reached`);
  }
  return ranges;
}

/** The f32 layers in eval mode, calling `seen` with each layer's (and branch layer's) output. */
function run(layers: readonly Layer[], x: Tensor, seen: (layer: string, out: Tensor) => void) {
  // Ranges of each layer's own output (a ReLU's before the max pool that may follow it).
  const ctx = { training: false, seed: 0, layerOutputs: true };
  let h = x;
  for (const layer of layers) {
    if (layer.children) {
      run(layer.children.body, h, seen);
      run(layer.children.shortcut, h, seen);
    }
    h = layer.forward(h, ctx);
    seen(layer.name, h);
  }
  return h;
}
