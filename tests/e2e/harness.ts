import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * End-to-end harness: builds the app once per test run, serves dist/ on 127.0.0.1 (a secure
 * context, so navigator.gpu exists) and launches Debian's Chromium with WebGPU on SwiftShader.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = join(ROOT, 'vite.config.ts');
const CACHE = join(ROOT, 'node_modules/.cache/e2e');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-unsafe-swiftshader',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One build per vitest run: test files run in worker processes that share the parent pid. */
async function buildOnce(): Promise<void> {
  if (process.env.E2E_SKIP_BUILD === '1' && existsSync(join(ROOT, 'dist/index.html'))) return;
  const runKey = String(process.env.VITEST_RUN_KEY ?? process.ppid);
  const done = join(CACHE, `build-${runKey}.done`);
  const lock = join(CACHE, `build-${runKey}.lock`);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (existsSync(done)) {
      const failure = readFileSync(done, 'utf8');
      if (failure) throw new Error(`app build failed: ${failure}`);
      return;
    }
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch {
      await sleep(250);
      continue;
    }
    closeSync(fd);
    try {
      // vitest sets NODE_ENV=test, which would make React's development build: test what ships.
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        await build({ configFile: CONFIG, logLevel: 'warn', mode: 'production' });
      } finally {
        process.env.NODE_ENV = nodeEnv;
      }
      writeFileSync(done, '');
    } catch (error) {
      writeFileSync(done, error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** Builds the app (once per run) and serves it on a free loopback port. */
export async function startServer(): Promise<AppServer> {
  await buildOnce();
  const server = await preview({
    configFile: CONFIG,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return {
    url,
    close: () => new Promise<void>((res) => server.httpServer.close(() => res())),
  };
}

/** Launches Chromium; close the browser in afterAll. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (see .ci/run)`);
  }
  // Playwright gives every launch its own fresh, temporary profile.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/** Anything served on a URL that the tests close afterwards (the app, a runtime-only build). */
export interface Served {
  url: string;
  close(): Promise<void>;
}

export interface PageOptions {
  /** The page's viewport; Playwright's default (1280x720) when absent. */
  viewport?: { width: number; height: number };
  /** A selector to wait for after loading, e.g. the editor's canvas. */
  waitFor?: string;
  /** Adds comlink's UMD build to the page (global `Comlink`), for driving workers from it. */
  comlink?: boolean;
}

/** Opens `url` in a fresh browser context; close it with `page.context().close()` (or the browser). */
export async function openPage(browser: Browser, url: string, options: PageOptions = {}): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, ...(options.viewport ? { viewport: options.viewport } : {}) });
  const page = await context.newPage();
  await page.goto(url);
  if (options.waitFor) await page.waitForSelector(options.waitFor);
  if (options.comlink) await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules/comlink/dist/umd/comlink.min.js'), 'utf8') });
  return page;
}

export interface BootOptions<S extends Served> {
  /** What to serve; the built app (startServer) by default. */
  serve?: () => Promise<S>;
  /** Which browser; launchBrowser (WebGPU on SwiftShader) by default. */
  launch?: () => Promise<Browser>;
}

export interface Booted<S extends Served> {
  server: S;
  browser: Browser;
  /** Closes the browser, then the server. */
  close(): Promise<void>;
}

/** Serves the app (or `serve`) and launches the browser; call close() in afterAll. */
export async function startBrowser<S extends Served = AppServer>(options: BootOptions<S> = {}): Promise<Booted<S>> {
  const server = await (options.serve ?? (startServer as unknown as () => Promise<S>))();
  let browser: Browser;
  try {
    browser = await (options.launch ?? launchBrowser)();
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * The usual e2e boot: serve, launch, open one page on the served URL (see PageOptions).
 *   let app: BootedPage; beforeAll(async () => { app = await bootPage({ ... }); page = app.page; });
 *   afterAll(() => app?.close());
 */
export interface BootedPage<S extends Served> extends Booted<S> {
  page: Page;
}

export async function bootPage<S extends Served = AppServer>(options: BootOptions<S> & PageOptions = {}): Promise<BootedPage<S>> {
  const booted = await startBrowser(options);
  try {
    return { ...booted, page: await openPage(booted.browser, booted.server.url, options) };
  } catch (error) {
    await booted.close();
    throw error;
  }
}
