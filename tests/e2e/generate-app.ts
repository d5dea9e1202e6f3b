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
 * Model folders to register before the run, as the editor's "Model folder…" does with an
 * `<input webkitdirectory>`: each name gets the Files fetched from `base` + path (the test
 * server), named "<name>/<path>" as a picked folder's files are.
 */
export type WorkerFolders = Record<string, { base: string; paths: string[] }>;

/**
 * Runs a graph in a fresh module Worker started from the page (needs comlink's UMD build
 * on the page); the worker is terminated after. Preview PNGs and saved files come back as plain arrays.
 * `folders` are registered in that worker first.
 */
export async function runInWorker(page: Page, workerUrl: string, doc: unknown, options: { targets?: string[] } = {}, folders: WorkerFolders = {}): Promise<WorkerRun> {
  const result = await page.evaluate(
    async ({ workerUrl, doc, options, folders }) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const Comlink = (globalThis as any).Comlink;
      const w = new Worker(workerUrl, { type: 'module' });
      try {
        // these runs check WebGPU: pin each model there, or a software adapter (SwiftShader, as
        // here) would hand it to wasm (runtime/models/service/backend-trial.ts)
        const models = (doc as { nodes?: { type: string; params?: { source?: string } }[] }).nodes ?? [];
        for (const n of models) if (n.type === 'Model') await Comlink.wrap(w).setBackend(n.params?.source ?? 'builtin:tiny', 'webgpu');
        const runtime = Comlink.wrap(w);
        for (const [name, { base, paths }] of Object.entries(folders)) {
          // bytes in memory (not the fetched response's blob): a second run's cached responses
          // handed to the worker as blobs left it waiting now and then
          const files = await Promise.all(paths.map(async (path) => new File([await (await fetch(new URL(path, base))).arrayBuffer()], `${name}/${path}`)));
          await runtime.registerFolder(name, files);
        }
        const events: RuntimeEvent[] = [];
        const start = performance.now();
        const summary = await runtime.run(doc, options, Comlink.proxy((e: RuntimeEvent) => events.push(e)));
        const ms = performance.now() - start;
        const plain = events.map((e) =>
          e.type === 'node-preview'
            ? { ...e, images: e.images.map((i) => ({ ...i, png: Array.from(i.png) })) }
            : e.type === 'file' ? { ...e, bytes: Array.from(e.bytes) } : e,
        );
        return { summary, events: plain, ms };
      } finally {
        w.terminate();
      }
    },
    { workerUrl, doc, options, folders },
  );
  const events = result.events.map((e) =>
    e.type === 'node-preview'
      ? { ...e, images: e.images.map((i) => ({ ...i, png: Uint8Array.from(i.png as unknown as number[]) })) }
      : e.type === 'file' ? { ...e, bytes: Uint8Array.from(e.bytes as unknown as number[]) } : e,
  ) as RuntimeEvent[];
  return { summary: result.summary, events, ms: result.ms };
}
