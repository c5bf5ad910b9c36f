// `deno task serve` facing hostile requests: a symlink out of web/, paths that only look like a
// served file ("/main.ts/", "/model/../index.html"), prototype names under /data/, a foreign Host
// header (DNS rebinding), methods other than GET and HEAD. The server runs in this process
// (servePage, the function the CLI calls) so that its web/ can be a temporary copy with symlinks
// planted in it; requests go out through node:http, which sends the path and the Host header
// exactly as written.
import assert from "node:assert/strict";
import { join } from "node:path";
import { servePage } from "../../src/cli/serve.ts";
import { servedPaths } from "../../src/cli/serve_paths.ts";
import { ROOT } from "./_run.ts";
import { send } from "./_http.ts";

const WEB = join(ROOT, "web");
const PASSWD = "/etc/passwd";

/** Serves the page from `webDir` (the project's web/ by default) while `fn` runs. */
async function withServer(
  fn: (port: number) => Promise<void>,
  webDir?: string,
) {
  const server = await servePage(0, {
    app: new TextEncoder().encode("// app"),
    kernels: "{}",
    webDir,
  });
  try {
    await fn(server.addr.port);
  } finally {
    await server.shutdown();
  }
}

/** A copy of the page's files (a small stand-in for the weights) in a temporary folder. */
async function copyOfWeb(): Promise<{ dir: string; web: string }> {
  const dir = await Deno.makeTempDir({ prefix: "serve-untrusted-" });
  const web = join(dir, "web");
  await Deno.mkdir(join(web, "model"), { recursive: true });
  await Deno.mkdir(join(web, "examples"));
  for (const f of ["index.html", "style.css", "model/config.json", "examples/bag.png"]) {
    await Deno.copyFile(join(WEB, f), join(web, f));
  }
  await Deno.writeTextFile(join(web, "model/weights.safetensors"), "weights");
  return { dir, web };
}

Deno.test("serve: a symlink out of web/ is never followed (404), one inside it is", async () => {
  const { dir, web } = await copyOfWeb();
  try {
    const outside = join(dir, "outside");
    await Deno.mkdir(outside);
    await Deno.writeTextFile(join(outside, "config.json"), '{"secret": true}');
    // Planted before start: a whole folder of /etc, a listed file and a listed folder.
    await Deno.symlink("/etc", join(web, "etc"));
    await Deno.remove(join(web, "style.css"));
    await Deno.symlink(PASSWD, join(web, "style.css"));
    await Deno.remove(join(web, "model"), { recursive: true });
    await Deno.symlink(outside, join(web, "model"));
    await Deno.symlink(PASSWD, join(web, "examples/passwd.png"));
    // A symlink that stays inside web/ is an ordinary file of the page.
    await Deno.rename(join(web, "examples/bag.png"), join(web, "bag-original.png"));
    await Deno.symlink(join(web, "bag-original.png"), join(web, "examples/bag.png"));
    await withServer(async (port) => {
      for (
        const path of ["/etc/passwd", "/style.css", "/model/config.json", "/examples/passwd.png"]
      ) {
        const r = await send(port, path);
        assert.equal(r.status, 404, path);
        assert.doesNotMatch(r.text, /root:|secret/, path);
      }
      const bag = await send(port, "/examples/bag.png");
      assert.equal(bag.status, 200);
      assert.deepEqual(bag.body, await Deno.readFile(join(WEB, "examples/bag.png")));
      // Swapped for a symlink to /etc/passwd after start: checked again on every request.
      const index = await send(port, "/");
      assert.equal(index.status, 200);
      assert.match(index.text, /<script type="module" src="app.js">/);
      await Deno.remove(join(web, "index.html"));
      await Deno.symlink(PASSWD, join(web, "index.html"));
      for (const path of ["/", "/index.html"]) {
        const r = await send(port, path);
        assert.equal(r.status, 404, path);
        assert.doesNotMatch(r.text, /root:/, path);
      }
      // A listed name that is a folder: no listing, 404.
      await Deno.remove(join(web, "index.html"));
      await Deno.mkdir(join(web, "index.html"));
      assert.equal((await send(port, "/")).status, 404);
    }, web);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve: '/main.ts/' and other spellings of unlisted or non-normal paths are 404", async () => {
  await withServer(async (port) => {
    const refused = [
      "/main.ts/",
      "/main.ts",
      "/engine.ts",
      "/style.css/",
      "/index.html/",
      "/model/",
      "/model",
      "/examples/",
      "/examples/make_examples.ts",
      "/screenshots/predict.png",
      "/model/../index.html",
      "/model/%2e%2e/index.html",
      "/./style.css",
      "/%2e/style.css",
      "//style.css",
      "/model//config.json",
      "/model\\config.json",
      "/model%5cconfig.json",
      "/style.css%00",
      "/style.css%00.png",
      "/%2e%2e/deno.json",
      "/../deno.json",
      "/..%2fdeno.json",
      "/%252e%252e/deno.json",
      "/STYLE.CSS",
      `/${"a/".repeat(2000)}style.css`,
    ];
    for (const path of refused) {
      const r = await send(port, path);
      assert.equal(r.status, 404, path);
    }
    assert.equal((await send(port, "/%ZZ")).status, 400, "a bad % escape is the request's fault");
    // What the page asks for is served, a query string ignored.
    for (const path of ["/", "/index.html", "/style.css?v=2", "/app.js", "/kernels.json"]) {
      assert.equal((await send(port, path)).status, 200, path);
    }
  });
});

Deno.test("serve: prototype names under /data/ and elsewhere are 404, not served", async () => {
  await withServer(async (port) => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      for (const path of [`/data/${name}`, `/${name}`, `/model/${name}`]) {
        const r = await send(port, path);
        assert.equal(r.status, 404, path);
        assert.equal(r.text, "not found", path);
      }
    }
  });
});

Deno.test("serve: only Host 127.0.0.1:PORT and localhost:PORT are answered (else 421)", async () => {
  await withServer(async (port) => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      assert.equal((await send(port, "/", { host })).status, 200, host);
    }
    const foreign = [
      `evil.example:${port}`,
      "evil.example",
      `127.0.0.1:${port + 1}`,
      "127.0.0.1",
      "localhost",
      `[::1]:${port}`,
      `localhost.:${port}`,
      `127.0.0.1:${port}.evil.example`,
      "",
      null,
    ];
    for (const host of foreign) {
      for (const path of ["/", "/data/meta.json", "/kernels.json"]) {
        const r = await send(port, path, { host });
        assert.equal(r.status, 421, `${host} ${path}`);
        assert.match(r.text, /^misdirected request: this server answers only for 127\.0\.0\.1:/);
      }
    }
    // The request line naming another host (absolute form) while Host names ours.
    const r = await send(port, "http://evil.example/kernels.json");
    assert.equal(r.status, 421);
  });
});

Deno.test("serve: GET and HEAD only (405 with Allow), HEAD without a body", async () => {
  await withServer(async (port) => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const r = await send(port, "/", { method });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, "GET, HEAD");
    }
    const head = await send(port, "/style.css", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers["content-type"], "text/css; charset=utf-8");
  });
});

Deno.test("serve: what it lists is the page's files, its bundle, kernels and data, nothing else", async () => {
  const examples: string[] = [];
  for await (const e of Deno.readDir(join(WEB, "examples"))) {
    if (e.isFile && e.name.endsWith(".png")) examples.push(`/examples/${e.name}`);
  }
  assert.ok(examples.length >= 5, "the page's example pictures");
  assert.deepEqual(
    await servedPaths(WEB),
    [
      "/",
      "/index.html",
      "/style.css",
      "/app.js",
      "/kernels.json",
      "/model/config.json",
      "/model/weights.safetensors",
      ...examples,
      "/data/meta.json",
      "/data/train-images.u8",
      "/data/train-labels.u8",
      "/data/test-images.u8",
      "/data/test-labels.u8",
    ].sort(),
  );
});
