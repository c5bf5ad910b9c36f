import { parseArgs, type ParseArgsConfig } from "node:util";
import { UserError } from "../util/errors.ts";

/** Usage errors exit with 2, like other command-line tools. */
export const USAGE = 2;

/**
 * Parses flags strictly: an unknown flag or a missing value is a usage error naming the flag.
 * `--help` prints `help` and exits 0.
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  options: T,
  help: string,
  args = Deno.args,
) {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    if ((parsed.values as Record<string, unknown>).help) {
      console.log(help);
      Deno.exit(0);
    }
    return parsed.values as ReturnType<typeof parseArgs<{ options: T }>>["values"];
  } catch (e) {
    if (e instanceof UserError) throw e;
    const message = (e as Error).message.split("\n")[0].replace(/\. To specify.*$/, "");
    throw new UserError(`${command}: ${message}; see "deno task ${command} --help"`, USAGE);
  }
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
