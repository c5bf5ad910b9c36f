import type { Architecture } from "./zoo.ts";
import { planArchitecture, type SummaryRow, summaryRows } from "./model.ts";
import { describeLayer, type LayerPlan } from "./layers.ts";

/** What `deno task summary --json` prints: the table's rows and its totals. */
export interface ArchitectureSummary {
  name: string;
  input: number[];
  classes: number;
  parameters: number;
  /** Forward FLOPs per image; a training step costs about three times this. */
  flops: number;
  layers: (SummaryRow & { description: string })[];
}

export function architectureSummary(arch: Architecture): ArchitectureSummary {
  const plan = planArchitecture(arch);
  const specs = new Map<string, LayerPlan>();
  const index = (plans: LayerPlan[]) =>
    plans.forEach((p) => {
      specs.set(p.name, p);
      if (p.children) [p.children.body, p.children.shortcut].forEach(index);
    });
  index(plan.layers);
  return {
    name: arch.name,
    input: arch.input,
    classes: arch.classes,
    parameters: plan.parameters,
    flops: plan.flops,
    layers: summaryRows(plan.layers).map((r) => ({
      ...r,
      description: describeLayer(specs.get(r.layer)!.spec),
    })),
  };
}

/**
 * A Keras-style table: one row per layer, a residual block's branch layers indented under it
 * (their parameters and FLOPs are included in the block's row, so only unindented rows add up
 * to the totals).
 */
export function summaryTable(arch: Architecture): string {
  const s = architectureSummary(arch);
  const n = (x: number) => x.toLocaleString("en");
  const rows = s.layers.map((r) => {
    // Nested rows show their branch and position in the block: "body 0.conv2d".
    const local = r.layer.split(".").slice(-2).join(".");
    const label = r.depth === 0 ? r.layer : `${"  ".repeat(r.depth)}${r.branch} ${local}`;
    return [label, r.description, `[${r.output.join(", ")}]`, n(r.params), n(r.flops)];
  });
  const header = ["Layer", "Description", "Output shape", "Params", "FLOPs"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ")
      .trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [
    `Model: ${s.name} (input [${s.input.join(", ")}], ${s.classes} classes)`,
    rule("="),
    line(header),
    rule("="),
    ...rows.map(line),
    rule("="),
    `Total parameters: ${n(s.parameters)}`,
    `Forward FLOPs per image: ${n(s.flops)} (${(s.flops / 1e6).toFixed(2)} M; ` +
    `a training step costs about 3×)`,
  ].join("\n");
}
