// graphs/text-to-image.json on onnxruntime-node and on onnxruntime-web's wasm: the same
// document, the same runtime code, the same images (to float rounding).
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { createProductRegistry } from '../../nodes/product';
import { nodeServices } from '../../runtime/api/node-host';
import { Runtime } from '../../runtime/api/runtime';
import type { RuntimeEvent } from '../../runtime/events';
import { generate, encodePrompts } from '../../runtime/models/pipeline/generate';

const template = JSON.parse(readFileSync(new URL('../../graphs/text-to-image.json', import.meta.url), 'utf8'));
// few steps keep CI short; the comparison is the same at 20
const STEPS = 4;
const doc = structuredClone(template);
doc.nodes.find((n: { id: string }) => n.id === 'generate').params.steps = STEPS;

const hosts = { wasm: nodeServices({ backend: 'wasm' }), native: nodeServices({ backend: 'native' }) };
afterAll(() => Promise.all(Object.values(hosts).map((h) => h.models.dispose())));

async function previewPixels(backend: keyof typeof hosts): Promise<{ pixels: Uint8Array; events: RuntimeEvent[] }> {
  const events: RuntimeEvent[] = [];
  const summary = await new Runtime({ registry: createProductRegistry(), services: hosts[backend] }).run(doc, {}, (e) => events.push(e));
  expect(summary.status, JSON.stringify(summary)).toBe('ok');
  // the Preview node's images, not Generate's live per-step previews
  const preview = events.find((e) => e.type === 'node-preview' && e.nodeId === 'preview');
  if (preview?.type !== 'node-preview') throw new Error('no preview');
  return { pixels: decode(preview.images[0].png).data as Uint8Array, events };
}

describe('text-to-image on native and on wasm', () => {
  it('gives the same preview pixels', async () => {
    const wasm = await previewPixels('wasm');
    const native = await previewPixels('native');
    expect(native.events.find((e) => e.type === 'backend')).toMatchObject({ name: 'native' });
    expect(native.pixels.length).toBe(64 * 64 * 3);
    // a real picture, not a flat one that any backend would match
    expect(Math.max(...native.pixels) - Math.min(...native.pixels)).toBeGreaterThan(100);
    let worst = 0;
    native.pixels.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - wasm.pixels[i]))));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('gives the same float images from the pipeline', async () => {
    const [wasm, native] = await Promise.all([hosts.wasm.models.load('builtin:tiny'), hosts.native.models.load('builtin:tiny')]);
    const image = async (model: typeof wasm) => {
      const embedding = await encodePrompts(model, ['a red circle on a blue background']);
      const request = { embedding, seeds: { kind: 'Seeds' as const, seeds: [7] }, steps: STEPS, guidance: 7.5, scheduler: model.defaultScheduler, width: 64, height: 64 };
      return (await generate(model, request)).images.data;
    };
    const [a, b] = [await image(wasm), await image(native)];
    expect(b.length).toBe(a.length);
    expect(a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0)).toBeLessThan(1e-3);
  });
});
