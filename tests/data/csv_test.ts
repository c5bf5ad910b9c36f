import assert from "node:assert/strict";
import { parseFashionCsv } from "../../src/data/csv.ts";
import { throwsUser } from "./_helpers.ts";

const HEADER = ["label", ...Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`)].join(",");

function row(label: number | string, pixel: (p: number) => number | string = (p) => p % 256) {
  return [label, ...Array.from({ length: 784 }, (_, p) => pixel(p))].join(",");
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
    assert.deepEqual([...labels], [3, 9, 0]);
    assert.equal(images.length, 3 * 784);
    assert.equal(images[0], 0);
    assert.equal(images[783], 783 % 256);
    assert.equal(images[784 + 5], 255);
    assert.equal(images[2 * 784 + 5], 0);
  }
});

Deno.test("parseFashionCsv tolerates spaces around fields", () => {
  const { images, labels } = parseFashionCsv(row(" 7 ", (p) => (p === 0 ? " 12" : 1)), "t.csv");
  assert.equal(labels[0], 7);
  assert.equal(images[0], 12);
});

Deno.test("parseFashionCsv errors name the file and line", () => {
  const ok = row(1);
  throwsUser(
    () => parseFashionCsv([HEADER, ok, ok + ",5"].join("\n"), "t.csv"),
    "t.csv: line 3: expected 785 columns (label + 784 pixels), got 786",
  );
  throwsUser(
    () => parseFashionCsv([ok, ok + ","].join("\n"), "t.csv"),
    "t.csv: line 2: expected 785 columns",
    "got 786",
  );
  throwsUser(
    () => parseFashionCsv(ok.split(",").slice(0, 100).join(","), "t.csv"),
    "t.csv: line 1: expected 785 columns",
    "got 100",
  );
  throwsUser(
    () => parseFashionCsv(HEADER.split(",").slice(1).join(",") + "\n" + ok, "t.csv"),
    "t.csv: line 1: expected 785 columns",
    "got 784",
  );
  throwsUser(
    () => parseFashionCsv([ok, row(2, (p) => (p === 16 ? "abc" : 0))].join("\n"), "t.csv"),
    't.csv: line 2, column 18: "abc" is not a non-negative integer',
  );
  throwsUser(
    () => parseFashionCsv(row(2, (p) => (p === 0 ? "1.5" : 0)), "t.csv"),
    'line 1, column 2: "1.5" is not',
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
    "t.csv: line 3: label 10 is not a class 0..9",
  );
  throwsUser(() => parseFashionCsv(HEADER + "\n", "t.csv"), "t.csv: no images");
  throwsUser(() => parseFashionCsv("", "t.csv"), "t.csv: no images");
});
