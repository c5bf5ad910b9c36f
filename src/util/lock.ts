/**
 * One writer per folder. A command that writes a model or results folder takes its lock first,
 * before it loads data or starts the GPU:
 *
 *     using _lock = acquireFolderLock(out, "--out");   // or try { ... } finally { lock.release() }
 *
 * A second command into the same folder is then refused at once (exit 2) instead of interleaving
 * its files with the first one's. The lock is DIR/.lock, a small JSON file (pid, hostname,
 * command, started) that the holder keeps open with an exclusive advisory lock (flock). The
 * kernel drops that lock when the process ends however it ends (Ctrl-C, SIGKILL, a crash), so a
 * lock file left behind is recognised as stale and taken over with a note on stderr. Checking
 * the PID instead would need /proc or kill, which Deno refuses without --allow-all/--allow-run,
 * and would be fooled by a reused PID. A lock from another machine (a shared folder) is never
 * taken over: that process cannot be checked from here.
 */
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "./errors.ts";

export const LOCK_FILE = ".lock";

/** Usage errors exit with 2 (src/cli/common.ts's USAGE; util does not import the CLI). */
const USAGE = 2;

/** What DIR/.lock says about the run holding it. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** The command line, shortened: what the run is, for whoever finds the file. */
  command: string;
  /** ISO 8601 time the lock was taken. */
  started: string;
}

/** A held folder lock; `release` (or leaving a `using` block) removes DIR/.lock. */
export interface FolderLock extends Disposable {
  readonly dir: string;
  /** DIR/.lock */
  readonly path: string;
  /** Removes the lock file and drops the lock; idempotent. */
  release(): void;
}

/** The refusal when another run holds the folder (exit 2); `owner`: null when unreadable. */
export class FolderLockedError extends UserError {
  constructor(message: string, readonly dir: string, readonly owner: LockOwner | null) {
    super(message, USAGE);
    this.name = "FolderLockedError";
  }
}

export interface LockOptions {
  /**
   * Also release on Ctrl-C (SIGINT) and SIGTERM, then exit 130 or 143 (default true). A signal
   * handler only runs when the event loop gets a turn, so a command that computes for minutes
   * without awaiting (the CPU baselines) passes false and keeps the immediate default exit: its
   * lock file stays behind, but the kernel has dropped the lock and the next run takes it over.
   */
  releaseOnSignal?: boolean;
}

interface Held {
  dir: string;
  path: string;
  file: Deno.FsFile;
  ino: number | null;
  /**
   * Folders the lock created, `dir` first, then its new parents: removed again on release as far
   * as nothing else was put there.
   */
  created: string[];
  signals: boolean;
  /** Handles given out in this process (a folder locked twice by one command). */
  count: number;
}

const held = new Map<string, Held>();

/**
 * Takes the lock of `folder` (created when missing) for this process, or refuses.
 *
 * @param flag the flag that named the folder ("--out", "--results"), used in the messages
 * @returns the lock; release it in a `finally` (or hold it with `using`). It is also released on
 *   `Deno.exit`, and on SIGINT/SIGTERM unless `opts.releaseOnSignal` is false.
 * @throws FolderLockedError (exit 2) when another live run holds `folder`, or a run on another
 *   machine does, or the lock file is being written
 * @throws UserError (exit 1) when the lock file cannot be created (a full disk, no permission)
 */
export function acquireFolderLock(
  folder: string,
  flag: string,
  opts: LockOptions = {},
): FolderLock {
  const dir = resolve(folder);
  const signals = opts.releaseOnSignal ?? true;
  const already = held.get(dir);
  if (already) {
    already.count++;
    if (signals && !already.signals) {
      already.signals = true;
      updateListeners();
    }
    return handle(already);
  }
  const created: string[] = [];
  for (let d = dir; !isDir(d) && dirname(d) !== d; d = dirname(d)) created.push(d);
  try {
    Deno.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw cannotLock(dir, flag, e);
  }
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = {
    pid: Deno.pid,
    hostname: hostname(),
    command: commandLine(),
    started: new Date().toISOString(),
  };
  // The lock is written whole and flock'ed under a private name, then linked to DIR/.lock, which
  // fails when that exists: nobody ever sees a half-written or unlocked lock file.
  const tmp = join(dir, `${LOCK_FILE}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  let file: Deno.FsFile | null = null;
  try {
    file = Deno.openSync(tmp, { read: true, write: true, createNew: true });
    writeAll(file, new TextEncoder().encode(JSON.stringify(me) + "\n"));
    file.tryLockSync(true);
    for (let attempt = 0;; attempt++) {
      if (link(tmp, path)) break;
      const found = inspect(path, dir, flag, me);
      if (found === "gone") {
        // Released between our link and our look: try again (a few times: a busy folder).
        if (attempt < 5) continue;
        throw new FolderLockedError(
          `${flag} ${dir}: other runs keep taking and releasing its lock; wait for them or ` +
            `choose another ${flag}`,
          dir,
          null,
        );
      }
      // Stale, and its flock is ours now: no other process can be replacing it meanwhile.
      try {
        Deno.renameSync(tmp, path);
      } finally {
        found.file.close();
      }
      console.error(
        `note: ${flag} ${dir}: took over the lock of a run that ended without releasing it (${
          found.owner ? describe(found.owner) : "its lock file was unreadable"
        })`,
      );
      break;
    }
  } catch (e) {
    file?.close();
    removeQuietly(tmp);
    removeEmpty(created);
    if (e instanceof UserError) throw e;
    throw cannotLock(dir, flag, e);
  }
  removeQuietly(tmp);
  const h: Held = {
    dir,
    path,
    file,
    ino: file.statSync().ino,
    created,
    signals,
    count: 1,
  };
  held.set(dir, h);
  updateListeners();
  return handle(h);
}

function handle(h: Held): FolderLock {
  let done = false;
  const release = () => {
    if (done) return;
    done = true;
    if (--h.count > 0) return;
    drop(h);
  };
  return { dir: h.dir, path: h.path, release, [Symbol.dispose]: release };
}

function drop(h: Held) {
  held.delete(h.dir);
  try {
    // Only our own file: never one a later run put there after taking over.
    const ino = Deno.statSync(h.path).ino;
    if (h.ino === null || ino === h.ino) Deno.removeSync(h.path);
  } catch { /* already gone */ }
  try {
    h.file.close();
  } catch { /* closed */ }
  // Folders made only for the lock (a run refused before it saved anything) go again.
  removeEmpty(h.created);
  updateListeners();
}

/** Releases every lock this process holds (exit paths). */
function releaseAll() {
  for (const h of [...held.values()]) drop(h);
}

/**
 * What holds `path` when it already exists: "gone" when it went away meanwhile, or a stale lock
 * (its file kept open and flock'ed by us until we have replaced it); refuses a live one.
 */
function inspect(
  path: string,
  dir: string,
  flag: string,
  me: LockOwner,
): "gone" | { file: Deno.FsFile; owner: LockOwner | null } {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "gone";
    throw e;
  }
  let keep = false;
  try {
    const owner = parseOwner(readAll(file));
    if (!file.tryLockSync(true)) {
      throw new FolderLockedError(
        owner
          ? `${flag} ${dir}: another run (${describe(owner)}) is writing here; wait for it or ` +
            `choose another ${flag}`
          : `${flag} ${dir}: another run is writing here (its lock ${path} is unreadable); wait ` +
            `for it or choose another ${flag}`,
        dir,
        owner,
      );
    }
    if (owner && owner.hostname !== me.hostname) {
      throw new FolderLockedError(
        `${flag} ${dir}: a run on another machine (${describe(owner)}) holds this folder and ` +
          `cannot be checked from here; wait for it, or delete ${path} if it has ended`,
        dir,
        owner,
      );
    }
    // Replaced between our open and our flock (another run took it over): look again.
    const ino = file.statSync().ino;
    let now: number | null;
    try {
      now = Deno.statSync(path).ino;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return "gone";
      throw e;
    }
    if (ino !== null && now !== ino) return "gone";
    keep = true;
    return { file, owner };
  } finally {
    if (!keep) file.close();
  }
}

/** Links `tmp` to `path`; false when `path` exists. */
function link(tmp: string, path: string): boolean {
  try {
    Deno.linkSync(tmp, path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return false;
    // A file system without hard links (FAT, some FUSE): create-exclusive, then the same bytes.
    // Its lock is briefly empty; a prober that sees it empty and already locked waits.
    let f: Deno.FsFile;
    try {
      f = Deno.openSync(path, { write: true, createNew: true });
    } catch (e2) {
      if (e2 instanceof Deno.errors.AlreadyExists) return false;
      throw e2;
    }
    try {
      writeAll(f, Deno.readFileSync(tmp));
    } finally {
      f.close();
    }
    Deno.renameSync(tmp, path);
    return true;
  }
}

function parseOwner(text: string): LockOwner | null {
  try {
    const o = JSON.parse(text);
    if (
      Number.isInteger(o?.pid) && typeof o.hostname === "string" &&
      typeof o.started === "string" && typeof o.command === "string"
    ) return o;
  } catch { /* not JSON */ }
  return null;
}

function describe(o: LockOwner): string {
  return `PID ${o.pid} on ${o.hostname}, started ${o.started}`;
}

/** The one-line refusal when the lock cannot be created at all. */
function cannotLock(dir: string, flag: string, e: unknown): UserError {
  const code = (e as { code?: string }).code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new UserError(
      `${flag} ${dir}: the disk is full (${
        code === "ENOSPC" ? "no space left on device" : "disk quota exceeded"
      }): not even its lock file ${LOCK_FILE} can be written; free space and run again`,
    );
  }
  const why = (e as Error).message.replace(/ \(os error \d+\).*$/s, "");
  return new UserError(
    `${flag} ${dir}: cannot create its lock file ${LOCK_FILE} (${why}); choose another ${flag}`,
  );
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown host"; // no --allow-sys
  }
}

function commandLine(): string {
  let main = "deno";
  try {
    main = basename(new URL(Deno.mainModule).pathname);
  } catch { /* no main module */ }
  const line = [main, ...Deno.args].join(" ");
  return line.length > 200 ? line.slice(0, 199) + "…" : line;
}

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** Removes these folders in order while they are empty (a remove fails on a full one). */
function removeEmpty(folders: string[]) {
  for (const d of folders) {
    try {
      Deno.removeSync(d);
    } catch {
      return;
    }
  }
}

function removeQuietly(path: string) {
  try {
    Deno.removeSync(path);
  } catch { /* gone, or a folder that is not empty */ }
}

function writeAll(file: Deno.FsFile, bytes: Uint8Array) {
  for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
}

function readAll(file: Deno.FsFile): string {
  // A lock is a few hundred bytes; 64 KiB bounds what a foreign file could make us read.
  const bytes = new Uint8Array(65536);
  let n = 0;
  for (let got; n < bytes.length && (got = file.readSync(bytes.subarray(n))) !== null;) n += got;
  return new TextDecoder().decode(bytes.subarray(0, n));
}

// Exit paths: Deno.exit (runCli's after an error) fires "unload"; a signal handler is installed
// only while a lock that asked for it is held, so other commands keep the default Ctrl-C.
let unloadAdded = false;
let signalsOn = false;
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
const onSignal = {
  SIGINT: () => exitAfterRelease("SIGINT"),
  SIGTERM: () => exitAfterRelease("SIGTERM"),
};

function exitAfterRelease(signal: keyof typeof EXIT_CODES) {
  releaseAll();
  Deno.exit(EXIT_CODES[signal]);
}

function updateListeners() {
  if (!unloadAdded && typeof addEventListener === "function") {
    addEventListener("unload", releaseAll);
    unloadAdded = true;
  }
  const want = [...held.values()].some((h) => h.signals);
  if (want === signalsOn) return;
  signalsOn = want;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      if (want) Deno.addSignalListener(signal, onSignal[signal]);
      else Deno.removeSignalListener(signal, onSignal[signal]);
    } catch { /* not on this platform (Windows has no SIGTERM) */ }
  }
}
