import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import { staticAssets } from '../../build/static-assets';
import type { Page } from 'playwright-core';
import type { RunSummary, RuntimeEvent } from '../../runtime/events';

/**
 * The runtime worker (worker/runtime-worker.ts, the app's worker entry) built on its own with
 * the app's static assets (./ort/, ./models/) and a blank page, served on 127.0.0.1 (a secure
 * context, so navigator.gpu exists). Built apart from the editor and from dist/: other suites
 * rebuild dist/ while they run, and an editor change in progress must not stop these checks.
 */
const ROOT = resolve(import.meta.dirname, '../..');

export interface GenerateApp {
  url: string;
  /** URL of the built runtime worker. */
  workerUrl: string;
  close(): Promise<void>;
}

export async function serveGenerateApp(name = 'generate-app'): Promise<GenerateApp> {
  const outDir = join(ROOT, 'node_modules/.cache/e2e', name);
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    plugins: [staticAssets(ROOT)],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      lib: { entry: join(ROOT, 'worker/runtime-worker.ts'), formats: ['es'], fileName: () => 'worker.js' },
    },
  });
  writeFileSync(join(outDir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>runtime</title>');
  const app = await preview({ configFile: false, root: ROOT, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  const url = app.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return {
    url,
    workerUrl: new URL('worker.js', url).href,
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
        // these runs check WebGPU: pin each model there, or a software adapter (SwiftShader, as
        // here) would hand it to wasm (runtime/models/service/backend-trial.ts)
        const models = (doc as { nodes?: { type: string; params?: { source?: string } }[] }).nodes ?? [];
        for (const n of models) if (n.type === 'Model') await Comlink.wrap(w).setBackend(n.params?.source ?? 'builtin:tiny', 'webgpu');
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
