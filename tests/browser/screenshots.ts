// Screenshots of both tabs of `deno task serve`'s page at 1280 and 390 CSS pixels wide (not a test):
//   deno run -A tests/browser/screenshots.ts [LABEL] [OUT_DIR]
// Writes OUT_DIR/{predict,train}-{1280,390}-LABEL.png (default label "after", folder
// web/screenshots/): the Predict tab after its first answer, the Train tab after a short mlp run
// (1 epoch, 720 images, batch 32, no test), each also the page's scroll width at that size, in
// OUT_DIR/widths-LABEL.json (a page wider than the viewport scrolls sideways).
import { join } from "node:path";
import {
  evaluate,
  findChromium,
  launchChromium,
  openPage,
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
try {
  const { page } = await openPage(browser, serve.url);
  await evaluate(page, "workbench.ready");
  await waitFor(page, "!workbench.state().busy", 120_000);
  const shoot = async (tab: string) => {
    for (const [w, h] of SIZES) {
      await Deno.writeFile(join(OUT, `${tab}-${w}-${LABEL}.png`), await screenshot(page, w, h));
      widths[`${tab}-${w}`] = await evaluate<number>(
        page,
        "document.documentElement.scrollWidth",
      );
    }
    await page.setViewport({ width: 1280, height: 1000 });
  };
  await shoot("predict");
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
  await waitFor(
    page,
    "['done', 'failed', 'cancelled'].includes(workbench.trainState().status)",
    600_000,
    500,
  );
  await shoot("train");
} finally {
  await browser.close();
  await serve.stop();
}
await Deno.writeTextFile(
  join(OUT, `widths-${LABEL}.json`),
  JSON.stringify(widths, null, 2) + "\n",
);
console.log(JSON.stringify(widths));
