import { afterAll, describe, expect, it } from 'vitest';
import { configureOrt } from '../../runtime/ort/env';
import { Session } from '../../runtime/ort/session';
import { METRICS, cosineGraph, mseGraph, type MeasureGraph } from '../../runtime/metrics';
import { brightnessRef, colorfulnessRef, randomImage, sharpnessRef } from './reference';

configureOrt();
const sessions: Session[] = [];
afterAll(async () => Promise.all(sessions.map((s) => s.dispose())));

async function run(graph: MeasureGraph, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<number[]> {
  const s = await Session.create('measure.onnx', graph.bytes, { backend: { name: 'wasm' } });
  sessions.push(s);
  return [...(await s.run(feeds, ['score'])).score.data];
}

const close = (got: number[], want: number[], rel: number) =>
  got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(rel * Math.abs(want[i]) + 1e-6));

describe('image metric graphs against plain-TS references', () => {
  const [b, h, w] = [3, 17, 23];
  const image = randomImage(42, b, h, w);
  const feeds = { image: { data: image, dims: [b, 3, h, w] } };

  it('sharpness = unbiased variance of the Laplacian of the gray image', async () => {
    close(await run(METRICS.sharpness.build(h, w), feeds), sharpnessRef(image, b, h, w), 1e-4);
  });

  it('ranks a sharp image above its blurred copy', async () => {
    const blurred = image.slice();
    for (let i = 0; i + 1 < blurred.length; i++) blurred[i] = (image[i] + image[i + 1]) / 2;
    const [sharp] = await run(METRICS.sharpness.build(h, w), feeds);
    const [blur] = await run(METRICS.sharpness.build(h, w), { image: { data: blurred, dims: [b, 3, h, w] } });
    expect(sharp).toBeGreaterThan(blur * 2);
  });

  it('colorfulness follows Hasler-Suesstrunk on 0..255', async () => {
    close(await run(METRICS.colorfulness.build(h, w), feeds), colorfulnessRef(image, b, h, w), 1e-4);
  });

  it('brightness is the mean gray level in [0, 1]', async () => {
    close(await run(METRICS.brightness.build(h, w), feeds), brightnessRef(image, b, h, w), 1e-5);
  });

  it('blurriness minimizes what sharpness maximizes', () => {
    expect(METRICS.blurriness.goal).toBe('minimize');
    expect(METRICS.sharpness.goal).toBe('maximize');
    expect(METRICS.sharpness.lossScale).toBe(10);
  });
});

describe('compare graphs', () => {
  const item = [4, 8, 8];
  const n = 4 * 8 * 8;
  const a = randomImage(1, 1, 8, 16).subarray(0, n).slice();
  const bs = randomImage(2, 3, 16, 16).subarray(0, 3 * n).slice();

  it('latent cosine broadcasts a single target over a batch, per item', async () => {
    const got = await run(cosineGraph(item), { a: { data: a, dims: [1, ...item] }, b: { data: bs, dims: [3, ...item] } });
    const want = [0, 1, 2].map((k) => {
      let dot = 0, aa = 0, bb = 0;
      for (let i = 0; i < n; i++) {
        const x = a[i], y = bs[k * n + i];
        dot += x * y; aa += x * x; bb += y * y;
      }
      return dot / Math.sqrt(aa * bb);
    });
    close(got, want, 1e-5);
    const [self] = await run(cosineGraph(item), { a: { data: a, dims: [1, ...item] }, b: { data: a, dims: [1, ...item] } });
    expect(self).toBeCloseTo(1, 5);
  });

  it('pixel MSE is the mean squared difference per item', async () => {
    const got = await run(mseGraph(item), { a: { data: a, dims: [1, ...item] }, b: { data: bs, dims: [3, ...item] } });
    const want = [0, 1, 2].map((k) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (a[i] - bs[k * n + i]) ** 2;
      return s / n;
    });
    close(got, want, 1e-5);
  });
});
