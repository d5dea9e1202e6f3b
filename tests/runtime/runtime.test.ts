import { describe, expect, it } from 'vitest';
import { Runtime } from '../../runtime/api/runtime';
import type { RuntimeEvent } from '../../runtime/events';
import { doc, makeTestNodes } from './test-nodes';

const slowChain = (ms: number) =>
  doc([['a', 'Slow', { ms }], ['b', 'Slow', { ms }]], [['a', 'out', 'b', 'a']]);

describe('Runtime', () => {
  it('queues runs: one at a time, never overlapping', async () => {
    const { registry } = makeTestNodes();
    const runtime = new Runtime({ registry, services: {} });
    const log: string[] = [];
    const listener = (tag: string) => (e: RuntimeEvent) => {
      if (e.type === 'run-start' || e.type === 'run-end') log.push(`${tag}:${e.type}`);
    };
    const [one, two] = await Promise.all([
      runtime.run(slowChain(15), {}, listener('one')),
      runtime.run(slowChain(16), {}, listener('two')),
    ]);
    expect([one.status, two.status]).toEqual(['ok', 'ok']);
    expect(log).toEqual(['one:run-start', 'one:run-end', 'two:run-start', 'two:run-end']);
  });

  it('cancel stops the run in progress and the queued ones; later runs work', async () => {
    const { registry, count } = makeTestNodes();
    const runtime = new Runtime({ registry, services: {} });
    // Cancel as soon as the first run's first node starts: the queued run is cancelled too.
    const first = runtime.run(slowChain(30), {}, (e) => {
      if (e.type === 'node-start') void runtime.cancel();
    });
    const second = runtime.run(doc([['c', 'Const']]), {}, () => {});
    expect((await first).status).toBe('cancelled');
    expect((await second).status).toBe('cancelled');
    expect(count('b')).toBe(0);
    expect(count('c')).toBe(0);
    expect((await runtime.run(doc([['c', 'Const']]), {}, () => {})).status).toBe('ok');
  });

  it('keeps its cache across runs and survives a throwing listener', async () => {
    const { registry, count } = makeTestNodes();
    const runtime = new Runtime({ registry, services: {} });
    const d = doc([['c', 'Const'], ['s', 'Add']], [['c', 'out', 's', 'a']]);
    await runtime.run(d, {}, () => {
      throw new Error('listener gone');
    });
    const summary = await runtime.run(d, {}, () => {});
    expect(summary.nodes.s).toMatchObject({ status: 'cached', cached: true });
    expect(count('s')).toBe(1);
  });

  it('ends a run only once a promise-returning listener has taken every event', async () => {
    const { registry } = makeTestNodes();
    const runtime = new Runtime({ registry, services: {} });
    const delivered: string[] = [];
    const slowListener = (e: RuntimeEvent) =>
      new Promise<void>((resolve) => setTimeout(() => resolve(void delivered.push(e.type)), 5));
    const summary = await runtime.run(doc([['c', 'Const']]), {}, slowListener);
    expect(summary.status).toBe('ok');
    expect(delivered.at(-1)).toBe('run-end');
    const rejecting = () => Promise.reject(new Error('port closed'));
    expect((await runtime.run(doc([['c', 'Const']]), {}, rejecting)).status).toBe('ok');
  });

  it('answers an invalid document or target with problems, running nothing', async () => {
    const { registry } = makeTestNodes();
    const runtime = new Runtime({ registry, services: {} });
    const bad = await runtime.run(doc([['x', 'Nope']]), {}, () => {});
    expect(bad).toMatchObject({ status: 'error', problems: [{ nodeId: 'x', message: 'unknown node type "Nope"' }] });
    const target = await runtime.run(doc([['c', 'Const']]), { targets: ['zz'] }, () => {});
    expect(target.problems).toEqual([{ nodeId: 'zz', message: 'unknown target node "zz"' }]);
    expect(await runtime.validate(doc([['c', 'Const']]))).toMatchObject({ ok: true });
    expect((await runtime.nodeTypes()).find((t) => t.type === 'Loop')).toMatchObject({ zone: 'gradient' });
  });
});

describe('Runtime.dispose', () => {
  it('cancels the run in progress and releases the model and metric services', async () => {
    const { registry } = makeTestNodes();
    const released: string[] = [];
    const services = {
      models: { dispose: async () => void released.push('models'), onEvent: () => () => undefined },
      metrics: { dispose: async () => void released.push('metrics') },
    } as unknown as ConstructorParameters<typeof Runtime>[0]['services'];
    const runtime = new Runtime({ registry, services });
    const running = runtime.run(slowChain(200), {}, () => undefined);
    await new Promise((r) => setTimeout(r, 20));
    await runtime.dispose();
    expect((await running).status).toBe('cancelled');
    expect(released.sort()).toEqual(['metrics', 'models']);
  });
});
