/**
 * The page's engine: the same src/ modules the command line runs (GPU, autograd, layers,
 * weights), set up for a browser. Nothing here re-implements a kernel, a layer or the weights
 * format; it loads models and runs them.
 */
import { Gpu } from "../src/gpu/gpu.ts";
import { endStep, gpu, noGrad, releaseStep, Tensor, useGpu } from "../src/autograd/tensor.ts";
import { Sequential } from "../src/nn/model.ts";
import type { Architecture } from "../src/nn/zoo.ts";
import { decodeCheckedWeights, writeStateTensors } from "../src/io/weights.ts";
import { checkArchitecture } from "../src/nn/check.ts";
import { layerTitles } from "../src/explain/layers.ts";
import { useBrowserPlatform } from "../src/platform/browser.ts";
import { showValue, UserError } from "../src/util/errors.ts";
import { decodeQuantized, isQuantizedConfig } from "../src/quant/codec.ts";
import { compile } from "../src/quant/quantize.ts";
import { QuantizedForward } from "../src/quant/forward.ts";

export { CLASS_NAMES } from "../src/data/classes.ts";

/** A loaded network and where it came from. */
export interface LoadedModel {
  /** The float network; null for an int8 one, which `int8` runs. */
  model: Sequential | null;
  /** An int8 model ("deno task quantize"): its integer forward pass on the page's GPU. */
  int8: QuantizedForward | null;
  architecture: Architecture;
  config: Record<string, unknown>;
  /** "the shipped reference model" or the folder/file names it was opened from. */
  source: string;
  /** Freed by the tab that made it (a model trained in the page), not by the Predict tab. */
  owned?: boolean;
  /**
   * Its pipelines being compiled ahead of its first classification (`prepareClassify`), which
   * waits for them rather than compiling the same pipelines again.
   */
  prepared?: Promise<unknown>;
  /** Classifications of it under way, and whether the page has let it go (see `retire`). */
  busy?: number;
  retired?: boolean;
}

/**
 * Frees a model the page no longer shows: its GPU buffers go now, or when the last
 * classification of it that is under way ends (one may be awaiting its readback).
 */
export function retire(loaded: LoadedModel) {
  loaded.retired = true;
  if (!loaded.busy) dispose(loaded);
}

function dispose(loaded: LoadedModel) {
  loaded.model?.dispose();
  loaded.int8?.dispose();
}

let started: Promise<Gpu> | null = null;
let progressSink: (line: string) => void = (line) => console.log(line);

/**
 * Where the progress lines of `src/` (the training loop's epoch lines, compile notices) go from
 * now on: the Train tab's log while it trains, else the console.
 */
export function setProgressSink(sink: ((line: string) => void) | null) {
  progressSink = sink ?? ((line) => console.log(line));
}

/**
 * Loads the kernel sources, installs the browser platform and creates the one GPU device the
 * page uses. Throws a UserError with how to enable WebGPU when the browser has none (the
 * platform's `noAdapterHint`, from src/gpu/device.ts).
 */
export function startGpu(): Promise<Gpu> {
  started ??= (async () => {
    await useBrowserPlatform(new URL("kernels.json", location.href), (l) => progressSink(l));
    const gpu = await Gpu.create();
    useGpu(gpu);
    gpu.device.lost.then((info) => {
      if (info.reason !== "destroyed") console.error(`WebGPU device lost: ${info.message}`);
    });
    return gpu;
  })();
  started.catch(() => started = null);
  return started;
}

/**
 * A network from the text of its config.json and the bytes of its weights.safetensors (as
 * "deno task train" writes them), or of an int8 model's weights-int8.safetensors (as
 * "deno task quantize" writes them; call `startGpu` first). `source` names them in errors.
 * Throws a UserError for a config that is not a network's, or weights of another architecture
 * or damaged.
 */
export function modelFromFiles(
  configText: string,
  weights: Uint8Array,
  source: { config: string; weights: string; label: string },
): LoadedModel {
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(configText);
  } catch {
    throw new UserError(`${source.config}: not valid JSON; pick the config.json of a model folder`);
  }
  if (config.kind !== "network" || typeof config.architecture !== "object") {
    throw new UserError(
      `${source.config}: not a network's config (kind ${
        showValue(config.kind ?? null)
      }); the page runs networks saved by "deno task train" (baselines run in "deno task predict")`,
    );
  }
  // Everything is checked before a GPU buffer exists: the architecture's fields and budget, then
  // the weights' header against it, then their values (src/nn/check.ts, src/io/weights.ts).
  const { architecture, plan } = checkArchitecture(config.architecture, source.config);
  const [h, w, c] = architecture.input;
  if (h !== 28 || w !== 28 || c !== 1 || architecture.classes !== 10) {
    throw new UserError(
      `${source.config}: input [${architecture.input}] with ${architecture.classes} classes; ` +
        `the page classifies 28×28 grayscale images into the 10 Fashion-MNIST classes`,
    );
  }
  if (isQuantizedConfig(config)) {
    const net = decodeQuantized(config, weights, source.weights, source.config);
    const int8 = new QuantizedForward(gpu(), compile(net));
    return { model: null, int8, architecture, config, source: source.label };
  }
  const tensors = decodeCheckedWeights(weights, plan, source.weights);
  const model = new Sequential(architecture);
  writeStateTensors(model, tensors, source.weights, architecture.name);
  return { model, int8: null, architecture, config, source: source.label };
}

/** A model folder's two files as fetched: config.json's text and weights.safetensors' bytes. */
export interface ModelFiles {
  config: string;
  weights: Uint8Array;
}

/**
 * Fetches the files of a model folder served over http (`url` ends in "/"). Needs no GPU, so a
 * page can start it while its device is being created. Throws a UserError naming the file that
 * failed.
 */
export async function fetchModelFiles(url: string): Promise<ModelFiles> {
  const get = async (name: string) => {
    const r = await fetch(new URL(name, url));
    if (!r.ok) throw new UserError(`${new URL(name, url)}: ${r.status} ${r.statusText}`);
    return r;
  };
  const [config, weights] = await Promise.all([
    get("config.json").then((r) => r.text()),
    get("weights.safetensors").then((r) => r.arrayBuffer()),
  ]);
  return { config, weights: new Uint8Array(weights) };
}

/**
 * The network of a model folder served over http (the shipped reference model), from `files`
 * when they were fetched already (`fetchModelFiles`); call `startGpu` first.
 */
export async function fetchModel(
  url: string,
  label: string,
  files: Promise<ModelFiles> = fetchModelFiles(url),
): Promise<LoadedModel> {
  const { config, weights } = await files;
  return modelFromFiles(config, weights, {
    config: `${url}config.json`,
    weights: `${url}weights.safetensors`,
    label,
  });
}

/** A feature map stack: one layer's output for one image, H×W×C (NHWC, C last). */
export interface FeatureMaps {
  /** The layer's name in the network ("2.relu"). */
  layer: string;
  /** The layer in words (src/explain/layers.ts: "conv 1 after ReLU, 32 maps 28×28"). */
  title: string;
  height: number;
  width: number;
  channels: number;
  values: Float32Array;
}

export interface Classification {
  /** Softmax of the logits, one row of 10 per image. */
  probabilities: Float32Array[];
  /** The most probable class per image (the argmax "deno task predict" reports). */
  predictions: number[];
  /** With `featureMaps`: the first two activation layers' outputs, for the first image. */
  maps: FeatureMaps[];
  seconds: number;
}

/**
 * Classifies `count` 28×28 images (`pixels`: count×784 bytes, row-major, 0 = black background,
 * the dataset's polarity) in eval mode, scaling bytes by 1/255 as the training batches do.
 * With `featureMaps`, also returns the outputs of the first two activation (ReLU) layers for the
 * first image.
 */
export async function classify(
  loaded: LoadedModel,
  pixels: Uint8Array,
  count: number,
  opts: { featureMaps?: boolean } = {},
): Promise<Classification> {
  loaded.busy = (loaded.busy ?? 0) + 1;
  try {
    await loaded.prepared;
    return await classifyOnce(loaded, pixels, count, opts);
  } finally {
    if (--loaded.busy === 0 && loaded.retired) dispose(loaded);
  }
}

async function classifyOnce(
  loaded: LoadedModel,
  pixels: Uint8Array,
  count: number,
  opts: { featureMaps?: boolean },
): Promise<Classification> {
  const start = performance.now();
  const [h, w, c] = loaded.architecture.input;
  const x = new Float32Array(count * h * w * c);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i] / 255;
  if (loaded.int8) {
    // No feature maps: the int8 pass keeps its activations as bytes inside the GPU.
    const out = await loaded.int8.logits(x, count);
    return { ...fromLogits(out, count, loaded.architecture.classes), maps: [], seconds: seconds() };
  }
  const model = loaded.model!;
  const { logits, kept } = recordForward(model, x, count, opts);
  const [values, ...mapValues] = await Promise.all([
    logits.read(),
    ...kept.map((k) => k.tensor.read()),
  ]);
  endStep();
  const { probabilities, predictions } = fromLogits(values, count, model.architecture.classes);
  const maps = kept.map((k, i): FeatureMaps => {
    const [, mh, mw, mc] = k.tensor.shape;
    return {
      layer: k.name,
      title: k.title,
      height: mh,
      width: mw,
      channels: mc,
      values: mapValues[i].subarray(0, mh * mw * mc),
    };
  });
  return { probabilities, predictions, maps, seconds: seconds() };

  function seconds() {
    return (performance.now() - start) / 1000;
  }
}

/**
 * Records `model`'s forward pass in eval mode over `x` (count×H×W×C, NHWC) without submitting it:
 * the logits, and with `featureMaps` the first two activation layers' outputs.
 */
function recordForward(
  model: Sequential,
  x: Float32Array<ArrayBuffer>,
  count: number,
  opts: { featureMaps?: boolean },
) {
  const [h, w, c] = model.architecture.input;
  const wanted = opts.featureMaps ? activationLayers(model).slice(0, 2) : [];
  const kept: { name: string; title: string; tensor: Tensor }[] = [];
  const titles = wanted.length ? layerTitles(model.architecture) : [];
  // Maps are full-size ReLU outputs: no max pool fused into the batch norm before them.
  const ctx = { training: false, seed: 0, layerOutputs: wanted.length > 0 };
  const logits = noGrad(() => {
    let t = Tensor.from(x, [count, h, w, c]);
    for (const [i, layer] of model.layers.entries()) {
      t = layer.forward(t, ctx);
      if (wanted.includes(i)) kept.push({ name: layer.name, title: titles[i].title, tensor: t });
    }
    return t;
  });
  return { logits, kept };
}

/**
 * Compiles, concurrently, the GPU pipelines that classifying `count` images of `loaded` (with
 * `featureMaps` or not) runs, so that its first `classify` finds them built (`Gpu.precompile`:
 * the forward pass is recorded once without its dispatches and nothing is submitted). On a
 * software adapter compiling is most of the first answer's time, and a browser compiles pipelines
 * asked for this way in parallel. An int8 model's pass is not prepared (its first run compiles).
 * Resolves to the number of pipelines compiled.
 */
export async function prepareClassify(
  loaded: LoadedModel,
  count: number,
  opts: { featureMaps?: boolean } = {},
): Promise<number> {
  const model = loaded.model;
  if (!model) return 0;
  const [h, w, c] = model.architecture.input;
  return await gpu().precompile(() => {
    try {
      recordForward(model, new Float32Array(count * h * w * c), count, opts);
    } finally {
      releaseStep();
    }
  });
}

/** Softmax rows and argmax classes of `count` rows of logits. */
function fromLogits(values: Float32Array, count: number, classes: number) {
  const probabilities: Float32Array[] = [];
  const predictions: number[] = [];
  for (let i = 0; i < count; i++) {
    const row = values.subarray(i * classes, (i + 1) * classes);
    let best = 0;
    for (let j = 1; j < classes; j++) if (row[j] > row[best]) best = j;
    predictions.push(best);
    const m = row[best];
    const e = row.map((v) => Math.exp(v - m));
    const z = e.reduce((a, b) => a + b, 0);
    probabilities.push(e.map((v) => v / z));
  }
  return { probabilities, predictions };
}

/** Indices of the layers whose output is an activated 4-D feature map (ReLU, or a conv block). */
function activationLayers(model: Sequential): number[] {
  const out: number[] = [];
  model.plan.layers.forEach((p, i) => {
    const spatial = p.outputShape.length === 3;
    if (spatial && (p.spec.type === "relu" || p.spec.type === "residual")) out.push(i);
  });
  return out;
}
