// Runs one of the project's commands as a user would (`deno run -A src/cli/<name>.ts ...args`)
// and returns its exit code, its output and the one error line it ends with, if any.

/** The path of `src/cli/<name>.ts`. */
export const cli = (name: string) => new URL(`../../src/cli/${name}.ts`, import.meta.url).pathname;

/** Runs the command to its end; `env` is added to this process's (no colours, no INIT_CWD). */
export async function runCli(name: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli(name), ...args],
    env: { INIT_CWD: "", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr,
    /** The last line starting "error: " (a refusal's one line). */
    error: stderr.split("\n").findLast((l) => l.startsWith("error: ")),
  };
}
