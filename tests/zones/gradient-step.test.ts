import { describe, expect, it } from 'vitest';
import { GradientStep } from '../../nodes/GradientStep';
import { defineNode } from '../../runtime/node-api/node';
import type { EmbeddingValue } from '../../runtime/values/types';
import { edge, registry, runDoc } from './test-nodes';
import { validateGraph } from '../../runtime/graph/validate';
import { GraphExecutor } from '../../runtime/executor/executor';
import { ResultCache } from '../../runtime/executor/cache';

/** Captures what reaches it, so tests can read the zone's result. */
let seen: EmbeddingValue | undefined;
const Sink = defineNode({
  type: 'Sink', version: 1, category: 'Output', doc: 'test sink', inputs: { embedding: { type: 'Embedding', doc: '' } },
  outputs: {}, params: {},
  async run(_c, i) {
    seen = i.embedding as EmbeddingValue;
    return {};
  },
});
const reg = registry(GradientStep, Sink);

function zoneDoc(params: Record<string, unknown>, measure = 'Distance') {
  return {
    nodes: [
      { id: 'init', type: 'Const' },
      { id: 'opt', type: 'GradientStep', params },
      { id: 'd', type: measure },
      { id: 'out', type: 'Sink' },
    ],
    edges: [edge('init.embedding', 'opt.init'), edge('opt.current', 'd.embedding'), edge('d.score', 'opt.loss'), edge('opt.result', 'out.embedding')],
  };
}

describe('GradientStep', () => {
  it('descends the loss through the body, keeps BOS fixed and reports every iteration', async () => {
    const { nodes, edges } = zoneDoc({ iterations: 60, optimizer: 'adam', lr: 0.2 });
    const { summary, events } = await runDoc(reg, nodes, edges);
    expect(summary.status).toBe('ok');
    const its = events.filter((e) => e.type === 'zone-iteration');
    expect(its).toHaveLength(61);
    const objective = its.map((e) => (e as { objective: number }).objective);
    // BOS (1, 1) is fixed and contributes 2 * 16 to the loss forever.
    expect(objective[0]).toBeCloseTo(2 * 16 + 2 * 9 + 2 * 4, 4);
    expect(objective.at(-1)!).toBeLessThan(32.5);
    expect([...seen!.tensor.data.subarray(0, 2)]).toEqual([1, 1]);
    for (const v of seen!.tensor.data.subarray(2)) expect(Math.abs(v - 5)).toBeLessThan(1);
  });

  it('maximizes when asked and moves away from the target', async () => {
    const { nodes, edges } = zoneDoc({ iterations: 5, optimizer: 'sgd', lr: 0.01, goal: 'maximize' });
    const { events } = await runDoc(reg, nodes, edges);
    const objective = events.flatMap((e) => (e.type === 'zone-iteration' ? [e.objective] : []));
    for (let i = 1; i < objective.length; i++) expect(objective[i]).toBeGreaterThan(objective[i - 1]);
  });

  it('result "last" returns the final embedding even when an earlier one scored better', async () => {
    // SGD with a huge lr jumps far past the target: the start stays the best, the last is worse.
    const { nodes, edges } = zoneDoc({ iterations: 2, optimizer: 'sgd', lr: 5, result: 'last' });
    await runDoc(reg, nodes, edges);
    const lastFree = seen!.tensor.data[2];
    const best = zoneDoc({ iterations: 2, optimizer: 'sgd', lr: 5 });
    await runDoc(reg, best.nodes, best.edges);
    expect(seen!.tensor.data[2]).toBe(2);
    expect(lastFree).not.toBe(2);
  });

  it('with tied rows moves all free rows together from the last one', async () => {
    const { nodes, edges } = zoneDoc({ iterations: 3, optimizer: 'sgd', lr: 0.1, tieRows: true });
    await runDoc(reg, nodes, edges);
    const d = seen!.tensor.data;
    expect(d[2]).toBe(d[4]);
    expect(d[3]).toBe(d[5]);
    expect(d[0]).toBe(1);
    // tied gradient of rows (2,2) and (3,3) set to (3,3) = 2*(3-5)*2 rows = -8; one SGD step from 3: 3 + 0.8
    expect(d[2]).toBeGreaterThan(3);
  });

  it('keepStatistics holds the free values\' mean and std', async () => {
    const { nodes, edges } = zoneDoc({ iterations: 4, optimizer: 'adam', lr: 0.5, keepStatistics: true });
    await runDoc(reg, nodes, edges);
    const free = seen!.tensor.data.subarray(2);
    const mean = free.reduce((a, b) => a + b, 0) / free.length;
    expect(mean).toBeCloseTo(2.5, 4);
  });

  it('is a validation error when a body node has no vjp, naming it', async () => {
    const { nodes, edges } = zoneDoc({ iterations: 1 }, 'Opaque');
    const { summary } = await runDoc(reg, nodes, edges);
    expect(summary.status).toBe('error');
    expect(summary.problems?.some((p) => p.nodeId === 'd' && /not differentiable/.test(p.message))).toBe(true);
  });

  it('is a validation error when the loss does not depend on current', async () => {
    const nodes = [
      { id: 'init', type: 'Const' },
      { id: 'opt', type: 'GradientStep' },
      { id: 'd', type: 'Distance' },
    ];
    const edges = [edge('init.embedding', 'opt.init'), edge('init.embedding', 'd.embedding'), edge('d.score', 'opt.loss')];
    const { summary } = await runDoc(reg, nodes, edges);
    expect(summary.status).toBe('error');
    expect(summary.problems?.some((p) => p.nodeId === 'opt' && /does not depend on "current"/.test(p.message))).toBe(true);
  });

  it('cancelled between iterations still returns the best embedding so far', async () => {
    const { nodes, edges } = zoneDoc({ iterations: 1000, optimizer: 'adam', lr: 0.1 });
    const doc = { format: 'embedding-studio/graph', version: 1, nodes, edges };
    const v = validateGraph(doc, reg);
    if (!v.ok) throw new Error(JSON.stringify(v.problems));
    const controller = new AbortController();
    const objective: number[] = [];
    const cache = new ResultCache();
    const executor = new GraphExecutor(v.graph, {
      services: {}, cache, signal: controller.signal,
      emit: (e) => {
        if (e.type !== 'zone-iteration') return;
        objective.push(e.objective);
        if (e.step === 3) controller.abort();
      },
    });
    const summary = await executor.run();
    expect(summary.status).toBe('cancelled');
    expect(objective).toHaveLength(4);
    const result = executor.output('opt')!.result as EmbeddingValue;
    const free = result.tensor.data.subarray(2);
    // the best of the 4 iterations it ran: iteration 3, closer to the target than the start
    expect(free[0]).toBeGreaterThan(2);
    expect(Math.min(...objective)).toBe(objective[3]);

    // The partial result is not cached: the same graph run again optimizes all over.
    const stop = new AbortController();
    let iterations = 0;
    const again = new GraphExecutor(v.graph, {
      services: {}, cache, signal: stop.signal,
      emit: (e) => {
        if (e.type !== 'zone-iteration') return;
        iterations++;
        stop.abort();
      },
    });
    expect((await again.run()).nodes.opt.cached).toBe(false);
    expect(iterations).toBe(1);
  });
});
