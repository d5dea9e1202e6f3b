import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zoneBodies, zoneStatusText } from '../../editor/state/zones';
import { initialRunState, reduceRunEvent, type RunState } from '../../editor/state/run-state';
import { createProductRegistry } from '../../nodes/product';
import { validateGraph } from '../../runtime/graph/validate';
import type { GraphDocument } from '../../runtime/graph/document';
import type { RuntimeEvent } from '../../runtime/events';

const registry = createProductRegistry();
const info = new Map(registry.info().map((t) => [t.type, t]));
const typeOf = (t: string) => info.get(t);
const templates = readdirSync(new URL('../../graphs/', import.meta.url)).filter((f) => f.endsWith('.json') && f !== 'schema.json');

describe('zone bodies in the editor', () => {
  it.each(templates)('are the runtime\'s zone bodies in %s', (file) => {
    const doc = JSON.parse(readFileSync(new URL(`../../graphs/${file}`, import.meta.url), 'utf8')) as GraphDocument;
    const compiled = validateGraph(doc, registry);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const runtime = Object.fromEntries([...compiled.graph.zones].map(([id, body]) => [id, [...body.members].sort()]));
    const editor = Object.fromEntries([...zoneBodies(doc, typeOf)].map(([id, body]) => [id, [...body].sort()]));
    expect(editor).toEqual(runtime);
  });

  it('follows the step output, and leaves out what only reads the result', () => {
    const doc = JSON.parse(readFileSync(new URL('../../graphs/metric-optimization.json', import.meta.url), 'utf8')) as GraphDocument;
    const body = zoneBodies(doc, typeOf).get('optimize');
    expect(body).toEqual(['generate', 'sharpness']);
    const seeds = {
      ...doc,
      nodes: [...doc.nodes, { id: 'seeds', type: 'SeedSet', params: { mode: 'schedule' }, position: [0, 0] as [number, number] }],
      edges: [...doc.edges, { from: ['optimize', 'step'] as [string, string], to: ['seeds', 'step'] as [string, string] }, { from: ['seeds', 'seeds'] as [string, string], to: ['generate', 'seeds'] as [string, string] }],
    };
    expect(zoneBodies(seeds, typeOf).get('optimize')).toEqual(['generate', 'sharpness', 'seeds']);
  });

  it('before the node types arrive, knows no zones and does not remember that', () => {
    const doc = JSON.parse(readFileSync(new URL('../../graphs/metric-optimization.json', import.meta.url), 'utf8')) as GraphDocument;
    expect(zoneBodies(doc, () => undefined).size).toBe(0);
    expect(zoneBodies(doc, typeOf).size).toBe(1);
  });
});

describe('zone iterations in the run state', () => {
  const apply = (s: RunState, events: RuntimeEvent[]) => events.reduce(reduceRunEvent, s);
  const start: RunState = { ...initialRunState, zones: { opt: ['gen', 'score'] } };

  it('body nodes show the zone\'s iteration in progress, not "queued", until the zone ends', () => {
    let s = apply(start, [
      { type: 'run-start', runId: 1, nodes: ['enc', 'opt', 'gen', 'score', 'after'] },
      { type: 'node-start', nodeId: 'opt' },
    ]);
    expect(s.nodes.gen).toMatchObject({ status: 'running', iteration: 0 });
    expect(s.nodes.score).toMatchObject({ status: 'running', iteration: 0 });
    expect(s.nodes.after.status).toBe('queued');
    s = apply(s, [
      { type: 'node-progress', nodeId: 'gen', value: 3, max: 20 },
      { type: 'zone-iteration', nodeId: 'opt', step: 0, objective: 2, goal: 'maximize' },
      { type: 'node-progress', nodeId: 'opt', value: 1, max: 31 },
    ]);
    expect(s.nodes.opt.iteration).toBe(1);
    expect(s.nodes.gen).toMatchObject({ status: 'running', iteration: 1, progress: undefined });
    expect(zoneStatusText(s.nodes.opt)).toBe('iteration 2 of 31');
    s = apply(s, [
      { type: 'node-done', nodeId: 'opt', cached: false, ms: 10, stopped: true },
      { type: 'node-done', nodeId: 'gen', cached: false, ms: 0 },
      { type: 'node-done', nodeId: 'score', cached: false, ms: 0 },
    ]);
    expect(s.nodes.gen).toMatchObject({ status: 'done', iteration: undefined });
    expect(zoneStatusText(s.nodes.opt)).toBe('stopped after 1 iteration, best used');
  });

  it('a failed body node keeps its error while the zone goes on', () => {
    const s = apply(start, [
      { type: 'run-start', runId: 1, nodes: ['opt', 'gen', 'score'] },
      { type: 'node-start', nodeId: 'opt' },
      { type: 'node-error', nodeId: 'gen', message: 'boom' },
      { type: 'zone-iteration', nodeId: 'opt', step: 0, objective: 1 },
      { type: 'run-end', runId: 1, status: 'error' },
    ]);
    expect(s.nodes.gen.status).toBe('error');
    expect(s.nodes.score).toMatchObject({ status: 'idle', iteration: undefined });
  });

  it('says what the zone is doing', () => {
    expect(zoneStatusText(undefined)).toBe('');
    expect(zoneStatusText({ status: 'running' })).toBe('iteration 1');
    expect(zoneStatusText({ status: 'running', iteration: 4, stopping: true })).toBe('stopping after iteration 5');
    expect(zoneStatusText({ status: 'done', history: [{ step: 0, objective: 1 }, { step: 1, objective: 2 }] })).toBe('done, 2 iterations');
    expect(zoneStatusText({ status: 'error' })).toBe('failed');
  });
});
