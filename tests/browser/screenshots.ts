// Screenshots and figures of `deno task serve`'s page (not a test; docs/browser-page.md):
//   deno run -A tests/browser/screenshots.ts [LABEL] [OUT_DIR]
// Writes into OUT_DIR (default web/screenshots/):
// - {predict,train}-{1280,390}-LABEL.png: the Predict tab after its first answer, the Train tab
//   after a short mlp run (1 epoch, 720 images, batch 32, no test);
// - widths-LABEL.json: the page's scroll width at 390 and 360 CSS pixels after each (a page wider
//   than its viewport scrolls sideways);
// - with LABEL "after", page-after.json: the first prediction's times (a fresh browser, then the
//   page reloaded), the next prediction on the warm page, the Train tab's default run on this
//   adapter (estimate against the whole run's time), and axe-core's violations on each tab.
import { join } from "node:path";
import axe from "axe-core";
import {
  evaluate,
  findChromium,
  finishRun,
  launchChromium,
  openPage,
  type Page,
  screenshot,
  startServe,
  waitFor,
} from "./browser.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const LABEL = Deno.args[0] ?? "after";
const OUT = Deno.args[1] ?? join(ROOT, "web/screenshots");
const SIZES = [[1280, 900], [390, 844]] as const;

const chromium = findChromium();
if (!chromium) throw new Error("Chromium not found: apt-get install chromium");
await Deno.mkdir(OUT, { recursive: true });
const serve = await startServe();
const browser = await launchChromium(chromium);
const widths: Record<string, number> = {};
const figures: Record<string, unknown> = {
  date: new Date().toISOString(),
  chromium: await browser.version(),
  loadAverage: Deno.loadavg(),
};

const width = (page: Page) => evaluate<number>(page, "document.documentElement.scrollWidth");
const firstAnswer = (page: Page) =>
  evaluate<{ firstPredictionMs: number; gpuReadyMs: number; modelReadyMs: number }>(
    page,
    "workbench.ready.then(() => workbench.state())",
  );

try {
  const { page } = await openPage(browser, serve.url);
  const cold = await firstAnswer(page);
  await waitFor(page, "!workbench.state().busy", 120_000);
  if (LABEL === "after") {
    figures.adapter = await evaluate(page, "workbench.adapter()");
    await page.reload({ waitUntil: "load" });
    const warm = await firstAnswer(page);
    // The next prediction on the warm page: an example picked, until its answer is shown.
    const nextMs = await evaluate<number>(
      page,
      `(async () => {
        const t = performance.now();
        document.querySelector('#examples button:nth-of-type(5)').click();
        while (workbench.state().picture !== 'example: bag' || workbench.state().busy) {
          await new Promise((r) => setTimeout(r, 10));
        }
        return performance.now() - t;
      })()`,
    );
    const pick = (s: typeof cold) => ({
      gpuReadyMs: Math.round(s.gpuReadyMs),
      modelReadyMs: Math.round(s.modelReadyMs),
      firstPredictionMs: Math.round(s.firstPredictionMs),
    });
    figures.firstPrediction = { freshBrowser: pick(cold), reloaded: pick(warm) };
    figures.nextPredictionMs = Math.round(nextMs);
    await evaluate(page, "document.querySelector('#examples button:nth-of-type(1)').click()");
    await waitFor(
      page,
      "workbench.state().picture === 'example: pullover' && !workbench.state().busy",
      60_000,
    );
  }
  const shoot = async (tab: string) => {
    for (const [w, h] of SIZES) {
      await Deno.writeFile(join(OUT, `${tab}-${w}-${LABEL}.png`), await screenshot(page, w, h));
      widths[`${tab}-${w}`] = await width(page);
    }
    await page.setViewport({ width: 360, height: 740 });
    widths[`${tab}-360`] = await width(page);
    await page.setViewport({ width: 1280, height: 1000 });
  };
  if (LABEL === "after") {
    // The saliency overlay on, for the screenshot (off by default).
    await evaluate(page, "document.getElementById('saliency-on').click()");
    const saliency = await waitFor<{ ms: number }>(page, "workbench.state().saliency", 120_000);
    figures.saliencyMs = Math.round(saliency.ms);
  }
  await shoot("predict");
  if (LABEL === "after") {
    // The Train tab's defaults on this adapter, as a person would start them.
    await evaluate(
      page,
      "document.querySelector('nav button[data-tab=train]').click(); " +
        "document.getElementById('train-start').click()",
    );
    await finishRun(page);
    const run = await evaluate<Record<string, unknown>>(
      page,
      `(() => {
        const s = workbench.trainState();
        const v = (id) => document.getElementById(id).value;
        return { settings: { model: v('train-model'), epochs: v('train-epochs'),
                   batch: v('train-batch'), images: v('train-limit'),
                   testImages: v('train-test-count') },
                 status: s.status, estimate: s.estimate, wholeRunSeconds: s.seconds,
                 validationAccuracy: s.history.at(-1)?.valAccuracy, test: s.test,
                 shown: document.getElementById('train-status').textContent };
      })()`,
    );
    figures.defaultRun = run;
    console.error(JSON.stringify(run));
  }
  // A short mlp run, so the Train tab shows its charts and log.
  await evaluate(
    page,
    `(() => {
    document.querySelector('nav button[data-tab=train]').click();
    const set = (id, v) => { const e = document.getElementById(id); if (e) e.value = v; };
    set('train-model', 'mlp'); set('train-epochs', 1); set('train-batch', 32);
    set('train-limit', 720); document.getElementById('train-test').checked = false;
    document.getElementById('train-start').click();
  })()`,
  );
  await finishRun(page);
  await shoot("train");
  if (LABEL === "after") {
    await page.addScriptTag({ content: (axe as unknown as { source: string }).source });
    const found: Record<string, unknown> = {};
    for (const tab of ["predict", "train"]) {
      await evaluate(page, `document.querySelector('nav button[data-tab=${tab}]').click()`);
      found[tab] = await evaluate(
        page,
        `axe.run(document).then((r) => ({ violations: r.violations.map((v) => ({ id: v.id,
           impact: v.impact, nodes: v.nodes.length })), passes: r.passes.length,
           incomplete: r.incomplete.map((v) => v.id) }))`,
      );
    }
    figures.axe = { version: axe.version, ...found };
  }
} finally {
  await browser.close();
  await serve.stop();
}
figures.widths = widths;
await Deno.writeTextFile(
  join(OUT, `widths-${LABEL}.json`),
  JSON.stringify(widths, null, 2) + "\n",
);
if (LABEL === "after") {
  await Deno.writeTextFile(join(OUT, "page-after.json"), JSON.stringify(figures, null, 2) + "\n");
}
console.log(JSON.stringify(figures, null, 2));
