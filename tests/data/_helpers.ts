import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { UserError } from "../../src/util/errors.ts";
import { type DatasetFiles, FILE_NAMES, type FileKey } from "../../src/data/locate.ts";

/** Builds an unsigned-byte IDX file; `data` defaults to i % 256 over the product of `dims`. */
export function idx(dims: number[], data?: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const n = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + n);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0; i < n; i++) out[4 + 4 * dims.length + i] = data ? data[i] : i % 256;
  return out;
}

export function gz(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes);
}

/** Labels cycling 0..9, so every class is present. */
export function cycleLabels(count: number): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => i % 10);
}

/** Raw IDX bytes of a tiny 28×28 dataset: `train` training images, `test` test images. */
export function synthetic(train = 20, test = 10): Record<FileKey, Uint8Array<ArrayBuffer>> {
  return {
    trainImages: idx([train, 28, 28]),
    trainLabels: idx([train], cycleLabels(train)),
    testImages: idx([test, 28, 28], new Uint8Array(test * 784).fill(255)),
    testLabels: idx([test], cycleLabels(test)),
  };
}

/** Writes the synthetic files into `dir` (gzipped as `name.gz` when `zip`), leaving out `skip`. */
export async function writeDataset(
  dir: string,
  opts: { zip?: boolean; skip?: FileKey[]; train?: number; test?: number } = {},
): Promise<DatasetFiles> {
  await Deno.mkdir(dir, { recursive: true });
  const files = synthetic(opts.train, opts.test);
  const paths = {} as DatasetFiles;
  for (const key of Object.keys(files) as FileKey[]) {
    if (opts.skip?.includes(key)) continue;
    paths[key] = join(dir, FILE_NAMES[key] + (opts.zip ? ".gz" : ""));
    await Deno.writeFile(paths[key], opts.zip ? gz(files[key]) : files[key]);
  }
  return paths;
}

/** Runs `fn` in a fresh temp dir, removed afterwards. */
export async function inTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "data_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `fn` with env vars set (or deleted, for undefined), restoring them afterwards. */
export async function withEnv(
  vars: Record<string, string | undefined>,
  fn: () => Promise<void>,
): Promise<void> {
  const saved = Object.keys(vars).map((k) => [k, Deno.env.get(k)] as const);
  const apply = (k: string, v: string | undefined) =>
    v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  try {
    for (const [k, v] of Object.entries(vars)) apply(k, v);
    await fn();
  } finally {
    for (const [k, v] of saved) apply(k, v);
  }
}

/** Asserts a one-line UserError whose message contains every `parts` string. */
export function assertUserError(e: unknown, ...parts: string[]): void {
  assert.ok(e instanceof UserError, `expected a UserError, got ${e}`);
  assert.ok(!e.message.includes("\n"), `message spans lines: ${e.message}`);
  for (const p of parts) assert.ok(e.message.includes(p), `"${p}" missing from: ${e.message}`);
}

export async function rejectsUser(p: Promise<unknown>, ...parts: string[]): Promise<void> {
  try {
    await p;
  } catch (e) {
    assertUserError(e, ...parts);
    return;
  }
  assert.fail("expected a rejection");
}

export function throwsUser(fn: () => unknown, ...parts: string[]): void {
  try {
    fn();
  } catch (e) {
    assertUserError(e, ...parts);
    return;
  }
  assert.fail("expected a throw");
}
