/**
 * Headless Chromium for the browser tests and measurements, driven by puppeteer-core (npm; the
 * DevTools-protocol client the Chrome team keeps) with the system's Chromium: launch with WebGPU
 * on, serve the workbench, poll the page's state, collect its console and uncaught errors.
 *
 * Flags: `--no-sandbox` (root needs the sandbox off) and `--enable-unsafe-webgpu` (WebGPU's
 * software adapter, SwiftShader, is blocklisted without it), a fake camera so the Predict tab's
 * camera path runs headless, and no background throttling (a training page must keep running).
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { join } from "node:path";

export type { Browser, Page };

const ROOT = new URL("../../", import.meta.url).pathname;

/** Where Chromium is looked for: $CHROMIUM, then Debian's and Google's usual paths. */
export function findChromium(): string | null {
  const candidates = [
    Deno.env.get("CHROMIUM"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      if (Deno.statSync(c).isFile) return c;
    } catch {
      // not there
    }
  }
  return null;
}

/**
 * Starts Chromium headless at `executable` with WebGPU on (`webgpu: false`: as Chromium comes,
 * where the software adapter is blocklisted) and a 1280×1000 viewport.
 */
export function launchChromium(
  executable: string,
  opts: { webgpu?: boolean } = {},
): Promise<Browser> {
  return puppeteer.launch({
    executablePath: executable,
    headless: true,
    defaultViewport: { width: 1280, height: 1000 },
    protocolTimeout: 1_800_000,
    args: [
      "--no-sandbox",
      ...(opts.webgpu === false ? [] : ["--enable-unsafe-webgpu"]),
      "--disable-dev-shm-usage",
      "--disable-background-timer-throttling",
      "--disable-renderer-backgrounding",
      "--disable-backgrounding-occluded-windows",
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      "--hide-scrollbars",
    ],
  });
}

/** A page's console lines and uncaught errors, collected as they come (echoed when `echo`). */
export interface PageLog {
  log: string[];
  errors: string[];
}

/**
 * A new tab showing `url` (loaded), its console and errors collected; `beforeLoad` is a script
 * run in every document before the page's own (to take an API away).
 */
export async function openPage(
  browser: Browser,
  url: string,
  opts: { echo?: boolean; beforeLoad?: string } = {},
): Promise<{ page: Page } & PageLog> {
  const page = await browser.newPage();
  page.setDefaultTimeout(900_000);
  const log: string[] = [];
  const errors: string[] = [];
  page.on("console", (m) => {
    const line = `[page ${m.type()}] ${m.text()}`;
    log.push(line);
    if (opts.echo) console.error(line);
  });
  page.on("pageerror", (e) => {
    const line = e instanceof Error ? `${e.message}` : String(e);
    errors.push(line);
    if (opts.echo) console.error(`[page error] ${line}`);
  });
  if (opts.beforeLoad) await page.evaluateOnNewDocument(opts.beforeLoad);
  await page.goto(url, { waitUntil: "load" });
  return { page, log, errors };
}

/**
 * The value of `expression` (a JavaScript expression, awaited when a promise) evaluated in the
 * page, returned by value (JSON). A thrown error rejects with the page's message.
 */
export function evaluate<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** Polls `expression` until it is truthy, then returns its value; throws after `timeoutMs`. */
export async function waitFor<T>(
  page: Page,
  expression: string,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const handle = await page.waitForFunction(expression, { timeout: timeoutMs, polling: everyMs });
  const value = await handle.jsonValue();
  await handle.dispose();
  return value as T;
}

/** Starts `deno task serve --port 0` and returns its URL and a stop function. */
export async function startServe(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "src/cli/serve.ts"), "--port", "0"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let url: string | null = null;
  while (!url) {
    const { value, done } = await out.read();
    if (done) {
      const err = await new Response(child.stderr).text();
      throw new Error(`deno task serve exited before serving: ${text} ${err}`);
    }
    text += value;
    url = text.match(/http:\/\/127\.0\.0\.1:\d+\//)?.[0] ?? null;
  }
  return {
    url,
    stop: async () => {
      child.kill();
      await child.status;
      await out.cancel().catch(() => {});
      await child.stderr.cancel().catch(() => {});
    },
  };
}

/** Sets the files of the `<input type=file>` matching `selector` (fires its change event). */
export async function setFiles(page: Page, selector: string, paths: string[]) {
  const input = await page.$(selector);
  if (!input) throw new Error(`no element matches ${selector}`);
  await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(...paths);
  await input.dispose();
}

/**
 * Where downloads go, so a test can read what the page saved; returns how many downloads Chromium
 * has finished writing so far.
 */
export async function allowDownloads(page: Page, dir: string): Promise<() => number> {
  const cdp = await page.createCDPSession();
  let completed = 0;
  // Chromium says when a download's bytes are all written: a file that merely exists may still
  // be being written.
  cdp.on("Browser.downloadProgress", (e: { state: string }) => {
    if (e.state === "completed") completed++;
  });
  await cdp.send("Browser.setDownloadBehavior", {
    behavior: "allow",
    downloadPath: dir,
    eventsEnabled: true,
  });
  return () => completed;
}

/** A PNG of the viewport at `width`×`height` CSS pixels (the page scrolled to the top). */
export async function screenshot(page: Page, width: number, height: number): Promise<Uint8Array> {
  await page.setViewport({ width, height, deviceScaleFactor: 1 });
  await page.evaluate("scrollTo(0, 0)");
  return await page.screenshot({ type: "png" });
}

/**
 * Waits until the Train tab's run has ended (done, failed, cancelled), answering yes to the
 * questions it asks on the way (discard the last model; start a long run). Throws after
 * `timeoutMs`.
 */
export async function finishRun(page: Page, timeoutMs = 3_600_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await evaluate<string>(
      page,
      `(() => {
        if (document.getElementById('ask').open) {
          document.getElementById('ask-yes').click();
          return 'asked';
        }
        return workbench.trainState().status;
      })()`,
    );
    if (["done", "failed", "cancelled"].includes(s)) return;
    if (Date.now() > until) throw new Error(`the run did not end in ${timeoutMs} ms (${s})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
