import { describe, expect, it } from 'vitest';
import { validateGraph, type CompiledGraph } from '../../runtime/graph/validate';
import { GraphExecutor } from '../../runtime/executor/executor';
import { ResultCache } from '../../runtime/executor/cache';
import { makePlan } from '../../runtime/executor/plan';
import type { NodeRegistry } from '../../nodes/product';
import type { RuntimeEvent } from '../../runtime/events';
import type { NumberValue } from '../../runtime/values/types';
import { doc, makeTestNodes } from './test-nodes';

function compile(input: unknown, registry: NodeRegistry): CompiledGraph {
  const result = validateGraph(input, registry);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.graph;
}

/** Runs a document once against a shared cache, collecting events. */
function runner(registry: NodeRegistry, cache = new ResultCache()) {
  return async (input: unknown, targets?: string[], signal?: AbortSignal, onEvent?: (e: RuntimeEvent) => void) => {
    const events: RuntimeEvent[] = [];
    const emit = (e: RuntimeEvent) => {
      events.push(e);
      onEvent?.(e);
    };
    const executor = new GraphExecutor(compile(input, registry), { services: {}, cache, signal, emit });
    const summary = await executor.run(targets);
    return { summary, events, executor, value: (id: string, port = 'out') => (executor.output(id)?.[port] as NumberValue)?.values[0] };
  };
}

// c1 -> add1 -> add2 ; c2 -> add2 ; c3 -> add3 (independent branch)
const chain = (v1 = 1, v3 = 3) =>
  doc(
    [['c1', 'Const', { value: v1 }], ['c2', 'Const', { value: 2 }], ['add1', 'Add'], ['add2', 'Add'], ['c3', 'Const', { value: v3 }], ['add3', 'Add']],
    [['c1', 'out', 'add1', 'a'], ['add1', 'out', 'add2', 'a'], ['c2', 'out', 'add2', 'b'], ['c3', 'out', 'add3', 'a']],
  );

describe('plan', () => {
  it('orders dependencies first and runs only what targets need', () => {
    const { registry } = makeTestNodes();
    const graph = compile(chain(), registry);
    expect(makePlan(graph).order).toEqual(['c1', 'add1', 'c2', 'add2', 'c3', 'add3']);
    expect(makePlan(graph, ['add1']).order).toEqual(['c1', 'add1']);
    expect(() => makePlan(graph, ['nope'])).toThrow('unknown target node "nope"');
  });
});

describe('executor', () => {
  it('computes values and emits start/done events in order', async () => {
    const { registry } = makeTestNodes();
    const { summary, events, value } = await runner(registry)(chain());
    expect(summary.status).toBe('ok');
    expect(value('add2')).toBe(3);
    expect(value('add3')).toBe(3);
    expect(events[0]).toMatchObject({ type: 'run-start', nodes: ['c1', 'add1', 'c2', 'add2', 'c3', 'add3'] });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'ok' });
    const done = events.filter((e) => e.type === 'node-done').map((e) => e.nodeId);
    expect(done).toEqual(['c1', 'add1', 'c2', 'add2', 'c3', 'add3']);
  });

  it('re-runs only the edited node and what is downstream of it', async () => {
    const { registry, count } = makeTestNodes();
    const run = runner(registry);
    await run(chain(1));
    const first = ['c1', 'c2', 'add1', 'add2', 'c3', 'add3'].map(count);
    expect(first).toEqual([1, 1, 1, 1, 1, 1]);
    const again = await run(chain(5));
    expect(['c1', 'c2', 'add1', 'add2', 'c3', 'add3'].map(count)).toEqual([2, 1, 2, 2, 1, 1]);
    expect(again.value('add2')).toBe(7);
    expect(again.summary.nodes.c3).toMatchObject({ status: 'cached', cached: true });
    expect(again.events).toContainEqual({ type: 'node-done', nodeId: 'add3', cached: true, ms: 0 });
    // Nothing changed: nothing runs.
    await run(chain(5));
    expect(['c1', 'c2', 'add1', 'add2', 'c3', 'add3'].map(count)).toEqual([2, 1, 2, 2, 1, 1]);
  });

  it('never reuses a non-deterministic node or what depends on it', async () => {
    const { registry, count } = makeTestNodes();
    const run = runner(registry);
    const d = doc([['n', 'Noisy'], ['a', 'Add']], [['n', 'out', 'a', 'a']]);
    const one = await run(d);
    const two = await run(d);
    expect([count('n'), count('a')]).toEqual([2, 2]);
    expect(one.value('a')).not.toBe(two.value('a'));
  });

  it('fails only the branch of a failing node, naming the node, without a stack', async () => {
    const { registry, count } = makeTestNodes();
    const d = doc(
      [['bad', 'Fail'], ['after', 'Add'], ['c', 'Const'], ['ok', 'Add']],
      [['bad', 'out', 'after', 'a'], ['c', 'out', 'ok', 'a']],
    );
    const { summary, events } = await runner(registry)(d);
    expect(summary.status).toBe('error');
    expect(summary.nodes.bad).toMatchObject({ status: 'error', error: 'node "bad" (Fail): it broke' });
    expect(summary.nodes.after).toMatchObject({ status: 'skipped' });
    expect(summary.nodes.ok).toMatchObject({ status: 'ok' });
    expect(count('after')).toBe(0);
    expect(events).toContainEqual({ type: 'node-error', nodeId: 'bad', message: 'node "bad" (Fail): it broke' });
  });

  it('stops within one unit of work when cancelled', async () => {
    const { registry, count } = makeTestNodes();
    const ids = ['s1', 's2', 's3', 's4'];
    const d = doc(ids.map((id) => [id, 'Slow', { ms: 30 }]), [['s1', 'out', 's2', 'a'], ['s2', 'out', 's3', 'a'], ['s3', 'out', 's4', 'a']]);
    const controller = new AbortController();
    // Cancel while s2 runs: s2 finishes its unit of work, nothing after it starts.
    const pending = runner(registry)(d, undefined, controller.signal, (e) => {
      if (e.type === 'node-start' && e.nodeId === 's2') controller.abort();
    });
    const { summary, events } = await pending;
    expect(summary.status).toBe('cancelled');
    expect(ids.map(count)).toEqual([1, 1, 0, 0]);
    expect(summary.nodes.s3.status).toBe('cancelled');
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'cancelled' });
  });

  it('forwards progress and previews (as PNG) from nodes', async () => {
    const { registry } = makeTestNodes();
    const d = doc(
      [['e', 'ConstEmbedding'], ['img', 'EmbeddingImage'], ['p', 'Preview'], ['s', 'Slow', { ms: 0 }]],
      [['e', 'embedding', 'img', 'embedding'], ['img', 'image', 'p', 'image']],
    );
    const { events } = await runner(registry)(d);
    const preview = events.find((e) => e.type === 'node-preview');
    expect(preview).toMatchObject({ nodeId: 'p', images: [{ width: 4, height: 4 }] });
    expect(events).toContainEqual({ type: 'node-progress', nodeId: 's', value: 1, max: 1 });
  });

  it('bounds the cache by entries, least recently used out first', async () => {
    const { registry, count } = makeTestNodes();
    const cache = new ResultCache({ maxEntries: 2 });
    const run = runner(registry, cache);
    await run(chain(), ['add3']);
    await run(chain(), ['add3']);
    expect(count('c3')).toBe(1);
    await run(chain(), ['add1']); // c1 and add1 push c3 and add3 out
    expect(cache.size).toBe(2);
    await run(chain(), ['add3']);
    expect(count('c3')).toBe(2);
  });

  it('bounds the cache by bytes', () => {
    const cache = new ResultCache({ maxBytes: 100 });
    const tensor = (n: number) => ({ kind: 'Image' as const, tensor: { dims: [n], data: new Float32Array(n) } });
    cache.set('a', { image: tensor(10) });
    cache.set('b', { image: tensor(10) });
    expect(cache.bytes).toBe(80);
    cache.get('a'); // a is now the most recent
    cache.set('c', { image: tensor(10) });
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    cache.set('huge', { image: tensor(1000) });
    expect(cache.has('huge')).toBe(false);
  });
});
