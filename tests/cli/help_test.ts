// `--help` of every task answers on a fresh machine before any npm package is downloaded: each
// CLI parses its flags before it loads charting, image or baseline packages. A new, empty Deno
// cache with --cached-only makes any such download fail instead of happening.
import assert from "node:assert/strict";

const CLIS = [
  "train",
  "predict",
  "evaluate",
  "summary",
  "serve",
  "experiments",
  "export",
  "quantize",
  "profile",
  "tune",
  "similar",
];

for (const cli of CLIS) {
  Deno.test(`${cli} --help needs no npm package`, async () => {
    const cache = await Deno.makeTempDir({ prefix: "empty-deno-dir-" });
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--cached-only",
          new URL(`../../src/cli/${cli}.ts`, import.meta.url).pathname,
          "--help",
        ],
        env: { DENO_DIR: cache },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, text);
      assert.match(text, new RegExp(`deno task ${cli}`));
    } finally {
      await Deno.remove(cache, { recursive: true });
    }
  });
}
