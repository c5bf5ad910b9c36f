/**
 * An error caused by the user's input or environment (a bad file, a missing dataset, a bad flag).
 * The CLI prints its message as one line, without a stack trace, and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "UserError";
  }
}

/**
 * `value` as a message quotes it: in double quotes, JSON-escaped (so control characters and
 * newlines stay on one line), at most `max` characters between the quotes (default 80), an
 * ellipsis after the quotes when it was cut. A value read from a file can be megabytes long;
 * only its start is shown.
 */
export function quote(value: string, max = 80): string {
  let shown = "";
  let cut = false;
  for (const ch of value) {
    const escaped = JSON.stringify(ch).slice(1, -1);
    if (shown.length + escaped.length > max) {
      cut = true;
      break;
    }
    shown += escaped;
  }
  return `"${shown}"${cut ? "…" : ""}`;
}
