import { quote, UserError } from "../util/errors.ts";

const CSV_PIXELS = 784;
/** More columns than this in the first record are refused before its names are read. */
const MAX_COLUMNS = 4096;
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
 * Parses a Fashion-MNIST CSV, one image a record, 784 pixels 0..255 in row-major order:
 *
 * - with a header, its names are read: the label column is the one named `label`, `class`,
 *   `target`, `y` (and the like, any case) wherever it is (Kaggle's `label,pixel1..pixel784`,
 *   OpenML's `pixel1..pixel784,class`); without one the file has no labels; a leading unnamed or
 *   `Unnamed: 0`/`index`/`id` column (pandas' `to_csv` index) is skipped; quoted names, a BOM and
 *   `;` or tab separators are accepted; every other column is a pixel, and there must be 784;
 * - without a header, 785 columns are a label (0..9) then 784 pixels, 784 columns pixels only.
 *
 * Quoting follows RFC 4180 in the header and in every row: a field in double quotes may hold the
 * separator, line breaks and `""` (a quote); spaces around a field are ignored. Anything else is
 * refused with one line naming the file and the line, never read another way; a value from the
 * file is quoted in it at most 80 characters long. Blank lines are skipped; integral values
 * written as floats (`12.0`) are accepted. `text` may be as long as a JavaScript string can be.
 */
export function parseFashionCsv(text: string, name: string): CsvImages {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = new Records(text, name);
  while (records.next() && isBlank(text, records.start, records.end));
  if (records.done) {
    throw new UserError(
      `${name}: no images in CSV file (${
        text.length === 0 ? "empty" : "only blank lines"
      }); ${FIX}`,
    );
  }
  const layout = readLayout(text, records, name);
  if (!layout.headerLine) records.again();
  // Grown by doubling: the rows are counted while they are read, in one pass.
  let images = new Uint8Array(CSV_PIXELS * 64);
  let labels = layout.label >= 0 ? new Uint8Array(64) : null;
  let count = 0;
  const fields = new Float64Array(layout.columns);
  const where = (c: number) => {
    if (layout.names) return `column ${c + 1} (${shown(layout.names[c])})`;
    return `column ${c + 1} (${
      c === layout.label ? "label" : `pixel${layout.pixels.indexOf(c) + 1}`
    })`;
  };
  /** A value read as `v`, as the file writes it when that is not a plain integer. */
  const value = (v: number, col: number) =>
    Number.isSafeInteger(v)
      ? String(v)
      : quote(fieldAt(text, records.start, records.end, layout.sep, col));
  while (records.next()) {
    const { start, end, line } = records;
    if (isBlank(text, start, end)) continue;
    parseRecord(text, start, end, layout, fields, name, line);
    if (count * CSV_PIXELS === images.length) {
      images = grow(images, images.length * 2);
      if (labels) labels = grow(labels, labels.length * 2);
    }
    if (labels) {
      const v = fields[layout.label];
      if (v > 9) {
        const why = layout.names
          ? ""
          : ` (without a header the first of 785 columns is the label); ${HEADER_FIX}`;
        throw new UserError(
          `${name}: line ${line}, ${where(layout.label)}: label ${
            value(v, layout.label)
          } is not a class 0..9${why || `; ${FIX}`}`,
        );
      }
      labels[count] = v;
    }
    const px = layout.pixels;
    for (let p = 0; p < CSV_PIXELS; p++) {
      const v = fields[px[p]];
      if (v > 255) {
        throw new UserError(
          `${name}: line ${line}, ${where(px[p])}: ${value(v, px[p])} is outside 0..255; ${FIX}`,
        );
      }
      images[count * CSV_PIXELS + p] = v;
    }
    count++;
  }
  if (count === 0) {
    throw new UserError(`${name}: no images in CSV file (a header and no rows); ${FIX}`);
  }
  images = images.slice(0, count * CSV_PIXELS);
  labels = labels && labels.slice(0, count);
  if (labels && !layout.names) checkLabelFirst(images, labels, name);
  return { images, labels, count, layout: describe(layout) };
}

function grow(a: Uint8Array, length: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(length);
  b.set(a);
  return b;
}

/** Whether text[start, end) holds only spaces, tabs and carriage returns. */
function isBlank(t: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * A CSV text's records, one at a time: `next()` makes `[start, end)` the next one (without its
 * line break and a carriage return before it) and `line` the 1-based line it starts on. A record
 * ends at the first line break outside double quotes (RFC 4180), so a quoted field may span
 * lines; a quote left open at the end of the text is refused. Lines are found with `indexOf`
 * and quotes counted only on lines that hold one, so a file without quotes costs one scan.
 */
class Records {
  start = 0;
  end = 0;
  line = 0;
  /** Set once `next()` found no more records. */
  done = false;
  private pos = 0;
  private lines = 0;
  private quote: number;
  private last = { pos: 0, lines: 0 };

  constructor(private readonly text: string, private readonly name: string) {
    this.quote = text.indexOf('"');
  }

  /** Steps back to the record `next()` last gave, so that the next call gives it again. */
  again(): void {
    this.pos = this.last.pos;
    this.lines = this.last.lines;
    this.quote = this.text.indexOf('"', this.pos);
  }

  next(): boolean {
    const t = this.text;
    if (this.pos > t.length) {
      this.done = true;
      return false;
    }
    this.last = { pos: this.pos, lines: this.lines };
    this.start = this.pos;
    this.line = this.lines + 1;
    let quoted = false;
    for (;;) {
      let nl = t.indexOf("\n", this.pos);
      if (nl < 0) nl = t.length;
      this.lines++;
      if (this.quote >= 0 && this.quote < nl) {
        for (let i = this.quote; i < nl; i++) if (t.charCodeAt(i) === 34) quoted = !quoted;
        this.quote = t.indexOf('"', nl);
      }
      this.pos = nl + 1;
      if (!quoted) {
        this.end = nl > this.start && t.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        return true;
      }
      if (nl === t.length) {
        throw new UserError(
          `${this.name}: line ${this.line}: a quoted field is not closed (a " without the " ` +
            `that ends it, up to the end of the file); ${FIX}`,
        );
      }
    }
  }
}

/**
 * Where the field starting at text[i] ends (the separator after it, or `end`), stepping over
 * separators inside double quotes. Allocates nothing, so a record of millions of fields can be
 * counted.
 */
function fieldEnd(t: string, i: number, end: number, sep: number): number {
  let quoted = false;
  for (; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === sep && !quoted) return i;
  }
  return end;
}

/** How many fields the record text[start, end) has. */
function countFields(t: string, start: number, end: number, sep: number): number {
  let n = 1;
  for (let i = fieldEnd(t, start, end, sep); i < end; i = fieldEnd(t, i + 1, end, sep)) n++;
  return n;
}

/** Field `col` of the record text[start, end), unquoted and trimmed, for messages. */
function fieldAt(t: string, start: number, end: number, sep: number, col: number): string {
  let i = start;
  for (let c = 0; c < col && i < end; c++) i = fieldEnd(t, i, end, sep) + 1;
  return splitRecord(t, Math.min(i, end), fieldEnd(t, Math.min(i, end), end, sep), sep)[0];
}

/**
 * The fields of the record text[start, end), RFC 4180: a field starting with `"` (after spaces)
 * runs to the closing `"`, holding separators, line breaks and `""` as one `"`; whatever follows
 * the closing quote up to the separator is kept. Each field is trimmed.
 */
function splitRecord(t: string, start: number, end: number, sep: number): string[] {
  const fields: string[] = [];
  let i = start;
  for (;;) {
    let value = "";
    let j = i;
    while (j < end && (t.charCodeAt(j) === 32 || (t.charCodeAt(j) === 9 && sep !== 9))) j++;
    if (j < end && t.charCodeAt(j) === 34) {
      let from = j + 1;
      let k = from;
      for (;; k++) {
        if (k >= end) {
          value += t.slice(from, end);
          break;
        }
        if (t.charCodeAt(k) !== 34) continue;
        if (k + 1 < end && t.charCodeAt(k + 1) === 34) {
          value += t.slice(from, k + 1);
          from = k + 2;
          k++;
          continue;
        }
        value += t.slice(from, k);
        k++;
        break;
      }
      i = k;
    }
    let k = i;
    while (k < end && t.charCodeAt(k) !== sep) k++;
    fields.push((value + t.slice(i, k)).trim());
    if (k >= end) return fields;
    i = k + 1;
  }
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[\s_\-.:#]/g, "");
}

/** A column's name in a message: quoted, at most `max` characters of it. */
function shown(s: string, max = 80): string {
  return s === "" ? "unnamed" : quote(s, max);
}

/**
 * The separator's code: the most frequent of `,`, `;` and tab outside double quotes in the first
 * record, text[start, end) (`,` on a tie).
 */
function separator(t: string, start: number, end: number): number {
  let [c, s, tab] = [0, 0, 0];
  let quoted = false;
  for (let i = start; i < end; i++) {
    const ch = t.charCodeAt(i);
    if (ch === 34) quoted = !quoted;
    else if (quoted) continue;
    else if (ch === 44) c++;
    else if (ch === 59) s++;
    else if (ch === 9) tab++;
  }
  if (s > c && s >= tab) return 59;
  if (tab > c && tab > s) return 9;
  return 44;
}

/**
 * Anything a number could be written as: a data row with a bad value is not a header. Written
 * so that no string makes it backtrack (a name can be megabytes long).
 */
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;

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

/** Some of `names` for a message: all of up to 8, else the first and last 3; each cut at 24. */
function summary(names: string[]): string {
  const some = names.length <= 8 ? names : [...names.slice(0, 3), null, ...names.slice(-3)];
  return some.map((n) => (n === null ? "…" : shown(n, 24))).join(", ");
}

/** The layout the first non-blank record (`records`' current one) gives, header or row. */
function readLayout(t: string, records: Records, name: string): Layout {
  const lineNo = records.line;
  const sep = separator(t, records.start, records.end);
  const count = countFields(t, records.start, records.end, sep);
  if (count > MAX_COLUMNS) {
    throw new UserError(
      `${name}: line ${lineNo}: ${count.toLocaleString("en")} columns; a Fashion-MNIST CSV ` +
        `has ${CSV_PIXELS} pixel columns, a label column and perhaps an index; ${FIX}`,
    );
  }
  const fields = splitRecord(t, records.start, records.end, sep);
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
    return { sep, columns, label, pixels, skip, names: null, headerLine: 0 };
  }
  const norm = fields.map(normalise);
  const labelCols = norm.flatMap((n, i) => (LABEL_NAMES.has(n) ? [i] : []));
  const at = `${name}: line ${lineNo}: header`;
  if (labelCols.length > 1) {
    throw new UserError(
      `${at} has ${labelCols.length} label columns (${
        summary(labelCols.map((i) => fields[i]))
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
    const skipped = [...skip].flatMap((s, i) => (s ? [fields[i]] : []));
    const parts = [
      label >= 0
        ? `label column ${shown(fields[label])}`
        : "no label column (label, class, target, y)",
      ...(skipped.length
        ? [`skipped index column${skipped.length > 1 ? "s" : ""} ${summary(skipped)}`]
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
    sep,
    columns,
    label,
    pixels: Int32Array.from(pixelCols),
    skip,
    names: fields,
    headerLine: lineNo,
  };
}

function describe(l: Layout): string {
  const col = (c: number) => `column ${c + 1}${l.names ? ` (${shown(l.names[c], 40)})` : ""}`;
  const p = l.pixels;
  const contiguous = p[p.length - 1] - p[0] === p.length - 1;
  const pixels = contiguous
    ? `784 pixels in columns ${p[0] + 1}-${p[p.length - 1] + 1}`
    : "784 pixels in the other columns";
  const parts = [
    l.label >= 0 ? `label in ${col(l.label)}` : "no label column (accuracy not computed)",
    pixels,
  ];
  const skipped = l.skip.reduce((n, s) => n + s, 0);
  if (skipped > 3) parts.push(`${skipped} columns skipped as row indexes`);
  else l.skip.forEach((s, i) => s && parts.push(`${col(i)} skipped as a row index`));
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
 * Reads the record t[start, end) into `out`, one number a column, by hand (a 70,000-row file has
 * 55M fields, read without making a string of any); a field may be quoted, padded with spaces
 * and written as `12.0`. Skipped columns are stepped over, quotes and all. Throws a UserError
 * for a field that is not a non-negative integer (quoting at most 80 characters of it) or a
 * record of another column count.
 */
function parseRecord(
  t: string,
  start: number,
  end: number,
  l: Layout,
  out: Float64Array,
  name: string,
  line: number,
): void {
  const sep = l.sep;
  const count = () => countFields(t, start, end, sep);
  let col = 0;
  let i = start;
  for (;; col++) {
    if (col === l.columns) throw columnError(name, line, l, count());
    if (l.skip[col]) {
      i = fieldEnd(t, i, end, sep);
    } else {
      while (i < end && t.charCodeAt(i) === 32) i++;
      const quoted = i < end && t.charCodeAt(i) === 34;
      if (quoted) i++;
      const first = i;
      let v = 0;
      for (; i < end; i++) {
        const d = t.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      let digits = i - first;
      if (digits && i < end && t.charCodeAt(i) === 46) { // "12.0": a float column of integers
        i++;
        while (i < end && t.charCodeAt(i) === 48) i++;
      }
      if (quoted) {
        if (i < end && t.charCodeAt(i) === 34) i++;
        else digits = 0;
      }
      while (i < end && t.charCodeAt(i) === 32) i++;
      if (digits === 0 || (i < end && t.charCodeAt(i) !== sep)) {
        const raw = fieldAt(t, start, end, sep, col);
        const where = l.names ? `column ${col + 1} (${shown(l.names[col])})` : `column ${col + 1}`;
        const scaled = raw.length < 40 && /^\s*[01]?\.\d+\s*$/.test(raw) && col !== l.label
          ? " (pixels scaled to 0..1? multiply by 255 and round)"
          : "";
        throw new UserError(
          `${name}: line ${line}, ${where}: ${
            quote(raw)
          } is not a non-negative integer${scaled}; ${FIX}`,
        );
      }
      out[col] = v;
    }
    if (i >= end) break;
    i++;
  }
  if (col + 1 !== l.columns) throw columnError(name, line, l, col + 1);
}
