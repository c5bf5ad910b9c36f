import { createHash } from "node:crypto";
import { homedir } from "node:os";
import process from "node:process";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { UserError } from "../util/errors.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { fileKind, MAX_DATA_BYTES } from "./idx.ts";

export type FileKey = "trainImages" | "trainLabels" | "testImages" | "testLabels";
export type DatasetFiles = Record<FileKey, string>;
export type Source = "flag" | "env" | "cache" | "system" | "download";

/** File names without `.gz`; a directory may hold either form. */
export const FILE_NAMES: DatasetFiles = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
};

/** SHA-256 of the decompressed files: gzip headers differ between mirrors, the IDX bytes do not. */
export const SHA256: DatasetFiles = {
  trainImages: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
  trainLabels: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
  testImages: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
  testLabels: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
};

export const ENV_VAR = "FASHION_MNIST_DIR";
export const SYSTEM_DIR = "/usr/share/datasets/fashion-mnist";
export const DOWNLOAD_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

const KEYS = Object.keys(FILE_NAMES) as FileKey[];

/**
 * The part of `fetch` the download uses. Typed structurally so tests can inject a fake, and so
 * this compiles whether or not the configured libs declare the web `Response`.
 */
export type Fetch = (url: string) => Promise<{
  ok: boolean;
  status: number;
  statusText: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

export interface LocateOptions {
  /** The CLI's `--data-dir`; beats `FASHION_MNIST_DIR`. */
  dataDir?: string;
  /** Where downloads go and are looked for; default `defaultCacheDir()`. */
  cacheDir?: string;
  /** Default `SYSTEM_DIR`. */
  systemDir?: string;
  /** Default true. */
  download?: boolean;
  /** Base URL the `.gz` file names are appended to; default `DOWNLOAD_URL`. */
  baseUrl?: string;
  /** Default the global `fetch`. */
  fetch?: Fetch;
  /** Expected digests of the decompressed downloads; default `SHA256`. */
  digests?: Partial<DatasetFiles>;
  /** Progress lines for the download; default stderr. */
  log?: (line: string) => void;
}

export interface Located {
  dir: string;
  source: Source;
  files: DatasetFiles;
}

export function defaultCacheDir(): string {
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  return join(xdg ? xdg : join(homedir(), ".cache"), "fashion-mnist");
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Finds each file as `name` or `name.gz`; the missing keys are left out. */
async function scan(dir: string): Promise<Partial<DatasetFiles>> {
  const found: Partial<DatasetFiles> = {};
  for (const key of KEYS) {
    for (const name of [FILE_NAMES[key], FILE_NAMES[key] + ".gz"]) {
      const path = join(dir, name);
      if (await isFile(path)) {
        found[key] = path;
        break;
      }
    }
  }
  return found;
}

function complete(found: Partial<DatasetFiles>): found is DatasetFiles {
  return KEYS.every((k) => found[k] !== undefined);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Downloads the files missing from `dir`, keeping each only once its digest checks out. */
async function download(
  dir: string,
  found: Partial<DatasetFiles>,
  opts: LocateOptions,
): Promise<DatasetFiles> {
  const get = opts.fetch ?? (globalThis as unknown as { fetch: Fetch }).fetch;
  const base = opts.baseUrl ?? DOWNLOAD_URL;
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const files = { ...found };
  for (const key of KEYS) {
    if (files[key]) continue;
    const name = FILE_NAMES[key] + ".gz";
    const url = base + name;
    log(`downloading ${url}`);
    const res = await get(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`.trim());
    const gz = new Uint8Array(await res.arrayBuffer());
    let raw: Uint8Array;
    try {
      // Bounded like a file given by the user: a wrong or hostile mirror cannot exhaust memory.
      raw = gunzipSync(gz, { maxOutputLength: MAX_DATA_BYTES });
    } catch (e) {
      throw new Error(`${url}: corrupt gzip data (${(e as Error).message})`);
    }
    const want = opts.digests?.[key] ?? SHA256[key];
    const got = sha256Hex(raw);
    if (got !== want) {
      throw new Error(`${url}: SHA-256 mismatch (expected ${want}, got ${got}); not saved`);
    }
    const path = join(dir, name);
    await writeFileAtomic(path, gz);
    files[key] = path;
  }
  return files as DatasetFiles;
}

/** An error's message with its causes: fetch says only "fetch failed", its cause says why. */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return e.cause === undefined ? e.message : `${e.message}: ${describe(e.cause)}`;
}

/**
 * Finds Fashion-MNIST: the explicit `dataDir` (else `$FASHION_MNIST_DIR`), then the cache dir,
 * then the system dir, then a download into the cache dir. A named dir missing files is an
 * error rather than a fall-through, so a typo in `--data-dir` does not go unnoticed.
 */
export async function locateFashionMnist(opts: LocateOptions = {}): Promise<Located> {
  const env = Deno.env.get(ENV_VAR);
  const explicit = opts.dataDir !== undefined
    ? { dir: opts.dataDir, source: "flag" as const, how: "--data-dir" }
    : env
    ? { dir: env, source: "env" as const, how: ENV_VAR }
    : undefined;
  if (explicit) {
    const found = await scan(explicit.dir);
    if (complete(found)) return { dir: explicit.dir, source: explicit.source, files: found };
    const missing = await Promise.all(
      KEYS.filter((k) => !found[k]).map(async (k) => {
        // Only regular files are read: a FIFO or a link to a device by that name is said to be one.
        const names = [FILE_NAMES[k], FILE_NAMES[k] + ".gz"];
        const kinds = await Promise.all(
          names.map((n) => Deno.stat(join(explicit.dir, n)).then(fileKind, () => null)),
        );
        const odd = kinds.find((x) => x !== null);
        return FILE_NAMES[k] + "[.gz]" + (odd ? ` (${odd}, not a regular file)` : "");
      }),
    );
    throw new UserError(
      `${explicit.dir} (from ${explicit.how}) lacks Fashion-MNIST files: ${missing.join(", ")}; ` +
        `put them there or point ${explicit.how} at the directory holding them`,
    );
  }
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const cached = await scan(cacheDir);
  if (complete(cached)) return { dir: cacheDir, source: "cache", files: cached };
  const systemDir = opts.systemDir ?? SYSTEM_DIR;
  const system = await scan(systemDir);
  if (complete(system)) return { dir: systemDir, source: "system", files: system };
  let why = "download disabled";
  if (opts.download ?? true) {
    try {
      return { dir: cacheDir, source: "download", files: await download(cacheDir, cached, opts) };
    } catch (e) {
      why = `download failed: ${describe(e).replace(/\s*\n\s*/g, " ")}`;
    }
  }
  throw new UserError(
    `Fashion-MNIST not found. Either pass --data-dir DIR or set ${ENV_VAR}=DIR; ` +
      `or put the four files in ${cacheDir}; ` +
      `or run \`sudo apt-get install dataset-fashion-mnist\` (looked in ${systemDir}); ` +
      `or allow the download from ${opts.baseUrl ?? DOWNLOAD_URL} (${why})`,
  );
}
