import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import { chromium, type Browser } from 'playwright-core';

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
