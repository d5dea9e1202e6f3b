import { describe, expect, it } from 'vitest';
import { parseGridText } from '../../runtime/sweep/grid-text';
import { mergeAxes, planSweep } from '../../runtime/sweep/plan';
import { loadSweepFile } from '../../runtime/sweep/spec';
import { seedSetSeeds } from '../../runtime/rng/seed-set';
import { loadDocument } from '../../runtime/graph/load';
import type { GraphDocument } from '../../runtime/graph/document';
import { doc, makeTestNodes } from '../runtime/test-nodes';

const { registry } = makeTestNodes();

function graph(): GraphDocument {
  const loaded = loadDocument(
    doc(
      [['e', 'ConstEmbedding', { values: [0, 0, 0.5, 1] }], ['img', 'EmbeddingImage'], ['show', 'Preview'], ['k.1', 'Const'], ['s', 'Add'], ['held', 'SeedSet', { mode: 'range', start: 5, count: 3 }], ['note', 'Note']],
      [['e', 'embedding', 'img', 'embedding'], ['img', 'image', 'show', 'image'], ['k.1', 'out', 's', 'a']],
    ),
  );
  if (!loaded.ok) throw new Error('test graph invalid');
  return loaded.doc;
}

const grid = (text: string) => {
  const parsed = parseGridText(text);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.axes;
};
const plan = (text: string, set?: Record<string, never>) => planSweep(graph(), { axes: grid(text), set }, registry);
const problems = (text: string) => {
  const result = plan(text);
  return result.ok ? [] : result.problems;
};

describe('--grid', () => {
  it('splits axes at ; and values at |, with \\; \\| \\\\ for the characters themselves', () => {
    expect(grid('note.text=a red circle|a blue square;k.1.value=1..8')).toEqual([
      { param: 'note.text', values: ['a red circle', 'a blue square'], text: true },
      { param: 'k.1.value', values: ['1..8'], text: true },
    ]);
    expect(grid('note.text=a\\|b|c\\;d\\\\')[0].values).toEqual(['a|b', 'c;d\\']);
  });

  it('refuses a part without = and a grid with no axis, in one line each', () => {
    expect(parseGridText('k.1.value')).toEqual({ ok: false, problems: ['--grid "k.1.value": expected node.param=value|value...'] });
    expect(parseGridText(' ; ').ok).toBe(false);
  });
});

describe('planSweep', () => {
  it('makes one cell per grid point, the last axis fastest, values read as the param kind', () => {
    const result = plan('note.text=x|y;k.1.value=1..8');
    if (!result.ok) throw new Error(result.problems.join('; '));
    const { cells, axes } = result.plan;
    expect(cells).toHaveLength(16);
    expect(axes.map((a) => [a.nodeId, a.name])).toEqual([['note', 'text'], ['k.1', 'value']]);
    expect(cells[1].params).toEqual({ 'note.text': 'x', 'k.1.value': 2 });
    expect(cells[8].coords).toEqual([1, 0]);
    expect(cells[9].doc.nodes.find((n) => n.id === 'k.1')?.params.value).toBe(2);
    expect(new Set(cells.map((c) => c.id)).size).toBe(16);
    expect(new Set(cells.map((c) => c.dir)).size).toBe(16);
    expect(cells[0].dir).toMatch(/^x_1-[a-z0-9]+$/);
  });

  it('gives a cell the same id whenever it runs the same thing, whatever the layout', () => {
    const a = plan('k.1.value=1|2');
    const moved = graph();
    moved.nodes[0].position = [100, 100];
    moved.meta = { title: 'renamed' };
    const b = planSweep(moved, { axes: grid('k.1.value=2|1') }, registry);
    if (!a.ok || !b.ok) throw new Error('plans failed');
    expect(b.plan.cells.map((c) => c.id)).toEqual([a.plan.cells[1].id, a.plan.cells[0].id]);
    const c = plan('k.1.value=1;note.text=other');
    if (!c.ok) throw new Error('plan failed');
    expect(c.plan.cells[0].id).not.toBe(a.plan.cells[0].id);
  });

  it('reads ranges with steps, backwards, and the seeds of a SeedSet', () => {
    const values = (text: string) => {
      const result = plan(text);
      if (!result.ok) throw new Error(result.problems.join('; '));
      return result.plan.axes[0].values;
    };
    expect(values('k.1.value=0..1:0.25')).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(values('k.1.value=0..0.3:0.1')).toEqual([0, 0.1, 0.2, 0.3]);
    expect(values('k.1.value=3..1|7')).toEqual([3, 2, 1, 7]);
    expect(values('k.1.value=@held')).toEqual([5, 6, 7]);
    // a list param takes each seed as a one-item list
    expect(values('held.seeds=@held')).toEqual([[5], [6], [7]]);
    expect(values('held.seeds=1,2|3')).toEqual([[1, 2], [3]]);
    const random = planSweep(graph(), { axes: [{ param: 'held.start', seedsOf: 'held' }], set: { 'held.mode': 'random', 'held.count': 4 } }, registry);
    if (!random.ok) throw new Error('plan failed');
    expect(random.plan.axes[0].values).toEqual(seedSetSeeds({ mode: 'random', seeds: [0], start: 5, count: 4, randomSeed: 0 }));
  });

  it('applies set to every cell', () => {
    const result = planSweep(graph(), { axes: grid('k.1.value=1|2'), set: { 'note.text': 'fixed' } }, registry);
    if (!result.ok) throw new Error('plan failed');
    expect(result.plan.cells.map((c) => c.doc.nodes.find((n) => n.id === 'note')?.params.text)).toEqual(['fixed', 'fixed']);
  });

  it('refuses bad axes with one line naming the axis', () => {
    expect(problems('gen.seed=1')).toEqual(['axis "gen.seed": no node "gen" in the graph']);
    expect(problems('k.1.valu=1')).toEqual(['axis "k.1.valu": Const has no param "valu"']);
    expect(problems('seed=1')).toEqual(['axis "seed": expected node.param']);
    expect(problems('k.1.value=abc')).toEqual(['axis "k.1.value": "abc" is not a number']);
    expect(problems('k.1.value=999..1002')[0]).toMatch(/^axis "k\.1\.value": value 1001: .*\(and 1 more values\)$/);
    expect(problems('held.count=1.5')[0]).toMatch(/^axis "held\.count": value 1\.5: /);
    expect(problems('note.text=1..3')).toEqual([]);
    expect(problems('held.mode=list|nope')[0]).toMatch(/^axis "held\.mode": value "nope": /);
    expect(problems('k.1.value=1;k.1.value=2')).toEqual(['axis "k.1.value" is given twice']);
    expect(problems('k.1.value=@note')).toEqual(['axis "k.1.value": no SeedSet node "note" in the graph']);
    expect(problems('k.1.value=0..1e9')[0]).toMatch(/more than 100,000 values/);
    expect(problems('k.1.value=1..400;held.start=1..400')).toEqual(['the grid has 160,000 cells, more than 100,000']);
    const schedule = planSweep(graph(), { axes: [{ param: 'k.1.value', seedsOf: 'held' }], set: { 'held.mode': 'schedule' } }, registry);
    expect(schedule.ok ? [] : schedule.problems).toEqual(['axis "k.1.value": SeedSet "held" draws new seeds every zone step: give it mode list, range or random']);
    const set = planSweep(graph(), { axes: [], set: { 'k.1.value': 'x' } }, registry);
    expect(set.ok ? [] : set.problems[0]).toMatch(/^set "k\.1\.value": value "x": /);
  });

  it('lets --grid replace a file axis of the same param and add others', () => {
    const file = [{ param: 'a.x', values: [1] }, { param: 'b.y', values: [2] }];
    expect(mergeAxes(file, [{ param: 'b.y', values: ['3'], text: true }, { param: 'c.z', values: ['4'], text: true }]).map((a) => a.param)).toEqual(['a.x', 'b.y', 'c.z']);
  });
});

describe('sweep file', () => {
  it('loads a valid file and names the axis of a bad one', () => {
    const base = { format: 'embedding-studio/sweep', version: 1, graph: 'g.json' };
    const ok = loadSweepFile(JSON.stringify({ ...base, axes: [{ param: 'k.value', range: { from: 1, to: 4 } }], table: { before: 'a', after: 'b' } }));
    expect(ok.ok && ok.sweep.table).toEqual({ before: 'a', after: 'b', goal: 'maximize' });
    const bad = loadSweepFile(JSON.stringify({ ...base, axes: [{ param: 'gen.seed', values: [1], range: { from: 1, to: 2 } }, { param: 'gen.steps', range: { from: 1, to: 2, step: -1 } }] }));
    expect(bad.ok ? [] : bad.problems).toEqual([
      'axis "gen.seed": give exactly one of "values", "range" or "seedsOf"',
      expect.stringMatching(/^axis "gen\.steps": range\.step: /),
    ]);
    expect(loadSweepFile('{"format":"embedding-studio/graph"}')).toEqual({ ok: false, problems: ['not an Embedding Studio sweep: expected "format": "embedding-studio/sweep"'] });
    expect(loadSweepFile('{').ok).toBe(false);
  });
});
