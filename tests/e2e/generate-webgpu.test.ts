import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decode } from 'fast-png';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProductRegistry } from '../../nodes/product';
import { nodeServices } from '../../runtime/api/node-host';
import type { ModelService } from '../../runtime/models/service/model-service';
import type { RuntimeEvent } from '../../runtime/events';
import { Runtime } from '../../runtime/api/runtime';
import { runInWorker, serveGenerateApp, type GenerateApp } from './generate-app';
import { bootPage, type BootedPage } from './harness';

/**
 * graphs/text-to-image.json in Chromium through the runtime worker: onnxruntime-web on
 * the WebGPU EP (SwiftShader), the built-in model fetched from the app's ./models/. Its
 * images must match the wasm ones from Node. SwiftShader is a CPU emulation: two steps only.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const STEPS = 2;

let app: GenerateApp;
let booted: BootedPage<GenerateApp>;
let page: Page;

beforeAll(async () => {
  booted = await bootPage({ serve: () => serveGenerateApp(), comlink: true });
  ({ server: app, page } = booted);
});

afterAll(() => booted?.close());

function templateWith(steps: number) {
  const doc = JSON.parse(readFileSync(join(ROOT, 'graphs/text-to-image.json'), 'utf8'));
  doc.nodes.find((n: { id: string }) => n.id === 'generate').params.steps = steps;
  return doc;
}

/** The template with a batch: prompts separated by blank lines, and a SeedSet on Generate's `seeds`. */
function batchTemplate(steps: number, prompts: string[], seeds: number[]) {
  const doc = templateWith(steps);
  doc.nodes.find((n: { id: string }) => n.id === 'prompt').params.text = prompts.join('\n\n');
  doc.nodes.push({ id: 'seeds', type: 'SeedSet', params: { mode: 'list', seeds }, position: [280, 240] });
  doc.edges.push({ from: ['seeds', 'seeds'], to: ['generate', 'seeds'] });
  return doc;
}

/** Every image of the Preview node, as RGB pixels. */
function previewImages(events: RuntimeEvent[]): Uint8Array[] {
  const preview = events.find((e) => e.type === 'node-preview' && e.nodeId === 'preview');
  if (preview?.type !== 'node-preview') throw new Error('no preview');
  return preview.images.map((png) => {
    const image = decode(png.png);
    expect([image.width, image.height, image.channels]).toEqual([64, 64, 3]);
    return image.data as Uint8Array;
  });
}

const previewPixels = (events: RuntimeEvent[]): Uint8Array => previewImages(events)[0];

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
  return diff / a.length;
}

/** The same graph in Node on wasm: the reference images. */
async function runInNode(doc: unknown): Promise<Uint8Array[]> {
  const services = nodeServices();
  try {
    const events: RuntimeEvent[] = [];
    const summary = await new Runtime({ registry: createProductRegistry(), services }).run(doc, {}, (e) => events.push(e));
    expect(summary.status).toBe('ok');
    return previewImages(events);
  } finally {
    await (services.models as ModelService).dispose();
  }
}

/** Records the page's requests (a dedicated worker's fetches included) while `fn` runs. */
async function requestsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; requests: string[] }> {
  const requests: string[] = [];
  const onRequest = (r: { url(): string; method(): string }) => requests.push(r.method() === 'GET' ? r.url() : `${r.method()} ${r.url()}`);
  page.on('request', onRequest);
  try {
    return { result: await fn(), requests };
  } finally {
    page.off('request', onRequest);
  }
}

describe('text-to-image in Chromium on WebGPU', () => {
  it('runs the template on the WebGPU EP and matches the wasm images', async () => {
    const doc = templateWith(STEPS);
    const { result, requests } = await requestsDuring(() => runInWorker(page, app.workerUrl, doc));
    expect(result.summary.status, JSON.stringify(result.summary)).toBe('ok');
    expect(result.events.filter((e) => e.type === 'backend')).toEqual([{ type: 'backend', name: 'webgpu' }]);
    expect(result.events.some((e) => e.type === 'model-progress')).toBe(true);
    // the worker's downloads are visible here, so the reload test below can trust an empty list
    expect(requests).toContain(new URL('models/tiny/unet/model.onnx', app.url).href);
    // onnxruntime-web's wasm comes from the app's ./ort/ folder (ort.env.wasm.wasmPaths)
    expect(requests.filter((u) => /\/ort\/ort-wasm-simd-threaded\.\w+\.wasm$/.test(u)).length).toBeGreaterThan(0);
    const gpu = previewPixels(result.events);
    const [cpu] = await runInNode(doc);
    const mean = meanAbsDiff(cpu, gpu);
    console.info(`WebGPU vs wasm: mean abs pixel difference ${mean.toFixed(3)} / 255 (${result.ms.toFixed(0)} ms in Chromium)`);
    expect(mean).toBeLessThan(2);
  }, 600_000);

  // The editor once failed here with `[WebGPU] Kernel "[Add] Add_6" failed` for 4 prompts or 4 seeds:
  // a batch runs B*S latent rows (2*B*S UNet rows with guidance) through the UNet and the step graph.
  it('runs a batch (2 prompts x 2 seeds) on the WebGPU EP and matches the wasm images', async () => {
    const doc = batchTemplate(STEPS, ['a red circle on a blue background', 'a green square on a white background'], [7, 1332]);
    const result = await runInWorker(page, app.workerUrl, doc);
    expect(result.summary.status, JSON.stringify(result.summary)).toBe('ok');
    expect(result.events.filter((e) => e.type === 'node-error')).toEqual([]);
    const gpu = previewImages(result.events);
    const cpu = await runInNode(doc);
    expect(gpu.length).toBe(4);
    expect(cpu.length).toBe(4);
    const means = cpu.map((c, i) => meanAbsDiff(c, gpu[i]));
    console.info(`WebGPU vs wasm, batch of 4: mean abs pixel differences ${means.map((m) => m.toFixed(3)).join(', ')} / 255 (${result.ms.toFixed(0)} ms)`);
    for (const m of means) expect(m).toBeLessThan(2);
    // embedding-major: images 0 and 1 share a prompt, 0 and 2 a seed; all four differ
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(meanAbsDiff(gpu[i], gpu[j])).toBeGreaterThan(1);
  }, 600_000);

  it('loads the model from Cache Storage after a reload, checking it with HEAD requests only', async () => {
    const { result, requests } = await requestsDuring(() => runInWorker(page, app.workerUrl, templateWith(STEPS), { targets: ['model'] }));
    expect(result.summary.status).toBe('ok');
    // one HEAD per cached file checks it is unchanged; nothing is downloaded again
    const models = requests.filter((u) => u.includes('/models/'));
    expect(models.filter((u) => !u.startsWith('HEAD '))).toEqual([]);
    expect(models).toContain(`HEAD ${new URL('models/tiny/unet/model.onnx', app.url).href}`);
  }, 300_000);
});
