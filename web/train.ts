/// <reference lib="dom" />
/**
 * The Train tab: a network of the zoo trained in the page on the official data, with the
 * command line's default recipe (AdamW with decoupled weight decay 0.01, one-cycle learning rate
 * to the chosen peak, label smoothing 0.1, a stratified 10% validation split), through the same
 * `fit` loop and kernels as `deno task train`; live charts; cancel; the result saved as a model
 * folder (config.json + weights.safetensors) that `deno task predict` loads.
 */
import { architecture, ARCHITECTURES } from "../src/nn/zoo.ts";
import { Sequential } from "../src/nn/model.ts";
import { Adam } from "../src/optim/optimizer.ts";
import { learningRateSchedule, LrScheduler } from "../src/optim/schedule.ts";
import { type EpochRecord, fit, type FitProgress } from "../src/train/fit.ts";
import { evaluate } from "../src/train/evaluate.ts";
import { stratifiedSplit } from "../src/data/split.ts";
import type { Dataset } from "../src/data/dataset.ts";
import { augmenter, describeAugment, isIdentity, parseAugment } from "../src/augment/mod.ts";
import { encodeModelWeights } from "../src/io/weights.ts";
import { UserError } from "../src/util/errors.ts";
import { setProgressSink, startGpu } from "./engine.ts";
import { LiveChart } from "./charts.ts";
import { $, guarded, messageOf, showMessage } from "./ui.ts";

/** What the user chose. */
export interface TrainSettings {
  model: string;
  epochs: number;
  batchSize: number;
  /** The first N training images (the command line's --limit). */
  limit: number;
  augment: string;
  lr: number;
  seed: number;
  /** Measure the 10,000 test images at the end (as "deno task train" does). */
  test: boolean;
}

/** Where the tab is, for people and tests. */
export const trainState = {
  status: "idle" as
    | "idle"
    | "loading data"
    | "training"
    | "testing"
    | "done"
    | "cancelled"
    | "failed",
  /** One entry per readback (every few steps): the step, its recent loss and accuracy. */
  progress: [] as { step: number; epoch: number; loss: number; accuracy: number }[],
  history: [] as EpochRecord[],
  imagesPerSecond: null as number | null,
  test: null as { accuracy: number; loss: number } | null,
  /** Set when a run ended with an error (also shown as the page's message). */
  error: null as string | null,
};

interface OfficialData {
  meta: { dir: string; source: string };
  train: Dataset;
  test: Dataset;
}

let data: Promise<OfficialData> | null = null;

/** The official data, as `deno task serve` serves them (loaded once). */
function officialData(): Promise<OfficialData> {
  data ??= (async () => {
    const get = async (name: string) => {
      const r = await fetch(new URL(`data/${name}`, location.href));
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
  return {
    model: $<HTMLSelectElement>("train-model").value,
    epochs: num("train-epochs", "epochs", 1, 100),
    batchSize: num("train-batch", "batch size", 1, 1024),
    limit: num("train-limit", "training images", 20, 60000),
    augment: $<HTMLSelectElement>("train-augment").value,
    lr: num("train-lr", "peak learning rate", 1e-6, 1, false),
    seed: num("train-seed", "seed", 0, 2 ** 31),
    test: $<HTMLInputElement>("train-test").checked,
  };
}

/** A finished run: the model and the config.json that goes with its weights. */
interface TrainResult {
  model: Sequential;
  config: Record<string, unknown>;
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

function setRunning(running: boolean) {
  $<HTMLButtonElement>("train-start").disabled = running;
  $<HTMLButtonElement>("train-cancel").disabled = !running;
  $<HTMLButtonElement>("train-download").disabled = running || !result;
  $<HTMLButtonElement>("train-save").disabled = running || !result;
  for (
    const id of [
      "train-model",
      "train-epochs",
      "train-batch",
      "train-limit",
      "train-augment",
      "train-lr",
      "train-seed",
      "train-test",
    ]
  ) {
    $<HTMLInputElement>(id).disabled = running;
  }
}

/** Trains with `s`; resolves when done, cancelled or failed (the state says which). */
export async function runTraining(s: TrainSettings): Promise<void> {
  controller = new AbortController();
  const signal = controller.signal;
  // A new run replaces the last one's model (and its download): its GPU buffers go now.
  result?.model.dispose();
  result = null;
  const run: { model?: Sequential; optimizer?: Adam } = {};
  trainState.progress = [];
  trainState.history = [];
  trainState.test = null;
  trainState.error = null;
  trainState.imagesPerSecond = null;
  $("train-log").textContent = "";
  $("train-progress").style.width = "0";
  setRunning(true);
  showMessage(null);
  try {
    charts ??= {
      loss: await LiveChart.create($("chart-loss"), "Loss", {
        title: "loss (label smoothing 0.1)",
      }),
      accuracy: await LiveChart.create($("chart-accuracy"), "Accuracy", {
        title: "accuracy",
        format: ".0%",
      }),
    };
    await Promise.all([charts.loss.clear(), charts.accuracy.clear()]);
    trainState.status = "loading data";
    status("Loading the training data…");
    const gpu = await startGpu();
    setProgressSink(log);
    const d = await officialData();
    const count = Math.min(s.limit, d.train.count);
    const train: Dataset = {
      ...d.train,
      images: d.train.images.subarray(0, count * d.train.rows * d.train.cols),
      labels: d.train.labels.subarray(0, count),
      count,
    };
    const split = stratifiedSplit(train.labels, 0.1, s.seed);
    if (!split.train.length || !split.val.length) {
      throw new UserError(
        `${count} training images leave none for training or validation; use more`,
      );
    }
    const arch = architecture(s.model);
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
    const smoothing = arch.loss === "hinge" ? 0 : 0.1;
    log(
      `${d.meta.dir} (${d.meta.source}): ${split.train.length} training, ${split.val.length} ` +
        `validation images; ${s.model}, ${
          model.parameterCount().toLocaleString("en")
        } parameters; ` +
        `${stepsPerEpoch} steps per epoch at batch ${s.batchSize}; adapter ${gpu.adapter.description}`,
    );
    trainState.status = "training";
    status("Compiling the kernels for the first step…");
    const started = performance.now();
    const total = s.epochs * split.train.length;
    const onProgress = (p: FitProgress) => {
      const done = (p.epoch - 1) * split.train.length + p.seen;
      const epoch = p.epoch - 1 + p.seen / p.total;
      trainState.progress.push({
        step: p.step,
        epoch,
        loss: p.recentLoss,
        accuracy: p.recentAccuracy,
      });
      trainState.imagesPerSecond = p.imagesPerSecond;
      $("train-progress").style.width = `${(done / total * 100).toFixed(1)}%`;
      const left = (total - done) / p.imagesPerSecond;
      status(
        `Epoch ${p.epoch} of ${s.epochs}: ${p.seen.toLocaleString("en")} of ` +
          `${p.total.toLocaleString("en")} images, loss ${p.loss.toFixed(4)}, accuracy ` +
          `${(p.accuracy * 100).toFixed(1)}%, ${p.imagesPerSecond.toFixed(0)} images/s` +
          (Number.isFinite(left) ? `, about ${Math.ceil(left)} s left in training` : ""),
      );
      void charts!.loss.add([{ series: "training", epoch, value: p.recentLoss }]);
      void charts!.accuracy.add([{ series: "training", epoch, value: p.recentAccuracy }]);
    };
    const history = await fit(model, optimizer, train, split.train, {
      epochs: s.epochs,
      batchSize: s.batchSize,
      seed: s.seed,
      valIndices: split.val,
      smoothing,
      augment: isIdentity(augmentation) ? undefined : augmenter(augmentation, s.seed),
      scheduler,
      logEvery: 5,
      // A readback every 5 steps, not per second of GPU work: it is when the page's event loop
      // turns (Cancel, live charts), and a browser's mapAsync does not drain the queue as Deno's.
      readbackSeconds: 0,
      onProgress,
      onEpoch: (record) => {
        trainState.history.push(record);
        void charts!.loss.add([{
          series: "validation",
          epoch: record.epoch,
          value: record.valLoss!,
        }]);
        void charts!.accuracy.add([{
          series: "validation",
          epoch: record.epoch,
          value: record.valAccuracy!,
        }]);
      },
      signal,
    });
    const trainSeconds = (performance.now() - started) / 1000;
    let test: { accuracy: number; loss: number; seconds: number } | null = null;
    if (s.test) {
      trainState.status = "testing";
      status(`Measuring the ${d.test.count.toLocaleString("en")} test images…`);
      const t = await evaluate(model, d.test);
      test = { accuracy: t.accuracy, loss: t.loss, seconds: t.seconds };
      trainState.test = { accuracy: t.accuracy, loss: t.loss };
      log(
        `test: accuracy ${(t.accuracy * 100).toFixed(2)}%, loss ${
          t.loss.toFixed(4)
        } on ${d.test.count} images`,
      );
    }
    result = {
      model,
      config: {
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
          test: d.test.count,
        },
        epochsCompleted: history.length,
        savedEpoch: history.length,
        timings: {
          trainSeconds,
          compileSeconds: history.reduce((t, h) => t + (h.compileSeconds ?? 0), 0),
          secondsPerEpoch: history.map((h) => h.seconds),
          imagesPerSecond: history.map((h) => h.imagesPerSecond),
          ...(test ? { testSeconds: test.seconds } : {}),
        },
        ...(test ? { test: { accuracy: test.accuracy, loss: test.loss } } : {}),
        history,
        createdAt: new Date().toISOString(),
      },
    };
    trainState.status = "done";
    const last = history[history.length - 1];
    status(
      `Done: ${history.length} epoch${history.length > 1 ? "s" : ""} in ${
        trainSeconds.toFixed(0)
      } s, ` +
        `validation accuracy ${(last.valAccuracy! * 100).toFixed(2)}%` +
        (test ? `, test accuracy ${(test.accuracy * 100).toFixed(2)}%` : "") +
        `, ${last.imagesPerSecond.toFixed(0)} images/s.`,
    );
  } catch (e) {
    if (signal.aborted) {
      trainState.status = "cancelled";
      status(`Cancelled after ${trainState.progress.at(-1)?.step ?? 0} steps.`);
      log("cancelled");
    } else {
      trainState.status = "failed";
      trainState.error = messageOf(e);
      status("Stopped by an error.");
      showMessage(trainState.error);
    }
  } finally {
    // Free what the run leaves on the GPU: always its optimizer's moments; its model too when
    // it was cancelled or failed (nothing will download it).
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
  $("train-download").addEventListener("click", () => guarded(download));
  $("train-save").addEventListener("click", () => guarded(saveToFolder));
  $<HTMLButtonElement>("train-save").hidden = !("showDirectoryPicker" in globalThis);
  setRunning(false);
}
