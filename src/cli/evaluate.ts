import { join } from "node:path";
import { checkWritableDir, parseFlags, projectPath, runCli, userPath } from "./common.ts";
import { Gpu } from "../gpu/gpu.ts";
import { useGpu } from "../autograd/tensor.ts";
import { loadFashionMnist } from "../data/mod.ts";
import { acquireFolderLock } from "../util/lock.ts";
import { info } from "../train/progress.ts";

const HELP = `deno task evaluate [flags]

Loads every model saved under --models (networks from "deno task train", int8 networks from
"deno task quantize", baselines from "deno task baselines"), predicts the same 10,000 test
images with each, and writes into --out: metrics.json, report.md, index.html (one offline page),
Vega-Lite charts (*.vl.json + *.svg) and PNG image grids. A missing or damaged model is
reported and skipped. A report already in --out that has models this run lacks is not replaced
(exit 1, nothing written) unless --replace; neither is anything written without models.

  --models DIR        where the models are (default models)
  --out DIR           where the results go (default results)
  --data-dir DIR      dataset directory (default: see deno task train --help)
  --tta               networks predict with flip test-time augmentation
  --replace           replace the report in --out even if it has models this run lacks
  --json              print metrics.json on stdout`;

await runCli(async () => {
  const flags = parseFlags("evaluate", {
    models: { type: "string" },
    out: { type: "string" },
    "data-dir": { type: "string" },
    tta: { type: "boolean" },
    replace: { type: "boolean" },
    json: { type: "boolean" },
  }, HELP);
  // The report's charting and image packages load only now, so that --help and usage errors
  // need none of them (a fresh machine would download them first).
  const { buildReport, checkReportReplace, listSavedModels } = await import("../report/build.ts");
  const modelsDir = flags.models === undefined ? projectPath("models") : userPath(flags.models);
  const resultsDir = flags.out === undefined ? projectPath("results") : userPath(flags.out);
  await checkWritableDir(resultsDir, "--out");
  // One writer per folder: a second evaluate into the same --out is refused at once.
  using _lock = acquireFolderLock(resultsDir, "--out");
  // At once, before the data, the GPU and minutes of predictions (buildReport checks again
  // with the models it could load).
  await checkReportReplace(resultsDir, modelsDir, await listSavedModels(modelsDir), {
    replace: flags.replace,
  });
  const data = await loadFashionMnist({
    dataDir: flags["data-dir"] === undefined ? undefined : userPath(flags["data-dir"]),
  });
  const gpu = await Gpu.create();
  useGpu(gpu);
  info(`adapter: ${gpu.adapter.description} (${gpu.adapter.backend})`);
  let learningCurve;
  try {
    learningCurve = JSON.parse(await Deno.readTextFile(join(resultsDir, "learning_curve.json")));
  } catch {
    info(
      `no ${
        join(resultsDir, "learning_curve.json")
      } yet: run "deno task baselines --learning-curve"`,
    );
  }
  const { metrics } = await buildReport({
    modelsDir,
    resultsDir,
    train: data.train,
    test: data.test,
    learningCurve,
    tta: flags.tta,
    adapter: gpu.adapter,
    replace: flags.replace,
    log: info,
  });
  info(
    `wrote ${resultsDir}/index.html, report.md, metrics.json and figures (${metrics.models.length} model${
      metrics.models.length === 1 ? "" : "s"
    })`,
  );
  if (flags.json) console.log(JSON.stringify(metrics));
});
