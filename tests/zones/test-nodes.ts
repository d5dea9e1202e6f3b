import { defineNode, type NodeDef } from '../../runtime/node-api/node';
import type { EmbeddingValue, ScoreValue } from '../../runtime/values/types';
import { Runtime } from '../../runtime/api/runtime';
import { NodeRegistry } from '../../nodes/product';
import type { RuntimeEvent } from '../../runtime/events';

/** A constant embedding [1, 3, 2]: row 0 plays BOS. */
export const Const = defineNode({
  type: 'Const', version: 1, category: 'Embedding', doc: 'test: constant embedding',
  inputs: {}, outputs: { embedding: { type: 'Embedding', doc: '' } },
  params: { values: { kind: 'numberList', default: [1, 1, 2, 2, 3, 3], doc: '' } },
  async run(_ctx, _i, p) {
    return { embedding: { kind: 'Embedding', tensor: { dims: [1, 3, 2], data: Float32Array.from(p.values) }, model: 'test' } };
  },
});

/** Score = sum of squares of (x - target) per batch item; differentiable. */
export const Distance = defineNode({
  type: 'Distance', version: 1, category: 'Measure', doc: 'test: squared distance to a target',
  inputs: { embedding: { type: 'Embedding', doc: '' } },
  outputs: { score: { type: 'Score', doc: '' } },
  params: { target: { kind: 'number', default: 5, doc: '' } },
  async run(_ctx, inputs, p) {
    const e = inputs.embedding as EmbeddingValue;
    const [b, t, d] = e.tensor.dims;
    const values = new Float32Array(b);
    for (let i = 0; i < b * t * d; i++) values[Math.floor(i / (t * d))] += (e.tensor.data[i] - p.target) ** 2;
    return { score: { kind: 'Score', values, goal: 'minimize' } satisfies ScoreValue };
  },
  async vjp(_ctx, inputs, p, _o, g) {
    const e = inputs.embedding as EmbeddingValue;
    const [, t, d] = e.tensor.dims;
    const gs = g.score!.data;
    return { embedding: { dims: e.tensor.dims, data: e.tensor.data.map((x, i) => 2 * (x - p.target) * gs[Math.floor(i / (t * d))]) } };
  },
});

/** Same as Distance but without a vjp. */
export const Opaque = defineNode({ ...Distance, type: 'Opaque', vjp: undefined });

export function registry(...defs: NodeDef<any>[]): NodeRegistry {
  return new NodeRegistry([Const, Distance, Opaque, ...defs]);
}

export async function runDoc(reg: NodeRegistry, nodes: unknown[], edges: unknown[], services: Record<string, unknown> = {}) {
  const runtime = new Runtime({ registry: reg, services });
  const events: RuntimeEvent[] = [];
  const doc = { format: 'embedding-studio/graph', version: 1, nodes, edges };
  const summary = await runtime.run(doc, {}, (e) => events.push(e));
  return { summary, events, runtime, doc };
}

export const edge = (from: string, to: string) => ({ from: from.split('.'), to: to.split('.') });
