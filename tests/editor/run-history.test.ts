import { describe, expect, it } from 'vitest';
import { comparableNodes, graphDiff, summarizeRuns } from '../../editor/state/run-history';
import type { KeptRun } from '../../editor/state/kept-runs';
import type { GraphDocument } from '../../runtime/graph/document';

const doc = (text: string, steps: number, extra: GraphDocument['nodes'] = []): GraphDocument => ({
  format: 'embedding-studio/graph',
  version: 1,
  meta: {},
  nodes: [
    { id: 'prompt', type: 'TextEncode', params: { text }, position: [0, 0] },
    { id: 'gen', type: 'Generate', params: { steps }, position: [200, 0] },
    ...extra,
  ],
  edges: [{ from: ['prompt', 'embedding'], to: ['gen', 'embedding'] }],
});
const png = (b: number) => ({ png: new Uint8Array([b]), width: 1, height: 1 });

describe('run history', () => {
  it('says what changed between two graphs: params by node, nodes and wires', () => {
    expect(graphDiff(doc('a', 20), doc('a', 20))).toBe('no change');
    expect(graphDiff(doc('a', 20), doc('b', 4))).toBe('prompt.text, gen.steps');
    const more = doc('a', 20, [{ id: 'show', type: 'Preview', params: {}, position: [0, 0] }]);
    more.edges.push({ from: ['gen', 'image'], to: ['show', 'image'] });
    expect(graphDiff(doc('a', 20), more)).toBe('+1 node; 1 wire changed');
    expect(graphDiff(more, doc('a', 20))).toBe('−1 node; 1 wire changed');
  });

  it('lists each run against the one before, with its first score per node', () => {
    const runs: KeptRun[] = [
      { at: 3, status: 'ok', ms: 1500, doc: doc('b', 20), nodes: { gen: { status: 'done', previews: [png(2)] }, prompt: { status: 'done', scores: [0.25, 9] } } },
      { at: 2, status: 'cancelled', doc: doc('a', 20), nodes: { gen: { status: 'done', previews: [png(1)] } } },
      { at: 1, status: 'error', doc: doc('a', 20), nodes: {} },
    ];
    expect(summarizeRuns(runs)).toEqual([
      { at: 3, status: 'ok', ms: 1500, diff: 'prompt.text', scores: [{ nodeId: 'prompt', value: 0.25 }] },
      { at: 2, status: 'cancelled', ms: undefined, diff: 'no change', scores: [] },
      { at: 1, status: 'error', ms: undefined, diff: 'first run kept', scores: [] },
    ]);
    expect(comparableNodes(runs[0], runs[1])).toEqual(['gen']);
    expect(comparableNodes(runs[0], runs[2])).toEqual([]);
  });
});
