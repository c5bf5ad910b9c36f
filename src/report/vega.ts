import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";
import { estimateTextWidth } from "./labels.ts";

export type { TopLevelSpec };

// Without a canvas Vega guesses every character at 0.8 em, so the bounds it lays out (axis title
// offsets under rotated labels, the SVG's size) come out far too large: a 10-class confusion
// panel's axis title sat 60 px below its labels. The per-letter estimate of labels.ts (still
// generous for wide fonts such as DejaVu Sans) is used instead.
type TextItem = { fontSize?: number | string };
// vega exports textMetrics (vega-scenegraph's) at run time; its type declarations omit it.
(vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } })
  .textMetrics.width = (item, text) =>
    estimateTextWidth(text == null ? "" : String(text).trim(), Number(item.fontSize ?? 11) || 0);

/** Compiles a Vega-Lite spec and renders it to an SVG string, headless (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // A copy: Vega tags the data objects it is given, and the caller's rows should stay plain.
  const compiled = compile(structuredClone(spec)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Writes `dir/name.vl.json` (the spec, to reopen in the Vega editor) and `dir/name.svg`; returns
 * the SVG so a page can inline it without rendering twice.
 */
export async function writeChart(dir: string, name: string, spec: TopLevelSpec): Promise<string> {
  const svg = await renderSvg(spec);
  await writeFileAtomic(join(dir, `${name}.vl.json`), JSON.stringify(spec));
  await writeFileAtomic(join(dir, `${name}.svg`), svg);
  return svg;
}
