import { afterAll, describe, expect, it } from 'vitest';
import { Metric } from '../../nodes/Metric';
import { Compare } from '../../nodes/Compare';
import type { RunContext } from '../../runtime/node-api/node';
import type { ImageValue, LatentValue, ScoreValue } from '../../runtime/values/types';
import { MetricService } from '../../runtime/metrics/service';
import { randomImage, sharpnessRef } from './reference';

const previews: ImageValue[] = [];
const metrics = new MetricService();
afterAll(() => metrics.dispose());
const ctx = { nodeId: 'm', signal: new AbortController().signal, services: { metrics }, progress() {}, preview: (i: ImageValue) => previews.push(i) } as RunContext;

/** Central-difference check of <grad, dir> for a node's scalar output sum(w * score). */
async function fdCheck(f: (x: Float32Array) => Promise<Float32Array>, x: Float32Array, grad: Float32Array, w: Float32Array, h: number) {
  const dir = x.map((_, i) => Math.sin(i * 2.3 + 0.4));
  const at = async (s: number) => (await f(x.map((v, i) => v + s * h * dir[i]))).reduce((a, v, i) => a + v * w[i], 0);
  const fd = ((await at(1)) - (await at(-1))) / (2 * h);
  const an = grad.reduce((a, v, i) => a + v * dir[i], 0);
  expect(Math.abs(fd)).toBeGreaterThan(1e-4);
  expect(Math.abs(an - fd)).toBeLessThan(0.01 * Math.abs(fd) + 1e-4);
}

describe('Metric node', () => {
  const [b, h, w] = [2, 12, 10];
  const data = randomImage(7, b, h, w).map((v) => v * 0.5);
  const image: ImageValue = { kind: 'Image', tensor: { dims: [b, 3, h, w], data } };

  it('scores with the metric graph and says which way is better', async () => {
    const { score } = (await Metric.run(ctx, { image }, { metric: 'sharpness', predictor: '' })) as { score: ScoreValue };
    expect(score.goal).toBe('maximize');
    expect(score.name).toBe('sharpness');
    sharpnessRef(data, b, h, w).forEach((v, i) => expect(score.values[i]).toBeCloseTo(v, 4));
    const blur = (await Metric.run(ctx, { image }, { metric: 'blurriness', predictor: '' })).score as ScoreValue;
    expect(blur.goal).toBe('minimize');
  });

  for (const metric of ['sharpness', 'colorfulness', 'brightness']) {
    it(`${metric}: the vjp matches finite differences`, async () => {
      const wts = new Float32Array([1, -0.5]);
      const g = await Metric.vjp!(ctx, { image }, { metric, predictor: '' }, {}, { score: { dims: [b], data: wts } });
      const run = async (x: Float32Array) => ((await Metric.run(ctx, { image: { ...image, tensor: { dims: image.tensor.dims, data: x } } }, { metric, predictor: '' })).score as ScoreValue).values;
      await fdCheck(run, data, g.image!.data, wts, 1e-2);
    });
  }
});

describe('Compare node', () => {
  const item = [4, 8, 8];
  const n = 256;
  const target: LatentValue = { kind: 'Latent', tensor: { dims: [1, ...item], data: randomImage(1, 1, 16, 16).slice(0, n) } };
  const others: LatentValue = { kind: 'Latent', tensor: { dims: [3, ...item], data: randomImage(2, 3, 16, 16).slice(0, 3 * n).map((v, i) => v + 0.8 * target.tensor.data[i % n]) } };

  it('latent cosine: one target against three latents, higher is closer', async () => {
    const { score } = (await Compare.run(ctx, { a: target, b: others }, { measure: 'cosine' })) as { score: ScoreValue };
    expect(score.values).toHaveLength(3);
    expect(score.goal).toBe('maximize');
    for (const v of score.values) expect(v).toBeGreaterThan(0.3);
  });

  for (const measure of ['cosine', 'mse']) {
    it(`${measure}: the vjp w.r.t. the broadcast side matches finite differences`, async () => {
      const wts = new Float32Array([1, 2, -1]);
      const g = await Compare.vjp!(ctx, { a: target, b: others }, { measure }, {}, { score: { dims: [3], data: wts } });
      expect(g.b!.dims).toEqual([3, ...item]);
      const run = async (x: Float32Array) => ((await Compare.run(ctx, { a: target, b: { ...others, tensor: { dims: others.tensor.dims, data: x } } }, { measure })).score as ScoreValue).values;
      await fdCheck(run, others.tensor.data, g.b!.data, wts, 1e-2);
      expect(g.a!.dims).toEqual([1, ...item]);
    });
  }

  it('refuses items of different shapes', async () => {
    const img: ImageValue = { kind: 'Image', tensor: { dims: [1, 3, 2, 2], data: new Float32Array(12) } };
    await expect(Compare.run(ctx, { a: target, b: img }, { measure: 'mse' })).rejects.toThrow(/compare like with like/);
  });

  it('previews two image batches side by side', async () => {
    const img: ImageValue = { kind: 'Image', tensor: { dims: [1, 3, 2, 2], data: new Float32Array(12) } };
    previews.length = 0;
    await Compare.run(ctx, { a: img, b: { ...img, tensor: { dims: [2, 3, 2, 2], data: new Float32Array(24) } } }, { measure: 'mse' });
    expect(previews[0].tensor.dims).toEqual([3, 3, 2, 2]);
  });
});
