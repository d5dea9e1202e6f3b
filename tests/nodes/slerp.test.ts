import { describe, expect, it } from 'vitest';
import { Slerp } from '../../nodes/Slerp';
import { slerpBackward, slerpForward, type Rows } from '../../runtime/embeddings/slerp';
import type { RunContext } from '../../runtime/node-api/node';
import type { EmbeddingValue } from '../../runtime/values/types';

/** A deterministic pseudo-random fill in [-1, 1). */
function fill(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
}
const rows = (data: Float64Array, batch: number, tokens: number, dim: number): Rows => ({ data, batch, tokens, dim });
const ctx = { nodeId: 's', signal: new AbortController().signal, progress() {}, preview() {}, services: {} } as RunContext;
const embedding = (data: number[], dims: number[]): EmbeddingValue => ({ kind: 'Embedding', model: 'm', tensor: { dims, data: Float32Array.from(data) } });

describe('slerpForward', () => {
  it('follows the docs/methods.md#slerp formula on unnormalized rows and keeps row 0', () => {
    const a = [9, 9, 2, 0]; // rows: [9, 9] (BOS), [2, 0]
    const b = [1, 1, 0, 3];
    const out = slerpForward(rows(Float64Array.from(a), 1, 2, 2), rows(Float64Array.from(b), 1, 2, 2), [0.25]);
    expect([out[0], out[1]]).toEqual([9, 9]);
    const w = Math.PI / 2; // [2, 0] and [0, 3] are orthogonal
    const wa = Math.sin(0.75 * w) / Math.sin(w);
    const wb = Math.sin(0.25 * w) / Math.sin(w);
    expect(out[2]).toBeCloseTo(wa * 2, 12);
    expect(out[3]).toBeCloseTo(wb * 3, 12);
  });

  it('falls back to lerp for parallel, antiparallel and zero rows, never NaN', () => {
    const a = Float64Array.from([0, 0, 1, 2, 1, 2, 0, 0]);
    const b = Float64Array.from([0, 0, 2, 4, -1, -2, 5, 5]);
    const out = slerpForward(rows(a, 1, 4, 2), rows(b, 1, 4, 2), [0.5]);
    expect(Array.from(out)).toEqual([0, 0, 1.5, 3, 0, 0, 2.5, 2.5]);
    const { ga, gb } = slerpBackward(rows(a, 1, 4, 2), rows(b, 1, 4, 2), [0.5], new Float64Array(8).fill(1));
    expect([...ga, ...gb].every(Number.isFinite)).toBe(true);
  });

  it('pairs batches: batch 1 with k values of t gives k items; equal batches pair up', () => {
    const a = fill(2 * 3 * 4, 1);
    const b = fill(2 * 3 * 4, 2);
    const single = (item: number, t: number) =>
      slerpForward(rows(a.subarray(item * 12, item * 12 + 12), 1, 3, 4), rows(b.subarray(item * 12, item * 12 + 12), 1, 3, 4), [t]);
    const byT = slerpForward(rows(a.subarray(0, 12), 1, 3, 4), rows(b.subarray(0, 12), 1, 3, 4), [0.1, 0.5, 0.9]);
    expect(byT.length).toBe(36);
    expect(Array.from(byT.subarray(24, 36))).toEqual(Array.from(single(0, 0.9)));
    const paired = slerpForward(rows(a, 2, 3, 4), rows(b, 2, 3, 4), [0.3]);
    expect(Array.from(paired.subarray(12, 24))).toEqual(Array.from(single(1, 0.3)));
    expect(() => slerpForward(rows(a, 2, 3, 4), rows(b, 2, 3, 4), [0.1, 0.2, 0.3])).toThrow(/batch sizes do not pair up/);
  });
});

describe('slerpBackward', () => {
  // loss = sum(out * r): the analytical gradient must match central differences.
  const check = (aBatch: number, bBatch: number, ts: number[], a: Float64Array, b: Float64Array) => {
    const [T, D] = [3, 5];
    const n = Math.max(aBatch, bBatch, ts.length);
    const r = fill(n * T * D, 99);
    const loss = (x: Float64Array, y: Float64Array) =>
      slerpForward(rows(x, aBatch, T, D), rows(y, bBatch, T, D), ts).reduce((s, v, i) => s + v * r[i], 0);
    const { ga, gb } = slerpBackward(rows(a, aBatch, T, D), rows(b, bBatch, T, D), ts, r);
    const h = 1e-6;
    for (const [x, g, which] of [[a, ga, 'a'], [b, gb, 'b']] as const) {
      for (let i = 0; i < x.length; i++) {
        const keep = x[i];
        x[i] = keep + h;
        const up = which === 'a' ? loss(x, b) : loss(a, x);
        x[i] = keep - h;
        const down = which === 'a' ? loss(x, b) : loss(a, x);
        x[i] = keep;
        expect(g[i], `${which}[${i}]`).toBeCloseTo((up - down) / (2 * h), 5);
      }
    }
  };

  it('matches finite differences for one pair over several t (including 0, 1 and outside)', () => {
    check(1, 1, [0, 0.3, 1, 1.4, -0.2], fill(15, 3), fill(15, 4));
  });

  it('matches finite differences for paired and broadcast batches', () => {
    check(2, 2, [0.6], fill(30, 5), fill(30, 6));
    check(1, 3, [0.2, 0.5, 0.7], fill(15, 7), fill(45, 8));
  });

  it('matches finite differences on nearly parallel rows (lerp region boundary)', () => {
    const a = fill(15, 9);
    const b = a.map((v, i) => v * 2 + (i % 5 === 0 ? 1e-3 : 0));
    check(1, 1, [0.4], a, b);
  });
});

describe('Slerp node', () => {
  it('runs on embeddings, labels each t, and returns gradients for a and b', async () => {
    const a = embedding([1, 1, 1, 0], [1, 2, 2]);
    const b = embedding([1, 1, 0, 1], [1, 2, 2]);
    const params = { t: [0, 1] };
    const out = await Slerp.run(ctx, { a, b }, params);
    const e = out.embedding as EmbeddingValue;
    expect(e.tensor.dims).toEqual([2, 2, 2]);
    expect(Array.from(e.tensor.data)).toEqual([1, 1, 1, 0, 1, 1, 0, 1]);
    expect(e.labels).toEqual(['slerp t=0', 'slerp t=1']);
    const grads = await Slerp.vjp!(ctx, { a, b }, params, out, { embedding: { dims: [2, 2, 2], data: new Float32Array(8).fill(1) } });
    expect(grads.a!.dims).toEqual([1, 2, 2]);
    expect(grads.b!.dims).toEqual([1, 2, 2]);
  });

  it('refuses embeddings of different models or shapes', async () => {
    const a = embedding([1, 1, 1, 0], [1, 2, 2]);
    await expect(Slerp.run(ctx, { a, b: { ...a, model: 'other' } }, { t: [0.5] })).rejects.toThrow(/different|from model/);
    await expect(Slerp.run(ctx, { a, b: embedding([1, 2, 3, 4, 5, 6], [1, 3, 2]) }, { t: [0.5] })).rejects.toThrow(/same shape/);
  });
});
