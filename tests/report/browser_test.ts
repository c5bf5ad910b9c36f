/// <reference lib="dom" />
// The report page as a reader sees it: headless Chromium (puppeteer-core, the system's
// /usr/bin/chromium) at a laptop's 1280×900 and a phone's 390×844, on a report rebuilt from small
// fixture results in a temp folder, and on results/index.html when it is there. Checks: the page's
// height, no sideways scroll, the summary in the first screen, a complete confusion panel per
// model with readable numbers and no empty one, diagrams captioned by model.
//
// REPORT_SCREENSHOTS=DIR saves the first screen of results/index.html at both sizes into DIR.
import assert from "node:assert/strict";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { CLASS_NAMES } from "../../src/data/dataset.ts";
import { classificationReport, confusionMatrix } from "../../src/eval/metrics.ts";
import { architecture } from "../../src/nn/zoo.ts";
import { rebuildReport } from "../../src/report/rebuild.ts";
import { Rng } from "../../src/util/random.ts";

const CHROMIUM = ["/usr/bin/chromium", Deno.env.get("CHROMIUM")].find((p) => {
  try {
    return p !== undefined && Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});
const RESULTS = new URL("../../results/", import.meta.url).pathname;
const VIEWPORTS = [{ width: 1280, height: 900 }, { width: 390, height: 844 }] as const;

function launch(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars"],
  });
}

/**
 * Fixture results for 5 models (not a multiple of the 3 columns a laptop shows): test
 * predictions drawn with a fixed seed, their metrics as evaluate writes them, two networks with
 * histories (one trained with label smoothing) and architectures, one saved as `cnn-best` from
 * the `cnn` architecture.
 */
async function fixtureResults(dir: string) {
  const rng = new Rng(7);
  const n = 2000;
  const truth = Uint8Array.from({ length: n }, (_, i) => i % 10);
  const models = ["cnn-best", "cnn", "mlp", "softmax", "random-forest"].map((model, m) => {
    const wrong = 0.05 + 0.04 * m;
    // Errors mostly into a neighbouring class, as shirts go to T-shirts.
    const pred = truth.map((t) =>
      rng.next() < wrong ? (rng.next() < 0.7 ? (t + 6) % 10 : rng.int(10)) : t
    );
    const r = classificationReport(truth, pred, 10);
    const network = m < 3;
    return {
      model,
      run: { full: true, note: null, trainedOn: null },
      engine: "fixture",
      accuracy: r.accuracy,
      macro: r.macro,
      weighted: r.weighted,
      perClass: r.classes.map((s, c) => ({ className: CLASS_NAMES[c], ...s })),
      trainImages: 54000,
      trainSeconds: 100 * (m + 1),
      epochs: network ? 3 : null,
      trainedWith: "fixture",
      recipe: "fixture",
      inferenceImagesPerSecond: 1000,
      parameters: 1000,
      testTimeAugmentation: false,
      confusion: confusionMatrix(truth, pred, 10),
      config: network
        ? {
          architecture: architecture(model === "mlp" ? "mlp" : "cnn"),
          hyperParameters: { labelSmoothing: model === "mlp" ? 0 : 0.1 },
        }
        : { hyperParameters: {} },
    };
  });
  await Deno.writeTextFile(
    join(dir, "metrics.json"),
    JSON.stringify({ createdAt: "2026-12-04T00:00:00Z", testImages: n, adapter: null, models }),
  );
  for (const model of ["cnn", "mlp"]) {
    const history = [1, 2, 3].map((epoch) => ({
      epoch,
      trainLoss: 1 / epoch + 0.3,
      trainAccuracy: 0.8 + epoch / 100,
      valLoss: 0.5 / epoch,
      valAccuracy: 0.82 + epoch / 100,
      lr: 0.001,
      seconds: 10,
      imagesPerSecond: 100,
    }));
    await Deno.writeTextFile(join(dir, `${model}_history.json`), JSON.stringify(history));
  }
  return models;
}

interface Layout {
  height: number;
  scrollWidth: number;
  innerWidth: number;
  headline: DOMRectLike | null;
  table: DOMRectLike | null;
  chart: DOMRectLike | null;
}
type DOMRectLike = { top: number; bottom: number };

const layout = (page: Page) =>
  page.evaluate(() => {
    const box = (s: string) => {
      const e = document.querySelector(s);
      if (!e) return null;
      const r = e.getBoundingClientRect();
      return { top: r.top + scrollY, bottom: r.bottom + scrollY };
    };
    return {
      height: document.documentElement.scrollHeight,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth,
      headline: box("p.headline"),
      table: box("#summary table"),
      chart: box("#summary figure"),
    };
  }) as Promise<Layout>;

/** What the confusion and architecture sections show once open. */
const panels = (page: Page, classes: readonly string[]) =>
  page.evaluate((classes: string[]) => {
    const figures = [...document.querySelectorAll("#confusion .grid > figure")];
    return {
      gridChildren: document.querySelector("#confusion .grid")?.children.length ?? 0,
      panels: figures.map((f) => {
        const texts = [...f.querySelectorAll("text")];
        const visible = (t: Element) => {
          const r = t.getBoundingClientRect();
          return r.width > 0 && r.height > 0;
        };
        const shown = (s: string) => texts.filter((t) => t.textContent === s && visible(t)).length;
        // The counts in the cells: text marks outside the axes.
        const numbers = texts.filter((t) =>
          /^\d+$/.test(t.textContent ?? "") && !t.closest(".role-axis")
        );
        return {
          title: f.querySelector(".role-title-text text")?.textContent ?? "",
          labels: Object.fromEntries(classes.map((c) => [c, shown(c)])),
          axisTitles: shown("Predicted class") + shown("True class"),
          cells: f.querySelectorAll(".role-mark rect, .mark-rect path").length,
          numbers: numbers.length,
          smallestNumber: Math.min(...numbers.map((t) => t.getBoundingClientRect().height)),
        };
      }),
      captions: [...document.querySelectorAll("#architectures figcaption")].map((c) =>
        c.textContent
      ),
    };
  }, [...classes]);

async function openAll(page: Page) {
  await page.click("#toggle-all");
  await page.waitForFunction(() =>
    [...document.querySelectorAll("section.part > details")].every((d) =>
      (d as HTMLDetailsElement).open
    )
  );
}

/**
 * Checks one report page at both sizes; `bounds`: the largest page heights allowed, closed (as it
 * opens) and with every section open, per viewport width.
 */
async function checkReport(
  browser: Browser,
  file: string,
  models: string[],
  bounds: Record<number, { closed: number; open: number }>,
  screenshots?: string,
) {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    for (const v of VIEWPORTS) {
      const at = `${v.width}×${v.height}`;
      await page.setViewport({ ...v, deviceScaleFactor: 1 });
      await page.goto(`file://${file}`, { waitUntil: "load" });
      if (screenshots) {
        await page.screenshot({
          path: join(screenshots, `report_after_${at.replace("×", "x")}.png`),
        });
      }
      const closed = await layout(page);
      assert.ok(closed.height <= bounds[v.width].closed, `${at}: page ${closed.height} px tall`);
      assert.ok(closed.scrollWidth <= closed.innerWidth, `${at}: ${closed.scrollWidth} px wide`);
      // The summary in the first screen: all of it on a laptop, its start on a phone.
      assert.ok(closed.headline && closed.table && closed.chart, `${at}: summary parts`);
      if (v.width >= 1000) {
        for (const [name, b] of Object.entries({ ...closed })) {
          if (b && typeof b === "object") {
            assert.ok(b.bottom <= v.height, `${at}: ${name} ends at ${b.bottom}`);
          }
        }
      } else {
        assert.ok(closed.headline!.top < v.height && closed.table!.top < v.height, at);
      }
      // A contents link opens its section.
      await page.click('nav a[href="#confusion"]');
      assert.ok(await page.$eval("#confusion > details", (d) => (d as HTMLDetailsElement).open));
      await openAll(page);
      const open = await layout(page);
      assert.ok(open.height <= bounds[v.width].open, `${at}: open page ${open.height} px tall`);
      assert.ok(open.scrollWidth <= open.innerWidth, `${at}: open page ${open.scrollWidth} wide`);
      const shown = await panels(page, CLASS_NAMES);
      // One complete panel per model, nothing else in the grid.
      assert.deepEqual(shown.panels.map((p) => p.title), models, at);
      assert.equal(shown.gridChildren, models.length, `${at}: grid children`);
      for (const p of shown.panels) {
        for (const [c, count] of Object.entries(p.labels)) {
          assert.equal(count, 2, `${at}: ${p.title} shows "${c}" ${count} times, not on both axes`);
        }
        assert.equal(p.axisTitles, 2, `${at}: ${p.title} axis titles`);
        assert.ok(p.numbers >= 10, `${at}: ${p.title} has ${p.numbers} counts`);
        // 11 px text draws about 13 px high; below 10 it is no longer comfortable at 100%.
        assert.ok(p.smallestNumber >= 10, `${at}: ${p.title} numbers ${p.smallestNumber} px`);
      }
      assert.ok(shown.captions.length > 0, `${at}: no architecture captions`);
      assert.equal(new Set(shown.captions).size, shown.captions.length, `${shown.captions}`);
      for (const c of shown.captions) {
        assert.ok(models.includes(c!.split(" ")[0]), `${at}: caption ${c} names no model`);
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
}

Deno.test({
  name: "the report fits a screen in Chromium: fixture results at 1280×900 and 390×844",
  ignore: !CHROMIUM,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "report-browser-" });
    const browser = await launch();
    try {
      const models = await fixtureResults(dir);
      await rebuildReport(dir);
      const html = await Deno.readTextFile(join(dir, "index.html"));
      assert.ok(html.includes("cnn-best (architecture cnn)"), "caption by folder name");
      await checkReport(browser, join(dir, "index.html"), models.map((m) => m.model), {
        1280: { closed: 1800, open: 8000 },
        390: { closed: 3000, open: 12000 },
      });
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "results/index.html fits a screen in Chromium at 1280×900 and 390×844",
  ignore: !CHROMIUM || !(await Deno.stat(join(RESULTS, "index.html")).catch(() => null)),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const metrics = JSON.parse(await Deno.readTextFile(join(RESULTS, "metrics.json")));
    const browser = await launch();
    try {
      // Before this layout: 39,760 px at 1280 and 32,621 px (1,005 px wide) at 390.
      await checkReport(
        browser,
        join(RESULTS, "index.html"),
        metrics.models.map((m: { model: string }) => m.model),
        {
          1280: { closed: 2 * 900, open: 28000 },
          390: { closed: 4 * 844, open: 38000 },
        },
        Deno.env.get("REPORT_SCREENSHOTS"),
      );
    } finally {
      await browser.close();
    }
  },
});
