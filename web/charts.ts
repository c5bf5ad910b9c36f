/// <reference lib="dom" />
/**
 * Live training charts: Vega-Lite specs (the same library the reports use, npm's vega-lite and
 * vega, bundled into the page) compiled once, then fed points as training goes.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** One point of a curve: `series` ("training", "validation"), at a fractional epoch. */
export interface Point {
  series: string;
  epoch: number;
  value: number;
}

/** A line chart in `container` whose points are added with `add`; `clear` empties it. */
export class LiveChart {
  private constructor(private view: vega.View) {}

  static async create(
    container: HTMLElement,
    title: string,
    axis: { title: string; format?: string },
  ): Promise<LiveChart> {
    const spec: TopLevelSpec = {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: { text: title, anchor: "start", fontSize: 13, fontWeight: "normal" },
      // As wide as its container (a phone's screen included), re-fitted when the window resizes.
      width: "container",
      height: 190,
      autosize: { type: "fit-x", contains: "padding", resize: true },
      data: { name: "points" },
      mark: { type: "line", point: { size: 18 }, strokeWidth: 1.5 },
      encoding: {
        x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 0.5 } },
        y: {
          field: "value",
          type: "quantitative",
          title: axis.title,
          scale: { zero: false },
          axis: axis.format ? { format: axis.format } : {},
        },
        color: {
          field: "series",
          type: "nominal",
          title: null,
          scale: { domain: ["training", "validation"], range: ["#2456c5", "#d9731a"] },
          legend: { orient: "bottom" },
        },
      },
      config: { font: "system-ui, sans-serif", view: { stroke: null } },
    };
    const view = new vega.View(vega.parse(compile(spec).spec), {
      renderer: "svg",
      container,
      hover: false,
    });
    await view.runAsync();
    return new LiveChart(view);
  }

  async add(points: Point[]) {
    await this.view.insert("points", points).runAsync();
  }

  async clear() {
    await this.view.remove("points", vega.truthy).runAsync();
  }

  /** Removes the chart from the page (its listeners and its SVG). */
  dispose() {
    this.view.finalize();
  }
}
