// The 20-step training runs behind tests/fixtures/flat_optimizer.json: Adam (L2 weight decay),
// AdamW, SGD with Nesterov momentum and RMSprop with momentum, each on cnn (its first conv block
// frozen, src/train/freeze.ts) and on mlp, over one fixed batch, with a learning rate that changes
// every step. The fixture was recorded with the per-tensor optimizer (one dispatch per parameter)
// by record_flat_fixture.ts; flat_optimizer_test.ts runs the same steps with today's optimizer and
// compares bit for bit. Everything here uses only the public API both optimizers share.
import { backward, endStep, gpu, Tensor } from "../../src/autograd/tensor.ts";
import { Sequential } from "../../src/nn/model.ts";
import { architecture } from "../../src/nn/zoo.ts";
import { softmaxCrossEntropy } from "../../src/ops/loss/loss.ts";
import { Adam, type Optimizer, type Param, Rmsprop, Sgd } from "../../src/optim/optimizer.ts";
import { Freezer, parseFreeze, trainableParams } from "../../src/train/freeze.ts";
import { Rng } from "../../src/util/random.ts";

export const STEPS = 20;
const BATCH = 8;

/** One run of the fixture: what it trains and how. */
export interface FlatCase {
  name: string;
  model: "cnn" | "mlp";
  /** --freeze spec (cnn only). */
  freeze?: string;
  /** Give the optimizer every parameter, frozen ones included (they get no gradient: skipped). */
  allParams?: boolean;
  optimizer: (params: Param[]) => Optimizer;
}

export const CASES: FlatCase[] = [
  {
    name: "cnn adam l2, 0-1 frozen",
    model: "cnn",
    freeze: "0-1",
    optimizer: (p) => new Adam(p, { lr: 2e-3, weightDecay: 1e-3 }),
  },
  {
    name: "cnn adamw, 0-1 frozen, frozen params given",
    model: "cnn",
    freeze: "0-1",
    allParams: true,
    optimizer: (p) => new Adam(p, { lr: 2e-3, weightDecay: 0.05, decoupled: true }),
  },
  {
    name: "cnn sgd nesterov, 0-1 frozen",
    model: "cnn",
    freeze: "0-1",
    optimizer: (p) => new Sgd(p, { lr: 0.02, momentum: 0.9, weightDecay: 5e-4, nesterov: true }),
  },
  {
    name: "cnn rmsprop momentum, 0-1 frozen",
    model: "cnn",
    freeze: "0-1",
    optimizer: (p) => new Rmsprop(p, { lr: 1e-3, weightDecay: 1e-4, momentum: 0.9 }),
  },
  {
    name: "mlp adam",
    model: "mlp",
    optimizer: (p) => new Adam(p, { lr: 1e-3 }),
  },
  {
    name: "mlp adamw",
    model: "mlp",
    optimizer: (p) => new Adam(p, { lr: 3e-3, weightDecay: 0.01, decoupled: true }),
  },
  {
    name: "mlp sgd nesterov",
    model: "mlp",
    optimizer: (p) => new Sgd(p, { lr: 0.05, momentum: 0.9, weightDecay: 1e-4, nesterov: true }),
  },
  {
    name: "mlp rmsprop",
    model: "mlp",
    optimizer: (p) => new Rmsprop(p, { lr: 1e-3, weightDecay: 1e-4 }),
  },
];

/** A fixed batch: noise images with a class-dependent bright band (as tests/nn/zoo_test.ts). */
function batch() {
  const rng = new Rng(7);
  const labels = Uint32Array.from({ length: BATCH }, (_, i) => (3 * i) % 10);
  const images = new Float32Array(BATCH * 784);
  for (let b = 0; b < BATCH; b++) {
    for (let p = 0; p < 784; p++) {
      const row = Math.floor(p / 28);
      images[b * 784 + p] = 0.3 * rng.next() + (Math.abs(row - 2 * labels[b] - 5) < 2 ? 0.7 : 0);
    }
  }
  return { images, labels };
}

/** FNV-1a (32-bit) of the bytes of `words`, continuing from `h`. */
export function fnv1a(words: Uint32Array, h = 0x811c9dc5): number {
  for (const w of words) {
    for (let k = 0; k < 32; k += 8) h = Math.imul(h ^ ((w >>> k) & 0xff), 0x01000193) >>> 0;
  }
  return h;
}

export interface FlatResult {
  /** FNV-1a over every tensor below, in order. */
  hash: string;
  /** Per tensor (the model's parameters and statistics, then the optimizer's moments): FNV-1a. */
  tensors: Record<string, string>;
  /** A few values of the last parameter, for a readable failure. */
  sample: number[];
  /** Dispatches and texture copies of the last `optimizer.step()`. */
  dispatches: number;
  textureCopies: number;
}

const hex = (h: number) => h.toString(16).padStart(8, "0");

/** Runs `c` for STEPS steps; hashes of what it leaves. */
export async function runCase(c: FlatCase): Promise<FlatResult> {
  const model = new Sequential(architecture(c.model), 3);
  if (c.freeze) {
    const freezer = new Freezer(model, parseFreeze(c.freeze, model.plan.layers));
    await freezer.ready();
  }
  const optimizer = c.optimizer(c.allParams ? model.params() : trainableParams(model));
  const { images, labels } = batch();
  let dispatches = 0;
  let textureCopies = 0;
  for (let step = 0; step < STEPS; step++) {
    // A rate that moves every step, as a schedule's does.
    optimizer.lr = optimizer.lr * (1 + 0.01 * ((step % 5) - 2));
    const x = Tensor.from(images, [BATCH, 28, 28, 1]);
    const logits = model.forward(x, { training: true, seed: 100 + step });
    backward(softmaxCrossEntropy(logits, Tensor.from(labels, [BATCH])));
    const before = { ...gpu().counts };
    optimizer.step();
    dispatches = gpu().counts.dispatches - before.dispatches;
    textureCopies = gpu().counts.textureCopies - before.textureCopies;
    endStep();
  }
  const tensors: Record<string, string> = {};
  let hash = 0x811c9dc5;
  const all = [...model.stateTensors(), ...optimizer.stateTensors()];
  for (const t of all) {
    const values = await t.value.read();
    const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
    tensors[t.name] = hex(fnv1a(words));
    hash = fnv1a(words, hash);
  }
  const params = model.params();
  const sample = [...(await params[params.length - 1].value.read()).slice(0, 4)];
  optimizer.dispose();
  model.dispose();
  return { hash: hex(hash), tensors, sample, dispatches, textureCopies };
}

/** Dispatches of one `optimizer.step()` (Adam) after a training step of `name` at batch 2. */
export async function optimizerDispatches(name: string): Promise<number> {
  const model = new Sequential(architecture(name), 1);
  const optimizer = new Adam(model.params());
  const x = Tensor.from(new Float32Array(2 * 784).fill(0.5), [2, 28, 28, 1]);
  const logits = model.forward(x, { training: true, seed: 0 });
  backward(softmaxCrossEntropy(logits, Tensor.from(new Uint32Array([1, 2]), [2])));
  const before = gpu().counts.dispatches;
  optimizer.step();
  const n = gpu().counts.dispatches - before;
  endStep();
  await gpu().sync();
  optimizer.dispose();
  model.dispose();
  return n;
}
