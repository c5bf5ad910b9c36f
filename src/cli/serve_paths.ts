// What `deno task serve` answers for, decided before any file is touched: which Host headers
// (DNS rebinding: a hostile name resolving to 127.0.0.1 would otherwise let another site read the
// page's data), which request paths, and which files of web/ make up the page. A request path is
// matched exactly against that list, so nothing outside it (web/'s sources and screenshots, a file
// dropped into web/) is reachable by any spelling of its name; where a listed file's symlink
// leads is checked when it is served (src/cli/serve.ts).
import { join, posix } from "node:path";

/** The page's own files under web/, as its HTML and modules fetch them. */
export const PAGE_FILES = [
  "index.html",
  "style.css",
  "model/config.json",
  "model/weights.safetensors",
] as const;

/** The official data as web/train.ts fetches them from /data/. */
export const DATA_FILES = [
  "meta.json",
  "train-images.u8",
  "train-labels.u8",
  "test-images.u8",
  "test-labels.u8",
] as const;

/**
 * The Host header values answered for a server on 127.0.0.1:`port`: `127.0.0.1:PORT` and
 * `localhost:PORT` (and the bare names on port 80, where browsers leave the port out). The
 * server binds IPv4 only, so `[::1]` never reaches it.
 */
export function allowedHosts(port: number): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  if (port === 80) { for (const h of ["127.0.0.1", "localhost"]) hosts.add(h); }
  return hosts;
}

/** A request path, checked: the decoded path, or the status that refuses it and why. */
export type CheckedPath =
  | { ok: true; path: string }
  | { ok: false; status: 400 | 404; reason: string };

/**
 * Decodes the raw path of a request target (what follows the authority, query included) once
 * and checks it before any lookup. Refused: a bad % escape (400); anything not starting with "/",
 * a NUL or other control character, a backslash, an empty segment ("//", or a trailing "/"
 * anywhere but the root), a "." or ".." segment (404). What passes is its own POSIX
 * normalisation, so the exact match against the served list is the only filter left.
 */
export function checkRequestPath(raw: string): CheckedPath {
  const q = raw.indexOf("?");
  const encoded = q === -1 ? raw : raw.slice(0, q);
  let path: string;
  try {
    path = decodeURIComponent(encoded);
  } catch {
    return { ok: false, status: 400, reason: "malformed URL (a bad % escape)" };
  }
  const refuse = (reason: string): CheckedPath => ({ ok: false, status: 404, reason });
  if (!path.startsWith("/")) return refuse("not an absolute path");
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return refuse("a control character");
  if (path.includes("\\")) return refuse("a backslash");
  if (path === "/") return { ok: true, path };
  const segments = path.slice(1).split("/");
  if (segments.some((s) => s === "")) return refuse("an empty segment or a trailing slash");
  if (segments.some((s) => s === "." || s === "..")) return refuse("a '.' or '..' segment");
  if (posix.normalize(path) !== path) return refuse("not in normal form");
  return { ok: true, path };
}

/**
 * The URL paths of the page's files under `webDir`, each with its file relative to `webDir`:
 * "/" and "/index.html" (web/index.html), PAGE_FILES, and each examples/*.png (a file or a
 * symlink: whether it is served is decided per request, by where it leads). Throws when
 * `webDir`'s examples/ folder cannot be read.
 */
export async function pageFiles(webDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>([["/", "index.html"]]);
  for (const f of PAGE_FILES) files.set(`/${f}`, f);
  for await (const e of Deno.readDir(join(webDir, "examples"))) {
    if ((e.isFile || e.isSymlink) && e.name.endsWith(".png")) {
      files.set(`/examples/${e.name}`, `examples/${e.name}`);
    }
  }
  return files;
}

/**
 * Every URL path the server answers with content: the page's files under `webDir` (`pageFiles`),
 * "/app.js", "/kernels.json" and "/data/" + each of DATA_FILES; sorted. Throws as `pageFiles`.
 */
export async function servedPaths(webDir: string): Promise<string[]> {
  return [
    ...(await pageFiles(webDir)).keys(),
    "/app.js",
    "/kernels.json",
    ...DATA_FILES.map((f) => `/data/${f}`),
  ].sort();
}
