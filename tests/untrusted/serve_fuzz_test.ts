// `deno task serve` (the CLI itself, started once on a free port) against many random requests:
// paths built from dot segments, encoded dots, slashes, backslashes and NULs, prototype names,
// unicode, very long runs, trailing slashes and mangled spellings of the served files; foreign,
// missing or valid Host headers; methods other than GET and HEAD. Every answer must be exactly
// the status the rules give (200 only for a listed path, once decoded), arrive within 5 s,
// never be a 500, and never carry /etc/passwd or the dataset's absolute path; a 200 for a file
// of web/ carries that file's bytes. Seeded, so a failure replays.
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { servedPaths } from "../../src/cli/serve_paths.ts";
import { locateFashionMnist } from "../../src/data/locate.ts";
import { ROOT } from "./_run.ts";
import { send, withServe } from "./_http.ts";

const WEB = join(ROOT, "web");
const SEED = 20261204;
const RUNS = 400;

const SEGMENTS = [
  "..",
  ".",
  "%2e%2e",
  "%2E%2e",
  "%2e",
  ".%2e",
  "%2f",
  "%2F",
  "..%2f..",
  "%5c",
  "\\",
  "..\\..",
  "%00",
  "%0a",
  "%",
  "%zz",
  "%252e%252e",
  "%C3%A9",
  "%ED%A0%80",
  "%F0%9F%98%80",
  "%FF",
  "é",
  "constructor",
  "__proto__",
  "toString",
  "prototype",
  "hasOwnProperty",
  "valueOf",
  "etc",
  "passwd",
  "data",
  "model",
  "examples",
  "screenshots",
  "web",
  "src",
  "cli",
  "main.ts",
  "serve.ts",
  "meta.json",
  "index.html",
  "style.css",
  "config.json",
  "deno.json",
  "README.md",
  "",
];

/** Ways to misspell a served path into something that may or may not decode to it. */
const MANGLES: ((p: string) => string)[] = [
  (p) => p,
  (p) => `${p}/`,
  (p) => `${p}?v=1`,
  (p) => `/${p}`,
  (p) => p.replaceAll(".", "%2e"),
  (p) => p.replace(/(?<=.)\//g, "%2f"),
  (p) => p.replace(/(?<=.)\//g, "/./"),
  (p) => p.replace(/(?<=.)\//g, "/x/../"),
  (p) => `/..${p}`,
  (p) => `${p}%00`,
  (p) => `${p}\\`,
  (p) => p.toUpperCase(),
  (p) => p.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`),
  (p) => p.replace(/[a-z]/, (c) => encodeURIComponent(encodeURIComponent(`%${c}`))),
];

/** The status the rules give: 421 foreign Host, 405 other methods, 400 bad % escape, 200 or 404. */
function expectedStatus(
  path: string,
  host: string | null,
  method: string,
  hosts: Set<string>,
  served: Set<string>,
): number {
  if (host === null || !hosts.has(host.toLowerCase())) return 421;
  if (method !== "GET" && method !== "HEAD") return 405;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.split("?")[0]);
  } catch {
    return 400;
  }
  return served.has(decoded) ? 200 : 404;
}

Deno.test("serve fuzzed: 200 only for listed paths, never a 500, never outside content", async () => {
  const served = new Set(await servedPaths(WEB));
  const passwd = (await Deno.readTextFile("/etc/passwd")).split("\n")[0];
  const dataDir = await locateFashionMnist({ download: false }).then((l) => l.dir, () => null);
  await withServe([], async (_url, port) => {
    const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    const segment = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...SEGMENTS) },
      {
        weight: 2,
        arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }).map(encodeURIComponent),
      },
      {
        weight: 2,
        arbitrary: fc.string({ unit: fc.constantFrom(..."ab.%/\\2eEf0"), maxLength: 10 }),
      },
      { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => "a".repeat(n)) },
    );
    const randomPath = fc.tuple(fc.array(segment, { maxLength: 8 }), fc.boolean())
      .map(([s, trailing]) => `/${s.join("/")}${trailing ? "/" : ""}`);
    const mangled = fc.tuple(fc.constantFrom(...served), fc.constantFrom(...MANGLES))
      .map(([p, mangle]) => mangle(p));
    const path = fc.oneof(
      { weight: 3, arbitrary: randomPath },
      { weight: 3, arbitrary: mangled },
      { weight: 1, arbitrary: fc.constantFrom(...served) },
    );
    const host = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...hosts) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          null,
          "",
          "evil.example",
          `evil.example:${port}`,
          `127.0.0.1:${port + 1}`,
          `[::1]:${port}`,
          "127.0.0.1",
          `localhost.:${port}`,
          `LOCALHOST:${port}`,
        ),
      },
    );
    const method = fc.constantFrom("GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS");
    const webFiles = new Map<string, Uint8Array>();
    let ok = 0;

    await fc.assert(
      fc.asyncProperty(path, host, method, async (p, h, m) => {
        const r = await send(port, p, { host: h, method: m });
        const want = expectedStatus(p, h, m, hosts, served);
        const what = `${m} ${p.slice(0, 200)} (Host ${h}) → ${r.status}`;
        assert.ok(r.ms < 5000, `${what} took ${r.ms.toFixed(0)} ms`);
        assert.ok(r.status < 500, what);
        // hyper refuses some raw bytes (é as Latin-1) before the handler sees them: 400.
        const rawOdd = /[^\x21-\x7e]/.test(p);
        if (!(rawOdd && r.status === 400 && want !== 200)) assert.equal(r.status, want, what);
        if (r.body.length < 4_000_000) {
          const text = new TextDecoder().decode(r.body);
          assert.ok(!text.includes(passwd), `${what}: /etc/passwd's text`);
          if (dataDir) assert.ok(!text.includes(dataDir), `${what}: the dataset's path`);
        }
        if (r.status !== 200) return;
        ok++;
        if (m === "HEAD") return assert.equal(r.body.length, 0, what);
        const decoded = decodeURIComponent(p.split("?")[0]);
        const file = decoded === "/" ? "index.html" : decoded.slice(1);
        if (!decoded.startsWith("/data/") && !["app.js", "kernels.json"].includes(file)) {
          if (!webFiles.has(file)) webFiles.set(file, await Deno.readFile(join(WEB, file)));
          assert.deepEqual(r.body, webFiles.get(file), `${what}: not web/${file}'s bytes`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    assert.ok(
      ok > RUNS / 20,
      `only ${ok} of ${RUNS} requests were served: the fuzz missed the list`,
    );
  });
});
