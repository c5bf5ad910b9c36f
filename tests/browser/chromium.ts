/**
 * Drives a headless Chromium over the Chrome DevTools Protocol, straight from Deno's WebSocket
 * (no npm package): launch with WebGPU enabled, open pages, evaluate expressions, set file
 * inputs, take screenshots, and collect the page's console and uncaught errors.
 *
 * Flags: `--headless=new --no-sandbox --enable-unsafe-webgpu` (WebGPU's software adapter,
 * SwiftShader, is blocklisted without the last; root needs the sandbox off), and a fake camera
 * so the Predict tab's camera path runs headless.
 */

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

type Listener = (params: Record<string, unknown>) => void;

/** One CDP session on a WebSocket (a page's target). */
class Session {
  private next = 1;
  private pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private listeners = new Map<string, Listener[]>();
  private closed: Error | null = null;

  private constructor(private ws: WebSocket) {
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data as string);
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`${msg.error.message} ${msg.error.data ?? ""}`));
        else p?.resolve(msg.result);
      } else {
        for (const l of this.listeners.get(msg.method) ?? []) l(msg.params);
      }
    };
    ws.onclose = () => {
      this.closed = new Error("the DevTools connection closed");
      for (const p of this.pending.values()) p.reject(this.closed);
      this.pending.clear();
    };
  }

  static open(url: string): Promise<Session> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(new Session(ws));
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}) {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(method: string, listener: Listener) {
    const list = this.listeners.get(method) ?? [];
    list.push(listener);
    this.listeners.set(method, list);
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close();
  }
}

/** A tab: evaluate, wait, upload files, screenshot; `log` holds its console and errors. */
export class Page {
  readonly log: string[] = [];
  readonly errors: string[] = [];

  constructor(private session: Session, readonly targetId: string, echo: boolean) {
    session.on("Runtime.consoleAPICalled", (p) => {
      const args = (p.args as { value?: unknown; description?: string }[])
        .map((a) => a.value ?? a.description ?? "").join(" ");
      const line = `[page ${p.type}] ${args}`;
      this.log.push(line);
      if (echo) console.error(line);
    });
    session.on("Runtime.exceptionThrown", (p) => {
      const d = p.exceptionDetails as { text: string; exception?: { description?: string } };
      const line = `${d.text} ${d.exception?.description ?? ""}`.trim();
      this.errors.push(line);
      if (echo) console.error(`[page error] ${line}`);
    });
  }

  static async attach(wsUrl: string, targetId: string, echo: boolean): Promise<Page> {
    const session = await Session.open(wsUrl);
    const page = new Page(session, targetId, echo);
    await session.send("Runtime.enable");
    await session.send("Page.enable");
    await session.send("DOM.enable");
    return page;
  }

  /** Runs `source` in every document of this tab before its own scripts. */
  async addScriptBeforeLoad(source: string) {
    await this.session.send("Page.addScriptToEvaluateOnNewDocument", { source });
  }

  /** Loads `url` and waits for its load event. */
  async goto(url: string) {
    const loaded = new Promise<void>((resolve) => {
      let done = false;
      this.session.on("Page.loadEventFired", () => {
        if (!done) resolve();
        done = true;
      });
    });
    await this.session.send("Page.navigate", { url });
    await loaded;
  }

  /**
   * The value of `expression` evaluated in the page (awaited when it is a promise), returned by
   * value (JSON). A thrown error rejects with the page's message.
   */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.session.send<{
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new Error(`in the page: ${d.exception?.description ?? d.text}`);
    }
    return r.result.value as T;
  }

  /** Polls `expression` until it is truthy, then returns its value; throws after `timeoutMs`. */
  async waitFor<T>(expression: string, timeoutMs: number, everyMs = 250): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.evaluate<T>(expression);
      if (v) return v;
      if (Date.now() > until) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** Sets the files of the `<input type=file>` matching `selector` (fires its change event). */
  async setFiles(selector: string, paths: string[]) {
    const { root } = await this.session.send<{ root: { nodeId: number } }>("DOM.getDocument", {
      depth: 0,
    });
    const { nodeId } = await this.session.send<{ nodeId: number }>("DOM.querySelector", {
      nodeId: root.nodeId,
      selector,
    });
    if (!nodeId) throw new Error(`no element matches ${selector}`);
    await this.session.send("DOM.setFileInputFiles", { nodeId, files: paths });
  }

  /** Where downloads go (Browser.setDownloadBehavior), so a test can read what the page saved. */
  async allowDownloads(dir: string) {
    await this.session.send("Browser.setDownloadBehavior", {
      behavior: "allow",
      downloadPath: dir,
      eventsEnabled: true,
    });
  }

  /** A PNG of the viewport, `width`×`height` CSS pixels (the page scrolled to the top). */
  async screenshot(width: number, height: number): Promise<Uint8Array> {
    await this.session.send("Emulation.setDeviceMetricsOverride", {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    });
    const r = await this.session.send<{ data: string }>("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: false,
    });
    return Uint8Array.from(atob(r.data), (c) => c.charCodeAt(0));
  }

  close() {
    this.session.close();
  }
}

/** A running headless Chromium. */
export class Chromium {
  private constructor(
    private process: Deno.ChildProcess,
    private port: number,
    private profile: string,
    private browserWs: string,
    readonly version: string,
  ) {}

  /**
   * Starts Chromium headless with WebGPU on (`webgpu: false`: as Chromium comes, where the
   * software adapter is blocklisted), a fresh profile, DevTools on a free port. Throws when
   * `executable` does not print its DevTools address within `timeoutMs`.
   */
  static async launch(
    executable: string,
    opts: { webgpu?: boolean; timeoutMs?: number } = {},
  ): Promise<Chromium> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
    const process = new Deno.Command(executable, {
      args: [
        "--headless=new",
        "--no-sandbox",
        ...(opts.webgpu === false ? [] : ["--enable-unsafe-webgpu"]),
        "--remote-debugging-port=0",
        `--user-data-dir=${profile}`,
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-dev-shm-usage",
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        "--hide-scrollbars",
        "--window-size=1280,1000",
        "about:blank",
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const reader = process.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const found = await Promise.race([
      (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return null;
          text += value;
          const m = text.match(/DevTools listening on (ws:\/\/[^\s]+)/);
          if (m) return m[1];
        }
      })(),
      new Promise<null>((r) => timer = setTimeout(() => r(null), timeoutMs)),
    ]);
    clearTimeout(timer);
    if (!found) {
      try {
        process.kill("SIGKILL");
      } catch {
        // already gone
      }
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw new Error(`${executable} printed no DevTools address: ${text.slice(0, 500)}`);
    }
    // Keep draining stderr so Chromium never blocks on a full pipe.
    (async () => {
      try {
        while (!(await reader.read()).done) { /* drain */ }
      } catch { /* closed */ }
    })();
    const port = Number(new URL(found).port);
    const version = await (await fetch(`http://127.0.0.1:${port}/json/version`)).json();
    return new Chromium(process, port, profile, found, version.Browser as string);
  }

  /**
   * A new tab showing `url` (loaded), with its console echoed on stderr when `echo`;
   * `beforeLoad` is a script run in every document before the page's own (to take an API away).
   */
  async newPage(url: string, echo = false, beforeLoad?: string): Promise<Page> {
    const r = await fetch(`http://127.0.0.1:${this.port}/json/new?about:blank`, { method: "PUT" });
    const target = await r.json() as { id: string; webSocketDebuggerUrl: string };
    const page = await Page.attach(target.webSocketDebuggerUrl, target.id, echo);
    if (beforeLoad) await page.addScriptBeforeLoad(beforeLoad);
    await page.goto(url);
    return page;
  }

  async closePage(page: Page) {
    page.close();
    await fetch(`http://127.0.0.1:${this.port}/json/close/${page.targetId}`).then((r) =>
      r.body?.cancel()
    );
  }

  async close() {
    try {
      this.process.kill("SIGTERM");
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        this.process.kill("SIGKILL");
      } catch { /* gone */ }
    }, 5000);
    await this.process.status;
    clearTimeout(timer);
    await Deno.remove(this.profile, { recursive: true }).catch(() => {});
    void this.browserWs;
  }
}
