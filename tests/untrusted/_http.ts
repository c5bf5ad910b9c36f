// Talking to `deno task serve` as an attacker would: the CLI started on a free port, and requests
// sent through node:http, which keeps the path and the Host header exactly as written. Shared by
// the serve tests here and in tests/browser/.
import http from "node:http";
import { join } from "node:path";
import { ROOT } from "./_run.ts";

const SERVE = join(ROOT, "src/cli/serve.ts");

/** Starts the serve CLI with `args` on port 0 and runs `fn` with its base URL and port. */
export async function withServe(
  args: string[],
  fn: (url: string, port: number) => Promise<void>,
): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVE, "--port", "0", ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let text = "";
    let found: RegExpMatchArray | null = null;
    while (!found) {
      const { value, done } = await out.read();
      if (done) throw new Error(`serve exited: ${text}`);
      text += value;
      found = text.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
    }
    await fn(found[0], Number(found[1]));
  } finally {
    child.kill();
    await child.status;
    await out.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
  }
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Uint8Array;
  text: string;
  /** Milliseconds from sending to the end of the answer. */
  ms: number;
}

/**
 * One request to 127.0.0.1:`port` with `path` and `host` as given (default the right Host; null:
 * no Host header at all) and `method` (default GET). Rejects when no answer comes within 5 s.
 */
export function send(
  port: number,
  path: string,
  o: { host?: string | null; method?: string } = {},
): Promise<Answer> {
  const host = o.host === undefined ? `127.0.0.1:${port}` : o.host;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1",
      port,
      path,
      method: o.method ?? "GET",
      headers: host === null ? {} : { host },
      setHost: false,
      agent: false,
      timeout: 5000,
    }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on("end", () => {
        const body = new Uint8Array(Buffer.concat(chunks));
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body,
          text: new TextDecoder().decode(body),
          ms: performance.now() - start,
        });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer to ${path} within 5 s`)));
    req.on("error", reject);
    req.end();
  });
}
