import { defineNode } from '../runtime/node-api/node';
import type { EmbeddingValue, Tensor } from '../runtime/values/types';
import { pairedBatch, slerpBackward, slerpForward, type Rows } from '../runtime/embeddings/slerp';
import { checkBatch } from '../runtime/values/budget';

function rows(name: string, e: EmbeddingValue | undefined): Rows {
  if (!e) throw new Error(`input "${name}" has no value`);
  const d = e.tensor.dims;
  if (d.length !== 3) throw new Error(`input "${name}" must be [batch, tokens, dim], got [${d.join(', ')}]`);
  return { data: e.tensor.data, batch: d[0], tokens: d[1], dim: d[2] };
}

const tensor = (dims: number[], data: Float64Array): Tensor => ({ dims, data: Float32Array.from(data) });

export const Slerp = defineNode({
  type: 'Slerp',
  version: 1,
  category: 'Embedding',
  doc: 'Spherical interpolation of two embeddings, token row by row (BOS row kept from a). One output per value of t.',
  inputs: {
    a: { type: 'Embedding', doc: 'Start (t = 0).' },
    b: { type: 'Embedding', doc: 'End (t = 1).' },
  },
  outputs: {
    embedding: { type: 'Embedding', doc: 'One embedding per t (or per pair of a and b).' },
  },
  params: {
    t: {
      kind: 'numberList',
      default: [0.5],
      min: -10,
      max: 10,
      minLength: 1,
      maxLength: 1024,
      doc: 'Interpolation amounts (-10 to 10, at most 1024 values); values outside [0, 1] extrapolate.',
    },
  },
  async run(_ctx, inputs, p) {
    const ea = inputs.a as EmbeddingValue | undefined;
    const eb = inputs.b as EmbeddingValue | undefined;
    const a = rows('a', ea);
    const b = rows('b', eb);
    if (ea!.model !== eb!.model) throw new Error(`a comes from model "${ea!.model}" but b from "${eb!.model}"`);
    const count = pairedBatch(a.batch, b.batch, p.t.length);
    // float64 while blending, then the float32 result
    checkBatch(count, 'embeddings', count * a.tokens * a.dim * 12, `a has ${a.batch}, b has ${b.batch}, t has ${p.t.length} values`);
    const data = slerpForward(a, b, p.t);
    const n = data.length / (a.tokens * a.dim);
    const labels = Array.from({ length: n }, (_, i) => `slerp t=${p.t[p.t.length === 1 ? 0 : i]}`);
    const embedding: EmbeddingValue = { kind: 'Embedding', tensor: tensor([n, a.tokens, a.dim], data), model: ea!.model, labels };
    return { embedding };
  },
  async vjp(_ctx, inputs, p, _outputs, gradOutputs) {
    const g = gradOutputs.embedding;
    if (!g) return {};
    const a = rows('a', inputs.a as EmbeddingValue | undefined);
    const b = rows('b', inputs.b as EmbeddingValue | undefined);
    const { ga, gb } = slerpBackward(a, b, p.t, g.data);
    return { a: tensor([a.batch, a.tokens, a.dim], ga), b: tensor([b.batch, b.tokens, b.dim], gb) };
  },
});
