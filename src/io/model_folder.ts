// Reading a model folder that may come from someone else: every file is a regular file inside the
// folder (no `..`, no symlink out, no device or FIFO), under a size cap, read with that limit; a
// weights file's header is checked against the architecture before its data are read. Deno only
// (the page checks the same with `File.size` and the shared checks of safetensors.ts/weights.ts).
import { basename, join, sep } from "node:path";
import { quote, showValue, UserError } from "../util/errors.ts";
import { MODEL_FILE_LIMITS } from "./limits.ts";
import {
  MAX_SAFETENSORS_HEADER_BYTES,
  readSafetensorsHeader,
  type SafetensorsHeader,
} from "./safetensors.ts";

export { MODEL_FILE_LIMITS };

/** A file name a config may point at: one plain name inside the folder. */
const PLAIN_NAME = /^(?!\.\.?$)[A-Za-z0-9._-]{1,128}$/;

/**
 * Refuses (one-line UserError) a `name` that is not a plain file name (a path, `..`, odd
 * characters): what a config.json's `file` field may say. `field` names it for the message.
 */
export function checkPlainName(name: unknown, field: string): string {
  if (typeof name !== "string" || !PLAIN_NAME.test(name)) {
    throw new UserError(
      `${field} must name a file inside the model folder (letters, digits, ".", "_", "-"), ` +
        `got ${showValue(name, 60)}; fix the field or re-save the model`,
    );
  }
  return name;
}

/**
 * Opens `dir/name` for reading after checking that it is a regular file inside `dir` (a symlink
 * is followed only when its target is inside `dir`'s real path) of at most `maxBytes`. Throws a
 * one-line UserError naming the file: `missing` says what to do when it is not there.
 */
async function openInside(
  dir: string,
  name: string,
  maxBytes: number,
  missing: string,
): Promise<{ path: string; file: Deno.FsFile; size: number }> {
  if (name.includes("/") || name.includes("\\") || name === "." || name === ".." || !name) {
    throw new UserError(`${join(dir, "<file>")}: ${quote(name, 60)} is not a file name`);
  }
  const path = join(dir, name);
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch {
    throw new UserError(`${path}: not found; ${missing}`);
  }
  if (info.isSymlink) {
    const [real, realDir] = await Promise.all([
      Deno.realPath(path).catch(() => null),
      Deno.realPath(dir),
    ]);
    if (!real) throw new UserError(`${path}: a symlink to nothing; copy the file into the folder`);
    if (!real.startsWith(realDir + sep)) {
      throw new UserError(
        `${path}: a symlink out of the model folder (to ${
          real.slice(0, 80)
        }); copy the file into ` +
          `the folder instead`,
      );
    }
    info = await Deno.stat(real);
  }
  if (!info.isFile) {
    throw new UserError(`${path}: not a regular file; a model folder holds plain files`);
  }
  if (info.size > maxBytes) {
    throw new UserError(
      `${path}: ${(info.size / 2 ** 20).toFixed(1)} MiB, over the ${
        (maxBytes / 2 ** 20).toFixed(0)
      } MiB limit for ${basename(path)}; it is not a model file of ours`,
    );
  }
  const file = await Deno.open(path, { read: true });
  return { path, file, size: info.size };
}

/**
 * Checks, without reading it, that `dir/name` is a regular file inside `dir` of at most `maxBytes`
 * (as `readFolderFile` would). Throws the same one-line UserErrors.
 */
export async function checkFolderFile(
  dir: string,
  name: string,
  maxBytes: number,
  missing: string,
): Promise<void> {
  (await openInside(dir, name, maxBytes, missing)).file.close();
}

/** The first `n` bytes of the file at `path` (fewer when it is shorter); for sniffing a format. */
export async function readPrefix(path: string, n: number): Promise<Uint8Array<ArrayBuffer>> {
  const file = await Deno.open(path, { read: true });
  try {
    return await readUpTo(file, n);
  } finally {
    file.close();
  }
}

/** Reads exactly `n` bytes (fewer at end of file) from the file's position. */
async function readUpTo(file: Deno.FsFile, n: number): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await file.read(out.subarray(got));
    if (r === null) break;
    got += r;
  }
  return got === n ? out : out.slice(0, got);
}

/**
 * The bytes of `dir/name`, checked as `openInside` says and read with a limit of `maxBytes` (a
 * file that grows, or a /proc file that says size 0, is cut at the limit and refused).
 */
export async function readFolderFile(
  dir: string,
  name: string,
  maxBytes: number,
  missing: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const { path, file } = await openInside(dir, name, maxBytes, missing);
  try {
    const bytes = await readUpTo(file, maxBytes + 1);
    if (bytes.length > maxBytes) {
      throw new UserError(
        `${path}: over the ${maxBytes}-byte limit while reading; not a model file`,
      );
    }
    return bytes;
  } finally {
    file.close();
  }
}

/** `readFolderFile` as UTF-8 text. */
export async function readFolderText(
  dir: string,
  name: string,
  maxBytes: number,
  missing: string,
): Promise<string> {
  const bytes = await readFolderFile(dir, name, maxBytes, missing);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${join(dir, name)}: not UTF-8 text; the file is damaged, re-copy it`);
  }
}

/**
 * Reads a safetensors file `dir/name` in two steps: its header first, which `check` inspects
 * (and may refuse) before any tensor data is read; then, only when the file is exactly as long as
 * the header says, the rest. Returns the whole file's bytes and its checked header.
 */
export async function readSafetensorsFile(
  dir: string,
  name: string,
  missing: string,
  check: (header: SafetensorsHeader, path: string) => void,
  o: SafetensorsFileOptions = {},
): Promise<{ bytes: Uint8Array<ArrayBuffer>; header: SafetensorsHeader; path: string }> {
  return await withCheckedHeader(dir, name, missing, check, o, async (file, head, header, path) => {
    const total = header.dataStart + header.dataBytes;
    const bytes = new Uint8Array(total);
    bytes.set(head);
    const rest = await readUpTo(file, total - head.length);
    if (rest.length !== total - head.length) {
      throw new UserError(`${path}: shorter than its header says; re-create or re-copy it`);
    }
    bytes.set(rest, head.length);
    return { bytes, header, path };
  });
}

/**
 * `readSafetensorsFile`'s checks without reading the tensor data: the file, its header (`check`)
 * and its length. What a command runs before it starts the GPU; the loader reads the data once,
 * later, and checks the values then.
 */
export async function checkSafetensorsFile(
  dir: string,
  name: string,
  missing: string,
  check: (header: SafetensorsHeader, path: string) => void,
  o: SafetensorsFileOptions = {},
): Promise<void> {
  await withCheckedHeader(dir, name, missing, check, o, () => Promise.resolve());
}

interface SafetensorsFileOptions {
  header?: Parameters<typeof readSafetensorsHeader>[3];
  maxBytes?: number;
}

/**
 * Opens `dir/name` (as `openInside` says), reads and checks its header (`check`) and that the
 * file is exactly as long as the header says, then runs `rest` on the open file, positioned just
 * after the header.
 */
async function withCheckedHeader<T>(
  dir: string,
  name: string,
  missing: string,
  check: (header: SafetensorsHeader, path: string) => void,
  o: SafetensorsFileOptions,
  rest: (
    file: Deno.FsFile,
    head: Uint8Array,
    header: SafetensorsHeader,
    path: string,
  ) => Promise<T>,
): Promise<T> {
  const { path, file, size } = await openInside(
    dir,
    name,
    o.maxBytes ?? MODEL_FILE_LIMITS.weights,
    missing,
  );
  try {
    const lengthBytes = await readUpTo(file, 8);
    const declared = lengthBytes.length === 8
      ? new DataView(lengthBytes.buffer).getBigUint64(0, true)
      : 0n;
    const headerLength = declared > BigInt(MAX_SAFETENSORS_HEADER_BYTES)
      ? 0
      : Math.min(Number(declared), Math.max(0, size - 8));
    const head = new Uint8Array(8 + headerLength);
    head.set(lengthBytes);
    head.set(await readUpTo(file, headerLength), 8);
    const header = readSafetensorsHeader(head, size, path, o.header);
    check(header, path);
    const total = header.dataStart + header.dataBytes;
    if (size !== total) {
      throw new UserError(
        `${path}: ${size} bytes where its header accounts for ${total}; the file is damaged or ` +
          `padded, re-create or re-copy it`,
      );
    }
    return await rest(file, head, header, path);
  } finally {
    file.close();
  }
}

/**
 * `dir/config.json` parsed: a JSON object under `MODEL_FILE_LIMITS.config` bytes, read as
 * `readFolderFile` says. Throws a one-line UserError naming the file; `missing` says what to do
 * when there is none (default: point at "deno task train").
 */
export async function readConfigFile(
  dir: string,
  missing = 'pass --model with a directory written by "deno task train"',
): Promise<Record<string, unknown>> {
  const info = await Deno.stat(dir).catch(() => null);
  if (!info?.isDirectory) {
    throw new UserError(
      info
        ? `${dir}: not a folder; ${missing}`
        : `${join(dir, "config.json")}: not found; ${missing}`,
    );
  }
  const text = await readFolderText(dir, "config.json", MODEL_FILE_LIMITS.config, missing);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(
      `${join(dir, "config.json")}: not valid JSON; retrain the model or restore the file`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UserError(
      `${join(dir, "config.json")}: not a JSON object; retrain the model or restore the file`,
    );
  }
  const kind = (value as { kind?: unknown }).kind;
  if (kind !== undefined && typeof kind !== "string") {
    throw new UserError(
      `${join(dir, "config.json")}: "kind" must be a string, got ${showValue(kind)}`,
    );
  }
  return value as Record<string, unknown>;
}
