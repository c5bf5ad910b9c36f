// The first prediction's times (docs/browser-page.md, "The first prediction"); not a test:
//   deno run -A tests/browser/first_answer.ts [RELOADS] [QUERY]
// Opens `deno task serve`'s page in a fresh headless Chromium, then reloads it RELOADS times
// (default 3: the HTTP cache warm) and prints, per load, milliseconds from navigation until the
// WebGPU device, the reference model, its first answer's pipelines compiled and the first answer
// shown, the answer, and the 1-minute load average. QUERY ("?x=1") is appended to the page's URL.
import {
  evaluate,
  findChromium,
  launchChromium,
  openPage,
  type Page,
  startServe,
  waitFor,
} from "./browser.ts";

interface Times {
  gpuReadyMs: number;
  modelReadyMs: number;
  compiledMs: number | null;
  firstPredictionMs: number;
  top3: { label: string; probability: number }[];
}

const reloads = Number(Deno.args[0] ?? 3);
const chromium = findChromium();
if (!chromium) throw new Error("Chromium not found: apt-get install chromium");
const serve = await startServe();
const browser = await launchChromium(chromium);
const times = (page: Page) =>
  evaluate<Times>(page, "workbench.ready.then(() => workbench.state())");
const line = (what: string, s: Times) => {
  const ms = (v: number | null) => v === null ? "-" : String(Math.round(v));
  console.log(
    `${what.padEnd(8)} device ${ms(s.gpuReadyMs)} model ${ms(s.modelReadyMs)} compiled ` +
      `${ms(s.compiledMs)} answer ${ms(s.firstPredictionMs)} ms: ${s.top3[0]?.label} ` +
      `${s.top3[0]?.probability.toFixed(5)}; load ${Deno.loadavg()[0].toFixed(1)}`,
  );
};
try {
  const { page } = await openPage(browser, serve.url + (Deno.args[1] ?? ""));
  line("fresh", await times(page));
  for (let i = 0; i < reloads; i++) {
    await waitFor(page, "!workbench.state().busy", 120_000);
    await page.reload({ waitUntil: "load" });
    line("reload", await times(page));
  }
} finally {
  await browser.close();
  await serve.stop();
}
