/**
 * What differs between Deno and a browser, behind one small interface: where kernel sources come
 * from, the environment, the stream that progress lines go to, and what to say when there is no
 * WebGPU adapter. Everything from `src/gpu/` to `src/train/` calls `platform()` for these and
 * runs unchanged in both; a page installs its implementation with `setPlatform` (see
 * `./browser.ts`) before creating a `Gpu`. Deno is the default, so the CLI needs no set-up.
 */
export interface Platform {
  readonly name: "deno" | "browser";
  /**
   * The WGSL text of a kernel body, `src/<name>.wgsl` (the key "ops/maxpool/maxpool" is
   * src/ops/maxpool/maxpool.wgsl). Synchronous because pipelines are built the first
   * time an op runs, inside code that records a step without awaiting; a browser loads every
   * kernel's text once before the first `Gpu.create()`. Throws when the kernel is unknown.
   */
  kernelSource(name: string): string;
  /** An environment variable, or undefined (a page has no environment). */
  env(name: string): string | undefined;
  /** Called once before an adapter is requested. */
  beforeAdapter(): void;
  /** The one-line hint given when no WebGPU adapter can be had, with how to get one. */
  readonly noAdapterHint: string;
  /** Writes progress or diagnostic text (stderr in Deno, so that stdout stays for --json). */
  writeProgress(text: string): void;
  /** Whether progress goes to a terminal (a bar redrawn in place) rather than a log. */
  progressIsTerminal(): boolean;
}

const SRC_DIR = new URL("../", import.meta.url);

/** Node's os.tmpdir() on POSIX, without importing node:os (which a page cannot load). */
function tmpdir(): string {
  const dir = Deno.env.get("TMPDIR") ?? Deno.env.get("TMP") ?? Deno.env.get("TEMP") ?? "/tmp";
  return dir.length > 1 && dir.endsWith("/") ? dir.slice(0, -1) : dir;
}

/** The command line's platform: kernels read from the repository, Deno's environment, stderr. */
export const denoPlatform: Platform = {
  name: "deno",
  // "ops/maxpool/maxpool" is src/ops/maxpool/maxpool.wgsl.
  kernelSource: (name) => Deno.readTextFileSync(new URL(`${name}.wgsl`, SRC_DIR)),
  env: (name) => Deno.env.get(name),
  beforeAdapter() {
    // Mesa's Vulkan window-system layer prints "XDG_RUNTIME_DIR is invalid" on stderr when the
    // variable is unset (servers, CI), which would bury our one-line errors; we draw no windows.
    if (!Deno.env.get("XDG_RUNTIME_DIR")) Deno.env.set("XDG_RUNTIME_DIR", tmpdir());
  },
  noAdapterHint: "no WebGPU adapter found; install a driver (on Debian/Ubuntu without a GPU: " +
    "apt-get install mesa-vulkan-drivers libgl1-mesa-dri for Mesa's software adapter) or pick " +
    "one with DENO_WEBGPU_BACKEND=vulkan|gl",
  writeProgress: (text) => {
    Deno.stderr.writeSync(new TextEncoder().encode(text));
  },
  progressIsTerminal: () => Deno.stderr.isTerminal(),
};

let current: Platform | null = typeof Deno !== "undefined" && Deno.version?.deno
  ? denoPlatform
  : null;

/** The platform in use; in a page, the one `setPlatform` installed. */
export function platform(): Platform {
  if (!current) {
    throw new Error("no platform: a page must call setPlatform(...) (src/platform/browser.ts)");
  }
  return current;
}

/** Installs `p` for everything that runs after (a page does this once, at start). */
export function setPlatform(p: Platform): void {
  current = p;
}

/**
 * The WGSL text of `src/<name>.wgsl` ready to compile: each line `// #include NAME` replaced
 * by `src/NAME.wgsl`'s text (WGSL has no includes; shared helpers such as `texel` live once).
 * Throws as `kernelSource` does for an unknown kernel or include.
 */
export function kernelText(name: string): string {
  return resolveIncludes(platform().kernelSource(name));
}

/** WGSL that TypeScript generates, included by name (`defineInclude`). */
const generatedIncludes = new Map<string, string>();

/**
 * Makes `// #include NAME` insert `text` (WGSL generated from TypeScript constants, such as
 * src/gpu/texel.ts) instead of a file's.
 */
export function defineInclude(name: string, text: string): void {
  generatedIncludes.set(name, text);
}

/**
 * `text` with each line `// #include NAME` replaced by a generated include's text
 * (`defineInclude`) or else `src/NAME.wgsl`'s, includes resolved (a generated kernel's body goes
 * through this too). Throws as `kernelSource` does for an unknown include.
 */
export function resolveIncludes(text: string): string {
  return text.replace(
    /^\/\/ #include ([\w/]+)$/gm,
    (_, include: string) => generatedIncludes.get(include) ?? kernelText(include),
  );
}
