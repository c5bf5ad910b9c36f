// `deno task profile`: the task line's permissions suffice, --json has the documented fields
// (docs/profile.md), usage errors are one line with exit code 2.
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

async function task(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "profile", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test({
  name: "deno task profile --model mlp --batch 8 --steps 2 --json: the documented fields",
  sanitizeResources: false,
  fn: async () => {
    const r = await task(["--model", "mlp", "--batch", "8", "--steps", "2", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout);
    assert.equal(p.model, "mlp");
    assert.equal(p.batch, 8);
    assert.equal(p.steps.length, 2);
    const figures = [
      "recordMs",
      "dispatches",
      "textureCopies",
      "bufferCopies",
      "clears",
      "uploads",
      "submits",
      "waits",
      "buffers",
      "textures",
      "uniformBuffers",
      "bindGroups",
      "pipelines",
      "allocations",
      "creations",
      "otherCreations",
    ];
    for (const f of [p.first, p.perStep, ...p.steps]) {
      for (const k of figures) assert.equal(typeof f[k], "number", k);
    }
    assert.ok(p.perStep.dispatches > 0);
    assert.equal(p.perStep.submits, 1);
    assert.equal(p.perStep.waits, 0);
    assert.ok(p.first.pipelines > 0);
    assert.ok(["timestamp-query", "replay"].includes(p.gpu.method));
    for (const k of ["commands", "totalMs", "kernelMs", "copyMs", "wallMs", "repeat"]) {
      assert.equal(typeof p.gpu[k], "number", k);
    }
    assert.ok(p.gpu.kernels.length > 0);
    for (const k of p.gpu.kernels) {
      assert.deepEqual(Object.keys(k).sort(), ["calls", "kernel", "kind", "ms", "share"]);
    }
    const kernels = p.gpu.kernels.filter((k: { kind: string }) => k.kind === "dispatch");
    assert.ok(kernels.some((k: { kernel: string }) => /^ops\/matmul\/.+\.\w+$/.test(k.kernel)));
    // The table went to stderr.
    assert.match(r.stderr, /per step \(mean of 2 after the first\)/);
    assert.match(r.stderr, /GPU time of one step by (timestamp queries|replay)/);
  },
});

Deno.test("deno task profile: usage errors exit 2 with one line; --help exits 0", async () => {
  for (
    const [args, message] of [
      [[], /--model NAME is required/],
      [["--model", "vgg"], /--model must be one of cnn, .*got "vgg"/],
      [["--model", "cnn", "--steps", "0"], /--steps must be an integer ≥ 1/],
      [["--model", "cnn", "--timing", "fast"], /--timing must be one of auto, timestamp-query/],
      [["--model", "cnn", "--bogus"], /unknown option --bogus/],
    ] as [string[], RegExp][]
  ) {
    const r = await task(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("error: "));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0], message);
  }
  const help = await task(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /deno task profile --model NAME/);
});
