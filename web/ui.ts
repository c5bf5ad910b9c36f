/// <reference lib="dom" />
/** Small page helpers: elements by id, and the one message line the page shows. */
import { UserError } from "../src/util/errors.ts";

export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

/** Shows `text` as the page's one message (an error), or hides it. */
export function showMessage(text: string | null) {
  const box = $("message");
  box.textContent = text ?? "";
  box.hidden = !text;
}

/** The message for an error: a UserError's own words, anything else said to be unexpected. */
export function messageOf(e: unknown): string {
  if (e instanceof UserError) return e.message;
  const m = e instanceof Error ? e.message : String(e);
  return `unexpected error: ${m}`;
}

/** Runs `fn`, showing its error (if any) as the page's message; returns whether it succeeded. */
export async function guarded(fn: () => Promise<void> | void): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    console.error(e);
    showMessage(messageOf(e));
    return false;
  }
}
