// Hostile data files given to `predict --images` / `--labels` (CSV and IDX): each case met is a
// named regression test. In-process for the parser's messages and speed; through the command
// (tests/untrusted/_run.ts) for exit code, one error line, time and peak memory. Files are made
// in a temporary folder; nothing is written into the project.
import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parseFashionCsv } from "../../src/data/csv.ts";
import { quote, UserError } from "../../src/util/errors.ts";
import { assertCleanRefusal, ROOT, runCommand } from "./_run.ts";

const MODEL = join(ROOT, "web/model");
const PIXELS = Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`);
const HEADER = ["label", ...PIXELS].join(",");
const row = (label: number | string, px: (p: number) => number | string = (p) => p % 256) =>
  [label, ...PIXELS.map((_, p) => px(p))].join(",");

/** The UserError `fn` throws (fails on anything else). */
function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserError, `not a UserError: ${e}`);
    assert.ok(!e.message.includes("\n"), `message spans lines: ${e.message.slice(0, 200)}`);
    return e;
  }
  assert.fail("expected a UserError");
}

async function inTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "untrusted-csv-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const predict = (...args: string[]) => runCommand("predict", ["--model", MODEL, ...args]);

Deno.test("quote shows at most 80 characters of a value, escaped, with an ellipsis when cut", () => {
  assert.equal(quote("abc"), '"abc"');
  assert.equal(quote("x".repeat(80)), `"${"x".repeat(80)}"`);
  assert.equal(quote("x".repeat(10_000_000)), `"${"x".repeat(80)}"…`);
  assert.equal(quote("a\nb\u0000"), '"a\\nb\\u0000"');
  // Escapes count as what they show, and are never cut in half.
  assert.equal(quote("\u0000".repeat(100)), `"${"\\u0000".repeat(13)}"…`);
  assert.equal(quote("ab", 1), '"a"…');
});

Deno.test("a 10 MB CSV cell is quoted in at most 80 characters (row, label, header)", () => {
  const big = "x".repeat(10_000_000);
  const cases: [string, RegExp][] = [
    // A pixel: not a number.
    [
      [HEADER, row(1, (p) => (p === 5 ? big : 0))].join("\n"),
      /column 7 \("pixel6"\): "x{80}"… is not/,
    ],
    // A label of ten million digits: the digits, not "Infinity".
    [[HEADER, row("9".repeat(10_000_000))].join("\n"), /label "9{80}"… is not a class 0\.\.9/],
    // A pixel of 400 digits.
    [
      [HEADER, row(1, (p) => (p === 0 ? "7".repeat(400) : 0))].join("\n"),
      /"7{80}"… is outside 0\.\.255/,
    ],
    // A header name.
    [[`label,${big}`, ...PIXELS].join(","), /names seen: "label", "x{24}"…, "pixel1"/],
    // A header with 3,000 label columns, and one with a million columns.
    [
      Array(3_000).fill("label").join(",") + "\n",
      /3000 label columns \("label", "label", "label", …/,
    ],
    [",".repeat(1e6), /line 1: 1,000,001 columns; a Fashion-MNIST CSV has 784 pixel columns/],
    // A row of a million columns.
    [
      [HEADER, row(1) + ",".repeat(1e6)].join("\n"),
      /line 2: expected 785 columns \(as in the header\), got 1000785/,
    ],
  ];
  for (const [text, pattern] of cases) {
    const start = performance.now();
    const e = userError(() => parseFashionCsv(text, "big.csv"));
    assert.match(e.message, pattern);
    assert.ok(e.message.length < 400, `${e.message.length} characters: ${e.message.slice(0, 300)}`);
    assert.ok(performance.now() - start < 2000, `${performance.now() - start} ms`);
  }
});

Deno.test("a quoted header name holding the separator is one column (RFC 4180)", () => {
  // Pixel names with commas in them, quoted: 785 columns, not 1,569.
  const quoted = ["label", ...PIXELS.map((p) => `"${p.replace("pixel", "pixel,")}"`)].join(",");
  const got = parseFashionCsv([quoted, row(3), row(7)].join("\n"), "q.csv");
  assert.equal(got.count, 2);
  assert.deepEqual([...got.labels!], [3, 7]);
  assert.equal(got.images[783], 783 % 256);
  assert.equal(got.layout, 'header: label in column 1 ("label"), 784 pixels in columns 2-785');
  // A quoted name with quotes, a comma and a line break in it; index cells the same.
  const odd = ['""', '"the ""first"", pixel\non two lines"', ...PIXELS.slice(1), "class"];
  const rows = [0, 1].map((n) =>
    [`"${n}, ""x""\r\n;y"`, ...PIXELS.map((_, p) => p % 256), n + 4].join(",")
  );
  const r = parseFashionCsv([odd.join(","), ...rows].join("\r\n"), "odd.csv");
  assert.equal(r.count, 2);
  assert.deepEqual([...r.labels!], [4, 5]);
  assert.equal(r.images[783], 783 % 256);
  assert.equal(
    r.layout,
    'header: label in column 786 ("class"), 784 pixels in columns 2-785, column 1 (unnamed) ' +
      "skipped as a row index",
  );
  // Separators inside quotes do not count when the separator is chosen: ";" here.
  const semi = ["label", ...PIXELS.map((p) => `"${p},a,b"`)].join(";");
  const s = parseFashionCsv([semi, row(2).replaceAll(",", ";")].join("\n"), "s.csv");
  assert.match(s.layout, /separated by ";"/);
  assert.deepEqual([...s.labels!], [2]);
});

Deno.test("a quoted cell spanning lines keeps the line numbers of later errors right", () => {
  const index = ["id", ...PIXELS].join(",");
  const first = [`"a\nb\nc"`, ...PIXELS.map(() => 0)].join(",");
  const bad = ["2", ...PIXELS.map((_, p) => (p === 3 ? "oops" : 0))].join(",");
  // Header line 1, the first row on lines 2-4, the bad one on line 5.
  const e = userError(() => parseFashionCsv([index, first, bad].join("\n"), "l.csv"));
  assert.match(e.message, /^l\.csv: line 5, column 5 \("pixel4"\): "oops" is not a non-negative/);
});

Deno.test("a quote left open is refused in one line, not read to the end as one field", () => {
  const e = userError(() =>
    parseFashionCsv([HEADER, `"1,${PIXELS.map(() => 0).join(",")}`, row(2)].join("\n"), "o.csv")
  );
  assert.match(e.message, /^o\.csv: line 2: a quoted field is not closed/);
});

Deno.test("header names cannot make the parser backtrack (a 1 MB name of digits)", () => {
  const start = performance.now();
  const e = userError(() =>
    parseFashionCsv(["1".repeat(1_000_000) + "x", ...PIXELS].join(",") + "\n", "r.csv")
  );
  assert.match(e.message, /header has 785 columns/);
  assert.ok(performance.now() - start < 1000, `${performance.now() - start} ms`);
});

Deno.test("predict --images big.csv with a 10 MB cell: one short line", async () => {
  await inTemp(async (dir) => {
    const path = join(dir, "big.csv");
    await Deno.writeTextFile(
      path,
      [HEADER, row(1, (p) => (p === 0 ? "y".repeat(1e7) : 0))].join("\n"),
    );
    const r = await predict("--images", path);
    assertCleanRefusal(
      r,
      /big\.csv: line 2, column 2 \("pixel1"\): "y{80}"… is not a non-negative/,
    );
  });
});

Deno.test("predict --images /dev/zero, a FIFO or a link to /dev/zero: refused before reading", async () => {
  await inTemp(async (dir) => {
    const link = join(dir, "zero.csv");
    await Deno.symlink("/dev/zero", link);
    const cases: [string[], RegExp][] = [
      [["--images", "/dev/zero"], /\/dev\/zero: a character device, not a regular file; pass IDX/],
      [["--images", link], /zero\.csv: a character device, not a regular file/],
    ];
    const labels = join(dir, "labels");
    await Deno.writeFile(join(dir, "images"), idx3(2));
    await Deno.symlink("/dev/zero", labels);
    cases.push([
      ["--images", join(dir, "images"), "--labels", labels],
      /labels: a character device, not a regular file/,
    ]);
    const fifo = join(dir, "pipe");
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output().then(
      (o) => o.code === 0,
      () => false,
    );
    if (made) cases.push([["--images", fifo], /pipe: a FIFO \(named pipe\), not a regular file/]);
    for (const [args, pattern] of cases) {
      const r = await predict(...args);
      assertCleanRefusal(r, pattern, { seconds: 10, mib: 300 });
    }
  });
});

/** An IDX file of `n` 28×28 images. */
function idx3(n: number, extra = 0): Uint8Array {
  const out = new Uint8Array(16 + n * 784 + extra);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x803);
  [n, 28, 28].forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return out;
}

Deno.test("predict refuses a data file over 500 MB by its size, and an IDX gzip bomb at its header's size", async () => {
  await inTemp(async (dir) => {
    const sparse = join(dir, "huge.csv");
    await Deno.writeFile(sparse, new Uint8Array());
    await Deno.truncate(sparse, 600_000_000);
    assertCleanRefusal(
      await predict("--images", sparse),
      /huge\.csv: 600 MB, more than the 500 MB read from one file/,
    );
    // 3 images by its header, 400 MB once gunzipped (a 400 KB file).
    const bomb = join(dir, "bomb-idx3-ubyte.gz");
    const body = new Uint8Array(400_000_000);
    body.set(idx3(3).subarray(0, 16));
    await Deno.writeFile(bomb, gzipSync(body, { level: 1 }));
    assertCleanRefusal(
      await predict("--images", bomb),
      /bomb-idx3-ubyte\.gz: its IDX header says 2,368 bytes but its gzipped data holds more/,
    );
  });
});
