import { UserError } from "../util/errors.ts";

const CSV_PIXELS = 784;
const FIX =
  "fix the file or export it in Kaggle's fashion-mnist CSV format (label,pixel1..pixel784)";
const HEADER_FIX = "add a header naming the columns (label,pixel1..pixel784 or pixel1..pixel784)";

/** Header names (normalised: lower case, no spaces or punctuation) of a label column. */
const LABEL_NAMES = new Set([
  "label",
  "labels",
  "class",
  "classes",
  "classlabel",
  "classid",
  "labelid",
  "truelabel",
  "target",
  "y",
  "ytrue",
  "category",
]);
/** Header names of a row index or id column, whose values are skipped. "" is pandas' index. */
const INDEX_NAMES = new Set(["", "index", "id", "idx", "rowid", "row", "imageid"]);

export interface CsvImages {
  images: Uint8Array;
  /** null when the file has no label column (784 pixel columns only). */
  labels: Uint8Array | null;
  count: number;
  /** How the columns were read, for a line on stderr, e.g. `label in column 785 ("class"), ...`. */
  layout: string;
}

/** What each column of a file is. */
interface Layout {
  sep: number;
  columns: number;
  /** Column of the label, or -1. */
  label: number;
  /** pixels[p] is the column holding pixel p (row-major). */
  pixels: Int32Array;
  /** 1 for a column whose values are not read (an index). */
  skip: Uint8Array;
  /** Header names as written (unquoted), or null without a header. */
  names: string[] | null;
  /** 1-based line of the header, or 0. */
  headerLine: number;
}

/**
 * Parses a Fashion-MNIST CSV, one image a line, 784 pixels 0..255 in row-major order:
 *
 * - with a header, its names are read: the label column is the one named `label`, `class`,
 *   `target`, `y` (and the like, any case) wherever it is (Kaggle's `label,pixel1..pixel784`,
 *   OpenML's `pixel1..pixel784,class`); without one the file has no labels; a leading unnamed or
 *   `Unnamed: 0`/`index`/`id` column (pandas' `to_csv` index) is skipped; quoted names, a BOM and
 *   `;` or tab separators are accepted; every other column is a pixel, and there must be 784;
 * - without a header, 785 columns are a label (0..9) then 784 pixels, 784 columns pixels only.
 *
 * Anything else is refused with one line naming the file, never read another way.
 * Blank lines are skipped; integral values written as floats (`12.0`) are accepted.
 */
export function parseFashionCsv(text: string, name: string): CsvImages {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\n");
  let first = 0;
  while (first < lines.length && lines[first].trim() === "") first++;
  if (first === lines.length) {
    throw new UserError(
      `${name}: no images in CSV file (${
        text.length === 0 ? "empty" : "only blank lines"
      }); ${FIX}`,
    );
  }
  const layout = readLayout(stripCr(lines[first]), name, first + 1);
  const rows: number[] = [];
  for (let i = layout.headerLine ? first + 1 : first; i < lines.length; i++) {
    if (lines[i].trim() !== "") rows.push(i);
  }
  if (rows.length === 0) {
    throw new UserError(`${name}: no images in CSV file (a header and no rows); ${FIX}`);
  }
  const images = new Uint8Array(rows.length * CSV_PIXELS);
  const labels = layout.label >= 0 ? new Uint8Array(rows.length) : null;
  const fields = new Float64Array(layout.columns);
  const where = (c: number) => {
    if (layout.names) return `column ${c + 1} (${shown(layout.names[c])})`;
    return `column ${c + 1} (${
      c === layout.label ? "label" : `pixel${layout.pixels.indexOf(c) + 1}`
    })`;
  };
  rows.forEach((line, n) => {
    parseLine(lines[line], layout, fields, name, line + 1);
    if (labels) {
      const v = fields[layout.label];
      if (v > 9) {
        const why = layout.names
          ? ""
          : ` (without a header the first of 785 columns is the label); ${HEADER_FIX}`;
        throw new UserError(
          `${name}: line ${line + 1}, ${where(layout.label)}: label ${v} is not a class 0..9${
            why || `; ${FIX}`
          }`,
        );
      }
      labels[n] = v;
    }
    const px = layout.pixels;
    for (let p = 0; p < CSV_PIXELS; p++) {
      const v = fields[px[p]];
      if (v > 255) {
        throw new UserError(
          `${name}: line ${line + 1}, ${where(px[p])}: ${v} is outside 0..255; ${FIX}`,
        );
      }
      images[n * CSV_PIXELS + p] = v;
    }
  });
  if (labels && !layout.names) checkLabelFirst(images, labels, name);
  return { images, labels, count: rows.length, layout: describe(layout) };
}

function stripCr(s: string): string {
  return s.endsWith("\r") ? s.slice(0, -1) : s;
}

function unquote(s: string): string {
  s = s.trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    s = s.slice(1, -1).replaceAll('""', '"');
  }
  return s.trim();
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[\s_\-.:#]/g, "");
}

function shown(s: string): string {
  return s === "" ? "unnamed" : JSON.stringify(s);
}

/** The separator: the most frequent of `,`, `;` and tab on the first line (`,` on a tie). */
function separator(line: string): string {
  const count = (c: string) => line.split(c).length - 1;
  const [c, s, t] = [count(","), count(";"), count("\t")];
  if (s > c && s >= t) return ";";
  if (t > c && t > s) return "\t";
  return ",";
}

/** Anything a number could be written as: a data row with a bad value is not a header. */
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * A header has a name that is neither empty nor a number, or is the names 0..n-1 (or 1..n) that
 * pandas gives a plain array's columns (no data row is that: pixels stop at 255).
 */
function isHeader(fields: string[]): boolean {
  if (fields.some((f) => f !== "" && !NUMBER.test(f))) return true;
  const named = fields.filter((f, i) => !(i === 0 && f === ""));
  const start = Number(named[0]);
  return named.length >= CSV_PIXELS && (start === 0 || start === 1) &&
    named.every((f, i) => Number(f) === start + i);
}

/** The number a pixel column's name carries (`pixel12` → 12, `3x4` → row 3, column 4), if any. */
function pixelKey(name: string): number | undefined {
  const grid = /^(\d+)x(\d+)$/i.exec(name);
  if (grid) return Number(grid[1]) * 28 + Number(grid[2]);
  const tail = /^\D*(\d+)$/.exec(name);
  return tail ? Number(tail[1]) : undefined;
}

function summary(names: string[]): string {
  const q = names.map(shown);
  return q.length <= 8 ? q.join(", ") : [...q.slice(0, 3), "…", ...q.slice(-3)].join(", ");
}

function readLayout(line: string, name: string, lineNo: number): Layout {
  const sep = separator(line);
  const fields = line.split(sep).map(unquote);
  const columns = fields.length;
  if (columns === 1) {
    throw new UserError(
      `${name}: line ${lineNo}: one column, no "," ";" or tab separating ${CSV_PIXELS} pixels; ${FIX}`,
    );
  }
  const skip = new Uint8Array(columns);
  if (!isHeader(fields)) {
    if (columns !== CSV_PIXELS + 1 && columns !== CSV_PIXELS) {
      throw new UserError(
        `${name}: line ${lineNo}: ${columns} columns and no header; without a header a row is ` +
          `785 columns (label, then 784 pixels) or 784 (pixels only); ${HEADER_FIX}`,
      );
    }
    const label = columns === CSV_PIXELS + 1 ? 0 : -1;
    const pixels = Int32Array.from({ length: CSV_PIXELS }, (_, p) => p + label + 1);
    return { sep: sep.charCodeAt(0), columns, label, pixels, skip, names: null, headerLine: 0 };
  }
  const norm = fields.map(normalise);
  const labelCols = norm.flatMap((n, i) => (LABEL_NAMES.has(n) ? [i] : []));
  const at = `${name}: line ${lineNo}: header`;
  if (labelCols.length > 1) {
    throw new UserError(
      `${at} has ${labelCols.length} label columns (${
        labelCols.map((i) => shown(fields[i])).join(", ")
      }); keep one`,
    );
  }
  const label = labelCols.length ? labelCols[0] : -1;
  const pixelCols: number[] = [];
  norm.forEach((n, i) => {
    if (i === label) return;
    // pandas names its index "" (or "Unnamed: 0" once read back and saved again).
    if (INDEX_NAMES.has(n) || /^unnamed\d*$/.test(n)) skip[i] = 1;
    else pixelCols.push(i);
  });
  if (pixelCols.length !== CSV_PIXELS) {
    const skipped = [...skip].flatMap((s, i) => (s ? [shown(fields[i])] : []));
    const parts = [
      label >= 0
        ? `label column ${shown(fields[label])}`
        : "no label column (label, class, target, y)",
      ...(skipped.length
        ? [`skipped index column${skipped.length > 1 ? "s" : ""} ${skipped}`]
        : []),
    ];
    throw new UserError(
      `${at} has ${columns} columns: ${parts.join(", ")} and ${pixelCols.length} others, ` +
        `expected ${CSV_PIXELS} pixel columns; names seen: ${summary(fields)}; ` +
        (label < 0 && pixelCols.length === CSV_PIXELS + 1
          ? `name the label column "label"`
          : `keep only the label and the ${CSV_PIXELS} pixel columns`),
    );
  }
  const keys = pixelCols.map((i) => pixelKey(fields[i]));
  if (keys.every((k) => k !== undefined)) {
    const j = keys.findIndex((k, i) => i > 0 && k !== keys[i - 1]! + 1);
    if (j > 0) {
      throw new UserError(
        `${at}: pixel columns out of order (${shown(fields[pixelCols[j]])} follows ${
          shown(fields[pixelCols[j - 1]])
        }); write the ${CSV_PIXELS} pixels in row-major order`,
      );
    }
  }
  return {
    sep: sep.charCodeAt(0),
    columns,
    label,
    pixels: Int32Array.from(pixelCols),
    skip,
    names: fields,
    headerLine: lineNo,
  };
}

function describe(l: Layout): string {
  const col = (c: number) => `column ${c + 1}${l.names ? ` (${shown(l.names[c])})` : ""}`;
  const p = l.pixels;
  const contiguous = p[p.length - 1] - p[0] === p.length - 1;
  const pixels = contiguous
    ? `784 pixels in columns ${p[0] + 1}-${p[p.length - 1] + 1}`
    : "784 pixels in the other columns";
  const parts = [
    l.label >= 0 ? `label in ${col(l.label)}` : "no label column (accuracy not computed)",
    pixels,
  ];
  l.skip.forEach((s, i) => s && parts.push(`${col(i)} skipped as a row index`));
  if (l.sep !== 44) {
    parts.push(`separated by ${l.sep === 9 ? "tabs" : `"${String.fromCharCode(l.sep)}"`}`);
  }
  return `${l.names ? "header" : "no header"}: ${parts.join(", ")}`;
}

/**
 * Without a header the first of 785 columns is the label. A label-last file (OpenML's layout
 * saved without its header) would pass that test, its first pixel being 0 in nearly every image:
 * refused when the first column has fewer non-zero values than a last column that holds 0..9 only.
 */
function checkLabelFirst(images: Uint8Array, labels: Uint8Array, name: string): void {
  const count = labels.length;
  let firstNonZero = 0;
  let lastNonZero = 0;
  for (let n = 0; n < count; n++) {
    const last = images[n * CSV_PIXELS + CSV_PIXELS - 1];
    if (last > 9) return;
    if (last) lastNonZero++;
    if (labels[n]) firstNonZero++;
  }
  if (lastNonZero > firstNonZero) {
    throw new UserError(
      `${name}: cannot tell which column holds the label: without a header the first of 785 ` +
        `columns is the label, but it is 0 in ${count - firstNonZero} of ${count} rows while the ` +
        `last one holds only values 0..9, like labels; ${HEADER_FIX}`,
    );
  }
}

function columnError(name: string, line: number, l: Layout, got: number): UserError {
  const why = l.names
    ? "as in the header"
    : l.label >= 0
    ? `label + ${CSV_PIXELS} pixels`
    : `${CSV_PIXELS} pixels`;
  return new UserError(
    `${name}: line ${line}: expected ${l.columns} columns (${why}), got ${got}; ${FIX}`,
  );
}

/**
 * Splits one line into non-negative integers by hand (a 60000-line file has 47M fields); a field
 * may be quoted and written as `12.0`. Skipped columns are not read.
 */
function parseLine(s: string, l: Layout, out: Float64Array, name: string, line: number): void {
  const end = s.endsWith("\r") ? s.length - 1 : s.length;
  const sep = l.sep;
  const count = () => s.slice(0, end).split(String.fromCharCode(sep)).length;
  let col = 0;
  for (let start = 0;; col++) {
    if (col === l.columns) throw columnError(name, line, l, count());
    let i = start;
    if (l.skip[col]) {
      let quoted = false;
      for (; i < end; i++) {
        const c = s.charCodeAt(i);
        if (c === 34) quoted = !quoted;
        else if (c === sep && !quoted) break;
      }
    } else {
      while (i < end && s.charCodeAt(i) === 32) i++;
      const quote = i < end && s.charCodeAt(i) === 34;
      if (quote) i++;
      const first = i;
      let v = 0;
      for (; i < end; i++) {
        const d = s.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      let digits = i - first;
      if (digits && i < end && s.charCodeAt(i) === 46) { // "12.0": a float column of integers
        i++;
        while (i < end && s.charCodeAt(i) === 48) i++;
      }
      if (quote) {
        if (i < end && s.charCodeAt(i) === 34) i++;
        else digits = 0;
      }
      while (i < end && s.charCodeAt(i) === 32) i++;
      if (digits === 0 || (i < end && s.charCodeAt(i) !== sep)) {
        const next = s.indexOf(String.fromCharCode(sep), i);
        const raw = s.slice(start, next < 0 ? end : next).trim();
        const field = JSON.stringify(raw);
        const where = l.names ? `column ${col + 1} (${shown(l.names[col])})` : `column ${col + 1}`;
        const scaled = /^"?\s*[01]?\.\d+\s*"?$/.test(raw) && col !== l.label
          ? " (pixels scaled to 0..1? multiply by 255 and round)"
          : "";
        throw new UserError(
          `${name}: line ${line}, ${where}: ${field} is not a non-negative integer${scaled}; ${FIX}`,
        );
      }
      out[col] = v;
    }
    if (i >= end) break;
    start = i + 1;
  }
  if (col + 1 !== l.columns) throw columnError(name, line, l, col + 1);
}
