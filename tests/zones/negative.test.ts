import { describe, expect, it } from 'vitest';
import { GradientStep } from '../../nodes/GradientStep';
import { EmbeddingBatch, EmbeddingItem } from '../../nodes/EmbeddingBatch';
import { defineNode } from '../../runtime/node-api/node';
import type { EmbeddingValue } from '../../runtime/values/types';
import { edge, registry, runDoc } from './test-nodes';

/** loss = |a - 5|^2 + |b + 5|^2 over all values: a prompt and a negative pulled apart. */
const Pair = defineNode({
  type: 'Pair', version: 1, category: 'Measure', doc: 'test',
  inputs: { a: { type: 'Embedding', doc: '' }, b: { type: 'Embedding', doc: '' } },
  outputs: { score: { type: 'Score', doc: '' } }, params: {},
  async run(_c, i) {
    const a = (i.a as EmbeddingValue).tensor.data, b = (i.b as EmbeddingValue).tensor.data;
    let s = 0;
    a.forEach((v) => (s += (v - 5) ** 2));
    b.forEach((v) => (s += (v + 5) ** 2));
    return { score: { kind: 'Score', values: Float32Array.of(s), goal: 'minimize' } };
  },
  async vjp(_c, i, _p, _o, g) {
    const k = g.score!.data[0];
    const a = (i.a as EmbeddingValue).tensor, b = (i.b as EmbeddingValue).tensor;
    return { a: { dims: a.dims, data: a.data.map((v) => 2 * (v - 5) * k) }, b: { dims: b.dims, data: b.data.map((v) => 2 * (v + 5) * k) } };
  },
});
let seen: EmbeddingValue | undefined;
const Sink = defineNode({
  type: 'Sink', version: 1, category: 'Output', doc: '', inputs: { embedding: { type: 'Embedding', doc: '' } }, outputs: {}, params: {},
  async run(_c, i) {
    seen = i.embedding as EmbeddingValue;
    return {};
  },
});

describe('optimizing the negative too (EmbeddingBatch -> GradientStep -> EmbeddingItem)', () => {
  it('moves prompt and negative each toward its own target, BOS rows fixed', async () => {
    const reg = registry(GradientStep, EmbeddingBatch, EmbeddingItem, Pair, Sink);
    const nodes = [
      { id: 'p', type: 'Const' }, { id: 'n', type: 'Const', params: { values: [0, 0, 0, 0, 0, 0] } },
      { id: 'both', type: 'EmbeddingBatch' }, { id: 'opt', type: 'GradientStep', params: { iterations: 80, optimizer: 'adam', lr: 0.3 } },
      { id: 'prompt', type: 'EmbeddingItem', params: { index: 0 } }, { id: 'negative', type: 'EmbeddingItem', params: { index: 1 } },
      { id: 'loss', type: 'Pair' }, { id: 'out', type: 'Sink' },
    ];
    const edges = [
      edge('p.embedding', 'both.a'), edge('n.embedding', 'both.b'), edge('both.embedding', 'opt.init'),
      edge('opt.current', 'prompt.embedding'), edge('opt.current', 'negative.embedding'),
      edge('prompt.embedding', 'loss.a'), edge('negative.embedding', 'loss.b'), edge('loss.score', 'opt.loss'), edge('opt.result', 'out.embedding'),
    ];
    const { summary } = await runDoc(reg, nodes, edges);
    expect(summary.status).toBe('ok');
    const d = seen!.tensor.data;
    expect(seen!.tensor.dims).toEqual([2, 3, 2]);
    expect([d[0], d[1], d[6], d[7]]).toEqual([1, 1, 0, 0]);
    for (const v of d.subarray(2, 6)) expect(v).toBeCloseTo(5, 0);
    for (const v of d.subarray(8, 12)) expect(v).toBeCloseTo(-5, 0);
  });
});
