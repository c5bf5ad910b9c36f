// Rewrites README.md's `<!-- headline:start -->` … `<!-- headline:end -->` block with the
// headline computed from a metrics.json (src/report/headline.ts: the same sentences as the top of
// index.html and report.md), so that no figure in it is typed by hand.
//   deno run -A tools/readme_headline.ts [--metrics results/metrics.json] [--readme README.md]
//                                        [--check]
// --check changes nothing and exits 1 when the block is not what the metrics give.
// A metrics.json written before evaluate recorded confusion matrices has them read from the
// confusion.vl.json beside it.
import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import { CLASS_NAMES } from "../src/data/dataset.ts";
import { defaultTrainImages } from "../src/baselines/run.ts";
import { headline, type HeadlineMetrics, replaceHeadlineBlock } from "../src/report/headline.ts";
import { writeFileAtomic } from "../src/util/atomic.ts";

/** Confusion matrices by model from a confusion.vl.json's inline data, where it has them. */
export async function confusionFromChart(path: string): Promise<Map<string, number[][]>> {
  const byModel = new Map<string, number[][]>();
  let spec: { data?: { values?: unknown[] } };
  try {
    spec = JSON.parse(await Deno.readTextFile(path));
  } catch {
    return byModel;
  }
  for (const v of spec.data?.values ?? []) {
    const { model, truth, predicted, count } = v as Record<string, unknown>;
    const t = CLASS_NAMES.indexOf(truth as (typeof CLASS_NAMES)[number]);
    const p = CLASS_NAMES.indexOf(predicted as (typeof CLASS_NAMES)[number]);
    if (typeof model !== "string" || t < 0 || p < 0 || typeof count !== "number") continue;
    if (!byModel.has(model)) {
      byModel.set(model, CLASS_NAMES.map(() => new Array<number>(CLASS_NAMES.length).fill(0)));
    }
    byModel.get(model)![t][p] = count;
  }
  return byModel;
}

const safeDefault = (name: string) => {
  try {
    return defaultTrainImages(name);
  } catch {
    return undefined;
  }
};

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      metrics: { type: "string", default: "results/metrics.json" },
      readme: { type: "string", default: "README.md" },
      check: { type: "boolean" },
    },
    strict: true,
  });
  const metrics: HeadlineMetrics = JSON.parse(await Deno.readTextFile(values.metrics));
  if (metrics.models.some((m) => !m.confusion)) {
    const charts = await confusionFromChart(join(dirname(values.metrics), "confusion.vl.json"));
    for (const m of metrics.models) m.confusion ??= charts.get(m.model);
  }
  const sentences = headline(metrics, CLASS_NAMES, safeDefault);
  const readme = await Deno.readTextFile(values.readme);
  const updated = replaceHeadlineBlock(readme, sentences);
  if (values.check) {
    if (updated !== readme) {
      console.error(`${values.readme}: the headline block differs from ${values.metrics}`);
      Deno.exit(1);
    }
    console.error(`${values.readme}: the headline block matches ${values.metrics}`);
  } else if (updated === readme) {
    console.error(`${values.readme}: headline block already up to date`);
  } else {
    await writeFileAtomic(values.readme, updated);
    console.error(`${values.readme}: headline block rewritten from ${values.metrics}`);
  }
}
