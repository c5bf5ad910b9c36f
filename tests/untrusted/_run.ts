// Runs one of the project's commands as a hostile input's victim would, and measures what it cost:
// exit code, stderr, wall time and peak resident memory (VmHWM of /proc/PID/status, polled while
// it runs, so a short final spike can be missed by at most one poll). Shared by the untrusted-input
// tests in this folder; the assertions every refusal must meet are `assertCleanRefusal`.
import assert from "node:assert/strict";
import { join } from "node:path";

export const ROOT = new URL("../../", import.meta.url).pathname;

export interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
  /** Peak resident memory of the process, MiB (0 where /proc is not there). */
  peakMiB: number;
}

/** Runs `deno run -A src/cli/<cli>.ts ...args` (or a full argv when `cli` ends in ".ts"). */
export async function runCommand(
  cli: string,
  args: string[],
  o: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; stdin?: string } = {},
): Promise<Measured> {
  const script = cli.endsWith(".ts") ? cli : join(ROOT, `src/cli/${cli}.ts`);
  const start = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    cwd: o.cwd ?? ROOT,
    env: { NO_COLOR: "1", DENO_WEBGPU_BACKEND: "vulkan", ...o.env },
    stdin: o.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (o.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(o.stdin));
    await w.close();
  }
  let peakKiB = 0;
  const poll = () => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      const m = status.match(/VmHWM:\s+(\d+) kB/);
      if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
    } catch { /* gone, or no /proc */ }
  };
  const timer = setInterval(poll, 20);
  const killer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, o.timeoutMs ?? 60_000);
  const out = await child.output();
  clearInterval(timer);
  clearTimeout(killer);
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
    seconds: (performance.now() - start) / 1000,
    peakMiB: peakKiB / 1024,
  };
}

/**
 * What every refusal of untrusted input must be: exit `code` (1, or 2 for usage), one line on
 * stderr that starts "error: " and matches `pattern`, no stack trace and no panic, within `seconds`
 * (Deno's own start-up included) and `mib` of memory.
 */
export function assertCleanRefusal(
  r: Measured,
  pattern: RegExp,
  o: { code?: number; seconds?: number; mib?: number } = {},
) {
  const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("error:"));
  assert.ok(!/panicked|\n\s+at |Uncaught/.test(r.stderr), `stack trace or panic:\n${r.stderr}`);
  assert.equal(lines.length, 1, `one error line expected:\n${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.ok(lines[0].length < 400, `error line of ${lines[0].length} characters`);
  assert.equal(r.code, o.code ?? 1, `exit code: ${r.stderr}`);
  assert.ok(r.seconds < (o.seconds ?? 5), `took ${r.seconds.toFixed(1)} s`);
  if (r.peakMiB) assert.ok(r.peakMiB < (o.mib ?? 300), `peak ${r.peakMiB.toFixed(0)} MiB`);
}
