/// <reference lib="dom" />
/**
 * The workbench page: tabs, the WebGPU adapter line, the one message line, and `window.workbench`,
 * a small API through which the browser tests (tests/browser/) drive the page and read what it
 * shows.
 */
import { classify, startGpu } from "./engine.ts";
import {
  activeModel,
  predictState,
  prefetchReferenceModel,
  setUpPredict,
  startPredict,
} from "./predict.ts";
import { similarState } from "./similar.ts";
import { applyDefaults, setUpTrain, trainState } from "./train.ts";
import { $, guarded, messageOf, showMessage, showTab } from "./ui.ts";

function setUpTabs() {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>("nav button[data-tab]")];
  buttons.forEach((b, i) => {
    b.addEventListener("click", () => showTab(b.dataset.tab!));
    // The tab pattern: arrow keys move between the tabs (Tab moves on into the panel).
    b.addEventListener("keydown", (e) => {
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = buttons[(i + step + buttons.length) % buttons.length];
      showTab(next.dataset.tab!);
      next.focus();
      e.preventDefault();
    });
  });
}

const api = {
  get ready() {
    return ready;
  },
  /** The Train tab's state: status, progress readbacks, epochs, test result, error. */
  trainState() {
    return trainState;
  },
  /** The Predict tab's state and the page's message (null when none is shown). */
  state() {
    const box = $("message");
    return { ...predictState, message: box.hidden ? null : box.textContent };
  },
  /** The similar images under the answer (web/similar.ts). */
  similar() {
    return similarState;
  },
  /** Hides the page's message (a test does this before the action whose message it awaits). */
  clearMessage() {
    showMessage(null);
  },
  /** The adapter WebGPU gave the page. */
  async adapter() {
    return (await startGpu()).adapter;
  },
  /**
   * Classifies `count` 28×28 images (count×784 bytes, dataset polarity) with the active model;
   * returns the predicted classes.
   */
  async classifyPixels(pixels: number[], count: number): Promise<number[]> {
    await startGpu();
    return (await classify(await activeModel(), Uint8Array.from(pixels), count)).predictions;
  },
};
(globalThis as unknown as { workbench: typeof api }).workbench = api;

setUpTabs();
// The model's files download while the WebGPU device is being created.
prefetchReferenceModel();
setUpPredict();
setUpTrain();
/** Resolves when the page has started (its first prediction shown, or its error). */
const ready = (async () => {
  try {
    const gpu = await startGpu();
    const a = gpu.adapter;
    $("adapter").textContent = `WebGPU adapter: ${a.description}` +
      (a.isFallbackAdapter ? " (a software fallback: expect it to be slow)" : "");
    applyDefaults(a);
  } catch (e) {
    $("adapter").textContent = "WebGPU: not available";
    showMessage(messageOf(e));
    return;
  }
  await guarded(startPredict);
})();
