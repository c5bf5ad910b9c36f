import { basename, extname, join, sep } from "node:path";
import { intFlag, parseFlags, PROJECT_ROOT, runCli, userPath } from "./common.ts";
import { allowedHosts, checkRequestPath, pageFiles, servedPaths } from "./serve_paths.ts";
import { UserError } from "../util/errors.ts";

const HELP = `deno task serve [--port N] [--data-dir DIR]

Builds the workbench page (web/: the same src/ modules, bundled for the browser, and the WGSL
kernels) and serves it on http://127.0.0.1:PORT/ until stopped (Ctrl-C). Open the printed
address in a browser with WebGPU (a current Chrome or Edge; on Linux start Chrome with
--enable-unsafe-webgpu). Predict: draw, upload or photograph a garment and see what the shipped
reference CNN (or a model folder you open) makes of it. Train: train a network live in the page
on the official data, served from where "deno task train" finds them, and download it as a model
folder that "deno task predict" loads. Only the page's own files are served, and only to
requests addressed to 127.0.0.1:PORT or localhost:PORT.

  --port N         port on 127.0.0.1 (default 8000; 0 picks a free one)
  --data-dir DIR   dataset directory for the Train tab (default: where "deno task train" looks)`;

const WEB_DIR = join(PROJECT_ROOT, "web");
const SRC_DIR = join(PROJECT_ROOT, "src");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".safetensors": "application/octet-stream",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

/**
 * Bundles web/main.ts and what it imports for the browser with Deno's bundler (esbuild inside
 * Deno; the same TypeScript the CLI runs) and returns the JavaScript. Throws a UserError with the
 * bundler's message when it fails.
 */
export async function bundlePage(entry = join(WEB_DIR, "main.ts")): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "workbench-page-" });
  try {
    const out = join(dir, "app.js");
    const result = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "browser",
        "--format",
        "esm",
        "--minify",
        "-o",
        out,
        entry,
      ],
      cwd: PROJECT_ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!result.success) {
      const text = new TextDecoder().decode(result.stderr).trim().split("\n").slice(0, 5).join(" ");
      throw new UserError(`serve: bundling ${entry} for the browser failed: ${text}`);
    }
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Every kernel body as one JSON object, key → source (what src/platform/browser.ts loads): each
 * *.wgsl under src/ by its path there without ".wgsl" ("ops/maxpool/maxpool").
 */
export async function kernelSources(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, prefix: string) => {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await walk(join(dir, e.name), `${prefix}${e.name}/`);
      else if (e.isFile && e.name.endsWith(".wgsl")) {
        out[prefix + e.name.slice(0, -5)] = await Deno.readTextFile(join(dir, e.name));
      }
    }
  };
  await walk(SRC_DIR, "");
  return out;
}

/** The official data as the page reads them: a small JSON description and raw bytes. */
interface PageData {
  meta: Record<string, unknown>;
  files: Map<string, Uint8Array>;
}

async function loadPageData(dataDir: string | undefined): Promise<PageData> {
  const { loadFashionMnist } = await import("../data/dataset.ts");
  const data = await loadFashionMnist({ dataDir });
  const shape = (d: { count: number; rows: number; cols: number }) => ({
    count: d.count,
    rows: d.rows,
    cols: d.cols,
  });
  return {
    // The folder's name only: the page shows it in its log, and the absolute path says more
    // about this machine than a page needs to know.
    meta: {
      dir: basename(data.dir),
      source: data.source,
      train: shape(data.train),
      test: shape(data.test),
    },
    files: new Map([
      ["train-images.u8", data.train.images],
      ["train-labels.u8", data.train.labels],
      ["test-images.u8", data.test.images],
      ["test-labels.u8", data.test.labels],
    ]),
  };
}

function respond(
  body: BodyInit | null,
  type: string,
  status = 200,
  extra: Record<string, string> = {},
): Response {
  return new Response(body, {
    status,
    headers: {
      "content-type": type,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      ...extra,
    },
  });
}

const notFound = () => respond("not found", "text/plain; charset=utf-8", 404);

/**
 * The bytes of `file` (relative to the already resolved `realRoot`), or null unless its real path
 * (every symlink followed) is a regular file inside `realRoot`.
 */
async function readInside(realRoot: string, file: string): Promise<Uint8Array | null> {
  try {
    const real = await Deno.realPath(join(realRoot, file));
    if (!real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) return null;
    if (!(await Deno.stat(real)).isFile) return null;
    return await Deno.readFile(real);
  } catch {
    return null;
  }
}

/** What `servePage` serves: the built page and where its files and data come from. */
export interface PageOptions {
  /** The bundle served as /app.js (`bundlePage`). */
  app: Uint8Array;
  /** The JSON served as /kernels.json (`kernelSources`). */
  kernels: string;
  /** Dataset directory for /data/ (default: where `deno task train` looks). */
  dataDir?: string;
  /** The page's folder (default: the project's web/). */
  webDir?: string;
}

/**
 * Serves the page on 127.0.0.1:`port` (0: any free port; `server.addr.port` says which) and
 * answers only requests whose Host header is 127.0.0.1:PORT or localhost:PORT (else 421), with
 * GET or HEAD (else 405), for a path in `servedPaths(webDir)` once decoded and checked by
 * `checkRequestPath` (a bad % escape: 400; anything else: 404):
 * - "/" and "/index.html": web/index.html; "/app.js": `app`; "/kernels.json": `kernels`;
 * - the page's other files under web/ (`pageFiles`), each only while its real path is a regular
 *   file inside web/'s real path (a symlink out of it: 404);
 * - "/data/meta.json" (the dataset folder's name, its source and shapes) and the four
 *   "/data/*.u8" arrays, loaded on first request; when they cannot be loaded, status 404 with
 *   the loader's message as JSON `{ error }`.
 * Throws when web/ or web/examples/ cannot be read, or Deno.serve's errors (AddrInUse).
 */
export async function servePage(
  port: number,
  o: PageOptions,
): Promise<Deno.HttpServer<Deno.NetAddr>> {
  const webDir = o.webDir ?? WEB_DIR;
  const realWeb = await Deno.realPath(webDir);
  const files = await pageFiles(webDir);
  const served = new Set(await servedPaths(webDir));
  let data: Promise<PageData> | null = null;
  let hosts = new Set<string>();
  let hostList = "";

  const answer = async (request: Request): Promise<Response> => {
    const host = request.headers.get("host")?.toLowerCase() ?? "";
    // The authority in request.url is the Host header's unless the request line named another
    // (absolute form), which must be one of ours as well.
    const authority = `http://${host}`;
    if (
      !hosts.has(host) ||
      request.url.slice(0, authority.length + 1).toLowerCase() !== `${authority}/`
    ) {
      return respond(
        `misdirected request: this server answers only for ${hostList}`,
        "text/plain; charset=utf-8",
        421,
      );
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return respond("only GET and HEAD", "text/plain; charset=utf-8", 405, {
        allow: "GET, HEAD",
      });
    }
    // request.url holds the request target as sent (no dot segments removed), so the checks
    // see what the client wrote.
    const checked = checkRequestPath(request.url.slice(authority.length));
    if (!checked.ok) return respond(checked.reason, "text/plain; charset=utf-8", checked.status);
    const path = checked.path;
    if (!served.has(path)) return notFound();
    if (path === "/app.js") return respond(o.app as Uint8Array<ArrayBuffer>, TYPES[".js"]);
    if (path === "/kernels.json") return respond(o.kernels, TYPES[".json"]);
    if (path.startsWith("/data/")) {
      data ??= loadPageData(o.dataDir);
      let d: PageData;
      try {
        d = await data;
      } catch (e) {
        data = null;
        const error = e instanceof UserError ? e.message : String(e);
        return respond(JSON.stringify({ error }), TYPES[".json"], 404);
      }
      const name = path.slice("/data/".length);
      if (name === "meta.json") return respond(JSON.stringify(d.meta), TYPES[".json"]);
      const bytes = d.files.get(name);
      if (!bytes) return notFound();
      return respond(bytes as Uint8Array<ArrayBuffer>, "application/octet-stream");
    }
    const file = files.get(path);
    const bytes = file === undefined ? null : await readInside(realWeb, file);
    if (!file || !bytes) return notFound();
    return respond(
      bytes as Uint8Array<ArrayBuffer>,
      TYPES[extname(file)] ?? "application/octet-stream",
    );
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, answer);
  // No request is handled before this synchronous code returns, so none sees the empty set.
  hosts = allowedHosts(server.addr.port);
  hostList = [...hosts].join(" and ");
  return server;
}

if (import.meta.main) {
  await runCli(async () => {
    const flags = parseFlags("serve", {
      port: { type: "string" },
      "data-dir": { type: "string" },
    }, HELP);
    const port = intFlag("port", flags.port, 8000, 0);
    if (port > 65535) throw new UserError(`--port must be at most 65535, got ${port}`, 2);
    const dataDir = flags["data-dir"] === undefined ? undefined : userPath(flags["data-dir"]);
    const started = performance.now();
    const [app, kernels] = await Promise.all([bundlePage(), kernelSources()]);
    console.error(
      `built the page: app.js ${(app.length / 1024).toFixed(0)} KiB, ${
        Object.keys(kernels).length
      } kernels, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = await servePage(port, { app, kernels: JSON.stringify(kernels), dataDir });
    } catch (e) {
      if (e instanceof Deno.errors.AddrInUse) {
        throw new UserError(`serve: port ${port} is in use; pick another with --port N (0: any)`);
      }
      throw e;
    }
    console.log(`serving the workbench on http://127.0.0.1:${server.addr.port}/ (Ctrl-C stops)`);
    await server.finished;
  });
}
