// `deno task serve` without a browser: what it serves, what it refuses, its flags.
import assert from "node:assert/strict";
import { join } from "node:path";
import { withServe } from "../untrusted/_http.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SERVE = join(ROOT, "src/cli/serve.ts");

Deno.test("serve builds the page and serves it, the kernels, the model and the data", async () => {
  await withServe([], async (url) => {
    const get = (path: string) => fetch(new URL(path, url));
    const page = await get("/");
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script type="module" src="app.js">/);
    const app = await get("/app.js");
    assert.equal(app.headers.get("content-type"), "text/javascript; charset=utf-8");
    const js = await app.text();
    // One self-contained bundle: nothing left for the browser to resolve.
    assert.doesNotMatch(js, /from\s*["'](node:|npm:|\.\.?\/)/);
    const kernels = await (await get("/kernels.json")).json();
    for (
      const name of ["ops/matmul/matmul", "ops/conv2d/im2col", "ops/maxpool/maxpool", "optim/optim"]
    ) {
      assert.equal(kernels[name], await Deno.readTextFile(join(ROOT, `src/${name}.wgsl`)));
    }
    const config = await (await get("/model/config.json")).json();
    assert.equal(config.kind, "network");
    const weights = await (await get("/model/weights.safetensors")).arrayBuffer();
    assert.equal(
      weights.byteLength,
      (await Deno.stat(join(ROOT, "web/model/weights.safetensors"))).size,
    );
    const meta = await (await get("/data/meta.json")).json();
    assert.deepEqual(meta.train, { count: 60000, rows: 28, cols: 28 });
    // The dataset folder's name for the page's log, not where it lies on this machine.
    assert.match(meta.dir, /^[^/]+$/);
    const labels = new Uint8Array(await (await get("/data/test-labels.u8")).arrayBuffer());
    assert.deepEqual(Array.from(labels.subarray(0, 5)), [9, 2, 1, 1, 6]);
    // Nothing outside web/, no sources, nothing the page does not fetch.
    for (
      const path of [
        "/../README.md",
        "/%2e%2e/deno.json",
        "/engine.ts",
        "/main.ts/",
        "/missing.png",
        "/screenshots/predict.png",
        "/data/constructor",
      ]
    ) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
      await r.body?.cancel();
    }
    const bad = await get("/%ZZ");
    assert.equal(bad.status, 400, "a bad % escape is the request's fault");
    await bad.body?.cancel();
  });
});

Deno.test("serve answers /data/ with the loader's error when the data are not there", async () => {
  const empty = await Deno.makeTempDir({ prefix: "no-data-" });
  try {
    await withServe(["--data-dir", empty], async (url) => {
      const r = await fetch(new URL("/data/meta.json", url));
      assert.equal(r.status, 404);
      const { error } = await r.json();
      assert.match(error, new RegExp(empty.replaceAll("/", "\\/")));
    });
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("serve refuses bad flags (exit 2) and a port in use (exit 1) in one line", async () => {
  const run = async (...args: string[]) => {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", SERVE, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: r.code, stderr: new TextDecoder().decode(r.stderr).trim() };
  };
  let r = await run("--port", "70000");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: --port must be at most 65535, got 70000$/);
  r = await run("--port", "http");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--port must be an integer/);
  r = await run("--prot", "8000");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option --prot; did you mean --port\?/);
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    r = await run("--port", String((busy.addr as Deno.NetAddr).port));
    assert.equal(r.code, 1);
    assert.match(r.stderr.split("\n").at(-1)!, /port \d+ is in use; pick another with --port/);
  } finally {
    busy.close();
  }
});
