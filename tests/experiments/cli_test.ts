// deno task experiments refuses bad input at once, in one line, before loading data or the GPU.
import assert from "node:assert/strict";
import { join } from "node:path";

const CLI = new URL("../../src/cli/experiments.ts", import.meta.url).pathname;

async function run(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  return { code: out.code, stderr, stdout: new TextDecoder().decode(out.stdout) };
}

const CASES: [string[], number, RegExp][] = [
  [["--only", "permutations"], 2, /--only: unknown permutations; choose from permutation/],
  [["--only", ","], 2, /--only: empty/],
  [["--onyl", "occlusion"], 2, /unknown option --onyl; did you mean --only\?/],
  [["--max-shift", "0"], 2, /--max-shift must be an integer ≥ 1, got "0"/],
  [["--max-shift", "15"], 2, /--max-shift must be at most 14/],
  [["--augment-shift", "x"], 2, /--augment-shift must be an integer/],
  [["--patch", "29"], 2, /--patch must be at most 28/],
  [["--stride", "-1"], 2, /--stride must be an integer ≥ 1, got "-1"/],
  [["--per-class", "11"], 2, /--per-class must be at most 10/],
  [["--permute-seed", "1.5"], 2, /--permute-seed must be an integer ≥ 0/],
  [["--permutation-models", ","], 2, /--permutation-models: empty list/],
];

for (const [args, code, message] of CASES) {
  Deno.test(`experiments ${args.join(" ")}: exit ${code}, one line`, async () => {
    // The folders it would read and write by default (the project's models/, models/experiments
    // and results/) are temporary ones: a refusal must not depend on what earlier runs saved.
    const dir = await Deno.makeTempDir({ prefix: "experiments-cli-" });
    try {
      const away = ["--models", "--train-dir", "--out"].flatMap((f) => [f, join(dir, f.slice(2))]);
      const r = await run(...args, ...away);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split("\n").length, 1, r.stderr);
      assert.equal(r.stdout, "");
      assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing written");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("experiments: a missing --models folder and an --out that is a file are refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "experiments-cli-" });
  try {
    const missing = await run("--models", join(dir, "nope"), "--out", dir, "--train-dir", dir);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /--models .*nope: no such folder/);
    const file = join(dir, "file");
    await Deno.writeTextFile(file, "");
    const out = await run("--out", file, "--models", dir, "--train-dir", dir);
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stderr, /--out .*file\/experiments: cannot be created, .*file is a file/);
    const empty = await run(
      "--out",
      dir,
      "--train-dir",
      dir,
      "--models",
      dir,
      "--only",
      "occlusion",
    );
    assert.equal(empty.code, 1, empty.stderr);
    assert.match(empty.stderr, /^error: no models in .*: train the comparison first/);
    assert.equal(empty.stderr.split("\n").length, 1, empty.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
