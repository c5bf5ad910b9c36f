import { UserError } from "../util/errors.ts";

const CSV_PIXELS = 784;
const COLUMNS = CSV_PIXELS + 1;
const FIX =
  "fix the file or export it in Kaggle's fashion-mnist CSV format (label,pixel1..pixel784)";

export interface CsvImages {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/**
 * Parses Kaggle's Fashion-MNIST CSV: an optional `label,pixel1,...,pixel784` header, then one
 * image a line (label 0..9, then 784 pixels 0..255, row-major). Blank lines are skipped.
 */
export function parseFashionCsv(text: string, name: string): CsvImages {
  const lines = text.split("\n");
  let first = 0;
  while (first < lines.length && lines[first].trim() === "") first++;
  // The header is recognized by a first field that is not a number ("label" in Kaggle's files).
  if (first < lines.length && !/^\s*\d/.test(lines[first])) {
    const cols = lines[first].split(",").length;
    if (cols !== COLUMNS) throw columnError(name, first + 1, cols);
    first++;
  }
  const rows: number[] = [];
  for (let i = first; i < lines.length; i++) if (lines[i].trim() !== "") rows.push(i);
  if (rows.length === 0) throw new UserError(`${name}: no images in CSV file; ${FIX}`);
  const images = new Uint8Array(rows.length * CSV_PIXELS);
  const labels = new Uint8Array(rows.length);
  const fields = new Float64Array(COLUMNS);
  rows.forEach((line, n) => {
    parseLine(lines[line], fields, name, line + 1);
    if (fields[0] > 9) {
      throw new UserError(
        `${name}: line ${line + 1}: label ${fields[0]} is not a class 0..9; ${FIX}`,
      );
    }
    labels[n] = fields[0];
    for (let p = 0; p < CSV_PIXELS; p++) {
      const v = fields[p + 1];
      if (v > 255) {
        const where = `line ${line + 1}, column ${p + 2} (pixel${p + 1})`;
        throw new UserError(`${name}: ${where}: ${v} is outside 0..255; ${FIX}`);
      }
      images[n * CSV_PIXELS + p] = v;
    }
  });
  return { images, labels, count: rows.length };
}

function columnError(name: string, line: number, cols: number): UserError {
  return new UserError(
    `${name}: line ${line}: expected ${COLUMNS} columns (label + ${CSV_PIXELS} pixels), got ${cols}; ${FIX}`,
  );
}

/** Splits one line into non-negative integers by hand: a 60000-line file has 47M fields. */
function parseLine(s: string, out: Float64Array, name: string, line: number): void {
  const end = s.endsWith("\r") ? s.length - 1 : s.length;
  let col = 0;
  for (let start = 0;; col++) {
    let i = start;
    while (i < end && s.charCodeAt(i) === 32) i++;
    const first = i;
    let v = 0;
    for (; i < end; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    const digits = i - first;
    while (i < end && s.charCodeAt(i) === 32) i++;
    if (col === COLUMNS) throw columnError(name, line, s.slice(0, end).split(",").length);
    if (digits === 0 || (i < end && s.charCodeAt(i) !== 44)) {
      const next = s.indexOf(",", i);
      const field = JSON.stringify(s.slice(start, next < 0 ? end : next).trim());
      throw new UserError(
        `${name}: line ${line}, column ${col + 1}: ${field} is not a non-negative integer; ${FIX}`,
      );
    }
    out[col] = v;
    if (i >= end) break;
    start = i + 1;
  }
  if (col + 1 !== COLUMNS) throw columnError(name, line, col + 1);
}
