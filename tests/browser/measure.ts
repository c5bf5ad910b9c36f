// The browser figures of docs/browser.md, measured in one run on one machine (not a test):
//   deno run -A tests/browser/measure.ts [OUT_DIR]
// - cold start: a fresh Chromium profile (no HTTP or shader cache) opening `deno task serve`'s
//   page, until the first prediction is shown; then the same page reloaded (warm);
// - training images/s of the same runs (architecture, batch, images, seed) in Chromium's page
//   and in `deno task train`, alternated so that the machine's other load hits both;
// - a screenshot of each tab.
// Writes OUT_DIR/measured.json, predict.png and train.png (default web/screenshots/).
import { join } from "node:path";
import {
  evaluate,
  findChromium,
  finishRun,
  launchChromium,
  openPage,
  type Page,
  screenshot,
  setFiles,
  startServe,
  waitFor,
} from "./browser.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const OUT = Deno.args[0] ?? join(ROOT, "web/screenshots");
const PICTURES = join(ROOT, "tests/image/fixtures/");
const RUNS = [
  { model: "mlp", batch: 128, limit: 2845 }, // 2,560 training images: 20 steps
  { model: "cnn", batch: 32, limit: 720 }, // 648 training images: 21 steps
];
const ROUNDS = 2;

const chromium = findChromium();
if (!chromium) throw new Error("Chromium not found: apt-get install chromium");
await Deno.mkdir(OUT, { recursive: true });

const serve = await startServe();
const url = serve.url;

async function trainInPage(page: Page, run: typeof RUNS[number], epochs = 1, test = false) {
  await evaluate(
    page,
    `(() => {
    document.querySelector('nav button[data-tab=train]').click();
    const set = (id, v) => document.getElementById(id).value = v;
    set('train-model', '${run.model}'); set('train-epochs', ${epochs}); set('train-batch', ${run.batch});
    set('train-limit', ${run.limit}); set('train-seed', 1); set('train-augment', 'none');
    document.getElementById('train-test').checked = ${test};
    set('train-test-count', 10000); set('train-smoothing', 0.1);
    document.getElementById('train-start').click();
  })()`,
  );
  await finishRun(page);
  const s = await evaluate<
    { status: string; error: string; history: { imagesPerSecond: number }[] }
  >(page, "workbench.trainState()");
  if (s.status !== "done") throw new Error(`page training ${s.status}: ${s.error}`);
  return s.history[0].imagesPerSecond;
}

async function trainInDeno(run: typeof RUNS[number]) {
  const out = await Deno.makeTempDir({ prefix: "measure-" });
  try {
    const r = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        join(ROOT, "src/cli/train.ts"),
        "--model",
        run.model,
        "--epochs",
        "1",
        "--batch-size",
        String(run.batch),
        "--limit",
        String(run.limit),
        "--seed",
        "1",
        "--out",
        out,
        "--json",
        "--quiet",
      ],
      env: { DENO_WEBGPU_BACKEND: "vulkan" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
    const j = JSON.parse(new TextDecoder().decode(r.stdout));
    return { imagesPerSecond: j.history[0].imagesPerSecond as number, adapter: j.adapter };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

const browser = await launchChromium(chromium);
const result: Record<string, unknown> = {
  date: new Date().toISOString(),
  chromium: await browser.version(),
};
try {
  const { page } = await openPage(browser, url);
  await evaluate(page, "workbench.ready");
  const cold = await evaluate<{ firstPredictionMs: number; message: string | null }>(
    page,
    "workbench.state()",
  );
  if (cold.message) throw new Error(`the page says: ${cold.message}`);
  await page.goto(url);
  await evaluate(page, "workbench.ready");
  const warm = await evaluate<{ firstPredictionMs: number }>(page, "workbench.state()");
  result.firstPredictionSeconds = {
    cold: cold.firstPredictionMs / 1000,
    warm: warm.firstPredictionMs / 1000,
  };
  result.pageAdapter = await evaluate(page, "workbench.adapter()");
  console.error(
    `first prediction: cold ${cold.firstPredictionMs} ms, warm ${warm.firstPredictionMs} ms`,
  );

  // Predict tab screenshot: the photographed pullover (test image 1 on white).
  const picture = PICTURES + "pullover_white_bg_224.jpg";
  await setFiles(page, "#upload", [picture]);
  await waitFor(
    page,
    `workbench.state().picture === '${picture.split("/").pop()}' && !workbench.state().busy`,
    120_000,
  );
  await Deno.writeFile(join(OUT, "predict.png"), await screenshot(page, 1280, 860));

  const training: Record<string, unknown>[] = [];
  for (const run of RUNS) {
    const page_: number[] = [];
    const deno: number[] = [];
    let adapter = null;
    // One warm-up each (compiles, caches), then alternating rounds.
    await trainInPage(page, run);
    await trainInDeno(run);
    for (let i = 0; i < ROUNDS; i++) {
      page_.push(await trainInPage(page, run));
      const d = await trainInDeno(run);
      deno.push(d.imagesPerSecond);
      adapter = d.adapter;
      console.error(
        `${run.model}: page ${page_.at(-1)!.toFixed(1)}, deno ${
          d.imagesPerSecond.toFixed(1)
        } images/s`,
      );
    }
    training.push({
      ...run,
      trainImages: Math.round(run.limit * 0.9),
      chromiumImagesPerSecond: page_,
      denoImagesPerSecond: deno,
      denoAdapter: adapter,
      // Per round: each pair ran back to back, so shares the machine's load of the moment.
      ratiosDenoOverChromium: deno.map((d, i) => d / page_[i]),
    });
  }
  result.training = training;

  // Train tab screenshot: a short mlp run, three epochs, test images measured.
  await trainInPage(page, { model: "mlp", batch: 64, limit: 3000 }, 3, true);
  await Deno.writeFile(join(OUT, "train.png"), await screenshot(page, 1280, 760));
  const shot = await evaluate<{ history: unknown; test: unknown }>(page, "workbench.trainState()");
  result.trainScreenshotRun = {
    model: "mlp",
    batch: 64,
    limit: 3000,
    history: shot.history,
    test: shot.test,
  };
} finally {
  await browser.close();
  await serve.stop();
}
await Deno.writeTextFile(join(OUT, "measured.json"), JSON.stringify(result, null, 2) + "\n");
console.log(JSON.stringify(result, null, 2));
