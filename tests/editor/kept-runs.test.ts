import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { EditorEngine } from '../../editor/state/engine';
import { keepRun, restoreRun } from '../../editor/state/kept-runs';
import { openRunStore } from '../../editor/state/run-store';
import { initialRunState, reduceRunEvent, type RunState } from '../../editor/state/run-state';
import type { GraphDocument } from '../../runtime/graph/document';
import type { RuntimeEvent } from '../../runtime/events';
import { fakeRuntime } from './fake-runtime';

const doc: GraphDocument = {
  format: 'embedding-studio/graph',
  version: 1,
  meta: { title: 'kept' },
  nodes: [
    { id: 'enc', type: 'TextEncode', params: { text: 'a cat' }, position: [0, 0] },
    { id: 'mix', type: 'Slerp', params: { t: 0.5 }, position: [200, 0] },
    { id: 'show', type: 'Preview', params: {}, position: [400, 0] },
    { id: 'other', type: 'TextEncode', params: { text: 'a dog' }, position: [0, 200] },
  ],
  edges: [
    { from: ['enc', 'embedding'], to: ['mix', 'a'] },
    { from: ['enc', 'embedding'], to: ['mix', 'b'] },
    { from: ['mix', 'embedding'], to: ['show', 'image'] },
  ],
};
const png = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
const script: RuntimeEvent[] = [
  { type: 'run-start', runId: 1, nodes: ['enc', 'mix', 'show', 'other'] },
  { type: 'node-done', nodeId: 'enc', cached: true, ms: 0 },
  { type: 'node-start', nodeId: 'mix' },
  { type: 'zone-iteration', nodeId: 'mix', step: 0, objective: 2, goal: 'minimize' },
  { type: 'node-done', nodeId: 'mix', cached: false, ms: 12, scores: [0.5] },
  { type: 'node-start', nodeId: 'show' },
  { type: 'node-preview', nodeId: 'show', images: [{ png, width: 1, height: 1, label: 'x' }] },
  { type: 'node-done', nodeId: 'show', cached: false, ms: 3 },
  { type: 'node-error', nodeId: 'other', message: 'boom' },
  { type: 'run-end', runId: 1, status: 'error' },
];
const ran = (): RunState => script.reduce((s, e, i) => reduceRunEvent(s, e, 1000 + i), initialRunState);

describe('kept runs', () => {
  it('keep what each node showed when the run ended, and nothing while it runs', () => {
    const kept = keepRun(ran(), doc, 5000)!;
    expect(kept).toMatchObject({ at: 5000, status: 'error', ms: script.length - 1, doc });
    expect(kept.nodes.enc).toEqual({ status: 'cached', ms: 0 });
    expect(kept.nodes.mix).toMatchObject({ status: 'done', ms: 12, scores: [0.5], history: [{ step: 0, objective: 2, goal: 'minimize' }], goal: 'minimize' });
    expect(kept.nodes.show.previews?.[0].png).toEqual(png);
    expect(kept.nodes.other).toEqual({ status: 'error', error: 'boom' });
    expect(keepRun(reduceRunEvent(initialRunState, script[0]), doc, 0)).toBeUndefined();
    expect(keepRun(initialRunState, doc, 0)).toBeUndefined();
  });

  it('come back as they were on the same graph, stale (errors dropped) where the graph changed since', () => {
    const kept = keepRun(ran(), doc, 5000)!;
    const same = restoreRun(kept, structuredClone(doc), initialRunState);
    expect(same.nodes.show).toMatchObject({ status: 'done', previews: [{ png }] });
    expect(same.nodes.other.status).toBe('error');
    expect(same.lastStatus).toBe('error');
    const edited: GraphDocument = {
      ...doc,
      nodes: doc.nodes.map((n) => (n.id === 'mix' ? { ...n, params: { t: 0.9 } } : n.id === 'other' ? { ...n, params: { text: 'fixed' } } : n)),
    };
    const after = restoreRun(kept, edited, initialRunState);
    expect(after.nodes.enc.status).toBe('cached');
    expect(after.nodes.mix.status).toBe('stale');
    expect(after.nodes.show).toMatchObject({ status: 'stale', previews: [{ png }] });
    expect(after.nodes.other).toBeUndefined();
  });

  it('are stored in IndexedDB, the newest first, the oldest dropped past the limit', async () => {
    const store = await openRunStore(3);
    const kept = keepRun(ran(), doc, 0)!;
    for (let i = 1; i <= 5; i++) await store.put({ ...kept, at: i });
    const list = await store.list();
    expect(list.map((r) => r.at)).toEqual([5, 4, 3]);
    expect((await store.latest())?.at).toBe(5);
    expect(list[0].nodes.show.previews?.[0].png).toEqual(png);
    store.close();
  });

  it('the engine hands each finished run on and takes a kept one back', async () => {
    const runtime = fakeRuntime(script);
    const first = new EditorEngine({ runtime });
    await first.loadNodeTypes();
    first.load(doc, { fresh: true });
    const kept: unknown[] = [];
    first.onRunEnd((r) => kept.push(r));
    await first.run();
    expect(kept).toHaveLength(1);
    // and lists it first in the history
    expect(first.state.runs).toEqual(kept);
    await first.run();
    expect(first.state.runs).toHaveLength(2);
    expect(first.state.runs[1]).toBe(kept[0]);

    const second = new EditorEngine({ runtime: fakeRuntime() });
    await second.loadNodeTypes();
    second.load(structuredClone(doc), { fresh: true });
    second.restoreRun(kept[0] as Parameters<typeof second.restoreRun>[0]);
    expect(second.state.run.nodes.show.previews).toHaveLength(1);
    // an edit to the failed node clears its error badge
    second.setParam('other', 'text', 'better');
    expect(second.state.run.nodes.other).toMatchObject({ status: 'idle', error: undefined });
  });
});

describe('run problems', () => {
  it('go away once the graph is fixed (checked again after the edit)', async () => {
    const runtime = fakeRuntime();
    const e = new EditorEngine({ runtime });
    await e.loadNodeTypes();
    e.load({ ...doc, nodes: [...doc.nodes, { id: 'gone', type: 'Gone', params: {}, position: [0, 0] }] }, { fresh: true });
    await e.run();
    expect(e.state.problems).toEqual([expect.objectContaining({ nodeId: 'gone' })]);
    e.setParam('enc', 'text', 'unrelated edit');
    await new Promise((r) => setTimeout(r, 320));
    expect(e.state.problems).toHaveLength(1);
    e.removeNodes(['gone']);
    await new Promise((r) => setTimeout(r, 320));
    expect(e.state.problems).toEqual([]);
    expect(runtime.validations).toBe(2);
  });
});
