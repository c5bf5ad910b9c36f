/// <reference lib="dom" />
/**
 * The Train tab: a network of the zoo trained in the page on the official data, with the
 * command line's default recipe (AdamW with decoupled weight decay 0.01, one-cycle learning rate
 * to the chosen peak, label smoothing 0.1, a stratified 10% validation split), through the same
 * `fit` loop and kernels as `deno task train`; live charts; cancel; the result saved as a model
 * folder (config.json + weights.safetensors) that `deno task predict` loads, or used in the
 * Predict tab at once.
 *
 * A run's phases, each cancellable: loading the data, timing a few steps (the estimate of the
 * whole run on this adapter, asked about when over `LONG_RUN_SECONDS`), training (validation after
 * each epoch), the test images (a subset when chosen), each with its progress.
 */
import { architecture, ARCHITECTURES } from "../src/nn/zoo.ts";
import { Sequential } from "../src/nn/model.ts";
import { Adam } from "../src/optim/optimizer.ts";
import { learningRateSchedule, LrScheduler } from "../src/optim/schedule.ts";
import { type EpochRecord, fit, type FitProgress } from "../src/train/fit.ts";
import { stratifiedSplit } from "../src/data/split.ts";
import type { Dataset } from "../src/data/dataset.ts";
import { augmenter, describeAugment, isIdentity, parseAugment } from "../src/augment/mod.ts";
import { encodeModelWeights } from "../src/io/weights.ts";
import { UserError } from "../src/util/errors.ts";
import type { AdapterReport } from "../src/gpu/adapter_report.ts";
import { type LoadedModel, retire, setProgressSink, startGpu } from "./engine.ts";
import { LiveChart } from "./charts.ts";
import { measurePass } from "./passes.ts";
import { forgetModel, useTrainedModel } from "./predict.ts";
import { $, ask, guarded, messageOf, showMessage, showTab } from "./ui.ts";

/** What the user chose. */
export interface TrainSettings {
  model: string;
  epochs: number;
  batchSize: number;
  /** The first N training images (the command line's --limit). */
  limit: number;
  augment: string;
  lr: number;
  /** Label smoothing ε of the training loss; the validation loss is measured with the same. */
  smoothing: number;
  seed: number;
  /** Measure the first `testCount` test images at the end. */
  test: boolean;
  testCount: number;
}

/** Over this many seconds (estimated), Start asks before it trains. */
export const LONG_RUN_SECONDS = 180;

type Status =
  | "idle"
  | "loading data"
  | "estimating"
  | "confirming"
  | "training"
  | "validating"
  | "testing"
  | "done"
  | "cancelled"
  | "failed";

/** Where the tab is, for people and tests. */
export const trainState = {
  status: "idle" as Status,
  /** One entry per readback (every few steps): the step, its recent loss and accuracy. */
  progress: [] as { step: number; epoch: number; loss: number; accuracy: number }[],
  history: [] as EpochRecord[],
  imagesPerSecond: null as number | null,
  /** Before training: the whole run's time estimated from a few timed steps on this adapter. */
  estimate: null as
    | {
      /** The whole run's: what it took until the estimate, and the rest at the rates measured. */
      seconds: number;
      imagesPerSecond: number;
      evalImagesPerSecond: number;
      compileSeconds: number;
      steps: number;
    }
    | null,
  /** The test pass: images measured so far, of how many. */
  testProgress: null as { done: number; total: number } | null,
  test: null as { accuracy: number; loss: number; images: number } | null,
  /** Wall seconds of the whole run, from Start to its end (every phase included). */
  seconds: null as number | null,
  /** Set when a run ended with an error (also shown as the page's message). */
  error: null as string | null,
};

interface OfficialData {
  meta: { dir: string; source: string };
  train: Dataset;
  test: Dataset;
}

let data: Promise<OfficialData> | null = null;

/** The official data, as `deno task serve` serves them (loaded once; `signal` stops the load). */
function officialData(signal: AbortSignal): Promise<OfficialData> {
  data ??= (async () => {
    const get = async (name: string) => {
      const r = await fetch(new URL(`data/${name}`, location.href), { signal });
      if (!r.ok) {
        const body = await r.json().catch(() => ({ error: `${r.status} ${r.statusText}` }));
        throw new UserError(
          `the training data are not available: ${body.error} (start "deno task serve" where ` +
            `"deno task train" finds them, or give it --data-dir)`,
        );
      }
      return r;
    };
    const meta = await (await get("meta.json")).json();
    const bytes = async (name: string) => new Uint8Array(await (await get(name)).arrayBuffer());
    const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
      bytes("train-images.u8"),
      bytes("train-labels.u8"),
      bytes("test-images.u8"),
      bytes("test-labels.u8"),
    ]);
    const set = (
      images: Uint8Array,
      labels: Uint8Array,
      m: { count: number; rows: number; cols: number },
    ) => ({
      images,
      labels,
      count: m.count,
      rows: m.rows,
      cols: m.cols,
    });
    return {
      meta,
      train: set(trainImages, trainLabels, meta.train),
      test: set(testImages, testLabels, meta.test),
    };
  })();
  data.catch(() => data = null);
  return data;
}

const SETTING_IDS = [
  "train-model",
  "train-epochs",
  "train-batch",
  "train-limit",
  "train-augment",
  "train-lr",
  "train-smoothing",
  "train-seed",
  "train-test",
  "train-test-count",
];

function readSettings(): TrainSettings {
  const num = (id: string, name: string, min: number, max: number, integer = true) => {
    const v = Number($<HTMLInputElement>(id).value);
    if (!(v >= min && v <= max) || (integer && !Number.isInteger(v))) {
      throw new UserError(
        `${name} must be ${integer ? "an integer " : ""}from ${min} to ${max}, got "${
          $<HTMLInputElement>(id).value
        }"`,
      );
    }
    return v;
  };
  const test = $<HTMLInputElement>("train-test").checked;
  return {
    model: $<HTMLSelectElement>("train-model").value,
    epochs: num("train-epochs", "epochs", 1, 100),
    batchSize: num("train-batch", "batch size", 1, 1024),
    limit: num("train-limit", "training images", 20, 60000),
    augment: $<HTMLSelectElement>("train-augment").value,
    lr: num("train-lr", "peak learning rate", 1e-6, 1, false),
    smoothing: Number($<HTMLSelectElement>("train-smoothing").value),
    seed: num("train-seed", "seed", 0, 2 ** 31),
    test,
    testCount: test ? num("train-test-count", "test images", 1, 10000) : 0,
  };
}

/** Whether `a` is a software adapter (SwiftShader, llvmpipe, WARP): runs take minutes there. */
export function isSoftware(a: AdapterReport): boolean {
  return a.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|software|warp/i.test(
    `${a.description} ${a.architecture}`,
  );
}

/**
 * The settings the tab starts with, by adapter: on a software one a run that ends in about a
 * minute (the mlp, 2 epochs of 6,000 images, 2,000 test images: SwiftShader trains the mlp at
 * a few thousand images/s and the CNN at under a hundred, so the CNN's run takes a few minutes;
 * docs/browser.md); on a GPU the reference CNN on 6,000 images and the whole test set.
 */
export function applyDefaults(a: AdapterReport) {
  const software = isSoftware(a);
  const set = (id: string, v: string | number) => $<HTMLInputElement>(id).value = String(v);
  set("train-model", software ? "mlp" : "cnn");
  set("train-epochs", 2);
  set("train-batch", software ? 64 : 128);
  set("train-limit", 6000);
  set("train-test-count", software ? 2000 : 10000);
  $("train-defaults").textContent = software
    ? `Defaults for a software adapter (${a.description}): the mlp, about a minute. The CNN ` +
      `trains here at tens of images per second (minutes for this run); a GPU gets the CNN by ` +
      `default.`
    : `Defaults for a GPU (${a.description}): the reference CNN, all 10,000 test images.`;
}

/** A finished run: the model, its config.json, and how the Predict tab holds it. */
interface TrainResult {
  model: Sequential;
  config: Record<string, unknown>;
  loaded: LoadedModel;
  /** Downloaded or saved to a folder since it was trained. */
  kept: boolean;
}

let result: TrainResult | null = null;
let controller: AbortController | null = null;
let charts: { loss: LiveChart; accuracy: LiveChart } | null = null;

function log(line: string) {
  const box = $("train-log");
  box.textContent += line + "\n";
  box.scrollTop = box.scrollHeight;
}

function status(text: string) {
  $("train-status").textContent = text;
}

function setBar(id: string, fraction: number) {
  const pct = Math.max(0, Math.min(100, fraction * 100));
  $(id.replace("-bar", "-progress")).style.width = `${pct.toFixed(1)}%`;
  $(id).setAttribute("aria-valuenow", pct.toFixed(0));
}

/** "45 s", "3 min 20 s", "1 h 5 min". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}`;
}

function setRunning(running: boolean) {
  $<HTMLButtonElement>("train-start").disabled = running;
  $<HTMLButtonElement>("train-cancel").disabled = !running;
  for (const id of ["train-use", "train-download", "train-save"]) {
    $<HTMLButtonElement>(id).disabled = running || !result;
  }
  for (const id of SETTING_IDS) $<HTMLInputElement>(id).disabled = running;
  $<HTMLInputElement>("train-test-count").disabled = running ||
    !$<HTMLInputElement>("train-test").checked;
}

/** New charts for a run, their loss axis naming the run's one loss definition. */
async function newCharts(loss: string, smoothing: number) {
  if (charts) {
    charts.loss.dispose();
    charts.accuracy.dispose();
    $("chart-loss").replaceChildren();
    $("chart-accuracy").replaceChildren();
  }
  const definition = loss === "hinge"
    ? "multiclass hinge loss"
    : smoothing > 0
    ? `cross-entropy, label smoothing ${smoothing}`
    : "cross-entropy, no label smoothing";
  charts = {
    loss: await LiveChart.create($("chart-loss"), "Loss (training and validation alike)", {
      title: definition,
    }),
    accuracy: await LiveChart.create($("chart-accuracy"), "Accuracy", {
      title: "accuracy",
      format: ".0%",
    }),
  };
}

/**
 * Times a few training steps of `s` (a model of the same seed and recipe, thrown away after):
 * the first step compiles the kernels (timed apart), up to 5 more give the rate; then two small
 * evaluation batches (the first compiles the evaluation kernels) give the evaluation rate.
 * Resolves the seconds the rest of the run will take (training, validation, test) and the rates;
 * rejects when `signal` aborts.
 */
async function estimateRun(
  s: TrainSettings,
  train: Dataset,
  split: { train: Uint32Array; val: Uint32Array },
  smoothing: number,
  signal: AbortSignal,
): Promise<NonNullable<typeof trainState.estimate>> {
  const arch = architecture(s.model);
  const model = new Sequential(arch, s.seed);
  const optimizer = new Adam(model.params(), { lr: s.lr, weightDecay: 0.01, decoupled: true });
  const timing = new AbortController();
  const stop = () => timing.abort();
  signal.addEventListener("abort", stop);
  const started = performance.now();
  let firstAt: number | null = null;
  let measured: { rate: number; steps: number } | null = null;
  const augmentation = parseAugment(s.augment);
  try {
    await fit(model, optimizer, train, split.train.subarray(0, 6 * s.batchSize), {
      epochs: 1,
      batchSize: s.batchSize,
      seed: s.seed,
      smoothing,
      augment: isIdentity(augmentation) ? undefined : augmenter(augmentation, s.seed),
      logEvery: 1,
      readbackSeconds: 0,
      quiet: true,
      onProgress: (p) => {
        firstAt ??= performance.now();
        if (p.step < 2) return;
        measured = { rate: p.imagesPerSecond, steps: p.step - 1 };
        status(
          `Timing a few steps on this adapter: ${p.imagesPerSecond.toFixed(1)} images/s so far…`,
        );
        // Five timed steps (two gave estimates 40% off on a busy machine), or fewer once 3 s
        // have gone (a CNN on a software adapter takes longer than that per step).
        if (p.step >= 6 || performance.now() - firstAt > 3000) timing.abort();
      },
      signal: timing.signal,
    }).then((history) => {
      // A run shorter than two steps: its one epoch's rate (the compile then included).
      measured ??= { rate: history[0].imagesPerSecond, steps: 1 };
    });
  } catch (e) {
    if (signal.aborted || !timing.signal.aborted) throw e;
  } finally {
    signal.removeEventListener("abort", stop);
    optimizer.dispose();
    model.dispose();
  }
  signal.throwIfAborted();
  const m = measured as { rate: number; steps: number } | null;
  if (!m || !(m.rate > 0)) throw new Error("the timed steps gave no rate");
  const compileSeconds = ((firstAt ?? performance.now()) - started) / 1000;
  // The evaluation rate: two batches of 32 validation images, the second timed (the first
  // compiles the evaluation kernels, which the run's first validation would do anyway).
  const evalModel = new Sequential(arch, s.seed);
  const marks: number[] = [performance.now()];
  try {
    await measurePass(evalModel, train, split.val.subarray(0, 64), {
      batchSize: 32,
      signal,
      onProgress: () => marks.push(performance.now()),
    });
  } finally {
    evalModel.dispose();
  }
  const evalRate = marks.length === 3
    ? 32 / ((marks[2] - marks[1]) / 1000)
    : (split.val.subarray(0, 64).length) / ((marks.at(-1)! - marks[0]) / 1000);
  const trainImages = split.train.length * s.epochs;
  const evalImages = split.val.length * s.epochs + s.testCount;
  return {
    seconds: trainImages / m.rate + evalImages / evalRate,
    imagesPerSecond: m.rate,
    evalImagesPerSecond: evalRate,
    compileSeconds,
    steps: m.steps,
  };
}

/** Frees the last trained model (the Predict tab lets it go first if it uses it). */
async function discardResult() {
  if (!result) return;
  const last = result;
  result = null;
  await forgetModel(last.loaded);
  retire(last.loaded);
}

/** Trains with `s`; resolves when done, cancelled, declined or failed (the state says which). */
export async function runTraining(s: TrainSettings): Promise<void> {
  controller = new AbortController();
  const signal = controller.signal;
  const run: { model?: Sequential; optimizer?: Adam } = {};
  const started = performance.now();
  /** Milliseconds spent waiting for the user's answer to a question: not the run's time. */
  let asking = 0;
  const whole = () => (performance.now() - started - asking) / 1000;
  const askTimed = async (...args: Parameters<typeof ask>) => {
    const t = performance.now();
    try {
      return await ask(...args);
    } finally {
      asking += performance.now() - t;
    }
  };
  setRunning(true);
  showMessage(null);
  try {
    if (result) {
      const r = result.config as { name?: string; history?: EpochRecord[] };
      const val = r.history?.at(-1)?.valAccuracy;
      trainState.status = "confirming";
      const discard = await askTimed(
        `A new run replaces the model trained last (${r.name}` +
          (val ? `, ${(val * 100).toFixed(1)}% on validation` : "") + `)` +
          (result.kept ? "." : ", which has not been downloaded or saved.") +
          " Discard it and start?",
        { yes: "Discard it and start", no: "Keep it" },
        signal,
      );
      signal.throwIfAborted();
      if (!discard) {
        trainState.status = "idle";
        status("Not started: the last trained model is kept.");
        return;
      }
      await discardResult();
    }
    trainState.progress = [];
    trainState.history = [];
    trainState.test = null;
    trainState.testProgress = null;
    trainState.error = null;
    trainState.imagesPerSecond = null;
    trainState.estimate = null;
    trainState.seconds = null;
    $("train-log").textContent = "";
    setBar("train-bar", 0);
    setBar("test-bar", 0);
    $("test-bar").hidden = !s.test;
    const arch = architecture(s.model);
    const smoothing = arch.loss === "hinge" ? 0 : s.smoothing;
    await newCharts(arch.loss ?? "cross-entropy", smoothing);
    trainState.status = "loading data";
    status("Loading the training data…");
    const gpu = await startGpu();
    setProgressSink(log);
    const d = await officialData(signal);
    signal.throwIfAborted();
    const count = Math.min(s.limit, d.train.count);
    const train: Dataset = {
      ...d.train,
      images: d.train.images.subarray(0, count * d.train.rows * d.train.cols),
      labels: d.train.labels.subarray(0, count),
      count,
    };
    const testCount = Math.min(s.testCount, d.test.count);
    const test: Dataset = {
      ...d.test,
      images: d.test.images.subarray(0, testCount * d.test.rows * d.test.cols),
      labels: d.test.labels.subarray(0, testCount),
      count: testCount,
    };
    const split = stratifiedSplit(train.labels, 0.1, s.seed);
    if (!split.train.length || !split.val.length) {
      throw new UserError(
        `${count} training images leave none for training or validation; use more`,
      );
    }
    log(
      `${d.meta.dir} (${d.meta.source}): ${split.train.length} training, ${split.val.length} ` +
        `validation` + (s.test ? `, ${testCount} test` : "") + ` images; ${s.model}; batch ` +
        `${s.batchSize}; adapter ${gpu.adapter.description}`,
    );

    trainState.status = "estimating";
    status("Timing a few steps on this adapter (the first one compiles the kernels)…");
    const rest = await estimateRun({ ...s, testCount }, train, split, smoothing, signal);
    const estimate = { ...rest, seconds: whole() + rest.seconds };
    trainState.estimate = estimate;
    log(
      `timed ${estimate.steps} step${estimate.steps > 1 ? "s" : ""}: ` +
        `${estimate.imagesPerSecond.toFixed(1)} training images/s (after ${
          estimate.compileSeconds.toFixed(1)
        } s compiling), ${estimate.evalImagesPerSecond.toFixed(0)} evaluation images/s; ` +
        `the whole run: about ${duration(estimate.seconds)}`,
    );
    if (estimate.seconds > LONG_RUN_SECONDS) {
      trainState.status = "confirming";
      status(`This run would take about ${duration(estimate.seconds)} on this adapter.`);
      const go = await askTimed(
        `This run would take about ${duration(estimate.seconds)} on this adapter ` +
          `(${gpu.adapter.description}: ${estimate.imagesPerSecond.toFixed(1)} training ` +
          `images/s, measured over ${estimate.steps} step${estimate.steps > 1 ? "s" : ""}). ` +
          `Fewer images or epochs, fewer test images or the mlp make it shorter. Start anyway?`,
        { yes: "Start anyway", no: "Change the settings" },
        signal,
      );
      signal.throwIfAborted();
      if (!go) {
        trainState.status = "idle";
        status(`Not started: it would take about ${duration(estimate.seconds)}.`);
        log("not started");
        return;
      }
    }

    const model = run.model = new Sequential(arch, s.seed);
    const optimizer = run.optimizer = new Adam(model.params(), {
      lr: s.lr,
      weightDecay: 0.01,
      decoupled: true,
    });
    const stepsPerEpoch = Math.ceil(split.train.length / s.batchSize);
    const scheduler = new LrScheduler(learningRateSchedule({
      name: "onecycle",
      lr: s.lr,
      epochs: s.epochs,
      stepsPerEpoch,
    }));
    const augmentation = parseAugment(s.augment);
    log(
      `${model.parameterCount().toLocaleString("en")} parameters; ${stepsPerEpoch} steps per ` +
        `epoch`,
    );
    trainState.status = "training";
    status("Training…");
    const total = s.epochs * split.train.length;
    const left = (done: number) =>
      (total - done) / (trainState.imagesPerSecond ?? estimate.imagesPerSecond) +
      (split.val.length * (s.epochs - trainState.history.length) + (s.test ? testCount : 0)) /
        estimate.evalImagesPerSecond;
    const onProgress = (p: FitProgress) => {
      const done = (p.epoch - 1) * split.train.length + p.seen;
      const epoch = p.epoch - 1 + p.seen / p.total;
      trainState.progress.push({
        step: p.step,
        epoch,
        loss: p.recentLoss,
        accuracy: p.recentAccuracy,
      });
      if (p.imagesPerSecond > 0) trainState.imagesPerSecond = p.imagesPerSecond;
      setBar("train-bar", done / total);
      const rest = left(done);
      status(
        `Epoch ${p.epoch} of ${s.epochs}: ${p.seen.toLocaleString("en")} of ` +
          `${p.total.toLocaleString("en")} images, loss ${p.loss.toFixed(4)}, accuracy ` +
          `${(p.accuracy * 100).toFixed(1)}%, ${p.imagesPerSecond.toFixed(0)} images/s` +
          (Number.isFinite(rest) ? `; about ${duration(rest)} left in the run` : ""),
      );
      // A readback of fewer than two batches (an epoch's short last batch) is too noisy for the
      // curve: its images count in the epoch's mean all the same.
      const images = p.seen - chartedSeen;
      chartedSeen = p.seen === p.total ? 0 : p.seen;
      if (images < 2 * s.batchSize && p.seen !== images) return;
      void charts!.loss.add([{ series: "training", epoch, value: p.recentLoss }]);
      void charts!.accuracy.add([{ series: "training", epoch, value: p.recentAccuracy }]);
    };
    let chartedSeen = 0;
    const trainStart = performance.now();
    const history = await fit(model, optimizer, train, split.train, {
      epochs: s.epochs,
      batchSize: s.batchSize,
      seed: s.seed,
      // Validation is measured in onEpoch (measurePass) with the training loss's smoothing, so
      // the loss chart holds one definition; fit's own would be without it.
      smoothing,
      augment: isIdentity(augmentation) ? undefined : augmenter(augmentation, s.seed),
      scheduler,
      logEvery: 5,
      // The status line and the bar show progress; the log gets one line per epoch (below).
      quiet: true,
      // A readback every 5 steps, not per second of GPU work: it is when the page's event loop
      // turns (Cancel, live charts), and a browser's mapAsync does not drain the queue as Deno's.
      readbackSeconds: 0,
      onProgress,
      onEpoch: async (record) => {
        trainState.status = "validating";
        status(`Epoch ${record.epoch} of ${s.epochs}: measuring the validation images…`);
        const val = await measurePass(model, train, split.val, { smoothing, signal });
        // The record is fit's own, already in its history: it gets the validation figures here.
        // valLoss keeps the command line's meaning (no smoothing), so that saved histories
        // compare; the chart draws the loss with the training's smoothing beside training.
        record.valLoss = val.plainLoss;
        record.valAccuracy = val.accuracy;
        if (smoothing > 0) (record as { valLossSmoothed?: number }).valLossSmoothed = val.loss;
        trainState.history.push(record);
        trainState.status = "training";
        log(
          `epoch ${record.epoch}: ${record.seconds.toFixed(1)} s, ` +
            `${record.imagesPerSecond.toFixed(0)} images/s, training loss ` +
            `${record.trainLoss.toFixed(4)}, accuracy ${
              (record.trainAccuracy * 100).toFixed(2)
            }%; ` +
            `validation loss ` +
            `${val.loss.toFixed(4)}` +
            (smoothing > 0 ? ` (without smoothing ${val.plainLoss.toFixed(4)})` : "") +
            `, validation accuracy ${(val.accuracy * 100).toFixed(2)}% ` +
            `(${val.images} images, ${val.seconds.toFixed(1)} s)`,
        );
        void charts!.loss.add([{ series: "validation", epoch: record.epoch, value: val.loss }]);
        void charts!.accuracy.add([{
          series: "validation",
          epoch: record.epoch,
          value: val.accuracy,
        }]);
      },
      signal,
    });
    const trainSeconds = (performance.now() - trainStart) / 1000;
    let tested: { accuracy: number; loss: number; seconds: number; images: number } | null = null;
    if (s.test) {
      trainState.status = "testing";
      trainState.testProgress = { done: 0, total: testCount };
      const testStart = performance.now();
      status(`Measuring the ${testCount.toLocaleString("en")} test images…`);
      const t = await measurePass(
        model,
        test,
        Uint32Array.from({ length: testCount }, (_, i) => i),
        {
          signal,
          onProgress: (done, all) => {
            trainState.testProgress = { done, total: all };
            setBar("test-bar", done / all);
            const rate = done / ((performance.now() - testStart) / 1000);
            status(
              `Measuring the test images: ${done.toLocaleString("en")} of ` +
                `${all.toLocaleString("en")}, ${rate.toFixed(0)} images/s, about ` +
                `${duration((all - done) / rate)} left`,
            );
          },
        },
      );
      tested = t;
      trainState.test = { accuracy: t.accuracy, loss: t.loss, images: t.images };
      log(
        `test: accuracy ${(t.accuracy * 100).toFixed(2)}%, cross-entropy ${
          t.loss.toFixed(4)
        } (no smoothing) on the first ${t.images} test images, ${t.seconds.toFixed(1)} s`,
      );
    }
    const seconds = whole();
    const config = {
      kind: "network",
      name: s.model,
      architecture: arch,
      parameters: model.parameterCount(),
      hyperParameters: {
        model: s.model,
        epochs: s.epochs,
        batchSize: s.batchSize,
        optimizer: "adamw",
        lr: s.lr,
        weightDecay: 0.01,
        schedule: "onecycle",
        labelSmoothing: smoothing,
        augment: describeAugment(augmentation),
        seed: s.seed,
        limit: count,
        valSplit: 0.1,
      },
      adapter: gpu.adapter,
      trainedIn: `browser: ${navigator.userAgent}`,
      data: {
        source: d.meta.source,
        train: split.train.length,
        validation: split.val.length,
        test: testCount,
      },
      epochsCompleted: history.length,
      savedEpoch: history.length,
      timings: {
        trainSeconds,
        wholeRunSeconds: seconds,
        estimatedSeconds: estimate.seconds,
        compileSeconds: estimate.compileSeconds,
        secondsPerEpoch: history.map((h) => h.seconds),
        imagesPerSecond: history.map((h) => h.imagesPerSecond),
        ...(tested ? { testSeconds: tested.seconds } : {}),
      },
      ...(tested
        ? { test: { accuracy: tested.accuracy, loss: tested.loss, images: tested.images } }
        : {}),
      history,
      createdAt: new Date().toISOString(),
    };
    result = {
      model,
      config,
      kept: false,
      loaded: { model, int8: null, architecture: arch, config, source: "trained in this page" },
    };
    trainState.seconds = seconds;
    trainState.status = "done";
    setBar("train-bar", 1);
    const last = history[history.length - 1];
    status(
      `Done in ${duration(seconds)} (the whole run; estimated ${duration(estimate.seconds)}): ` +
        `${history.length} epoch${history.length > 1 ? "s" : ""}, validation accuracy ` +
        `${(last.valAccuracy! * 100).toFixed(2)}%` +
        (tested
          ? `, test accuracy ${(tested.accuracy * 100).toFixed(2)}% on ${tested.images} images`
          : "") +
        `, ${last.imagesPerSecond.toFixed(0)} images/s. Use it in Predict, or download it.`,
    );
  } catch (e) {
    trainState.seconds = whole();
    if (signal.aborted) {
      const phase = trainState.status;
      trainState.status = "cancelled";
      status(
        `Cancelled ${
          phase === "testing"
            ? `while measuring the test images (${trainState.testProgress?.done ?? 0} done)`
            : phase === "training" || phase === "validating"
            ? `after ${trainState.progress.at(-1)?.step ?? 0} steps`
            : `while ${phase}`
        }, ${duration(whole())} into the run.`,
      );
      log("cancelled");
    } else {
      trainState.status = "failed";
      trainState.error = messageOf(e);
      status("Stopped by an error.");
      showMessage(trainState.error);
    }
  } finally {
    // Free what the run leaves on the GPU: always its optimizer's moments; its model too when
    // it was cancelled or failed (nothing will use it).
    run.optimizer?.dispose();
    if (run.model && result?.model !== run.model) run.model.dispose();
    setProgressSink(null);
    controller = null;
    setRunning(false);
  }
}

/** The files of the trained model's folder. */
async function modelFiles(): Promise<{ name: string; blob: Blob }[]> {
  if (!result) throw new UserError("no trained model yet: train one first");
  const weights = await encodeModelWeights(result.model);
  return [
    {
      name: "config.json",
      blob: new Blob([JSON.stringify(result.config, null, 2)], { type: "application/json" }),
    },
    {
      name: "weights.safetensors",
      blob: new Blob([weights], { type: "application/octet-stream" }),
    },
  ];
}

/** Downloads config.json and weights.safetensors (put them in one folder for "deno task predict"). */
async function download() {
  for (const f of await modelFiles()) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(f.blob);
    a.download = f.name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    await new Promise((r) => setTimeout(r, 300));
  }
  result!.kept = true;
  log(
    `downloaded config.json and weights.safetensors: put them in one folder, then run ` +
      `"deno task predict --model FOLDER"`,
  );
}

/** Writes the model folder into a folder the user picks (File System Access API). */
async function saveToFolder() {
  const picker = (globalThis as unknown as {
    showDirectoryPicker?: (o: { mode: string }) => Promise<FileSystemDirectoryHandle>;
  }).showDirectoryPicker;
  if (!picker) throw new UserError("this browser cannot write folders; use Download the files");
  const files = await modelFiles();
  let dir: FileSystemDirectoryHandle;
  try {
    dir = await picker({ mode: "readwrite" });
  } catch {
    return; // the user closed the picker
  }
  for (const f of files) {
    const handle = await dir.getFileHandle(f.name, { create: true });
    const w = await (handle as unknown as {
      createWritable(): Promise<WritableStreamDefaultWriter & WritableStream>;
    })
      .createWritable();
    await (w as unknown as { write(b: Blob): Promise<void> }).write(f.blob);
    await (w as unknown as { close(): Promise<void> }).close();
  }
  result!.kept = true;
  log(
    `saved config.json and weights.safetensors into ${dir.name}/: "deno task predict --model ${dir.name}"`,
  );
}

/** Wires the tab's controls. */
export function setUpTrain() {
  const select = $<HTMLSelectElement>("train-model");
  for (const name of Object.keys(ARCHITECTURES)) {
    const o = document.createElement("option");
    o.value = o.textContent = name;
    o.selected = name === "cnn";
    select.append(o);
  }
  $("train-start").addEventListener("click", () =>
    guarded(async () => {
      if (controller) return;
      await runTraining(readSettings());
    }));
  $("train-cancel").addEventListener("click", () => controller?.abort());
  $("train-use").addEventListener("click", () =>
    guarded(async () => {
      if (!result) throw new UserError("no trained model yet: train one first");
      showTab("predict");
      await useTrainedModel(result.loaded);
    }));
  $("train-test").addEventListener("change", () => setRunning(controller !== null));
  $("train-download").addEventListener("click", () => guarded(download));
  $("train-save").addEventListener("click", () => guarded(saveToFolder));
  $<HTMLButtonElement>("train-save").hidden = !("showDirectoryPicker" in globalThis);
  setRunning(false);
}
