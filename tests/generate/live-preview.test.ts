import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createProductRegistry } from '../../nodes/product';
import { nodeServices } from '../../runtime/api/node-host';
import { Runtime } from '../../runtime/api/runtime';
import type { RuntimeEvent } from '../../runtime/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureOrt } from '../../runtime/ort/env';
import { loadModel } from '../../runtime/models/loader';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import type { DiffusionModel } from '../../runtime/models/model';
import { encodePrompts, generate } from '../../runtime/models/pipeline/generate';
import { fitProjection, latentProjection, predictOriginal, projectLatents } from '../../runtime/models/pipeline/latent-preview';
import { createScheduler } from '../../runtime/schedulers';
import type { Tensor } from '../../runtime/values/types';
import { torchRandn } from '../../runtime/rng';

configureOrt();

/** Mean absolute difference between two equally shaped tensors. */
const mad = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

/** Images [N, 3, H, W] averaged over s x s blocks: what one latent pixel stands for. */
function blockMeans(images: Tensor, s: number): Tensor {
  const [n, c, H, W] = images.dims;
  const [h, w] = [H / s, W / s];
  const out = new Float32Array(n * c * h * w);
  for (let p = 0; p < n * c; p++)
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[(p * h + Math.floor(y / s)) * w + Math.floor(x / s)] += images.data[(p * H + y) * W + x] / (s * s);
  return { dims: [n, c, h, w], data: out };
}

describe('the latent-to-RGB projection', () => {
  it('recovers a linear map and bias exactly from latents and the images they make', () => {
    const weights = [0.5, -0.2, 0.1, 0.3, /**/ 0, 0.4, -0.6, 0.2, /**/ -0.3, 0.1, 0.2, 0.7];
    const bias = [0.1, -0.05, 0.2];
    const [n, c, h, w, s] = [2, 4, 3, 3, 2];
    const latents: Tensor = { dims: [n, c, h, w], data: torchRandn(5, [n, c, h, w]) };
    const images = new Float32Array(n * 3 * h * s * w * s);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < 3; k++)
        for (let y = 0; y < h * s; y++)
          for (let x = 0; x < w * s; x++) {
            let v = bias[k];
            for (let ch = 0; ch < c; ch++) v += weights[k * c + ch] * latents.data[((i * c + ch) * h + Math.floor(y / s)) * w + Math.floor(x / s)];
            images[((i * 3 + k) * h * s + y) * w * s + x] = v;
          }
    const p = fitProjection(latents, { dims: [n, 3, h * s, w * s], data: images });
    [...p.weights].forEach((v, i) => expect(v).toBeCloseTo(weights[i], 4));
    [...p.bias].forEach((v, i) => expect(v).toBeCloseTo(bias[i], 4));
    const projected = projectLatents(p, latents);
    expect(projected.dims).toEqual([n, 3, h, w]);
  });

  it('recovers the denoised latent a sample and the model output stand for', () => {
    const x0 = Float32Array.from([0.3, -1.2, 0.8]);
    const eps = Float32Array.from([1, -0.5, 2]);
    for (const kind of ['euler', 'ddim'] as const) {
      const scheduler = createScheduler(kind, {}, 10);
      const sigma = scheduler.sigmas[3];
      // euler: x = x0 + sigma eps; ddim: x = sqrt(a) x0 + sqrt(1 - a) eps with a = 1 / (1 + sigma^2)
      const a = 1 / (1 + sigma * sigma);
      const x = x0.map((v, j) => (kind === 'euler' ? v + sigma * eps[j] : Math.sqrt(a) * v + Math.sqrt(1 - a) * eps[j]));
      [...predictOriginal(scheduler, 'epsilon', 3, x, eps)].forEach((v, j) => expect(v).toBeCloseTo(x0[j], 4));
    }
  });
});

describe('live previews on the built-in model', () => {
  let model: DiffusionModel;
  beforeAll(async () => {
    const dir = resolve(import.meta.dirname, '../../models/tiny');
    model = await loadModel(nodeFolderFiles(dir, 'builtin:tiny'), { id: 'builtin:tiny', backend: { name: 'wasm' } });
  });
  afterAll(() => model.dispose());

  const request = async (extra: object) => ({
    embedding: await encodePrompts(model, ['a red circle on a blue background']),
    seeds: { kind: 'Seeds' as const, seeds: [7, 8] },
    steps: 8,
    guidance: 7.5,
    scheduler: 'euler' as const,
    width: 64,
    height: 64,
    ...extra,
  });

  it('the fitted projection tells a final image\'s colours much better than its mean colour does', async () => {
    const result = await generate(model, await request({}));
    const projection = await latentProjection(model);
    expect(await latentProjection(model)).toBe(projection); // fitted once per model
    const projected = projectLatents(projection, result.latents);
    expect(projected.dims).toEqual([2, 3, 8, 8]);
    const target = blockMeans(result.images, 8);
    const clamped = target.data.map((v) => Math.max(-1, Math.min(1, v)));
    const mean = clamped.reduce((s, v) => s + v, 0) / clamped.length;
    expect(mad(projected.data, clamped)).toBeLessThan(0.65 * mad(new Float32Array(clamped.length).fill(mean), clamped));
  });

  it('emits previews every k steps but the last, of the predicted image, projected or decoded; the result is unchanged', async () => {
    const plain = await generate(model, await request({}));
    const seen: { done: number; total: number; dims: number[] }[] = [];
    const emit = (images: Tensor, done: number, total: number) => seen.push({ done, total, dims: images.dims });
    const withPreview = await generate(model, await request({ preview: { mode: 'projection', every: 3, emit } }));
    expect(seen).toEqual([3, 6].map((done) => ({ done, total: 8, dims: [2, 3, 8, 8] })));
    expect(withPreview.images.data).toEqual(plain.images.data);

    seen.length = 0;
    await generate(model, await request({ preview: { mode: 'decode', every: 4, emit } }));
    expect(seen).toEqual([{ done: 4, total: 8, dims: [2, 3, 64, 64] }]);
  });

  it('on the device path (latents kept in the backend\'s buffers) previews the same images', async () => {
    const shown: Float32Array[][] = [[], []];
    for (const [k, onDevice] of [false, true].entries()) {
      await generate(model, await request({ onDevice, preview: { mode: 'projection', every: 2, emit: (images: Tensor) => shown[k].push(images.data) } }));
    }
    expect(shown[1]).toHaveLength(3);
    shown[1].forEach((data, i) => data.forEach((v, j) => expect(v).toBeCloseTo(shown[0][i][j], 3)));
  });

  it('previews the image forming: the predicted image at a late step is close to the final one', async () => {
    const final = await generate(model, await request({}));
    let late: Tensor | undefined;
    await generate(model, await request({ preview: { mode: 'decode', every: 7, emit: (images: Tensor) => (late = images) } }));
    const noise = await generate(model, await request({ steps: 1 }));
    // the step-7 prediction is nearer the final image than a one-step image is
    expect(mad(late!.data, final.images.data)).toBeLessThan(mad(noise.images.data, final.images.data));
  });
});

describe('Generate\'s live preview', () => {
  const services = nodeServices();
  const runtime = new Runtime({ registry: createProductRegistry(), services });
  afterAll(() => runtime.dispose());
  const template = JSON.parse(readFileSync(new URL('../../graphs/text-to-image.json', import.meta.url), 'utf8'));

  async function previews(params: Record<string, unknown>): Promise<string[][]> {
    const doc = structuredClone(template);
    Object.assign(doc.nodes.find((n: { type: string }) => n.type === 'Generate').params, params);
    const seen: string[][] = [];
    const summary = await runtime.run(doc, {}, (e: RuntimeEvent) => {
      if (e.type === 'node-preview' && e.nodeId === 'generate') seen.push(e.images.map((im) => `${im.width}x${im.height} ${im.label ?? ''}`));
    });
    expect(summary.status).toBe('ok');
    return seen;
  }

  it('shows the projected image every previewEvery steps, then the final image', async () => {
    const seen = await previews({ steps: 6, previewEvery: 2 });
    expect(seen.slice(0, 2)).toEqual([['8x8 step 2/6'], ['8x8 step 4/6']]);
    expect(seen).toHaveLength(3);
    expect(seen[2][0]).toMatch(/^64x64 /);
    expect(await previews({ steps: 6, preview: 'off' })).toHaveLength(1);
  });
});
