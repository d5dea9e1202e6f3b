import { afterAll, describe, expect, it } from 'vitest';
import { Metric } from '../../nodes/Metric';
import type { RunContext } from '../../runtime/node-api/node';
import { GraphBuilder } from '../../runtime/onnx/index';
import type { ImageValue, ScoreValue } from '../../runtime/values/types';
import { randomImage } from './reference';
import { CLIP_MEAN, CLIP_STD, clipPreprocessGraph } from '../../runtime/metrics/aesthetic/preprocess';
import { Session } from '../../runtime/ort/session';
import { configureOrt } from '../../runtime/ort/env';
import { MetricService } from '../../runtime/metrics/service';
import { useNativeOrt } from '../../runtime/ort/native';
import type { RuntimeServices } from '../../runtime/node-api/services';

/** A stand-in for CLIP ViT-L/14 vision with the real names: pixel_values [B,3,224,224] -> image_embeds [B,6]. */
function fakeClip(): Uint8Array {
  const g = new GraphBuilder({ name: 'fake_clip' });
  const x = g.input('pixel_values', 'float32', ['batch', 3, 224, 224]);
  const w = g.initializer('patch', Float32Array.from({ length: 8 * 3 * 32 * 32 }, (_, i) => Math.sin(i * 0.37) * 0.01), [8, 3, 32, 32]);
  const patches = g.op('Tanh', [g.op('Conv', [x, w], { strides: [32, 32] })]);
  const pooled = g.op('ReduceMean', [patches], { axes: [2, 3], keepdims: 0 });
  const proj = g.initializer('proj', Float32Array.from({ length: 8 * 6 }, (_, i) => Math.cos(i * 0.7)), [8, 6]);
  g.output(g.op('MatMul', [pooled, proj]), 'float32', ['batch', 6], 'image_embeds');
  return g.toBytes();
}

/** The MLP's shape in small: [B,6] -> [B,1], no activations (as the LAION predictor). */
function fakeMlp(): Uint8Array {
  const g = new GraphBuilder({ name: 'fake_mlp' });
  const x = g.input('input', 'float32', ['batch', 6]);
  const h = g.op('Add', [g.op('MatMul', [x, g.initializer('w1', Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), [6, 4])]), g.initializer('b1', new Float32Array([0.1, 0, -0.1, 0.2]), [4])]);
  g.output(g.op('MatMul', [h, g.initializer('w2', new Float32Array([1, -2, 0.5, 3]), [4, 1])]), 'float32', ['batch', 1], 'output');
  return g.toBytes();
}

const files = new Map([['/predictor/clip_vision/model.onnx', fakeClip()], ['/predictor/aesthetic_mlp/model.onnx', fakeMlp()]]);
const metrics = new MetricService();
afterAll(() => metrics.dispose());
const services: RuntimeServices = {
  host: 'node',
  metrics,
  async readBytes(location: string) {
    const f = files.get(location);
    if (!f) throw new Error(`no such file ${location}`);
    return f;
  },
};
const ctx = { nodeId: 'm', signal: new AbortController().signal, services, progress() {}, preview() {} } as RunContext;
const image: ImageValue = { kind: 'Image', tensor: { dims: [2, 3, 64, 64], data: randomImage(3, 2, 64, 64) } };

describe('CLIP preprocessing graph', () => {
  it('resizes the shortest side to 224, crops the centre and applies CLIP mean/std', async () => {
    configureOrt();
    const s = await Session.create('pre', clipPreprocessGraph(48, 80), { backend: { name: 'wasm' } });
    // A flat image at 0 in [-1, 1] is 0.5 everywhere; cubic resizing keeps flat images flat.
    const out = (await s.run({ image: { dims: [1, 3, 48, 80], data: new Float32Array(3 * 48 * 80) } }, ['pixel_values'])).pixel_values;
    expect(out.dims).toEqual([1, 3, 224, 224]);
    for (let c = 0; c < 3; c++) expect(out.data[c * 224 * 224 + 5000]).toBeCloseTo((0.5 - CLIP_MEAN[c]) / CLIP_STD[c], 5);
    await s.dispose();
  });
});

describe('aesthetic metric (user-supplied CLIP + MLP)', () => {
  it('says what to supply when no predictor is given or its files are missing', async () => {
    await expect(Metric.run(ctx, { image }, { metric: 'aesthetic', predictor: '' })).rejects.toThrow(/clip_vision\/model\.onnx.*aesthetic_mlp\/model\.onnx/);
    await expect(Metric.run(ctx, { image }, { metric: 'aesthetic', predictor: '/elsewhere' })).rejects.toThrow(/could not read \/elsewhere\/clip_vision/);
  });

  it('scores every image, higher is better', async () => {
    const { score } = (await Metric.run(ctx, { image }, { metric: 'aesthetic', predictor: '/predictor' })) as { score: ScoreValue };
    expect(score.values).toHaveLength(2);
    expect(score.goal).toBe('maximize');
    expect(score.values[0]).not.toBeCloseTo(score.values[1], 4);
  });

  it('its vjp, chained through preprocessing (224 bicubic), CLIP, L2 norm and MLP, matches finite differences', async () => {
    const w = new Float32Array([1, -0.7]);
    const g = await Metric.vjp!(ctx, { image }, { metric: 'aesthetic', predictor: '/predictor' }, {}, { score: { dims: [2], data: w } });
    const dir = image.tensor.data.map((_, i) => Math.sin(i * 1.9 + 0.3));
    const at = async (s: number) => {
      const x = image.tensor.data.map((v, i) => v + s * dir[i]);
      const r = (await Metric.run(ctx, { image: { ...image, tensor: { dims: image.tensor.dims, data: x } } }, { metric: 'aesthetic', predictor: '/predictor' })).score as ScoreValue;
      return r.values[0] * w[0] + r.values[1] * w[1];
    };
    const h = 1e-2;
    const fd = ((await at(h)) - (await at(-h))) / (2 * h);
    const an = g.image!.data.reduce((a, v, i) => a + v * dir[i], 0);
    expect(Math.abs(fd)).toBeGreaterThan(1e-4);
    expect(Math.abs(an - fd)).toBeLessThan(0.02 * Math.abs(fd) + 1e-4);
  });

  it('scores the same where the host runs predictors on the native backend', async () => {
    useNativeOrt();
    const native = new MetricService({ predictorBackend: 'native' });
    try {
      const nativeCtx = { ...ctx, services: { ...services, metrics: native } } as RunContext;
      const params = { metric: 'aesthetic', predictor: '/predictor' } as const;
      const [a, b] = [await Metric.run(ctx, { image }, params), await Metric.run(nativeCtx, { image }, params)];
      const [wasmScores, nativeScores] = [(a.score as ScoreValue).values, (b.score as ScoreValue).values];
      nativeScores.forEach((v, i) => expect(v).toBeCloseTo(wasmScores[i], 5));
      expect((await native.aesthetic({ readBytes: services.readBytes! }, '/predictor')).backend.name).toBe('native');
    } finally {
      await native.dispose();
    }
  });
});
