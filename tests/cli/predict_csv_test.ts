// predict --csv OUT (tagging in bulk) and --explain DIR (saliency PNGs), end to end with the
// shipped model: rows, RFC 4180 quoting, the preprocessing note, an unreadable picture listed
// with its error, refusing an existing OUT without --force, no temporary file left behind.
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadFashionMnist } from "../../src/data/dataset.ts";
import { photoLike } from "../../src/image/synthetic.ts";
import { decodePicture } from "../../src/image/decode.ts";
import { encodePng } from "../../src/report/png.ts";
import { csvField } from "../../src/cli/predict_csv.ts";
import { Rng } from "../../src/util/random.ts";

const PREDICT = new URL("../../src/cli/predict.ts", import.meta.url).pathname;
const MODEL = new URL("../../web/model/", import.meta.url).pathname;

async function predict(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PREDICT, "--model", MODEL, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** RGB bytes of an RGBA picture. */
const rgb = (d: Uint8Array) => d.filter((_, i) => i % 4 !== 3);

/** A minimal RFC 4180 reader for the checks (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"', i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") (row.push(field), field = "");
    else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field), rows.push(row), row = [], field = "", i++;
    } else field += c;
  }
  return rows;
}

Deno.test("csvField quotes as RFC 4180 says and defuses formulas", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField('a,b "c"'), '"a,b ""c"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField(null), "");
  assert.equal(csvField(0.5), "0.5");
  assert.equal(csvField(-0.5), "-0.5");
  // Untrusted file names that a spreadsheet would run as formulas are defused (OWASP).
  assert.equal(csvField('=HYPERLINK("http://x","y").png'), `"'=HYPERLINK(""http://x"",""y"").png"`);
  assert.equal(csvField("@SUM(A1).jpg"), "'@SUM(A1).jpg");
  assert.equal(csvField("+1.png"), "'+1.png");
  assert.equal(csvField("-x.png"), "'-x.png");
});

Deno.test({
  name: "predict --csv tags a folder; --explain writes saliency maps; OUT is never replaced",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "tagging-" });
    try {
      const pics = join(dir, "pictures");
      await Deno.mkdir(pics);
      const { test } = await loadFashionMnist();
      const rng = new Rng(3);
      const truth: Record<string, number> = {};
      for (let k = 0; k < 4; k++) {
        const i = 100 + k;
        const { image } = photoLike(test.images.subarray(i * 784, (i + 1) * 784), rng);
        const name = k === 0 ? 'shop, "front".png' : `p${k}.png`;
        truth[name] = test.labels[i];
        await Deno.writeFile(join(pics, name), encodePng(320, 240, 3, rgb(image.data)));
      }
      // Light only: nothing to separate (a note); and a damaged file (an error row).
      const bare = new Uint8Array(320 * 240 * 3).map((_, i) => 200 + ((i / 3) % 320) / 8);
      await Deno.writeFile(join(pics, "bare.png"), encodePng(320, 240, 3, bare));
      await Deno.writeFile(join(pics, "broken.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
      const out = join(dir, "tags.csv");
      const why = join(dir, "why");
      const r = await predict(
        "--images",
        pics,
        "--csv",
        out,
        "--explain",
        why,
        "--batch-size",
        "2",
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /warning: .*bare\.png: no object separated from the background/);
      assert.match(r.stderr, /warning: .*broken\.png: .*listed with its error/);
      const rows = parseCsv(await Deno.readTextFile(out));
      assert.deepEqual(rows[0], [
        "file",
        "class",
        "name",
        "confidence",
        "top2",
        "top2_confidence",
        "top3",
        "top3_confidence",
        "note",
        "error",
      ]);
      assert.equal(rows.length, 1 + 6);
      const byFile = Object.fromEntries(rows.slice(1).map((f) => [f[0].split("/").pop()!, f]));
      let right = 0;
      for (const [name, label] of Object.entries(truth)) {
        const f = byFile[name];
        assert.ok(f, `${name} has a row`);
        if (Number(f[1]) === label) right++;
        const p = [f[3], f[5], f[7]].map(Number);
        assert.ok(p[0] >= p[1] && p[1] >= p[2] && p[0] <= 1 && p[2] >= 0, f.join());
        assert.equal(f[8], "");
      }
      assert.ok(right >= 3, `${right} of 4 photo-like pictures right`);
      assert.match(byFile["bare.png"][8], /no object separated/);
      assert.equal(byFile["broken.png"][1], "");
      assert.match(byFile["broken.png"][9], /broken\.png: .*PNG/);
      // Two saliency PNGs per classified picture: 224×224 over the 28×28, 320×240 over the photo.
      const made = [];
      for await (const e of Deno.readDir(why)) made.push(e.name);
      assert.equal(made.length, 2 * 5);
      const input = decodePicture(await Deno.readFile(join(why, "p1.saliency-28x28.png")), "a");
      const photo = decodePicture(await Deno.readFile(join(why, "p1.saliency.png")), "b");
      assert.deepEqual([input.width, input.height, photo.width, photo.height], [
        224,
        224,
        320,
        240,
      ]);
      // OUT exists: refused (exit 2), left as it was; --force replaces it.
      const before = await Deno.readTextFile(out);
      const again = await predict("--images", pics, "--csv", out);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /--csv .*tags\.csv exists; add --force/);
      assert.equal(await Deno.readTextFile(out), before);
      const forced = await predict("--images", pics, "--csv", out, "--force", "--json");
      assert.equal(forced.code, 0, forced.stderr);
      const summary = JSON.parse(forced.stdout);
      assert.deepEqual([summary.count, summary.notes, summary.errors], [6, 1, 1]);
      // No temporary file left beside OUT.
      const left = [];
      for await (const e of Deno.readDir(dir)) left.push(e.name);
      assert.deepEqual(left.sort(), ["pictures", "tags.csv", "why"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "predict --csv on dataset images: one row per image, named by index",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "tagging-idx-" });
    try {
      const out = join(dir, "sub", "test.csv");
      const r = await predict("--limit", "30", "--csv", out, "--batch-size", "7");
      assert.equal(r.code, 0, r.stderr);
      const rows = parseCsv(await Deno.readTextFile(out));
      assert.equal(rows.length, 31);
      assert.deepEqual(rows.slice(1).map((f) => f[0]), [...Array(30).keys()].map(String));
      const { test } = await loadFashionMnist();
      const right = rows.slice(1).filter((f, i) => Number(f[1]) === test.labels[i]).length;
      assert.ok(right >= 26, `${right} of 30`);
      const usage = await predict("--explain", join(dir, "x"));
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /--explain needs --images/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
