import { basename, dirname } from "node:path";
import { UserError } from "./errors.ts";

/**
 * A write that failed because the disk (or the user's quota) is full. The target file still has
 * its previous content, or does not exist if it had none: the bytes went to a temporary file,
 * which is removed. A UserError (exit 1), so a command prints it as one line; commands that know
 * more (which flag named the folder, how to continue) catch it and say that instead.
 */
export class DiskFullError extends UserError {
  constructor(
    /** The folder written to (absolute when the path was). */
    readonly dir: string,
    /** The file's name in it. */
    readonly file: string,
    /** "no space left on device" or "disk quota exceeded". */
    readonly reason: string,
  ) {
    super(
      `${dir}: the disk is full (${reason}) while writing ${file}, which was left as it was ` +
        `(nothing half-written); free space and run again`,
    );
    this.name = "DiskFullError";
  }
}

/** The DiskFullError for `e` when it is ENOSPC or EDQUOT writing `path`, else `e` itself. */
export function translateWriteError(e: unknown, path: string): unknown {
  const code = (e as { code?: string } | null)?.code;
  const message = String((e as Error | null)?.message ?? "");
  if (code === "ENOSPC" || /\(os error 28\)/.test(message)) {
    return new DiskFullError(dirname(path), basename(path), "no space left on device");
  }
  if (code === "EDQUOT" || /\(os error 122\)/.test(message)) {
    return new DiskFullError(dirname(path), basename(path), "disk quota exceeded");
  }
  return e;
}

/** Writes the temporary file: what a full disk makes fail (tests inject their own). */
export type TempWriter = (tmp: string, data: Uint8Array | string) => Promise<void>;

const denoWrite: TempWriter = (tmp, data) =>
  typeof data === "string" ? Deno.writeTextFile(tmp, data) : Deno.writeFile(tmp, data);

/** Temporary files being written: removed on `Deno.exit` (a Ctrl-C handler's) mid-write. */
const pending = new Set<string>();
let unloadAdded = false;

function track(tmp: string) {
  if (!unloadAdded && typeof addEventListener === "function") {
    addEventListener("unload", () => {
      for (const t of pending) {
        try {
          Deno.removeSync(t);
        } catch { /* renamed or never created */ }
      }
    });
    unloadAdded = true;
  }
  pending.add(tmp);
}

/**
 * Writes a file atomically: the bytes go to a temporary file beside the target, which is then
 * renamed over it, so a crash never leaves a half-written model or result behind. The temporary
 * file is removed whatever fails.
 *
 * @throws DiskFullError (a UserError naming the folder) when the disk or quota is full; the
 *   target keeps its previous content
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  return writeFileAtomicVia(path, data, denoWrite);
}

/** `writeFileAtomic` with the temporary file written by `write`. */
export async function writeFileAtomicVia(
  path: string,
  data: Uint8Array | string,
  write: TempWriter,
): Promise<void> {
  const tmp = `${path}.${Deno.pid}.${Date.now()}.tmp`;
  track(tmp);
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    await write(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw translateWriteError(e, path);
  } finally {
    pending.delete(tmp);
  }
}

/**
 * `writeFileAtomic` for code that cannot await (unload handlers).
 *
 * @throws DiskFullError when the disk or quota is full
 */
export function writeTextFileAtomicSync(path: string, text: string): void {
  const tmp = `${path}.${Deno.pid}.${Date.now()}.tmp`;
  try {
    Deno.mkdirSync(dirname(path), { recursive: true });
    Deno.writeTextFileSync(tmp, text);
    Deno.renameSync(tmp, path);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch { /* never written */ }
    throw translateWriteError(e, path);
  }
}

/** `writeFileAtomic` of `value` as indented JSON; throws as it does. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}
