/**
 * The platform of a web page (see `./mod.ts`): kernel sources fetched once as one JSON object
 * (`deno task serve` builds it from the `*.wgsl` files under `src/`), no environment, progress lines handed to
 * the page (or the console). Pages must be served over http(s): `file://` pages can neither
 * import modules nor fetch the kernels.
 */
import { type Platform, setPlatform } from "./mod.ts";

/** What a page says when the browser has no WebGPU, with how to get it. */
export const NO_WEBGPU_HINT =
  "this browser has no WebGPU adapter: use a current Chrome or Edge (113 or later; on Linux " +
  "start it with --enable-unsafe-webgpu, or enable chrome://flags/#enable-unsafe-webgpu and " +
  "chrome://flags/#enable-vulkan), Safari 26 or Firefox 141 or later on Windows, and open the " +
  "page over http://127.0.0.1 or https (WebGPU needs a secure context)";

/** Kernel sources by key (`ops/conv2d/im2col` for src/ops/conv2d/im2col.wgsl). */
export type KernelSources = Record<string, string>;

/** A page's platform with these kernel sources; progress lines go to `onProgress`. */
export function browserPlatform(
  kernels: KernelSources,
  onProgress: (line: string) => void = (line) => console.log(line),
): Platform {
  let partial = "";
  return {
    name: "browser",
    kernelSource(name) {
      const code = kernels[name];
      if (code === undefined) throw new Error(`src/${name}.wgsl is not in the page's kernels`);
      return code;
    },
    env: () => undefined,
    beforeAdapter() {},
    noAdapterHint: NO_WEBGPU_HINT,
    writeProgress(text) {
      // Progress text arrives in pieces that end with newlines; the page gets whole lines.
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) onProgress(line);
    },
    progressIsTerminal: () => false,
  };
}

/**
 * Fetches the kernel sources (a JSON object of name → WGSL text) from `url` and installs the
 * browser platform. Throws an Error naming the URL when it cannot be loaded.
 */
export async function useBrowserPlatform(
  url: string | URL,
  onProgress?: (line: string) => void,
): Promise<Platform> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const kernels = await response.json() as KernelSources;
  const p = browserPlatform(kernels, onProgress);
  setPlatform(p);
  return p;
}
