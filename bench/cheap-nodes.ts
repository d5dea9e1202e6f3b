import { defineNode } from '../runtime/node-api/node';
import { NodeRegistry } from '../runtime/node-api/registry';
import { validateGraph, type CompiledGraph } from '../runtime/graph/validate';
import type { NumberValue } from '../runtime/values/types';

/** Nodes that do almost nothing, so a benchmark measures the scheduler, not the work. */
const num = (v: number): NumberValue => ({ kind: 'Number', values: [v] });
const Source = defineNode({
  type: 'Source', version: 1, category: 'Utility', doc: 'A number.',
  inputs: {}, outputs: { out: { type: 'Number', doc: '' } },
  params: { value: { kind: 'number', default: 1, doc: '' } },
  async run(_ctx, _i, p) { return { out: num(p.value) }; },
});
const Sum = defineNode({
  type: 'Sum', version: 1, category: 'Utility', doc: 'a + b.',
  inputs: { a: { type: 'Number', doc: '' }, b: { type: 'Number', optional: true, doc: '' } },
  outputs: { out: { type: 'Number', doc: '' } },
  params: { scale: { kind: 'number', default: 1, doc: '' } },
  async run(_ctx, i, p) {
    const a = (i.a as NumberValue).values[0];
    const b = i.b ? (i.b as NumberValue).values[0] : 0;
    return { out: num(p.scale * (a + b) * 0.5) };
  },
});

export const cheapRegistry = () => new NodeRegistry([Source, Sum]);

/**
 * `n` nodes: one source, then Sum nodes each reading the previous node and one about half way
 * back, so the graph is deep (a long chain) and wide (many fan-outs).
 */
export function cheapGraph(n: number, editedNode = -1, editedScale = 1) {
  const nodes = [{ id: 'n0', type: 'Source', params: {} as Record<string, unknown> }];
  const edges: { from: [string, string]; to: [string, string] }[] = [];
  for (let i = 1; i < n; i++) {
    nodes.push({ id: `n${i}`, type: 'Sum', params: i === editedNode ? { scale: editedScale } : {} });
    edges.push({ from: [`n${i - 1}`, 'out'], to: [`n${i}`, 'a'] });
    if (i > 1) edges.push({ from: [`n${Math.floor(i / 2)}`, 'out'], to: [`n${i}`, 'b'] });
  }
  return { format: 'embedding-studio/graph', version: 1, nodes, edges };
}

export function compileOrThrow(doc: unknown, registry: NodeRegistry): CompiledGraph {
  const result = validateGraph(doc, registry);
  if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 3)));
  return result.graph;
}
