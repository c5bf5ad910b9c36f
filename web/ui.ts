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

/** Shows tab `name` ("predict" or "train"): its panel, its tab button selected and focusable. */
export function showTab(name: string) {
  for (const b of document.querySelectorAll<HTMLButtonElement>("nav button[data-tab]")) {
    const on = b.dataset.tab === name;
    b.classList.toggle("active", on);
    b.setAttribute("aria-selected", String(on));
    b.tabIndex = on ? 0 : -1;
    $(b.dataset.tab!).hidden = !on;
  }
}

/**
 * Asks `question` in the page's modal dialog (keyboard: Tab between the answers, Escape says no);
 * resolves true for `yes`, false for `no`, Escape, or `signal` aborting meanwhile.
 */
export function ask(
  question: string,
  answers: { yes: string; no: string },
  signal?: AbortSignal,
): Promise<boolean> {
  const dialog = $<HTMLDialogElement>("ask");
  $("ask-text").textContent = question;
  $("ask-yes").textContent = answers.yes;
  $("ask-no").textContent = answers.no;
  return new Promise((resolve) => {
    const finish = (answer: boolean) => {
      $("ask-yes").removeEventListener("click", yes);
      $("ask-no").removeEventListener("click", no);
      dialog.removeEventListener("cancel", no);
      signal?.removeEventListener("abort", no);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const yes = () => finish(true);
    const no = () => finish(false);
    $("ask-yes").addEventListener("click", yes);
    $("ask-no").addEventListener("click", no);
    dialog.addEventListener("cancel", no);
    signal?.addEventListener("abort", no);
    dialog.showModal();
    $("ask-no").focus();
  });
}
