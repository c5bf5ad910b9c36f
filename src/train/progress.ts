import { platform } from "../platform/mod.ts";

/** Formats seconds as 1h02m, 3m05s or 12s. */
export function duration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  s = Math.max(0, Math.round(s));
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  }
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** A terminal's bar is redrawn at most this often (ms) between updates that bring new figures. */
const REDRAW_MS = 100;

/**
 * An epoch progress bar on stderr: images/s, running loss and accuracy, ETA. On a terminal it
 * redraws one line; elsewhere (CI logs, pipes) it prints a line every 10% so logs stay short.
 */
export class ProgressBar {
  private start = performance.now();
  /** Images done when `start` was (re)set: rates count only what came after. */
  private baseline = 0;
  private lastPercent = -1;
  /** When the terminal line was last drawn (ms, performance.now()). */
  private drawn = -Infinity;
  /** The figures last given, shown until new ones come. */
  private stats: { loss?: number; accuracy?: number } = {};
  private readonly tty = platform().progressIsTerminal();

  constructor(private label: string, private total: number, private quiet = false) {}

  /**
   * `done` images of `total` (submitted, for fit: the GPU may still be on them), with the running
   * mean loss and accuracy (fraction) when `stats` brings new ones; without, the last ones stay.
   * The rate is `done` since `restart` over the wall time since.
   */
  update(done: number, stats?: { loss?: number; accuracy?: number }) {
    if (this.quiet) return;
    const now = performance.now();
    if (stats) this.stats = stats;
    else if (this.tty && now - this.drawn < REDRAW_MS && done < this.total) return;
    const seconds = (now - this.start) / 1000;
    const rate = (done - this.baseline) / Math.max(seconds, 1e-9);
    const fraction = Math.min(1, done / this.total);
    const percent = Math.floor(fraction * 100);
    if (
      !this.tty && percent < 100 && Math.floor(percent / 10) === Math.floor(this.lastPercent / 10)
    ) {
      return;
    }
    this.lastPercent = percent;
    this.drawn = now;
    const shown = this.stats;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = "=".repeat(Math.max(0, filled - 1)) + (filled ? ">" : "") +
      " ".repeat(width - filled);
    const parts = [
      `${this.label} [${bar}] ${done}/${this.total}`,
      `${rate.toFixed(0)} img/s`,
      shown.loss !== undefined ? `loss ${shown.loss.toFixed(4)}` : "",
      shown.accuracy !== undefined ? `acc ${(shown.accuracy * 100).toFixed(1)}%` : "",
      `ETA ${duration((this.total - done) / rate)}`,
    ].filter(Boolean);
    const line = parts.join("  ");
    platform().writeProgress(this.tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  /** Restarts the clock with `done` images finished, e.g. after a step that compiled kernels. */
  restart(done: number) {
    this.start = performance.now();
    this.baseline = done;
  }

  /** Ends the bar with a summary line. */
  done(summary: string) {
    if (this.quiet) return;
    const prefix = this.tty ? "\r\x1b[2K" : "";
    platform().writeProgress(`${prefix}${summary}\n`);
  }
}

/** A line on stderr (stdout is kept for --json); in a page, a progress line. */
export function info(message: string) {
  platform().writeProgress(message + "\n");
}
