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
  const { text, cut } = escapeStart(value, max);
  return `"${text}"${cut ? "…" : ""}`;
}

/** `quote` without the quotes: for a name or tag read from a file, shown as it is. */
export function clip(value: string, max = 80): string {
  const { text, cut } = escapeStart(value, max);
  return cut ? `${text}…` : text;
}

/**
 * Any value read from a file, as a message shows it on one line: a string `quote`d, anything else
 * as JSON, at most `max` characters then an ellipsis.
 */
export function showValue(value: unknown, max = 40): string {
  if (typeof value === "string") return quote(value, max);
  let s: string;
  try {
    s = value === undefined ? "nothing" : JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return clip(s, max);
}

/** The JSON-escaped start of `value`, at most `max` characters, and whether it was cut. */
function escapeStart(value: string, max: number): { text: string; cut: boolean } {
  let text = "";
  for (const ch of value) {
    const escaped = JSON.stringify(ch).slice(1, -1);
    if (text.length + escaped.length > max) return { text, cut: true };
    text += escaped;
  }
  return { text, cut: false };
}
