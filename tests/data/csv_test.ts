import assert from "node:assert/strict";
import { parseFashionCsv } from "../../src/data/csv.ts";
import { throwsUser } from "./_helpers.ts";

const PIXELS = Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`);
const HEADER = ["label", ...PIXELS].join(",");

function row(label: number | string, pixel: (p: number) => number | string = (p) => p % 256) {
  return [label, ...Array.from({ length: 784 }, (_, p) => pixel(p))].join(",");
}

/** Three images with distinct pixels (image n, pixel p: (p + 7n) % 256) and labels 3, 9, 0. */
const LABELS = [3, 9, 0];
const pixels = (n: number) => Array.from({ length: 784 }, (_, p) => (p + 7 * n) % 256);
const expected = Uint8Array.from(LABELS.flatMap((_, n) => pixels(n)));

/** A CSV of the three images: `cols(label, pixels, n)` gives a row's fields, `header` its names. */
function csv(
  header: string[] | null,
  cols: (label: number, px: number[], n: number) => (string | number)[],
  sep = ",",
): string {
  const lines = LABELS.map((l, n) => cols(l, pixels(n), n).join(sep));
  return (header ? [header.join(sep), ...lines] : lines).join("\n") + "\n";
}

function assertRead(text: string, labels: number[] | null, layout?: string | RegExp) {
  const got = parseFashionCsv(text, "t.csv");
  assert.equal(got.count, 3);
  assert.deepEqual(got.labels === null ? null : [...got.labels], labels);
  assert.deepEqual(got.images, expected);
  if (typeof layout === "string") assert.equal(got.layout, layout);
  else if (layout) assert.match(got.layout, layout);
}

Deno.test("parseFashionCsv reads rows with or without header, LF or CRLF", () => {
  const rows = [row(3), row(9, () => 255), row(0, () => 0)];
  for (
    const text of [
      [HEADER, ...rows].join("\n") + "\n",
      rows.join("\r\n") + "\r\n",
      [HEADER, ...rows].join("\r\n"),
      "\n" + rows.join("\n") + "\n\n\n",
    ]
  ) {
    const { images, labels, count } = parseFashionCsv(text, "t.csv");
    assert.equal(count, 3);
    assert.deepEqual([...labels!], [3, 9, 0]);
    assert.equal(images.length, 3 * 784);
    assert.equal(images[0], 0);
    assert.equal(images[783], 783 % 256);
    assert.equal(images[784 + 5], 255);
    assert.equal(images[2 * 784 + 5], 0);
  }
  assert.equal(
    parseFashionCsv([HEADER, ...rows].join("\n"), "t.csv").layout,
    'header: label in column 1 ("label"), 784 pixels in columns 2-785',
  );
  assert.equal(
    parseFashionCsv(rows.join("\n"), "t.csv").layout,
    "no header: label in column 1, 784 pixels in columns 2-785",
  );
});

Deno.test("parseFashionCsv tolerates spaces around fields", () => {
  const { images, labels } = parseFashionCsv(row(" 7 ", (p) => (p === 0 ? " 12" : 1)), "t.csv");
  assert.equal(labels![0], 7);
  assert.equal(images[0], 12);
});

Deno.test("the label column is found by its name, first or last (OpenML's pixel1..pixel784,class)", () => {
  // The csv-label-last sample's layout: OpenML's Fashion-MNIST, fetch_openml(...).frame.to_csv.
  assertRead(
    csv([...PIXELS, "class"], (l, px) => [...px, l]),
    LABELS,
    'header: label in column 785 ("class"), 784 pixels in columns 1-784',
  );
  for (const name of ["label", "Label", "CLASS", "target", "y", "Class_Label", "category"]) {
    assertRead(csv([name, ...PIXELS], (l, px) => [l, ...px]), LABELS, new RegExp(`"${name}"`));
    assertRead(csv([...PIXELS, name], (l, px) => [...px, l]), LABELS, /column 785/);
  }
  // In the middle (a frame whose columns were rearranged): still the named one.
  const mid = [...PIXELS.slice(0, 392), "label", ...PIXELS.slice(392)];
  assertRead(
    csv(mid, (l, px) => [...px.slice(0, 392), l, ...px.slice(392)]),
    LABELS,
    'header: label in column 393 ("label"), 784 pixels in the other columns',
  );
});

Deno.test("784 pixel columns without a label column: every row read, no labels", () => {
  // The csv-no-label sample's layout (a Kaggle competition's test.csv).
  assertRead(
    csv(PIXELS, (_, px) => px),
    null,
    "header: no label column (accuracy not computed), 784 pixels in columns 1-784",
  );
  assertRead(
    csv(null, (_, px) => px),
    null,
    "no header: no label column (accuracy not computed), 784 pixels in columns 1-784",
  );
  // An id column, as some competitions have it.
  assertRead(csv(["id", ...PIXELS], (_, px, n) => [n + 1, ...px]), null, /column 1 \("id"\) skip/);
});

Deno.test("spreadsheet and dataframe exports: pandas index, quotes, BOM, ; and tabs, 12.0", () => {
  const index = /column 1 \((unnamed|"Unnamed: 0"|"index")\) skipped as a row index/;
  // df.to_csv(): an unnamed index column first.
  assertRead(csv(["", "label", ...PIXELS], (l, px, n) => [n, l, ...px]), LABELS, index);
  // ... read back and saved again: "Unnamed: 0".
  assertRead(csv(["Unnamed: 0", ...PIXELS, "class"], (l, px, n) => [n, ...px, l]), LABELS, index);
  assertRead(csv(["index", ...PIXELS], (_, px, n) => [n * 5, ...px]), null, index);
  // pd.DataFrame(X).to_csv(): integer column names 0..783, with or without the index.
  const ints = PIXELS.map((_, i) => String(i));
  assertRead(csv(["", ...ints], (_, px, n) => [n, ...px]), null, index);
  assertRead(csv(ints, (_, px) => px), null, /^header: no label column/);
  assertRead(csv([...ints, "label"], (l, px) => [...px, l]), LABELS, /label in column 785/);
  // R's write.csv: every name quoted, row names quoted.
  assertRead(
    csv(['""', '"label"', ...PIXELS.map((p) => `"${p}"`)], (l, px, n) => [`"${n + 1}"`, l, ...px]),
    LABELS,
    index,
  );
  // Quoted values and floats holding integers (a float frame).
  assertRead(csv(["label", ...PIXELS], (l, px) => [`"${l}"`, ...px.map((v) => `${v}.0`)]), LABELS);
  // Excel: a byte-order mark, CRLF, ";" (where "," is the decimal comma) or tabs.
  const excel = "\ufeff" + csv(["label", ...PIXELS], (l, px) => [l, ...px], ";")
    .replaceAll("\n", "\r\n");
  assertRead(excel, LABELS, /separated by ";"$/);
  assertRead(csv(["label", ...PIXELS], (l, px) => [l, ...px], "\t"), LABELS, /separated by tabs/);
  assertRead(csv(null, (l, px) => [l, ...px], ";"), LABELS, /^no header: label in column 1/);
  // A trailing separator on every line: an unnamed last column, empty.
  assertRead(csv(["label", ...PIXELS, ""], (l, px) => [l, ...px, ""]), LABELS, /column 786/);
});

Deno.test("headers that cannot be read are refused, naming the file and the names seen", () => {
  throwsUser(
    () => parseFashionCsv(csv(["kind", ...PIXELS], (l, px) => [l, ...px]), "t.csv"),
    "t.csv: line 1: header has 785 columns: no label column (label, class, target, y) and 785 " +
      'others, expected 784 pixel columns; names seen: "kind", "pixel1", "pixel2", …, ' +
      '"pixel782", "pixel783", "pixel784"; name the label column "label"',
  );
  throwsUser(
    () => parseFashionCsv(csv(["label", ...PIXELS, "y"], (l, px) => [l, ...px, l]), "t.csv"),
    'header has 2 label columns ("label", "y"); keep one',
  );
  throwsUser(
    () => parseFashionCsv(csv(["label", ...PIXELS, "source"], (l, px) => [l, ...px, 1]), "t.csv"),
    'header has 786 columns: label column "label" and 785 others, expected 784 pixel columns',
    "keep only the label and the 784 pixel columns",
  );
  throwsUser(
    () =>
      parseFashionCsv(csv(["label", ...PIXELS.slice(1)], (l, px) => [l, ...px.slice(1)]), "t.csv"),
    "header has 784 columns: label column",
    "and 783 others",
  );
  const swapped = [...PIXELS];
  [swapped[10], swapped[11]] = [swapped[11], swapped[10]];
  throwsUser(
    () => parseFashionCsv(csv(["label", ...swapped], (l, px) => [l, ...px]), "t.csv"),
    't.csv: line 1: header: pixel columns out of order ("pixel12" follows "pixel10")',
  );
  throwsUser(
    () => parseFashionCsv("label pixel1 pixel2\n1 2 3\n", "t.csv"),
    't.csv: line 1: one column, no "," ";" or tab',
  );
});

Deno.test("without a header: 785 columns are label first, and a first column not 0..9 is refused", () => {
  throwsUser(
    () => parseFashionCsv(csv(null, (l, px) => [l + 10, ...px]), "t.csv"),
    "t.csv: line 1, column 1 (label): label 13 is not a class 0..9 (without a header the first " +
      "of 785 columns is the label); add a header naming the columns",
  );
  // OpenML's layout saved without its header: the first pixel is 0, the label last.
  const dark = (n: number) => pixels(n).map((v, p) => (p === 0 || p === 783 ? 0 : v));
  const labelLast = LABELS.map((l, n) => [...dark(n), l].join(",")).join("\n");
  throwsUser(
    () => parseFashionCsv(labelLast, "t.csv"),
    "t.csv: cannot tell which column holds the label: without a header the first of 785 " +
      "columns is the label, but it is 0 in 3 of 3 rows while the last one holds only values " +
      "0..9, like labels",
  );
  // Label first with a dark last pixel, as Fashion-MNIST's images have: read as today.
  const labelFirst = LABELS.map((l, n) => [l, ...dark(n)].join(",")).join("\n");
  assert.deepEqual([...parseFashionCsv(labelFirst, "t.csv").labels!], LABELS);
  throwsUser(
    () => parseFashionCsv(csv(null, (l, px, n) => [n, l, ...px]), "t.csv"),
    "t.csv: line 1: 786 columns and no header; without a header a row is 785 columns (label, " +
      "then 784 pixels) or 784 (pixels only)",
  );
});

Deno.test("parseFashionCsv errors name the file and line", () => {
  const ok = row(1);
  throwsUser(
    () => parseFashionCsv([HEADER, ok, ok + ",5"].join("\n"), "t.csv"),
    "t.csv: line 3: expected 785 columns (as in the header), got 786",
  );
  throwsUser(
    () => parseFashionCsv([ok, ok + ","].join("\n"), "t.csv"),
    "t.csv: line 2: expected 785 columns (label + 784 pixels)",
    "got 786",
  );
  throwsUser(
    () => parseFashionCsv(ok.split(",").slice(0, 100).join(","), "t.csv"),
    "t.csv: line 1: 100 columns and no header",
  );
  throwsUser(
    () => parseFashionCsv(PIXELS.join(",") + "\n" + ok, "t.csv"),
    "t.csv: line 2: expected 784 columns (as in the header), got 785",
  );
  throwsUser(
    () => parseFashionCsv([ok, row(2, (p) => (p === 16 ? "abc" : 0))].join("\n"), "t.csv"),
    't.csv: line 2, column 18: "abc" is not a non-negative integer',
  );
  throwsUser(
    () => parseFashionCsv([HEADER, row(2, (p) => (p === 16 ? "abc" : 0))].join("\n"), "t.csv"),
    't.csv: line 2, column 18 ("pixel17"): "abc" is not a non-negative integer',
  );
  throwsUser(
    () => parseFashionCsv(row(2, (p) => (p === 0 ? "1.5" : 0)), "t.csv"),
    'line 1, column 2: "1.5" is not',
  );
  throwsUser(
    () => parseFashionCsv(row(2, (p) => (p === 3 ? "0.25" : 0)), "t.csv"),
    'line 1, column 5: "0.25" is not a non-negative integer (pixels scaled to 0..1? multiply',
  );
  throwsUser(
    () => parseFashionCsv(row(2, (p) => (p === 0 ? "-1" : 0)), "t.csv"),
    'line 1, column 2: "-1" is not',
  );
  throwsUser(
    () => parseFashionCsv(row(2, (p) => (p === 0 ? "" : 0)), "t.csv"),
    'line 1, column 2: "" is not',
  );
  throwsUser(
    () => parseFashionCsv(row(2, (p) => (p === 99 ? 256 : 0)), "t.csv"),
    "t.csv: line 1, column 101 (pixel100): 256 is outside 0..255",
  );
  throwsUser(
    () => parseFashionCsv([HEADER, ok, row(10)].join("\n"), "t.csv"),
    't.csv: line 3, column 1 ("label"): label 10 is not a class 0..9',
  );
  throwsUser(
    () =>
      parseFashionCsv(
        [[...PIXELS, "class"].join(","), "0,".repeat(784) + "12"].join("\n"),
        "t.csv",
      ),
    't.csv: line 2, column 785 ("class"): label 12 is not a class 0..9',
  );
  throwsUser(
    () => parseFashionCsv(HEADER + "\n", "t.csv"),
    "t.csv: no images in CSV file (a header",
  );
  throwsUser(() => parseFashionCsv("", "t.csv"), "t.csv: no images in CSV file (empty)");
  throwsUser(() => parseFashionCsv("\n \n", "t.csv"), "t.csv: no images in CSV file (only blank");
});
