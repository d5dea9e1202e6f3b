import { describe, expect, it } from 'vitest';
import { History } from '../../editor/state/history';
import { initialRunState, markStale, reduceRunEvent } from '../../editor/state/run-state';
import { checkConnection, typesFitting } from '../../editor/state/sockets';
import { connect, downstream, emptyDocument, freshId, moveNodes, removeNodes, setParam } from '../../editor/state/document-ops';
import { numberFieldText, parseNumberField, parseNumberList } from '../../editor/view/widgets';
import type { RuntimeEvent } from '../../runtime/events';
import { FAKE_TYPES } from './fake-runtime';

const byType = (t: string) => FAKE_TYPES.find((i) => i.type === t);

describe('document ops', () => {
  const doc = {
    ...emptyDocument(),
    nodes: [
      { id: 'a', type: 'TextEncode', params: { text: 'x' }, position: [0, 0] as [number, number] },
      { id: 'b', type: 'Slerp', params: {}, position: [0, 0] as [number, number] },
      { id: 'c', type: 'Preview', params: {}, position: [0, 0] as [number, number] },
    ],
    edges: [
      { from: ['a', 'embedding'], to: ['b', 'a'] },
      { from: ['b', 'embedding'], to: ['c', 'image'] },
    ] as { from: [string, string]; to: [string, string] }[],
  };

  it('returns the same document when nothing changes (no empty undo steps)', () => {
    expect(setParam(doc, 'a', 'text', 'x')).toBe(doc);
    expect(moveNodes(doc, { a: [0, 0] })).toBe(doc);
    expect(removeNodes(doc, ['zz'])).toBe(doc);
    expect(connect(doc, { from: ['a', 'embedding'], to: ['b', 'a'] })).toBe(doc);
  });

  it('shares untouched nodes between snapshots', () => {
    const next = setParam(doc, 'a', 'text', 'y');
    expect(next.nodes[1]).toBe(doc.nodes[1]);
    expect(next.nodes[0].params.text).toBe('y');
  });

  it('finds what an edit makes stale', () => {
    expect(downstream(doc, ['a'])).toEqual(new Set(['a', 'b', 'c']));
    expect(downstream(doc, ['b'])).toEqual(new Set(['b', 'c']));
  });

  it('makes ids from the type that never collide', () => {
    expect(freshId(doc, 'Slerp')).toBe('slerp');
    expect(freshId({ ...doc, nodes: [...doc.nodes, { ...doc.nodes[1], id: 'slerp' }] }, 'Slerp')).toBe('slerp-2');
  });
});

describe('sockets', () => {
  it('accepts any shared type and names both ends when refusing', () => {
    expect(checkConnection(byType('Slerp'), 'embedding', byType('Preview'), 'image').ok).toBe(true);
    expect(checkConnection(byType('SeedSet'), 'seeds', byType('Preview'), 'image')).toEqual({
      ok: false,
      hint: 'Seeds does not fit Preview.image (Image | Embedding)',
    });
    expect(checkConnection(byType('SeedSet'), 'nope', byType('Preview'), 'image').ok).toBe(false);
  });

  it('lists node types with a fitting port for a dropped wire', () => {
    const fromEmbedding = typesFitting(FAKE_TYPES, { side: 'output', port: { type: 'Embedding', doc: '' } });
    expect(fromEmbedding.map((f) => `${f.info.type}.${f.port}`)).toEqual(['Slerp.a', 'GradientStep.init', 'Score.embedding', 'Preview.image']);
    const intoLatent = typesFitting(FAKE_TYPES, { side: 'input', port: { type: 'Latent', doc: '' } });
    expect(intoLatent).toEqual([]);
  });
});

describe('history', () => {
  it('drops the oldest entries past its limit and clears redo on a new edit', () => {
    const h = new History<number>(2, 1000, () => 0);
    h.push(0, 1, 'a');
    h.push(1, 2, 'b');
    h.push(2, 3, 'c');
    expect(h.undo()?.before).toBe(2);
    expect(h.undo()?.before).toBe(1);
    expect(h.undo()).toBeUndefined();
    h.redo();
    h.push(2, 9, 'd');
    expect(h.canRedo).toBe(false);
  });
});

describe('run state', () => {
  const ev = (e: RuntimeEvent) => e;
  it('keeps a Pick request until a choice or the end of the run', () => {
    let s = reduceRunEvent(initialRunState, ev({ type: 'run-start', runId: 1, nodes: ['pick'] }));
    s = reduceRunEvent(s, ev({ type: 'node-start', nodeId: 'pick' }));
    s = reduceRunEvent(s, ev({ type: 'pick-request', nodeId: 'pick', round: 0, images: [], t: 0.5 }));
    expect(s.nodes.pick.pick).toEqual({ round: 0, images: [], scores: undefined, t: 0.5 });
    s = reduceRunEvent(s, ev({ type: 'run-end', runId: 1, status: 'cancelled' }));
    expect(s.nodes.pick.pick).toBeUndefined();
    expect(s.nodes.pick.status).toBe('idle');
    expect(s.running).toBe(false);
  });

  it('ignores events it does not know', () => {
    const s = reduceRunEvent(initialRunState, { type: 'from-the-future' } as unknown as RuntimeEvent);
    expect(s).toBe(initialRunState);
  });

  it('marks finished nodes stale, and a failed one loses its error badge (the edit may be the fix)', () => {
    let s = reduceRunEvent(initialRunState, ev({ type: 'node-done', nodeId: 'a', cached: false, ms: 1 }));
    s = reduceRunEvent(s, ev({ type: 'node-error', nodeId: 'b', message: 'boom' }));
    s = reduceRunEvent(s, ev({ type: 'node-error', nodeId: 'd', message: 'boom' }));
    s = markStale(s, ['a', 'b', 'c']);
    expect(s.nodes.a.status).toBe('stale');
    expect(s.nodes.b).toMatchObject({ status: 'idle', error: undefined });
    expect(s.nodes.c).toBeUndefined();
    // not touched by the edit: still failed
    expect(s.nodes.d.status).toBe('error');
  });
});

describe('seed-list widget parsing', () => {
  const spec = { kind: 'numberList' as const, default: [0], integer: true, min: 0, max: 10, minLength: 1, doc: '' };
  it('reads commas and spaces, clamps to the bounds, rounds integers', () => {
    expect(parseNumberList('1, 2  3;4', spec)).toEqual([1, 2, 3, 4]);
    expect(parseNumberList('-5, 2.6, 99', spec)).toEqual([0, 3, 10]);
  });
  it('rejects what it cannot read or what is too short', () => {
    expect(parseNumberList('1, x', spec)).toBeUndefined();
    expect(parseNumberList('', spec)).toBeUndefined();
  });
});

describe('number widget with an "auto" value', () => {
  const width = { kind: 'number' as const, default: 0, integer: true, min: 0, max: 2048, auto: { value: 0, label: 'auto' }, doc: '' };
  const plain = { kind: 'number' as const, default: 0, integer: true, min: 0, max: 2048, doc: '' };
  it('shows the auto value as an empty field, other values as numbers', () => {
    expect(numberFieldText(0, width)).toBe('');
    expect(numberFieldText(512, width)).toBe('512');
    expect(numberFieldText(0, plain)).toBe('0');
  });
  it('stores the auto value for an empty field, and typed numbers clamped', () => {
    expect(parseNumberField('', width)).toBe(0);
    expect(parseNumberField('  ', { ...width, min: -1, auto: { value: -1, label: 'final' } })).toBe(-1);
    expect(parseNumberField('640', width)).toBe(640);
    expect(parseNumberField('5000', width)).toBe(2048);
    expect(parseNumberField('', plain)).toBeUndefined();
    expect(parseNumberField('x', width)).toBeUndefined();
  });
});
