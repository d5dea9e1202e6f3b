import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decode } from 'fast-png';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProductRegistry } from '../../nodes/registry';
import { nodeServices } from '../../runtime/host/node';
import type { ModelService } from '../../runtime/models/service';
import type { RuntimeEvent } from '../../runtime/worker/protocol';
import { Runtime } from '../../runtime/worker/runtime';
import { build, preview } from 'vite';
import { launchBrowser } from './harness';

/**
 * graphs/text-to-image.json in Chromium through the app's built worker: onnxruntime-web on
 * the WebGPU EP (SwiftShader), the built-in model fetched from the app's ./models/. Its
 * images must match the wasm ones from Node. SwiftShader is a CPU emulation: two steps only.
 */
const ROOT = resolve(import.meta.dirname, '../..');
// our own build of the app: other suites rebuild dist/ while they run
const OUT = join(ROOT, 'node_modules/.cache/e2e/generate-app');
const STEPS = 2;

let server: { url: string; close(): Promise<void> };
let browser: Browser;
let page: Page;

async function serveApp(): Promise<typeof server> {
  const configFile = join(ROOT, 'vite.config.ts');
  await build({ configFile, logLevel: 'warn', build: { outDir: OUT, emptyOutDir: true } });
  const app = await preview({ configFile, logLevel: 'warn', build: { outDir: OUT }, preview: { host: '127.0.0.1', port: 0 } });
  const url = app.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, close: () => new Promise<void>((r) => app.httpServer.close(() => r())) };
}

beforeAll(async () => {
  server = await serveApp();
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(server.url);
  await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules/comlink/dist/umd/comlink.min.js'), 'utf8') });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function templateWith(steps: number) {
  const doc = JSON.parse(readFileSync(join(ROOT, 'graphs/text-to-image.json'), 'utf8'));
  doc.nodes.find((n: { id: string }) => n.id === 'generate').params.steps = steps;
  return doc;
}

function pixels(png: Uint8Array): Uint8Array {
  const image = decode(png);
  expect([image.width, image.height, image.channels]).toEqual([64, 64, 3]);
  return image.data as Uint8Array;
}

/** The same graph in Node on wasm: the reference images. */
async function runInNode(doc: unknown): Promise<Uint8Array> {
  const services = nodeServices();
  try {
    const events: RuntimeEvent[] = [];
    const summary = await new Runtime({ registry: createProductRegistry(), services }).run(doc, {}, (e) => events.push(e));
    expect(summary.status).toBe('ok');
    const preview = events.find((e) => e.type === 'node-preview' && e.nodeId === 'preview');
    if (preview?.type !== 'node-preview') throw new Error('no preview in Node');
    return pixels(preview.images[0].png);
  } finally {
    await (services.models as ModelService).dispose();
  }
}

describe('text-to-image in Chromium on WebGPU', () => {
  it('runs the template on the WebGPU EP and matches the wasm images', async () => {
    const doc = templateWith(STEPS);
    const worker = readdirSync(join(OUT, 'assets')).find((f) => /^worker-.*\.js$/.test(f));
    expect(worker, 'built worker in assets/').toBeDefined();
    const requests: string[] = [];
    const onRequest = (r: { url(): string }) => requests.push(r.url());
    page.on('request', onRequest);
    const result = await page.evaluate(
      async ({ url, doc }) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const Comlink = (globalThis as any).Comlink;
        const w = new Worker(url, { type: 'module' });
        try {
          const api = Comlink.wrap(w);
          const events: RuntimeEvent[] = [];
          const summary = await api.run(doc, {}, Comlink.proxy((e: RuntimeEvent) => events.push(e)));
          const preview = events.find((e) => e.type === 'node-preview' && e.nodeId === 'preview');
          return {
            summary,
            backend: events.filter((e) => e.type === 'backend'),
            progress: events.filter((e) => e.type === 'model-progress').length,
            png: preview?.type === 'node-preview' ? Array.from(preview.images[0].png) : null,
          };
        } finally {
          w.terminate();
        }
      },
      { url: new URL(`assets/${worker}`, server.url).href, doc },
    );
    page.off('request', onRequest);
    expect(result.summary.status, JSON.stringify(result.summary)).toBe('ok');
    // the worker's downloads are visible here, so the reload test below can trust an empty list
    expect(requests).toContain(new URL('models/tiny/unet/model.onnx', server.url).href);
    expect(result.backend).toEqual([{ type: 'backend', name: 'webgpu' }]);
    expect(result.progress).toBeGreaterThan(0);
    const gpu = pixels(Uint8Array.from(result.png ?? []));
    const cpu = await runInNode(doc);
    let diff = 0;
    for (let i = 0; i < cpu.length; i++) diff += Math.abs(cpu[i] - gpu[i]);
    const mean = diff / cpu.length;
    console.info(`WebGPU vs wasm: mean abs pixel difference ${mean.toFixed(3)} / 255`);
    expect(mean).toBeLessThan(2);
  }, 600_000);

  it('loads the model from Cache Storage after a reload, without downloading it again', async () => {
    const worker = readdirSync(join(OUT, 'assets')).find((f) => /^worker-.*\.js$/.test(f))!;
    const requests: string[] = [];
    const onRequest = (r: { url(): string }) => requests.push(r.url());
    page.on('request', onRequest);
    try {
      const status = await page.evaluate(
        async ({ url, doc }) => {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          const Comlink = (globalThis as any).Comlink;
          const w = new Worker(url, { type: 'module' });
          try {
            const summary = await Comlink.wrap(w).run(doc, { targets: ['model'] }, Comlink.proxy(() => {}));
            return summary.status;
          } finally {
            w.terminate();
          }
        },
        { url: new URL(`assets/${worker}`, server.url).href, doc: templateWith(STEPS) },
      );
      expect(status).toBe('ok');
      expect(requests.filter((u) => u.includes('/models/'))).toEqual([]);
    } finally {
      page.off('request', onRequest);
    }
  }, 300_000);
});
