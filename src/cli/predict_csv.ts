/**
 * The CSV `predict --csv OUT` streams: rows go to a temporary file beside OUT as they are made
 * (bounded memory for any number of pictures), renamed over OUT only when every row is written,
 * so OUT is never half-written and an interrupted run (Ctrl-C, SIGTERM, an error) leaves no
 * temporary file behind. Fields are quoted as RFC 4180 says (a field holding a comma, a double
 * quote, CR or LF is enclosed in double quotes, its quotes doubled); lines end in CRLF, as the
 * RFC writes them. A text field that a spreadsheet would take for a formula (it starts with =, +,
 * -, @, a tab or CR: a picture named "=HYPERLINK(...).png") gets a leading apostrophe, as OWASP's
 * "CSV Injection" page recommends; numbers are written as they are.
 */
import { basename, dirname, join } from "node:path";
import { translateWriteError } from "../util/atomic.ts";

/** One CSV field, quoted when RFC 4180 requires it; text that would start a formula is defused. */
export function csvField(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A CSV written row by row into a temporary file, renamed to its path by `commit`. */
export class StreamingCsv {
  private chunks: string[] = [];
  private pendingBytes = 0;
  private done = false;
  private readonly onSignal = () => {
    this.abortSync();
    Deno.exit(130);
  };

  private constructor(readonly path: string, readonly tmp: string, private file: Deno.FsFile) {
    Deno.addSignalListener("SIGINT", this.onSignal);
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", this.onSignal);
  }

  /** Creates the temporary file (a new one, never an existing file) and writes the header. */
  static async create(path: string, header: string[]): Promise<StreamingCsv> {
    const tmp = join(dirname(path), `.${basename(path)}.${Deno.pid}.${Date.now()}.tmp`);
    let file: Deno.FsFile;
    try {
      await Deno.mkdir(dirname(path), { recursive: true });
      file = await Deno.open(tmp, { write: true, createNew: true });
    } catch (e) {
      throw translateWriteError(e, path);
    }
    const csv = new StreamingCsv(path, tmp, file);
    await csv.row(header);
    return csv;
  }

  /** Appends a row; written out in 64 KiB pieces. */
  async row(fields: (string | number | null | undefined)[]): Promise<void> {
    const line = fields.map(csvField).join(",") + "\r\n";
    this.chunks.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= 65536) await this.flush();
  }

  private async flush() {
    const bytes = new TextEncoder().encode(this.chunks.join(""));
    this.chunks = [];
    this.pendingBytes = 0;
    try {
      let at = 0;
      while (at < bytes.length) at += await this.file.write(bytes.subarray(at));
    } catch (e) {
      this.abortSync();
      throw translateWriteError(e, this.path);
    }
  }

  /** Writes the rest, syncs and renames the temporary file to `path`. */
  async commit(): Promise<void> {
    await this.flush();
    try {
      await this.file.sync();
      this.file.close();
      await Deno.rename(this.tmp, this.path);
    } catch (e) {
      this.abortSync();
      throw translateWriteError(e, this.path);
    }
    this.finish();
  }

  /** Removes the temporary file (OUT is left as it was). */
  abortSync(): void {
    if (this.done) return;
    try {
      this.file.close();
    } catch { /* already closed */ }
    try {
      Deno.removeSync(this.tmp);
    } catch { /* not there */ }
    this.finish();
  }

  private finish() {
    this.done = true;
    Deno.removeSignalListener("SIGINT", this.onSignal);
    if (Deno.build.os !== "windows") Deno.removeSignalListener("SIGTERM", this.onSignal);
  }
}
