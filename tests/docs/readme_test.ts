// The README is a front door and docs/ holds the rest; these tests keep both honest as the code
// moves: the README stays short, every relative link in README.md and docs/*.md reaches a file
// (and a heading, when it names one), every `deno task X` they name exists in deno.json, and the
// README's commands answer `--help` through `deno task`, as a reader would run them. No GPU, no
// data: a few seconds.
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(new URL("../../", import.meta.url).pathname);
const README = join(ROOT, "README.md");
const MAX_README_LINES = 200;

/** README.md and every docs/*.md, as absolute paths. */
function markdownFiles(): string[] {
  const docs = [...Deno.readDirSync(join(ROOT, "docs"))]
    .filter((e) => e.isFile && e.name.endsWith(".md"))
    .map((e) => join(ROOT, "docs", e.name))
    .sort();
  return [README, ...docs];
}

/** The text with fenced code blocks blanked (line count kept), so only prose is searched. */
function withoutFences(text: string): string {
  let inFence = false;
  return text.split("\n").map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      return "";
    }
    return inFence ? "" : line;
  }).join("\n");
}

/**
 * A heading's anchor as GitHub makes it (github-slugger): the rendered text lower-cased, every
 * character that is not a letter, mark, digit, connector (`_`), space or hyphen dropped, then
 * each space a hyphen. Markdown in the heading is rendered first: code spans keep their text,
 * emphasis and link syntax go.
 */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/`([^`]*)`/g, "$1")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(\*\*|__|\*|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}]))/gu, "")
    .trim();
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** Every anchor of a markdown file: its ATX headings' slugs, repeats numbered -1, -2, … */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of withoutFences(text).split("\n")) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = githubSlug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Relative link targets of a markdown file (inline links, images and reference definitions). */
function links(text: string): string[] {
  // Code spans may hold brackets (`[--flag]`); their text is no link. They may span lines.
  const prose = withoutFences(text).replace(/`[^`]*`/g, "code");
  const targets: string[] = [];
  for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    targets.push(m[1]);
  }
  for (const m of prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) targets.push(m[1]);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith("//"));
}

function tasks(): Record<string, { command: string }> {
  return JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).tasks;
}

/** Every `deno task NAME` written in a text (also `npx -y deno@2.9.6 task NAME`). */
function namedTasks(text: string): string[] {
  return [...text.matchAll(/\bdeno(?:@[\d.]+)?\s+task\s+([a-z][\w:-]*)/g)].map((m) => m[1]);
}

Deno.test("githubSlug follows GitHub's anchors", () => {
  assert.equal(githubSlug("`deno task train`"), "deno-task-train");
  assert.equal(githubSlug("Backends: Vulkan and GL"), "backends-vulkan-and-gl");
  assert.equal(
    githubSlug("Batch-norm + ReLU + max-pool fused"),
    "batch-norm--relu--max-pool-fused",
  );
  assert.equal(githubSlug("Transfer, measured"), "transfer-measured");
  assert.equal(githubSlug("How it works: **the** [engine](x.md)"), "how-it-works-the-engine");
  assert.equal(githubSlug("int8 inference"), "int8-inference");
  assert.equal(githubSlug("GPU_JOBS and snake_case"), "gpu_jobs-and-snake_case");
  assert.deepEqual([...anchors("# A\n## A\n```\n# not a heading\n```\n### A\n")], [
    "a",
    "a-1",
    "a-2",
  ]);
});

Deno.test(`README.md is at most ${MAX_README_LINES} lines`, () => {
  const lines = Deno.readTextFileSync(README).replace(/\n$/, "").split("\n").length;
  assert.ok(lines <= MAX_README_LINES, `README.md has ${lines} lines; move detail into docs/`);
});

Deno.test("every relative link in README.md and docs/*.md reaches a file and its heading", () => {
  const broken: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (path: string) => {
    if (!anchorCache.has(path)) anchorCache.set(path, anchors(Deno.readTextFileSync(path)));
    return anchorCache.get(path)!;
  };
  let count = 0;
  for (const file of markdownFiles()) {
    for (const target of links(Deno.readTextFileSync(file))) {
      count++;
      const hash = target.indexOf("#");
      const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
      const fragment = hash < 0 ? "" : decodeURIComponent(target.slice(hash + 1));
      const path = pathPart === "" ? file : resolve(dirname(file), pathPart);
      const where = `${relative(ROOT, file)}: (${target})`;
      let stat: Deno.FileInfo;
      try {
        stat = Deno.statSync(path);
      } catch {
        broken.push(`${where}: no such file ${relative(ROOT, path)}`);
        continue;
      }
      if (fragment === "") continue;
      if (!stat.isFile || !path.endsWith(".md")) {
        broken.push(`${where}: an anchor into something that is not a markdown file`);
      } else if (!anchorsOf(path).has(fragment)) {
        broken.push(`${where}: no heading with anchor #${fragment} in ${relative(ROOT, path)}`);
      }
    }
  }
  assert.ok(count > 0, "no links found: the link parser is broken");
  assert.deepEqual(broken, []);
});

Deno.test("every `deno task X` in README.md and docs/*.md is a task of deno.json", () => {
  const known = new Set(Object.keys(tasks()));
  const unknown: string[] = [];
  for (const file of markdownFiles()) {
    for (const name of namedTasks(Deno.readTextFileSync(file))) {
      if (!known.has(name)) unknown.push(`${relative(ROOT, file)}: deno task ${name}`);
    }
  }
  assert.deepEqual(unknown, []);
});

Deno.test("the README's install line and its two commands are the ones CI runs", () => {
  const readme = Deno.readTextFileSync(README);
  const ci = Deno.readTextFileSync(join(ROOT, ".ci/run"));
  const ciPackages = /^packages=\(([^)]*)\)/m.exec(ci)?.[1].trim().split(/\s+/);
  assert.ok(ciPackages, ".ci/run: no packages=(...) line");
  const install = /^sudo apt-get install (.+)$/m.exec(readme)?.[1].trim().split(/\s+/);
  assert.ok(install, "README.md: no `sudo apt-get install ...` line");
  assert.deepEqual([...install].sort(), [...ciPackages].sort());
  // Written plainly, as CI and a reader run them.
  assert.match(readme, /`deno task train`/);
  assert.match(readme, /`deno task test`/);
  assert.match(ci, /task train --limit/);
  assert.match(ci, /task test\b/);
  // tools/readme_headline.ts rewrites the headline between these markers.
  assert.equal(readme.split("<!-- headline:start -->").length, 2);
  assert.equal(readme.split("<!-- headline:end -->").length, 2);
});

Deno.test({
  name: "every task the README names answers --help through deno task",
  // Subprocesses only; nothing of this process is left open.
  fn: async () => {
    const all = tasks();
    const named = [...new Set(namedTasks(Deno.readTextFileSync(README)))].sort();
    for (const must of ["train", "test", "predict", "evaluate", "serve"]) {
      assert.ok(named.includes(must), `README.md names no deno task ${must}`);
    }
    const failed: string[] = [];
    for (const name of named) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["task", name, "--help"],
        cwd: ROOT,
        env: { NO_COLOR: "1", INIT_CWD: ROOT },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      if (out.code !== 0) {
        failed.push(`deno task ${name} --help exited ${out.code}: ${text.slice(-400)}`);
      } else if (/src\/cli\//.test(all[name].command) && !text.includes(`deno task ${name}`)) {
        failed.push(`deno task ${name} --help printed no usage line: ${text.slice(0, 400)}`);
      }
    }
    assert.deepEqual(failed, []);
  },
});
