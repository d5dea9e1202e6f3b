import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import type { Page } from 'playwright-core';
import type { RunSummary, RuntimeEvent } from '../../runtime/worker/protocol';

/**
 * The app built into its own folder and served on 127.0.0.1, for the text-to-image e2e test
 * and the WebGPU benchmark (other suites rebuild dist/ while they run).
 */
const ROOT = resolve(import.meta.dirname, '../..');

export interface GenerateApp {
  url: string;
  /** URL of the built runtime worker (assets/worker-*.js). */
  workerUrl: string;
  close(): Promise<void>;
}

export async function serveGenerateApp(name = 'generate-app'): Promise<GenerateApp> {
  const outDir = join(ROOT, 'node_modules/.cache/e2e', name);
  const configFile = join(ROOT, 'vite.config.ts');
  await build({ configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const app = await preview({ configFile, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  const url = app.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  const worker = readdirSync(join(outDir, 'assets')).find((f) => /^worker-.*\.js$/.test(f));
  if (!worker) throw new Error(`no built worker in ${outDir}/assets`);
  return {
    url,
    workerUrl: new URL(`assets/${worker}`, url).href,
    close: () => new Promise<void>((r) => app.httpServer.close(() => r())),
  };
}

export interface WorkerRun {
  summary: RunSummary;
  events: RuntimeEvent[];
  ms: number;
}

/**
 * Runs a graph in a fresh module Worker started from the page (needs comlink's UMD build
 * on the page); the worker is terminated after. Preview PNGs come back as plain arrays.
 */
export async function runInWorker(page: Page, workerUrl: string, doc: unknown, options: { targets?: string[] } = {}): Promise<WorkerRun> {
  const result = await page.evaluate(
    async ({ workerUrl, doc, options }) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const Comlink = (globalThis as any).Comlink;
      const w = new Worker(workerUrl, { type: 'module' });
      try {
        const events: RuntimeEvent[] = [];
        const start = performance.now();
        const summary = await Comlink.wrap(w).run(doc, options, Comlink.proxy((e: RuntimeEvent) => events.push(e)));
        const ms = performance.now() - start;
        const plain = events.map((e) =>
          e.type === 'node-preview' ? { ...e, images: e.images.map((i) => ({ ...i, png: Array.from(i.png) })) } : e,
        );
        return { summary, events: plain, ms };
      } finally {
        w.terminate();
      }
    },
    { workerUrl, doc, options },
  );
  const events = result.events.map((e) =>
    e.type === 'node-preview' ? { ...e, images: e.images.map((i) => ({ ...i, png: Uint8Array.from(i.png as unknown as number[]) })) } : e,
  ) as RuntimeEvent[];
  return { summary: result.summary, events, ms: result.ms };
}
