import { defineNode } from '../runtime/node-api/node';
import type { EmbeddingValue, Tensor } from '../runtime/values/types';
import { checkBatch } from '../runtime/values/budget';

function embeddingIn(value: unknown, port: string): EmbeddingValue {
  const e = value as EmbeddingValue | undefined;
  if (!e || e.tensor.dims.length !== 3) throw new Error(`"${port}" must be an embedding [batch, tokens, dim]`);
  return e;
}

/**
 * Stacks two embedding batches into one, so a single GradientStep can optimize a prompt and
 * its negative together (each batch item is its own parameter group there).
 */
export const EmbeddingBatch = defineNode({
  type: 'EmbeddingBatch',
  version: 1,
  category: 'Embedding',
  doc: 'Stacks a and b into one batch [a; b] (e.g. prompt and negative, to optimize both in one GradientStep).',
  inputs: {
    a: { type: 'Embedding', doc: 'First items.' },
    b: { type: 'Embedding', doc: 'Then these.' },
  },
  outputs: { embedding: { type: 'Embedding', doc: 'a then b.' } },
  params: {},
  async run(_ctx, inputs) {
    const a = embeddingIn(inputs.a, 'a');
    const b = embeddingIn(inputs.b, 'b');
    const [, ta, da] = a.tensor.dims;
    const [, tb, db] = b.tensor.dims;
    if (ta !== tb || da !== db) throw new Error(`a is ${ta}x${da} but b is ${tb}x${db}`);
    if (a.model !== b.model) throw new Error(`a comes from ${a.model} but b from ${b.model}`);
    checkBatch(a.tensor.dims[0] + b.tensor.dims[0], 'embeddings', (a.tensor.data.length + b.tensor.data.length) * 4);
    const data = new Float32Array(a.tensor.data.length + b.tensor.data.length);
    data.set(a.tensor.data);
    data.set(b.tensor.data, a.tensor.data.length);
    const labels = [...(a.labels ?? Array(a.tensor.dims[0]).fill('a')), ...(b.labels ?? Array(b.tensor.dims[0]).fill('b'))];
    const embedding: EmbeddingValue = { kind: 'Embedding', tensor: { dims: [a.tensor.dims[0] + b.tensor.dims[0], ta, da], data }, model: a.model, labels };
    return { embedding };
  },
  async vjp(_ctx, inputs, _p, _o, grads) {
    const g = grads.embedding;
    if (!g) return {};
    const a = embeddingIn(inputs.a, 'a');
    const b = embeddingIn(inputs.b, 'b');
    const split = (from: number, t: Tensor): Tensor => ({ dims: [...t.dims], data: g.data.slice(from, from + t.data.length) });
    return { a: split(0, a.tensor), b: split(a.tensor.data.length, b.tensor) };
  },
});

/** One item of an embedding batch; its gradient lands in that item only. */
export const EmbeddingItem = defineNode({
  type: 'EmbeddingItem',
  version: 1,
  category: 'Embedding',
  doc: 'Takes item `index` of an embedding batch (e.g. the negative back out of EmbeddingBatch).',
  inputs: { embedding: { type: 'Embedding', doc: 'A batch.' } },
  outputs: { embedding: { type: 'Embedding', doc: 'The one item [1, tokens, dim].' } },
  params: { index: { kind: 'number', default: 0, integer: true, min: 0, max: 4095, doc: 'Which item (0-based).' } },
  async run(_ctx, inputs, p) {
    const e = embeddingIn(inputs.embedding, 'embedding');
    const [n, t, d] = e.tensor.dims;
    if (p.index >= n) throw new Error(`index ${p.index} is outside the batch of ${n}`);
    const data = e.tensor.data.slice(p.index * t * d, (p.index + 1) * t * d);
    const embedding: EmbeddingValue = { ...e, tensor: { dims: [1, t, d], data }, ...(e.labels ? { labels: [e.labels[p.index]] } : {}) };
    return { embedding };
  },
  async vjp(_ctx, inputs, p, _o, grads) {
    const g = grads.embedding;
    if (!g) return {};
    const e = embeddingIn(inputs.embedding, 'embedding');
    const [, t, d] = e.tensor.dims;
    const data = new Float32Array(e.tensor.data.length);
    data.set(g.data, p.index * t * d);
    return { embedding: { dims: [...e.tensor.dims], data } };
  },
});
