import { extname, join, normalize } from "node:path";
import { intFlag, parseFlags, PROJECT_ROOT, runCli, userPath } from "./common.ts";
import { UserError } from "../util/errors.ts";

const HELP = `deno task serve [--port N] [--data-dir DIR]

Builds the workbench page (web/: the same src/ modules, bundled for the browser, and the WGSL
kernels) and serves it on http://127.0.0.1:PORT/ until stopped (Ctrl-C). Open the printed
address in a browser with WebGPU (a current Chrome or Edge; on Linux start Chrome with
--enable-unsafe-webgpu). Predict: draw, upload or photograph a garment and see what the shipped
reference CNN (or a model folder you open) makes of it. Train: train a network live in the page
on the official data, served from where "deno task train" finds them, and download it as a model
folder that "deno task predict" loads.

  --port N         port on 127.0.0.1 (default 8000; 0 picks a free one)
  --data-dir DIR   dataset directory for the Train tab (default: where "deno task train" looks)`;

const WEB_DIR = join(PROJECT_ROOT, "web");
const KERNEL_DIR = join(PROJECT_ROOT, "kernels");

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

/** Every kernels/*.wgsl as one JSON object, name → source (what src/platform/browser.ts loads). */
export async function kernelSources(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(KERNEL_DIR)) {
    if (e.isFile && e.name.endsWith(".wgsl")) {
      out[e.name.slice(0, -5)] = await Deno.readTextFile(join(KERNEL_DIR, e.name));
    }
  }
  return out;
}

/** The official data as the page reads them: a small JSON description and raw bytes. */
interface PageData {
  meta: Record<string, unknown>;
  files: Record<string, Uint8Array>;
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
    meta: { dir: data.dir, source: data.source, train: shape(data.train), test: shape(data.test) },
    files: {
      "train-images.u8": data.train.images,
      "train-labels.u8": data.train.labels,
      "test-images.u8": data.test.images,
      "test-labels.u8": data.test.labels,
    },
  };
}

function respond(body: BodyInit | null, type: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: { "content-type": type, "cache-control": "no-cache" },
  });
}

/**
 * The request handler: "/" is web/index.html, "/app.js" the bundle, "/kernels.json" the kernel
 * sources, "/data/*" the official data (loaded on first request; an error is JSON `{ error }`
 * with status 404), anything else a file under web/ (never outside it).
 */
export function handler(app: Uint8Array, kernels: string, dataDir?: string) {
  let data: Promise<PageData> | null = null;
  return async (request: Request): Promise<Response> => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url).pathname);
    } catch {
      return respond("malformed URL (a bad % escape)", "text/plain", 400);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return respond("only GET", "text/plain", 405);
    }
    if (path === "/app.js") return respond(app as Uint8Array<ArrayBuffer>, TYPES[".js"]);
    if (path === "/kernels.json") return respond(kernels, TYPES[".json"]);
    if (path.startsWith("/data/")) {
      data ??= loadPageData(dataDir);
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
      const bytes = d.files[name];
      if (!bytes) return respond("not found", "text/plain", 404);
      return respond(bytes as Uint8Array<ArrayBuffer>, "application/octet-stream");
    }
    const rel = normalize(path === "/" ? "index.html" : path.slice(1));
    if (rel.startsWith("..") || rel.startsWith("/") || rel.endsWith(".ts")) {
      return respond("not found", "text/plain", 404);
    }
    try {
      const bytes = await Deno.readFile(join(WEB_DIR, rel));
      return respond(bytes, TYPES[extname(rel)] ?? "application/octet-stream");
    } catch {
      return respond("not found", "text/plain", 404);
    }
  };
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
      server = Deno.serve({
        hostname: "127.0.0.1",
        port,
        onListen: () => {},
      }, handler(app, JSON.stringify(kernels), dataDir));
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
