import { describe, expect, it } from 'vitest';
import { EditorEngine } from '../../editor/state/engine';
import { serialize } from '../../editor/state/document-ops';
import { runningGradientZone } from '../../editor/state/zones';
import { fakeRuntime } from './fake-runtime';

async function engine(script = [] as Parameters<typeof fakeRuntime>[0]) {
  let t = 0;
  const runtime = fakeRuntime(script);
  const e = new EditorEngine({ runtime, now: () => (t += 100) });
  await e.loadNodeTypes();
  return { e, runtime, tick: (ms: number) => (t += ms) };
}

describe('EditorEngine', () => {
  it('adds nodes with default params and fresh ids', async () => {
    const { e } = await engine();
    const a = e.addNode('TextEncode', [0, 0]);
    const b = e.addNode('TextEncode', [0, 100]);
    expect([a, b]).toEqual(['textencode', 'textencode-2']);
    expect(e.doc.nodes[0].params).toEqual({ text: 'a cat' });
    expect(e.state.selection).toEqual(['textencode-2']);
  });

  it('refuses a connection whose socket types do not fit, with a hint', async () => {
    const { e } = await engine();
    e.addNode('SeedSet', [0, 0]);
    e.addNode('Slerp', [200, 0]);
    const r = e.connect({ from: ['seedset', 'seeds'], to: ['slerp', 'a'] });
    expect(r.ok).toBe(false);
    expect(e.state.hint?.message).toMatch(/Seeds does not fit Slerp.a \(Embedding\)/);
    expect(e.doc.edges).toEqual([]);
  });

  it('accepts a fitting connection and replaces the edge already feeding that input', async () => {
    const { e } = await engine();
    e.addNode('TextEncode', [0, 0]);
    e.addNode('TextEncode', [0, 100]);
    e.addNode('Slerp', [200, 0]);
    expect(e.connect({ from: ['textencode', 'embedding'], to: ['slerp', 'a'] }).ok).toBe(true);
    e.connect({ from: ['textencode-2', 'embedding'], to: ['slerp', 'a'] });
    expect(e.doc.edges).toEqual([{ from: ['textencode-2', 'embedding'], to: ['slerp', 'a'] }]);
    e.undo();
    expect(e.doc.edges).toEqual([{ from: ['textencode', 'embedding'], to: ['slerp', 'a'] }]);
  });

  it('groups param edits while typing into one undo step, and redo restores them', async () => {
    const { e, tick } = await engine();
    e.addNode('TextEncode', [0, 0]);
    for (const text of ['a d', 'a do', 'a dog']) e.setParam('textencode', 'text', text);
    tick(5000);
    e.setParam('textencode', 'text', 'a dog!');
    e.undo();
    expect(e.doc.nodes[0].params.text).toBe('a dog');
    e.undo();
    expect(e.doc.nodes[0].params.text).toBe('a cat');
    e.redo();
    expect(e.doc.nodes[0].params.text).toBe('a dog');
    e.undo();
    e.undo();
    expect(e.doc.nodes).toEqual([]);
    expect(e.state.canUndo).toBe(false);
  });

  it('sealEdit ends a group', async () => {
    const { e } = await engine();
    e.addNode('Slerp', [0, 0]);
    e.setParam('slerp', 't', 0.1);
    e.sealEdit();
    e.setParam('slerp', 't', 0.2);
    e.undo();
    expect(e.doc.nodes[0].params.t).toBe(0.1);
  });

  it('deletes nodes with their edges, undoably', async () => {
    const { e } = await engine();
    e.addNode('TextEncode', [0, 0]);
    e.addNode('Slerp', [200, 0]);
    e.connect({ from: ['textencode', 'embedding'], to: ['slerp', 'b'] });
    const before = e.doc;
    e.removeNodes(['textencode']);
    expect(e.doc.edges).toEqual([]);
    e.undo();
    expect(e.doc).toBe(before);
  });

  it('copies and pastes nodes with their inner edges under fresh ids', async () => {
    const { e } = await engine();
    e.addNode('TextEncode', [0, 0]);
    e.addNode('Slerp', [200, 0]);
    e.connect({ from: ['textencode', 'embedding'], to: ['slerp', 'a'] });
    e.select(['textencode', 'slerp']);
    const text = e.copySelection()!;
    const ids = e.paste(text);
    expect(ids).toEqual(['textencode-2', 'slerp-2']);
    expect(e.doc.edges).toContainEqual({ from: ['textencode-2', 'embedding'], to: ['slerp-2', 'a'] });
    expect(e.doc.nodes.find((n) => n.id === 'slerp-2')!.position).toEqual([240, 40]);
    expect(e.paste('not ours')).toEqual([]);
  });

  it('keeps the graph when an import is broken and shows the messages', async () => {
    const { e } = await engine();
    e.addNode('Slerp', [0, 0]);
    const before = e.doc;
    const bad = await e.importFile(new TextEncoder().encode('{"format":"embedding-studio/graph","version":1,"nodes":[{"id":"x","type":"Nope"}]}'));
    expect(bad.ok).toBe(false);
    expect(e.state.problems[0].message).toMatch(/unknown node type "Nope"/);
    expect(e.doc).toBe(before);
    const notJson = await e.importFile(new TextEncoder().encode('{oops'));
    expect(notJson.ok).toBe(false);
    expect(e.state.problems[0].message).toMatch(/not a JSON file/);
    const wrongVersion = await e.importFile(new TextEncoder().encode('{"format":"embedding-studio/graph","version":9,"nodes":[]}'));
    expect(wrongVersion.ok).toBe(false);
    expect(e.state.problems[0].message).toMatch(/^version/);
  });

  it('imports a good file as one undo step', async () => {
    const { e } = await engine();
    e.addNode('Slerp', [0, 0]);
    const before = e.doc;
    const text = serialize({ format: 'embedding-studio/graph', version: 1, meta: { title: 'T' }, nodes: [{ id: 'p', type: 'Preview', params: {}, position: [1, 2] }], edges: [] });
    expect((await e.importFile(new TextEncoder().encode(text))).ok).toBe(true);
    expect(e.doc.meta.title).toBe('T');
    e.undo();
    expect(e.doc).toBe(before);
  });

  it('runs and tracks per-node status, previews, cached marks and zone history', async () => {
    const { e, runtime } = await engine([
      { type: 'run-start', runId: 1, nodes: ['textencode', 'slerp'] },
      { type: 'node-done', nodeId: 'textencode', cached: true, ms: 0 },
      { type: 'node-start', nodeId: 'slerp' },
      { type: 'node-progress', nodeId: 'slerp', value: 1, max: 2 },
      { type: 'zone-iteration', nodeId: 'slerp', step: 0, objective: 3 },
      { type: 'zone-iteration', nodeId: 'slerp', step: 1, objective: 2 },
      { type: 'node-preview', nodeId: 'slerp', images: [{ png: new Uint8Array([1]), width: 1, height: 1 }] },
      { type: 'node-done', nodeId: 'slerp', cached: false, ms: 5 },
      { type: 'backend', name: 'wasm' },
      { type: 'run-end', runId: 1, status: 'ok' },
    ]);
    e.addNode('TextEncode', [0, 0]);
    e.addNode('Slerp', [200, 0]);
    await e.run();
    expect(runtime.runs).toBe(1);
    const run = e.state.run;
    expect(run.running).toBe(false);
    expect(run.executed).toEqual(['slerp']);
    expect(run.cached).toEqual(['textencode']);
    expect(run.nodes.textencode.status).toBe('cached');
    expect(run.nodes.slerp.history).toHaveLength(2);
    expect(run.nodes.slerp.previews).toHaveLength(1);
    expect(run.backend?.name).toBe('wasm');
    // An edit makes the node and what depends on it stale.
    e.setParam('slerp', 't', 0.9);
    expect(e.state.run.nodes.slerp.status).toBe('stale');
    expect(e.state.run.nodes.textencode.status).toBe('cached');
  });

  it('does not run an invalid graph and reports why', async () => {
    const { e, runtime } = await engine();
    e.load({ format: 'embedding-studio/graph', version: 1, meta: {}, nodes: [{ id: 'x', type: 'Gone', params: {}, position: [0, 0] }], edges: [] }, { fresh: true });
    await e.run();
    expect(runtime.runs).toBe(0);
    // one round trip: the problems come back in the run's summary, not from a separate validate()
    expect(runtime.validations).toBe(0);
    expect(e.state.problems[0]).toMatchObject({ nodeId: 'x' });
    expect(e.state.run.running).toBe(false);
  });

  it('asks a running optimization zone to stop and use its best, and shows that it stopped', async () => {
    const { e, runtime } = await engine();
    e.addNode('TextEncode', [0, 0]);
    e.addNode('GradientStep', [200, 0]);
    e.addNode('Score', [400, 0]);
    expect(runningGradientZone(e.doc, e.state.run, (t) => e.typeOf(t))).toBeUndefined();
    // not running: nothing to stop
    expect(await e.stopZone('gradientstep')).toBe(false);
    e.onRuntimeEvent({ type: 'run-start', runId: 1, nodes: ['textencode', 'gradientstep', 'score'] });
    e.onRuntimeEvent({ type: 'node-start', nodeId: 'gradientstep' });
    expect(runningGradientZone(e.doc, e.state.run, (t) => e.typeOf(t))).toBe('gradientstep');
    expect(await e.stopZone('gradientstep')).toBe(true);
    expect(runtime.stops).toEqual(['gradientstep']);
    expect(e.state.run.nodes.gradientstep.stopping).toBe(true);
    e.onRuntimeEvent({ type: 'node-done', nodeId: 'gradientstep', cached: false, ms: 9, stopped: true });
    expect(e.state.run.nodes.gradientstep).toMatchObject({ status: 'done', stopped: true, stopping: undefined });
    expect(runningGradientZone(e.doc, e.state.run, (t) => e.typeOf(t))).toBeUndefined();
    // the next run starts the zone afresh
    e.onRuntimeEvent({ type: 'node-start', nodeId: 'gradientstep' });
    expect(e.state.run.nodes.gradientstep.stopped).toBeUndefined();
  });

  it('answers a Pick request through the runtime and clears it', async () => {
    const { e, runtime } = await engine([{ type: 'pick-request', nodeId: 'pick', round: 0, images: [], t: 0.4 }]);
    const choices: unknown[] = [];
    runtime.choose = async (nodeId, choice) => (choices.push([nodeId, choice]), true);
    e.addNode('Slerp', [0, 0]);
    await e.run();
    expect(e.state.run.nodes.pick.pick?.t).toBe(0.4);
    expect(await e.choose('pick', { index: 2, t: 0.7 })).toBe(true);
    expect(choices).toEqual([['pick', { index: 2, t: 0.7 }]]);
    expect(e.state.run.nodes.pick.pick).toBeUndefined();
  });

  it('points the selected node with a source param at a registered folder', async () => {
    const { e, runtime } = await engine();
    expect(await e.registerFolder('sd', [])).toBeUndefined();
    expect(e.state.hint?.message).toMatch(/cannot load local folders/);
    runtime.registerFolder = async (name) => ({ source: `folder:${name}` });
    e.addNode('TextEncode', [0, 0]);
    e.select([]);
    expect(await e.registerFolder('sd', [])).toBe('folder:sd');
    expect(e.state.hint?.message).toMatch(/folder:sd/);
    e.addNode('Model', [0, 0]);
    await e.registerFolder('sd2', []);
    expect(e.doc.nodes.find((n) => n.id === 'model')?.params.source).toBe('folder:sd2');
  });

  it('connects a node chosen after a wire drop through its first fitting port', async () => {
    const { e } = await engine();
    e.addNode('TextEncode', [0, 0]);
    e.addNode('Slerp', [200, 0], { nodeId: 'textencode', port: 'embedding', side: 'output' });
    expect(e.doc.edges).toEqual([{ from: ['textencode', 'embedding'], to: ['slerp', 'a'] }]);
    e.addNode('Preview', [400, 0], { nodeId: 'slerp', port: 'embedding', side: 'output' });
    expect(e.doc.edges).toContainEqual({ from: ['slerp', 'embedding'], to: ['preview', 'image'] });
    e.addNode('TextEncode', [0, 200], { nodeId: 'slerp', port: 'b', side: 'input' });
    expect(e.doc.edges).toContainEqual({ from: ['textencode-2', 'embedding'], to: ['slerp', 'b'] });
    e.undo();
    expect(e.doc.nodes.map((n) => n.id)).toEqual(['textencode', 'slerp', 'preview']);
  });
});
