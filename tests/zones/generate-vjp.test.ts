import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffusionModel } from '../../runtime/models/model';
import { generate } from '../../runtime/models/pipeline/generate';
import { generateVjp, type GenerateVjpParams } from '../../runtime/diffusion-vjp/generate-vjp';
import type { RunContext } from '../../runtime/node-api/node';
import type { EmbeddingValue, Tensor } from '../../runtime/values/types';
import { SYNTHETIC, syntheticModel } from './synthetic-diffusion';

let model: DiffusionModel;
beforeAll(async () => {
  model = await syntheticModel();
});
afterAll(async () => model.dispose());

const ctx = { nodeId: 'gen', signal: new AbortController().signal, services: {}, progress() {}, preview() {} } as RunContext;
const size = SYNTHETIC.tokens * SYNTHETIC.dim;
const wave = (seed: number, n: number, amp = 1) => Float32Array.from({ length: n }, (_, i) => amp * Math.sin(seed * 7.1 + i * 1.3));
const emb = (data: Float32Array, batch: number): EmbeddingValue => ({ kind: 'Embedding', tensor: { dims: [batch, SYNTHETIC.tokens, SYNTHETIC.dim], data }, model: 'synthetic' });

const base: GenerateVjpParams = { seed: 3, steps: 3, guidance: 3, scheduler: 'euler', width: 8, height: 8, latentStep: -1, gradientSteps: 0 };

/** Loss = <w, images> (or <w, latents>): its gradient w.r.t. the images is w. */
async function loss(p: GenerateVjpParams, e: Float32Array, neg: Float32Array, w: Float32Array, on: 'image' | 'latent'): Promise<number> {
  const r = await generate(model, {
    embedding: { dims: [2, SYNTHETIC.tokens, SYNTHETIC.dim], data: e }, negative: { dims: [1, SYNTHETIC.tokens, SYNTHETIC.dim], data: neg },
    seeds: { kind: 'Seeds', seeds: [p.seed] }, steps: p.steps, guidance: p.guidance, scheduler: 'euler', width: 8, height: 8, latentStep: p.latentStep,
  });
  const t: Tensor = on === 'image' ? r.images : r.latents;
  return t.data.reduce((s, v, i) => s + v * w[i], 0);
}

async function check(p: GenerateVjpParams, on: 'image' | 'latent') {
  const e = wave(1, 2 * size);
  const neg = wave(2, size, 0.5);
  const n = on === 'image' ? 2 * 3 * 8 * 8 : 2 * 4 * 4 * 4;
  const w = wave(3, n);
  const g = await generateVjp(ctx, { model: { kind: 'Model', id: 'synthetic', handle: model }, embedding: emb(e, 2), negative: emb(neg, 1) }, p, {},
    { [on]: { dims: on === 'image' ? [2, 3, 8, 8] : [2, 4, 4, 4], data: w } });
  // Directional derivatives along random directions, by central differences in float32.
  // Without guidance the negative is not used: it gets no gradient.
  if (p.guidance <= 1) expect(g.negative).toBeUndefined();
  const ports = [['embedding', e, wave(5, 2 * size)], ['negative', neg, wave(6, size)]] as const;
  for (const [port, x, dir] of ports.slice(0, p.guidance > 1 ? 2 : 1)) {
    const h = 1e-2;
    const plus = x.map((v, i) => v + h * dir[i]);
    const minus = x.map((v, i) => v - h * dir[i]);
    const [lp, lm] = port === 'embedding'
      ? [await loss(p, plus, neg, w, on), await loss(p, minus, neg, w, on)]
      : [await loss(p, e, plus, w, on), await loss(p, e, minus, w, on)];
    const fd = (lp - lm) / (2 * h);
    const an = g[port]!.data.reduce((s, v, i) => s + v * dir[i], 0);
    expect(Math.abs(an - fd)).toBeLessThan(0.02 * Math.abs(fd) + 1e-3);
  }
  return g;
}

describe('Generate vjp', () => {
  it('matches finite differences through the decoder and every step (guided, with a negative)', async () => {
    await check(base, 'image');
  });

  it('matches finite differences for latents taken after step k (seed-invariant path)', async () => {
    await check({ ...base, latentStep: 1, guidance: 1 }, 'latent');
  });

  it('truncated to the last step still points the same way, as the paper\'s single-UNet-call gradient', async () => {
    const full = await check(base, 'image');
    const e = wave(1, 2 * size);
    const last = await generateVjp(ctx, { model: { kind: 'Model', id: 'synthetic', handle: model }, embedding: emb(e, 2), negative: emb(wave(2, size, 0.5), 1) },
      { ...base, gradientSteps: 1 }, {}, { image: { dims: [2, 3, 8, 8], data: wave(3, 2 * 3 * 64) } });
    const a = full.embedding!.data, b = last.embedding!.data;
    const dot = a.reduce((s, v, i) => s + v * b[i], 0);
    expect(dot).toBeGreaterThan(0);
    expect([...b].some((v, i) => v !== a[i])).toBe(true);
  });
});
