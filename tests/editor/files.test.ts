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

describe('graph files that are damaged or not graphs', () => {
  const png = () => pngWithGraph(encode({ width: 2, height: 2, data: new Uint8Array(12), channels: 3, depth: 8 }), doc);
  const messageOf = (bytes: Uint8Array) => {
    const parsed = parseGraphFile(bytes);
    return parsed.ok ? 'ok' : parsed.problems[0].message;
  };

  it('calls a truncated PNG a damaged PNG, not "not a JSON file"', () => {
    expect(messageOf(png().subarray(0, 40))).toMatch(/^this PNG is damaged and cannot be read \(/);
  });

  it('calls a PNG with a damaged signature a damaged PNG', () => {
    const bytes = png();
    bytes[0] = 0;
    expect(messageOf(bytes)).toBe('this PNG is damaged (its signature is wrong), so the graph in it cannot be read');
  });

  it('says a binary file is not a graph', () => {
    expect(messageOf(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]))).toBe(
      'this file is not a graph: open a graph .json file, or a PNG exported from Embedding Studio',
    );
  });

  it('says when the graph inside a PNG is damaged', () => {
    const bytes = encode({ width: 1, height: 1, data: new Uint8Array(3), channels: 3, depth: 8, text: { [PNG_KEYWORD]: '{"format": ' } });
    expect(messageOf(bytes)).toMatch(/^the graph stored in this PNG is damaged: /);
  });
});
