import 'fake-indexeddb/auto';
import { encode, decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { autosave, openGraphStore } from '../../editor/state/autosave';
import { graphFromPng, parseGraphFile, pngWithGraph, PNG_KEYWORD } from '../../editor/state/graph-file';
import type { GraphDocument } from '../../runtime/graph/document';

const doc: GraphDocument = {
  format: 'embedding-studio/graph',
  version: 1,
  meta: { title: 'Ünïcode ✓ prompt' },
  nodes: [{ id: 'enc', type: 'TextEncode', params: { text: 'a café at night — 🌙' }, position: [0, 0] }],
  edges: [],
};

describe('graph files', () => {
  it('round-trips a graph through a PNG tEXt chunk, keeping the pixels', () => {
    const pixels = new Uint8Array(4 * 4 * 3).map((_, i) => i * 5);
    const png = encode({ width: 4, height: 4, data: pixels, channels: 3, depth: 8 });
    const withGraph = pngWithGraph(png, doc);
    const parsed = graphFromPng(withGraph);
    expect(parsed).toEqual({ ok: true, doc });
    expect(decode(withGraph).data).toEqual(pixels);
    expect(decode(withGraph).text[PNG_KEYWORD]).toMatch(/^[\x00-\x7f]*$/);
    expect(parseGraphFile(withGraph)).toEqual({ ok: true, doc });
  });

  it('explains a PNG without a graph', () => {
    const png = encode({ width: 1, height: 1, data: new Uint8Array(3), channels: 3, depth: 8 });
    const parsed = graphFromPng(png);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0].message).toMatch(/carries no graph/);
  });

  it('names the field at fault in a malformed document', () => {
    const parsed = parseGraphFile(new TextEncoder().encode(JSON.stringify({ ...doc, nodes: [{ id: 'bad id!', type: 'X' }] })));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0].message).toMatch(/^nodes\.0\.id: node ids use/);
  });
});

describe('autosave', () => {
  it('writes the last document after changes settle and reads it back in a new session', async () => {
    const store = await openGraphStore();
    const listeners = new Set<(d: GraphDocument) => void>();
    const saver = autosave(store, (l) => (listeners.add(l), () => listeners.delete(l)), 20);
    for (const l of listeners) l({ ...doc, meta: { title: 'first' } });
    for (const l of listeners) l(doc);
    await new Promise((r) => setTimeout(r, 60));
    await saver.dispose();
    expect(listeners.size).toBe(0);
    store.close();
    const again = await openGraphStore();
    expect((await again.load())?.doc).toEqual(doc);
    again.close();
  });
});
