/// <reference lib="dom" />
import { classify, fetchModel, type LoadedModel, startGpu } from "./engine.ts";

declare global {
  interface Window {
    workbench: Record<string, unknown>;
  }
}

let reference: Promise<LoadedModel> | null = null;
const api = {
  async start() {
    const gpu = await startGpu();
    return gpu.adapter;
  },
  async classifyPixels(pixels: number[], count: number) {
    await startGpu();
    reference ??= fetchModel(new URL("model/", location.href).href, "reference");
    const r = await classify(await reference, Uint8Array.from(pixels), count);
    return { predictions: r.predictions, seconds: r.seconds };
  },
};
window.workbench = api;
