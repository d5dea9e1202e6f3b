import { describe, expect, it } from 'vitest';
import { validateGraph, type CompiledGraph } from '../../runtime/graph/validate';
import { findZoneBody } from '../../runtime/zones/body';
import { indexGraph } from '../../runtime/graph/graph-index';
import { GraphDocument } from '../../runtime/graph/document';
import { GraphExecutor } from '../../runtime/executor/executor';
import { ResultCache } from '../../runtime/executor/cache';
import type { NodeRegistry } from '../../nodes/product';
import type { RuntimeEvent } from '../../runtime/events';
import type { NumberValue } from '../../runtime/values/types';
import { doc, makeTestNodes } from './test-nodes';

function compile(input: unknown, registry: NodeRegistry): CompiledGraph {
  const result = validateGraph(input, registry);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.graph;
}

// i -> z.init; z.current -> f -> z.loss, f also reads k from outside; tap reads the body, r the result, cur the last current.
const zoneDoc = (k = 1, iterations = 3) =>
  doc(
    [['i', 'Const', { value: 4 }], ['k', 'Const', { value: k }], ['z', 'Loop', { iterations }], ['f', 'Add'], ['tap', 'Add'], ['r', 'Add'], ['cur', 'Add']],
    [
      ['i', 'out', 'z', 'init'],
      ['z', 'current', 'f', 'a'],
      ['k', 'out', 'f', 'b'],
      ['f', 'out', 'z', 'loss'],
      ['f', 'out', 'tap', 'a'],
      ['z', 'result', 'r', 'a'],
      ['z', 'current', 'cur', 'a'],
    ],
  );

describe('zone body finder', () => {
  it('finds the nodes between the loop outputs and the loop inputs, and which carry gradients', () => {
    const { registry } = makeTestNodes();
    const d = GraphDocument.parse(
      doc(
        [['i', 'Const'], ['z', 'Loop'], ['g', 'Opaque'], ['f', 'Add'], ['h', 'Add'], ['out', 'Add']],
        [
          ['i', 'out', 'z', 'init'],
          ['z', 'step', 'g', 'a'],
          ['z', 'current', 'f', 'a'],
          ['g', 'out', 'f', 'b'],
          ['f', 'out', 'h', 'a'],
          ['h', 'out', 'z', 'loss'],
          ['z', 'result', 'out', 'a'],
        ],
      ),
    );
    const body = findZoneBody(indexGraph(d), 'z', registry.get('Loop')!);
    expect(body.nodes).toEqual(['g', 'f', 'h']);
    expect([...body.onGradientPath].sort()).toEqual(['f', 'h']);
    expect(body.loopLinks).toEqual([{ fromNode: 'h', fromPort: 'out', toNode: 'z', toPort: 'loss' }]);
    // g is not differentiable but lies off the gradient path: valid.
    expect(validateGraph(d, registry).ok).toBe(true);
  });
});

describe('zones in the executor', () => {
  const run = async (registry: NodeRegistry, cache: ResultCache, input: unknown) => {
    const events: RuntimeEvent[] = [];
    const executor = new GraphExecutor(compile(input, registry), { services: {}, cache, emit: (e) => events.push(e) });
    const summary = await executor.run();
    const value = (id: string, port = 'out') => (executor.output(id)?.[port] as NumberValue).values[0];
    return { summary, events, value };
  };

  it('runs the body once per iteration while outside nodes run once', async () => {
    const { registry, count } = makeTestNodes();
    const { summary, events, value } = await run(registry, new ResultCache(), zoneDoc());
    expect(summary.status).toBe('ok');
    expect([count('i'), count('k'), count('z'), count('f')]).toEqual([1, 1, 1, 3]);
    // x: 4 -> 1.5 -> 0.25 -> -0.375 (loss = x + 1, step -0.5 * loss)
    expect(value('r')).toBeCloseTo(-0.375);
    expect(value('tap')).toBeCloseTo(1.25); // downstream of the body: sees the last iteration
    expect(value('cur')).toBeCloseTo(0.25); // reads `current` from outside the body: its last value
    const iterations = events.filter((e) => e.type === 'zone-iteration');
    expect(iterations).toEqual([
      { type: 'zone-iteration', nodeId: 'z', step: 0, objective: 5 },
      { type: 'zone-iteration', nodeId: 'z', step: 1, objective: 2.5 },
      { type: 'zone-iteration', nodeId: 'z', step: 2, objective: 1.25 },
    ]);
    expect(summary.nodes.f).toMatchObject({ status: 'ok' });
  });

  it('caches a zone whole and re-runs it when its body changes', async () => {
    const { registry, count } = makeTestNodes();
    const cache = new ResultCache();
    await run(registry, cache, zoneDoc());
    const again = await run(registry, cache, zoneDoc());
    expect([count('z'), count('f'), count('tap')]).toEqual([1, 3, 1]);
    expect(again.summary.nodes.z.cached).toBe(true);
    expect(again.value('tap')).toBeCloseTo(1.25);
    // k feeds the body from outside: editing it re-runs the zone but not i.
    await run(registry, cache, zoneDoc(2));
    expect([count('i'), count('k'), count('z'), count('f')]).toEqual([1, 2, 2, 6]);
    await run(registry, cache, zoneDoc(2, 4));
    expect([count('i'), count('k'), count('z'), count('f')]).toEqual([1, 2, 3, 10]);
  });

  it('fails the zone with the message of the body node that broke', async () => {
    const { registry } = makeTestNodes();
    const d = doc(
      [['i', 'Const'], ['z', 'Loop'], ['bad', 'Fail'], ['r', 'Add']],
      [['i', 'out', 'z', 'init'], ['z', 'current', 'bad', 'a'], ['bad', 'out', 'z', 'loss'], ['z', 'result', 'r', 'a']],
    );
    const reg = registry;
    // Fail has no vjp, so use a pick zone (no differentiability demand).
    const pick = JSON.parse(JSON.stringify(d).replace('"Loop"', '"PickLoop"'));
    const { summary, events } = await run(reg, new ResultCache(), pick);
    expect(summary.nodes.z).toMatchObject({ status: 'error', error: 'node "bad" (Fail): it broke' });
    expect(summary.nodes.r.status).toBe('skipped');
    expect(events).toContainEqual({ type: 'node-error', nodeId: 'bad', message: 'node "bad" (Fail): it broke' });
  });
});
