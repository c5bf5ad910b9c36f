import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UserError } from "../util/errors.ts";

/** Usage errors exit with 2, like other command-line tools. */
export const USAGE = 2;

/**
 * Parses flags strictly: an unknown flag (with the nearest known ones suggested) or a missing
 * value is a usage error naming the flag. A string option's value may be a negative number
 * (`--epochs -1` reads as `--epochs=-1`, so its range check answers). `--help` prints `help`
 * and exits 0.
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  options: T,
  help: string,
  args = Deno.args,
) {
  const all: ParseArgsConfig["options"] = { ...options, help: { type: "boolean", short: "h" } };
  const see = `"deno task ${command} --help"`;
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      joined.push(...args.slice(i));
      break;
    }
    if (arg.startsWith("--")) {
      const name = arg.slice(2).split("=")[0];
      if (!Object.hasOwn(all, name)) {
        const near = nearestFlags(name, Object.keys(all));
        throw new UserError(
          `${command}: unknown option --${name}; ` +
            (near.length
              ? `did you mean ${near.map((n) => `--${n}`).join(" or ")}? See ${see}`
              : `see ${see}`),
          USAGE,
        );
      }
      const next = args[i + 1];
      if (!arg.includes("=") && all[name].type === "string" && next?.startsWith("-")) {
        if (!/^-\.?\d/.test(next)) {
          throw new UserError(
            `${command}: --${name} needs a value, got "${next}"; a value that starts with a ` +
              `dash is written --${name}=${next}`,
            USAGE,
          );
        }
        joined.push(`${arg}=${next}`);
        i++;
        continue;
      }
    }
    joined.push(arg);
  }
  try {
    const parsed = parseArgs({ args: joined, options: all, strict: true, allowPositionals: false });
    if ((parsed.values as Record<string, unknown>).help) {
      console.log(help);
      Deno.exit(0);
    }
    return parsed.values as ReturnType<typeof parseArgs<{ options: T }>>["values"];
  } catch (e) {
    if (e instanceof UserError) throw e;
    const message = (e as Error).message.split("\n")[0].replace(/\. To specify.*$/, "");
    throw new UserError(`${command}: ${message}; see ${see}`, USAGE);
  }
}

/**
 * The known flags a mistyped one probably meant: those it begins (`--epoch` → `--epochs`) and
 * those within an edit distance of 2 (1 for names under 5 letters), nearest first, at most two.
 */
export function nearestFlags(name: string, known: string[]): string[] {
  if (!name) return [];
  const most = name.length < 5 ? 1 : 2;
  return known
    .map((k) => ({ k, d: k.startsWith(name) ? 0 : editDistance(name, k) }))
    .filter(({ k, d }) => d <= most && k !== "help")
    .sort((a, b) => a.d - b.d || a.k.length - b.k.length)
    .slice(0, 2)
    .map(({ k }) => k);
}

/** Edit distance: insertions, deletions, substitutions and swaps of neighbours ("jsno"). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + +(a[i - 1] !== b[j - 1]),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The directory the user ran the command from. `deno task` runs a task in the project root and
 * sets INIT_CWD to the directory it was started from (kept when already set, like npm); a plain
 * `deno run` has no INIT_CWD, and its working directory is the user's.
 */
export function invocationDir(): string {
  const env = Deno.permissions.querySync({ name: "env", variable: "INIT_CWD" });
  const dir = env.state === "granted" ? Deno.env.get("INIT_CWD") : undefined;
  return dir && isAbsolute(dir) ? dir : Deno.cwd();
}

/** A path the user typed (a flag's value), absolute: relative to where they ran the command. */
export function userPath(path: string): string {
  return resolve(invocationDir(), path);
}

const ROOT_URL = new URL("../../", import.meta.url);

/** The project's root folder, where the default locations (models/, results/) are. */
export const PROJECT_ROOT = ROOT_URL.protocol === "file:" ? resolve(fileURLToPath(ROOT_URL)) : "";

/** A default location, absolute: in the project's root whatever directory the command ran from. */
export function projectPath(...parts: string[]): string {
  return resolve(PROJECT_ROOT || Deno.cwd(), ...parts);
}

/**
 * Refuses at once (a one-line UserError, exit 1) an output folder the command could not write
 * into, instead of failing after all the work: `dir` (absolute) must be a folder where a file can
 * be created, or, when it does not exist yet, its nearest existing ancestor must be. Writes and
 * removes one empty probe file; creates no folder.
 */
export async function checkWritableDir(dir: string, flag: string): Promise<void> {
  const refuse = (why: string): never => {
    throw new UserError(`${flag} ${dir}: ${why}; choose another ${flag}`);
  };
  let probeDir = dir;
  for (;;) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(probeDir);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound && dirname(probeDir) !== probeDir) {
        probeDir = dirname(probeDir);
        continue;
      }
      if (e instanceof Deno.errors.NotADirectory) {
        // A parent is a file: find which one.
        let up = dirname(probeDir);
        while (dirname(up) !== up && !(await isFile(up))) up = dirname(up);
        refuse(`cannot be created, ${up} is a file`);
      }
      if (e instanceof Deno.errors.NotCapable) {
        // Deno guards /proc, /dev and /sys beyond --allow-write, and its message says to run
        // with --allow-all: not advice for the user of a task, who should write elsewhere.
        refuse("is in a system folder (/dev, /proc, /sys) that these commands never write to");
      }
      return refuse(`cannot be read (${reason(e)})`);
    }
    if (!info.isDirectory) {
      refuse(
        probeDir === dir ? "is a file, not a folder" : `cannot be created, ${probeDir} is a file`,
      );
    }
    break;
  }
  const probe = join(probeDir, `.write-test-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
  try {
    await Deno.writeFile(probe, new Uint8Array(), { createNew: true });
  } catch (e) {
    refuse(
      probeDir === dir
        ? `cannot write into this folder (${reason(e)})`
        : `cannot be created in ${probeDir} (${reason(e)})`,
    );
  }
  await Deno.remove(probe);
}

async function isFile(path: string) {
  return await Deno.stat(path).then((s) => s.isFile, () => false);
}

/** An OS error's words: "Permission denied (os error 13): open '…'" → "permission denied". */
function reason(e: unknown): string {
  const m = (e as Error).message.replace(/ \(os error \d+\).*$/s, "");
  return m.charAt(0).toLowerCase() + m.slice(1);
}

export function intFlag(name: string, value: string | undefined, fallback: number, min = 1) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new UserError(`--${name} must be an integer ≥ ${min}, got "${value}"`, USAGE);
  }
  return n;
}

export function numberFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  [lo, hi]: [number, number],
) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < lo || n > hi) {
    throw new UserError(`--${name} must be a number in [${lo}, ${hi}], got "${value}"`, USAGE);
  }
  return n;
}

export function choiceFlag<C extends string>(
  name: string,
  value: string | undefined,
  fallback: C,
  choices: readonly C[],
): C {
  if (value === undefined) return fallback;
  if (!choices.includes(value as C)) {
    throw new UserError(`--${name} must be one of ${choices.join(", ")}, got "${value}"`, USAGE);
  }
  return value as C;
}

/**
 * Runs a command: a UserError prints as one line (no stack) with its exit code; anything else
 * is a bug and keeps its stack.
 */
export async function runCli(main: () => Promise<void>) {
  try {
    await main();
  } catch (e) {
    if (e instanceof UserError) {
      console.error(`error: ${e.message}`);
      Deno.exit(e.exitCode);
    }
    throw e;
  }
}
