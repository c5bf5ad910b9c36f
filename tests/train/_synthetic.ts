// A tiny learnable data set and network for the training-loop tests: 8×8 images whose bright
// row is the label (plus noise), and a network with every kind of state a checkpoint must carry
// (conv + batch-norm running statistics, dropout, dense layers).
import type { Dataset } from "../../src/data/dataset.ts";
import type { Architecture } from "../../src/nn/zoo.ts";
import { Rng } from "../../src/util/random.ts";

export const SIDE = 8;

export function syntheticDataset(count: number, seed = 1): Dataset {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * SIDE * SIDE);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    labels[i] = label;
    for (let p = 0; p < SIDE * SIDE; p++) {
      // Labels 0..7 light their row, 8 and 9 the columns 0 and 7.
      const row = Math.floor(p / SIDE);
      const col = p % SIDE;
      const on = label < 8 ? row === label : col === (label === 8 ? 0 : 7);
      images[i * SIDE * SIDE + p] = on ? 200 + rng.int(56) : rng.int(60);
    }
  }
  return { images, labels, count, rows: SIDE, cols: SIDE };
}

export const tinyNet: Architecture = {
  name: "tiny-synthetic",
  input: [SIDE, SIDE, 1],
  classes: 10,
  layers: [
    { type: "conv2d", filters: 4, kernel: 3, padding: "same" },
    { type: "batchnorm" },
    { type: "relu" },
    { type: "maxpool", size: 2 },
    { type: "flatten" },
    { type: "dense", units: 16 },
    { type: "relu" },
    { type: "dropout", rate: 0.3 },
    { type: "dense", units: 10 },
  ],
};

export const range = (from: number, to: number) =>
  Uint32Array.from({ length: to - from }, (_, i) => from + i);
