import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import type { Page } from 'playwright-core';
import { bootPage, type AppServer, type BootedPage } from './harness';

/**
 * The runtime behind comlink in a real module Worker in Chromium: the model-free test worker
 * (tests/e2e/pages/runtime-test-worker.ts, built here as one ES file and started from a blob
 * URL) for Slerp -> Preview with PNG transferables, queueing and cancellation; and the app's
 * own built worker (dist/assets/runtime-worker-*.js) for the product node list and a SeedSet run.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'node_modules/.cache/e2e/runtime-test-worker');

let app: BootedPage<AppServer>;
let server: AppServer;
let page: Page;
let testWorkerSource: string;

async function buildTestWorker(): Promise<string> {
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    build: {
      outDir: OUT,
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
      lib: { entry: join(ROOT, 'tests/e2e/pages/runtime-test-worker.ts'), formats: ['es'], fileName: () => 'worker.js' },
    },
  });
  return readFileSync(join(OUT, 'worker.js'), 'utf8');
}

beforeAll(async () => {
  [app, testWorkerSource] = await Promise.all([bootPage({ comlink: true }), buildTestWorker()]);
  ({ server, page } = app);
});

afterAll(() => app?.close());

const graph = (nodes: [string, string, Record<string, unknown>?][], edges: [string, string, string, string][] = []) => ({
  format: 'embedding-studio/graph',
  version: 1,
  nodes: nodes.map(([id, type, params]) => ({ id, type, params: params ?? {} })),
  edges: edges.map(([a, ap, b, bp]) => ({ from: [a, ap], to: [b, bp] })),
});

/** Runs `script` in the page with `Comlink`, a started worker (`api`) and helpers; terminates the worker after. */
type PageScript = (env: { api: any; Comlink: any; collect: () => { events: any[]; callback: unknown } }, arg: any) => Promise<unknown>;
async function inWorker(workerUrl: string | { source: string }, script: PageScript, arg?: unknown): Promise<any> {
  return page.evaluate(
    async ({ workerUrl, script, arg }) => {
      const Comlink = (globalThis as any).Comlink;
      const url = typeof workerUrl === 'string' ? workerUrl : URL.createObjectURL(new Blob([workerUrl.source], { type: 'text/javascript' }));
      const worker = new Worker(url, { type: 'module' });
      try {
        const api = Comlink.wrap(worker);
        const collect = () => {
          const events: any[] = [];
          return { events, callback: Comlink.proxy((e: unknown) => events.push(e)) };
        };
        const fn = new Function(`return (${script})`)();
        return await fn({ api, Comlink, collect }, arg);
      } finally {
        worker.terminate();
      }
    },
    { workerUrl, script: script.toString(), arg },
  );
}

describe('runtime worker in Chromium', () => {
  it('runs Slerp -> Preview and delivers previews as PNG bytes through the proxied callback', async () => {
    const doc = graph(
      [['a', 'ConstEmbedding', { values: [1, 0, 1, 0] }], ['b', 'ConstEmbedding', { values: [1, 0, 0, 1] }], ['s', 'Slerp', { t: [0, 0.5, 1] }], ['img', 'EmbeddingImage'], ['show', 'Preview']],
      [['a', 'embedding', 's', 'a'], ['b', 'embedding', 's', 'b'], ['s', 'embedding', 'img', 'embedding'], ['img', 'image', 'show', 'image']],
    );
    const result = await inWorker({ source: testWorkerSource }, async ({ api, collect }, doc) => {
      const { events, callback } = collect();
      const summary = await api.run(doc, {}, callback);
      const again = await api.run(doc, {}, collect().callback);
      const preview = events.find((e) => e.type === 'node-preview');
      return {
        summary,
        cachedSlerp: again.nodes.s,
        types: events.map((e) => e.type),
        images: preview.images.map((i: any) => ({ w: i.width, h: i.height, bytes: i.png instanceof Uint8Array, sig: Array.from(i.png.slice(1, 4)) })),
      };
    }, doc);
    expect(result.summary.status).toBe('ok');
    expect(result.types[0]).toBe('run-start');
    expect(result.types).toContain('node-done');
    expect(result.images).toEqual(Array(3).fill({ w: 4, h: 4, bytes: true, sig: [80, 78, 71] })); // "PNG"
    expect(result.cachedSlerp).toMatchObject({ status: 'cached', cached: true });
  });

  it('queues runs and cancels the running one within one unit of work', async () => {
    const slow = graph([['s1', 'Slow', { ms: 200 }], ['s2', 'Slow', { ms: 200 }], ['s3', 'Slow', { ms: 200 }]], [['s1', 'out', 's2', 'a'], ['s2', 'out', 's3', 'a']]);
    const quick = graph([['c', 'Const']]);
    const result = await inWorker({ source: testWorkerSource }, async ({ api, Comlink, collect }, { slow, quick }) => {
      const first = collect();
      const running = api.run(slow, {}, first.callback);
      // Cancel once s1 has started (the worker may take a while to come up on a loaded machine).
      while (!first.events.some((e) => e.type === 'node-start')) await new Promise((r) => setTimeout(r, 10));
      await api.cancel();
      const cancelled = await running;
      const after = await api.run(quick, {}, collect().callback);
      // Two runs sent at once: the second starts only after the first ended.
      const log: string[] = [];
      const tag = (name: string) => Comlink.proxy((e: any) => (e.type === 'run-start' || e.type === 'run-end') && log.push(`${name}:${e.type}`));
      await Promise.all([api.run(slow, {}, tag('one')), api.run(quick, {}, tag('two'))]);
      return { cancelled, after: after.status, log, started: first.events.filter((e) => e.type === 'node-start').map((e) => e.nodeId) };
    }, { slow, quick });
    expect(result.log).toEqual(['one:run-start', 'one:run-end', 'two:run-start', 'two:run-end']);
    expect(result.cancelled.status).toBe('cancelled');
    expect(result.started).toEqual(['s1']);
    expect(result.cancelled.nodes.s2.status).toBe('cancelled');
    expect(result.after).toBe('ok');
  });

  it("serves the product nodes from the app's built worker", async () => {
    const name = readdirSync(join(ROOT, 'dist/assets')).find((f) => /^runtime-worker-.*\.js$/.test(f));
    expect(name, 'built worker in dist/assets').toBeDefined();
    const seeds = graph([['seeds', 'SeedSet', { mode: 'range', start: 3, count: 2 }]]);
    const result = await inWorker(new URL(`assets/${name}`, server.url).href, async ({ api, collect }, seeds) => {
      const types = (await api.nodeTypes()).map((t: any) => t.type);
      const bad = await api.validate({ ...seeds, version: 99 });
      const summary = await api.run(seeds, {}, collect().callback);
      return { types, bad, summary };
    }, seeds);
    expect(result.types).toEqual(expect.arrayContaining(['SeedSet', 'Slerp', 'Preview', 'Note']));
    expect(result.bad).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/version 99 is newer/) }] });
    expect(result.summary).toMatchObject({ status: 'ok', nodes: { seeds: { status: 'ok' } } });
  });
});
