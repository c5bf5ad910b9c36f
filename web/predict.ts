/// <reference lib="dom" />
/**
 * The Predict tab: a garment from the drawing pad, an uploaded picture or the camera; the 28×28
 * image the model sees; the top three classes; the first layers' feature maps. The model is the
 * shipped reference CNN or a model folder the user opens.
 */
import {
  CLASS_NAMES,
  type Classification,
  classify,
  fetchModel,
  fetchModelFiles,
  type LoadedModel,
  type ModelFiles,
  modelFromFiles,
  prepareClassify,
  retire,
  startGpu,
} from "./engine.ts";
import { type Picture, pictureFromFile, pictureFromSource } from "./picture.ts";
import { paintFeatureMaps, paintGray } from "./render.ts";
import { $, guarded, showMessage } from "./ui.ts";
import { showSimilar } from "./similar.ts";
import { UserError } from "../src/util/errors.ts";
import { overlay, saliencyMap } from "../src/explain/saliency.ts";
import { MODEL_FILE_LIMITS } from "../src/io/limits.ts";

const EXAMPLES = ["pullover", "ankle-boot", "trouser", "sandal", "bag"];
const REFERENCE_LABEL = "the reference CNN shipped with the page";

/** What the page shows now, for people and for tests. */
export interface PredictState {
  model: string | null;
  picture: string | null;
  description: string | null;
  /** The preprocessing's warning for the picture shown (null: none). */
  note: string | null;
  /**
   * The occlusion saliency of the answer shown (src/explain/saliency.ts), once worked out: the
   * class explained, its largest |value|, and the milliseconds it took; null before.
   */
  saliency: { target: number; scale: number; ms: number } | null;
  /** The 28×28 bytes the model saw last. */
  seen: number[] | null;
  top3: { label: string; probability: number }[];
  /** Milliseconds from opening the page to the first prediction shown. */
  firstPredictionMs: number | null;
  /** Milliseconds from opening the page until WebGPU's device and the reference model were ready. */
  gpuReadyMs: number | null;
  modelReadyMs: number | null;
  /** Milliseconds from opening the page until the first answer's pipelines were compiled. */
  compiledMs: number | null;
  busy: boolean;
}

export const predictState: PredictState = {
  model: null,
  picture: null,
  description: null,
  note: null,
  saliency: null,
  seen: null,
  top3: [],
  firstPredictionMs: null,
  gpuReadyMs: null,
  modelReadyMs: null,
  compiledMs: null,
  busy: false,
};

let reference: Promise<LoadedModel> | null = null;
let current: LoadedModel | null = null;
let shown: Picture | null = null;
let pending: Picture | null = null;
let running = false;
/** The answer's sentence, as the live region says it. */
let lastAnswer = "";

let referenceFiles: Promise<ModelFiles> | null = null;

/** Starts fetching the reference model's files (they need no GPU: the page asks before its device). */
export function prefetchReferenceModel() {
  referenceFiles ??= fetchModelFiles(new URL("model/", location.href).href);
  referenceFiles.catch(() => referenceFiles = null);
}

/** The reference model, loaded once. */
export function referenceModel(): Promise<LoadedModel> {
  prefetchReferenceModel();
  const url = new URL("model/", location.href).href;
  reference ??= fetchModel(url, REFERENCE_LABEL, referenceFiles!).then((m) => {
    // The page opens with one image classified with its feature maps: those pipelines are
    // compiled now, together (a failure here leaves them to the classification, which reports).
    m.prepared = prepareClassify(m, 1, { featureMaps: true }).then(
      () => predictState.compiledMs ??= performance.now(),
      (e) => console.warn(`compiling ahead: ${(e as Error).message}`),
    );
    return m;
  });
  reference.catch(() => reference = null);
  return reference;
}

/** The model the tab uses now (the reference one until the user opens another). */
export async function activeModel(): Promise<LoadedModel> {
  current ??= await referenceModel();
  return current;
}

/**
 * Makes `next` the tab's model; the one it replaces is freed on the GPU unless it is the
 * reference model, which stays loaded for the "reference model" button.
 */
async function useModel(next: LoadedModel) {
  const previous = current;
  current = next;
  if (
    previous && previous !== next && !previous.owned &&
    previous !== await reference?.catch(() => null)
  ) {
    retire(previous);
  }
}

/** Makes a model trained in the page the tab's model and classifies the picture shown. */
export async function useTrainedModel(trained: LoadedModel) {
  trained.owned = true;
  await useModel(trained);
  showModel(trained);
  if (shown) await showPicture(shown);
}

/**
 * Called before the Train tab frees the model it trained: when this tab uses it, it goes back to
 * the reference model (and classifies the picture shown again).
 */
export async function forgetModel(trained: LoadedModel) {
  if (current !== trained) return;
  const ref = await referenceModel();
  await useModel(ref);
  showModel(ref);
  if (shown) await showPicture(shown);
}

function describeModel(m: LoadedModel): string {
  const c = m.config as {
    name?: string;
    test?: { accuracy?: number };
    epochsCompleted?: number;
    hyperParameters?: { augment?: string };
    adapter?: { description?: string };
  };
  const parts = [`${c.name ?? m.architecture.name}${m.int8 ? " (int8)" : ""}, ${m.source}`];
  if (c.test?.accuracy !== undefined) {
    parts.push(`${(c.test.accuracy * 100).toFixed(2)}% on the 10,000 test images`);
  }
  if (c.epochsCompleted) parts.push(`${c.epochsCompleted} epochs`);
  if (c.adapter?.description) parts.push(`trained on ${c.adapter.description}`);
  return parts.join("; ");
}

function showModel(m: LoadedModel) {
  predictState.model = describeModel(m);
  $("model-info").textContent = `Model: ${predictState.model}.`;
  $("model-reference").hidden = m.source === REFERENCE_LABEL;
}

/** Says the answer is coming (`busy`), or what it is, in the live region screen readers read. */
function answerStatus(busy: boolean, text: string) {
  $("answer").setAttribute("aria-busy", String(busy));
  const line = $("answer-status");
  line.classList.toggle("loading", busy);
  line.textContent = text;
}

function showResult(r: Classification) {
  const p = r.probabilities[0];
  const order = [...p.keys()].sort((a, b) => p[b] - p[a]).slice(0, 3);
  predictState.top3 = order.map((k) => ({ label: CLASS_NAMES[k], probability: p[k] }));
  const pct = (k: number) => `${(p[k] * 100).toFixed(1)}%`;
  lastAnswer = `It looks like ${article(CLASS_NAMES[order[0]])} (${pct(order[0])}); then ` +
    order.slice(1).map((k) => `${CLASS_NAMES[k]} ${pct(k)}`).join(", ") + ".";
  answerStatus(false, lastAnswer);
  const list = $("top3");
  list.replaceChildren(...order.map((k) => {
    const li = document.createElement("li");
    const pct = (p[k] * 100).toFixed(1);
    li.innerHTML = `<span></span><span class="bar"><span style="width:${pct}%"></span></span>` +
      `<span class="p">${pct}%</span>`;
    li.firstElementChild!.textContent = CLASS_NAMES[k];
    return li;
  }));
  const columns = [8, 16];
  r.maps.forEach((m, i) => {
    paintFeatureMaps($<HTMLCanvasElement>(`maps-${i}`), m, columns[i] ?? 16, 2);
    $(`maps-${i}-cap`).textContent = `${m.title[0].toUpperCase()}${m.title.slice(1)} ` +
      `(layer ${m.layer})`;
  });
  for (let i = r.maps.length; i < 2; i++) {
    $(`maps-${i}-cap`).textContent = "";
    $<HTMLCanvasElement>(`maps-${i}`).width = 0;
  }
}

/** Shows a picture's 28×28 and classifies it (the latest one wins when several come quickly). */
export async function showPicture(picture: Picture) {
  shown = picture;
  predictState.picture = picture.name;
  predictState.description = picture.preprocessed.description;
  predictState.seen = Array.from(picture.preprocessed.pixels);
  paintGray($<HTMLCanvasElement>("seen"), picture.preprocessed.pixels, 28, 28);
  $("seen-how").textContent = `${picture.name}: ${picture.preprocessed.description}.`;
  // The conversion's warning when it is doubtful ("no object separated from the background"):
  // src/image/preprocess.ts's `note` (absent from older versions of it).
  const note = (picture.preprocessed as { note?: string | null }).note ?? null;
  predictState.note = note;
  $("seen-note").textContent = note ?? "";
  $("seen-note").hidden = !note;
  pending = picture;
  if (running) return;
  running = true;
  predictState.busy = true;
  answerStatus(
    true,
    predictState.firstPredictionMs === null
      ? "Loading the model and compiling its kernels (the first answer takes a few seconds)…"
      : `Classifying ${picture.name}…`,
  );
  try {
    while (pending) {
      const next = pending;
      pending = null;
      await guarded(async () => {
        await startGpu();
        const model = await activeModel();
        const r = await classify(model, next.preprocessed.pixels, 1, { featureMaps: true });
        if (pending) return; // a newer picture came meanwhile
        showResult(r);
        void showSimilar(model, next.name, next.preprocessed.pixels);
        if ($<HTMLInputElement>("saliency-on").checked) void explain(next, model);
        else hideSaliency();
        showMessage(null);
        predictState.firstPredictionMs ??= performance.now();
      });
    }
  } finally {
    running = false;
    predictState.busy = false;
    if ($("answer").getAttribute("aria-busy") === "true") {
      answerStatus(false, lastAnswer || "No answer yet.");
    }
  }
}

/** Bumped for each picture: a saliency map worked out for an older one is not shown. */
let explained = 0;

function hideSaliency() {
  explained++;
  predictState.saliency = null;
  $("saliency").hidden = true;
  $("saliency-how").hidden = true;
}

/**
 * Works out which pixels of `picture`'s 28×28 mattered for the model's answer and draws them
 * over the 28×28 (src/explain/saliency.ts: occlusion saliency, 144 occluded copies scored in one
 * batch): red where covering a pixel lowered the answer's probability, blue where it raised it.
 * Only while "show which pixels mattered" is ticked: on a software adapter the batch takes a few
 * seconds, which a prediction asked for meanwhile would wait behind.
 */
async function explain(picture: Picture, model: LoadedModel) {
  hideSaliency();
  const token = explained;
  const how = $("saliency-how");
  how.hidden = false;
  how.textContent = "Covering each part of the 28×28 in turn…";
  const started = performance.now();
  const s = await saliencyMap(
    picture.preprocessed.pixels,
    (px, n) => classify(model, px, n).then((r) => r.probabilities),
  ).catch((e) => {
    console.error(e);
    return null;
  });
  if (token !== explained) return;
  if (!s) {
    how.textContent = "The saliency map could not be worked out (see the console).";
    return;
  }
  const rgb = overlay(picture.preprocessed.pixels, s.map, s.scale, 28, 28);
  const canvas = $<HTMLCanvasElement>("saliency");
  const ctx = canvas.getContext("2d")!;
  const img = ctx.createImageData(28, 28);
  for (let p = 0; p < 784; p++) {
    img.data.set([rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2], 255], p * 4);
  }
  ctx.putImageData(img, 0, 0);
  canvas.hidden = false;
  how.textContent = `Red: covering these pixels lowered the probability of ` +
    `${CLASS_NAMES[s.target] ?? `output ${s.target}`} (${(s.probability * 100).toFixed(1)}%) the ` +
    `most; blue: raised it.`;
  predictState.saliency = {
    target: s.target,
    scale: s.scale,
    ms: performance.now() - started,
  };
}

/** "a Bag", "an Ankle boot". */
function article(label: string): string {
  return `${/^[AEIOU]/.test(label) ? "an" : "a"} ${label}`;
}

/** Draws a picture into the pad, fitted on white, so the pad shows what is classified. */
function drawIntoPad(picture: Picture) {
  const pad = $<HTMLCanvasElement>("pad");
  const ctx = pad.getContext("2d")!;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, pad.width, pad.height);
  const { width, height, data } = picture.image;
  const img = new ImageData(new Uint8ClampedArray(data as ArrayLike<number>), width, height);
  const tmp = new OffscreenCanvas(width, height);
  tmp.getContext("2d")!.putImageData(img, 0, 0);
  const s = Math.min(pad.width / width, pad.height / height);
  ctx.drawImage(
    tmp,
    (pad.width - width * s) / 2,
    (pad.height - height * s) / 2,
    width * s,
    height * s,
  );
}

/** Opens a model from files the user picked (a folder's files, or its two files). */
export async function openModelFiles(files: File[]) {
  const byName = new Map(files.map((f) => [f.name, f]));
  const config = byName.get("config.json");
  // An int8 folder ("deno task quantize") has weights-int8.safetensors instead.
  const weights = byName.get("weights.safetensors") ?? byName.get("weights-int8.safetensors");
  if (!config || !weights) {
    const got = files.map((f) => f.name).slice(0, 4).join(", ") || "nothing";
    throw new UserError(
      `a model folder holds config.json and weights.safetensors (as "deno task train" writes ` +
        `them) or weights-int8.safetensors ("deno task quantize"); got ${got}`,
    );
  }
  const folder = (config as File & { webkitRelativePath?: string }).webkitRelativePath
    ?.split("/")[0];
  // Sizes first: a 4 GB "weights" file is refused before it is read into memory.
  for (
    const [file, limit] of [[config, MODEL_FILE_LIMITS.config], [
      weights,
      MODEL_FILE_LIMITS.weights,
    ]] as const
  ) {
    if (file.size > limit) {
      throw new UserError(
        `${file.name}: ${(file.size / 2 ** 20).toFixed(1)} MiB, over the ${
          (limit / 2 ** 20).toFixed(0)
        } MiB limit for a model file; pick the files "deno task train" wrote`,
      );
    }
  }
  await startGpu();
  const loaded = modelFromFiles(await config.text(), new Uint8Array(await weights.arrayBuffer()), {
    config: config.name,
    weights: weights.name,
    label: folder ? `opened from ${folder}/` : "opened from its files",
  });
  await useModel(loaded);
  showModel(loaded);
  if (shown) await showPicture(shown);
}

/** Wires the tab; classifies the first example so the page opens with an answer. */
export function setUpPredict() {
  const pad = $<HTMLCanvasElement>("pad");
  const ctx = pad.getContext("2d")!;
  const clear = () => {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, pad.width, pad.height);
  };
  clear();
  let drawing = false;
  let last: [number, number] | null = null;
  const point = (e: PointerEvent): [number, number] => {
    const r = pad.getBoundingClientRect();
    return [
      (e.clientX - r.left) * pad.width / r.width,
      (e.clientY - r.top) * pad.height / r.height,
    ];
  };
  pad.addEventListener("pointerdown", (e) => {
    drawing = true;
    last = point(e);
    pad.setPointerCapture(e.pointerId);
  });
  pad.addEventListener("pointermove", (e) => {
    if (!drawing || !last) return;
    const p = point(e);
    ctx.strokeStyle = "#111";
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = Number($<HTMLInputElement>("brush").value);
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...p);
    ctx.stroke();
    last = p;
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    last = null;
    guarded(() => showPicture(pictureFromSource(pad, pad.width, pad.height, "your drawing")));
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  $("clear").addEventListener("click", clear);
  $("saliency-on").addEventListener("change", () =>
    guarded(async () => {
      if (!$<HTMLInputElement>("saliency-on").checked) return hideSaliency();
      if (shown && predictState.top3.length) await explain(shown, await activeModel());
    }));

  $<HTMLInputElement>("upload").addEventListener("change", async (e) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    await guarded(async () => {
      const picture = await pictureFromFile(file);
      drawIntoPad(picture);
      await showPicture(picture);
    });
  });

  let stream: MediaStream | null = null;
  const video = $<HTMLVideoElement>("video");
  const stopCamera = () => {
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    video.hidden = true;
    $("capture").hidden = true;
    $("camera").textContent = "Camera";
  };
  $("camera").addEventListener("click", () =>
    guarded(async () => {
      if (stream) return stopCamera();
      if (!navigator.mediaDevices?.getUserMedia) {
        throw new UserError(
          "this browser gives the page no camera (it needs http://127.0.0.1 or https)",
        );
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: "environment", width: { ideal: 1280 } },
        });
      } catch (e) {
        throw new UserError(
          `camera: ${
            (e as Error).message || (e as Error).name
          }; allow the page to use it, or upload a picture`,
        );
      }
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      $("capture").hidden = false;
      $("camera").textContent = "Stop the camera";
    }));
  $("capture").addEventListener("click", () =>
    guarded(async () => {
      if (!stream || !video.videoWidth) {
        throw new UserError("camera: no picture yet; wait for the video");
      }
      const picture = pictureFromSource(
        video,
        video.videoWidth,
        video.videoHeight,
        "camera picture",
      );
      stopCamera();
      drawIntoPad(picture);
      await showPicture(picture);
    }));

  const openFiles = (input: HTMLInputElement) =>
    input.addEventListener("change", async () => {
      const files = [...input.files ?? []];
      input.value = "";
      if (files.length) await guarded(() => openModelFiles(files));
    });
  openFiles($<HTMLInputElement>("model-dir"));
  openFiles($<HTMLInputElement>("model-files"));
  $("model-reference").addEventListener("click", () =>
    guarded(async () => {
      const ref = await referenceModel();
      await useModel(ref);
      showModel(ref);
      if (shown) await showPicture(shown);
    }));

  const examples = $("examples");
  for (const name of EXAMPLES) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = name.replace("-", " ");
    b.addEventListener("click", () => guarded(() => showExample(name)));
    examples.append(b);
  }
}

/** Loads example `name` (web/examples/<name>.png) into the pad and classifies it. */
export async function showExample(name: string) {
  const r = await fetch(new URL(`examples/${name}.png`, location.href));
  if (!r.ok) throw new UserError(`examples/${name}.png: ${r.status} ${r.statusText}`);
  const file = new File([await r.blob()], `example: ${name.replace("-", " ")}`, {
    type: "image/png",
  });
  const picture = await pictureFromFile(file);
  drawIntoPad(picture);
  await showPicture(picture);
}

/** Starts the tab: the first example shown, the reference model loaded, the example classified. */
export async function startPredict() {
  predictState.gpuReadyMs ??= performance.now();
  // The example and its 28×28 are drawn while the model loads; its classification waits for it.
  const example = showExample(EXAMPLES[0]);
  example.catch(() => {}); // awaited below; this only keeps it from going unhandled meanwhile
  const model = await activeModel();
  predictState.modelReadyMs ??= performance.now();
  showModel(model);
  await example;
}
