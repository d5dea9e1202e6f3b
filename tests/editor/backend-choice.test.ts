import { describe, expect, it } from 'vitest';
import { loadChoices, modelSources, pillInfo, saveChoices } from '../../editor/state/backend-choice';
import { EditorEngine } from '../../editor/state/engine';
import { initialRunState, reduceRunEvent } from '../../editor/state/run-state';
import { FAKE_TYPES, fakeRuntime } from './fake-runtime';
import type { GraphDocument } from '../../runtime/graph/document';

const typeOf = (t: string) => FAKE_TYPES.find((i) => i.type === t);

describe('backend choices', () => {
  it('are remembered in storage, and what is not a choice is dropped', () => {
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
    expect(loadChoices(storage)).toEqual({});
    saveChoices({ 'builtin:tiny': 'wasm', 'folder:sd': 'webgpu' }, storage);
    expect(loadChoices(storage)).toEqual({ 'builtin:tiny': 'wasm', 'folder:sd': 'webgpu' });
    data.set('embedding-studio.backends', JSON.stringify({ a: 'cuda', b: 'wasm' }));
    expect(loadChoices(storage)).toEqual({ b: 'wasm' });
    data.set('embedding-studio.backends', '{not json');
    expect(loadChoices(storage)).toEqual({});
  });

  it('list the models a graph uses, defaults included', () => {
    const doc: GraphDocument = {
      format: 'embedding-studio/graph',
      version: 1,
      meta: {},
      nodes: [
        { id: 'a', type: 'Model', params: { source: 'folder:sd' }, position: [0, 0] },
        { id: 'b', type: 'Model', params: {}, position: [0, 0] },
        { id: 'c', type: 'TextEncode', params: { text: 'x' }, position: [0, 0] },
      ],
      edges: [],
    };
    expect(modelSources(doc, typeOf)).toEqual(['folder:sd', 'builtin:tiny']);
  });

  it('go to the runtime and into the state; "auto" unpins', async () => {
    const runtime = fakeRuntime();
    const sent: unknown[] = [];
    runtime.setBackend = async (source, choice) => void sent.push([source, choice]);
    const e = new EditorEngine({ runtime });
    await e.setBackendChoice('builtin:tiny', 'webgpu');
    expect(e.state.backendChoices).toEqual({ 'builtin:tiny': 'webgpu' });
    await e.setBackendChoice('builtin:tiny', 'auto');
    expect(e.state.backendChoices).toEqual({});
    expect(sent).toEqual([['builtin:tiny', 'webgpu'], ['builtin:tiny', 'auto']]);
  });

  it('the pill shows the latest word, and each model keeps its own with the reason', () => {
    let s = reduceRunEvent(initialRunState, { type: 'backend', name: 'webgpu' });
    s = reduceRunEvent(s, { type: 'backend', name: 'wasm', source: 'builtin:tiny', reason: 'measured', notice: 'why', timings: { webgpu: 900, wasm: 20 } });
    expect(s.backend).toMatchObject({ name: 'wasm', reason: 'measured', notice: 'why' });
    expect(s.backends?.['builtin:tiny']).toMatchObject({ name: 'wasm', timings: { webgpu: 900, wasm: 20 } });
  });

  it('the pill speaks of the graph\'s model, as chosen where a person pinned it there', () => {
    let s = reduceRunEvent(initialRunState, { type: 'backend', name: 'webgpu' });
    expect(pillInfo(['builtin:tiny'], s, {})).toMatchObject({ name: 'webgpu' });
    // pinned to where the host runs: no word of its own from the runtime
    expect(pillInfo(['builtin:tiny'], s, { 'builtin:tiny': 'webgpu' })).toMatchObject({ name: 'webgpu', reason: 'chosen' });
    s = reduceRunEvent(s, { type: 'backend', name: 'wasm', source: 'builtin:tiny', reason: 'software GPU', notice: 'why' });
    s = reduceRunEvent(s, { type: 'backend', name: 'webgpu', source: 'folder:other', reason: 'measured' });
    expect(pillInfo(['builtin:tiny'], s, {})).toMatchObject({ name: 'wasm', reason: 'software GPU' });
    // the last word was another model's: a pinned model without a word of its own shows its pin
    expect(pillInfo(['folder:pinned'], { ...s, backends: {} }, { 'folder:pinned': 'wasm' })).toMatchObject({ name: 'wasm', reason: 'chosen' });
  });

  it('a new choice forgets what the runtime said of that model', async () => {
    const e = new EditorEngine({ runtime: fakeRuntime() });
    e.onRuntimeEvent({ type: 'backend', name: 'wasm', source: 'builtin:tiny', reason: 'software GPU' });
    await e.setBackendChoice('builtin:tiny', 'webgpu');
    expect(e.state.run.backends?.['builtin:tiny']).toBeUndefined();
  });
});
