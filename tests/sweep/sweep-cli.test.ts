import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { runSweepCli } from '../../cli/sweep-cli';
import { defineNode } from '../../runtime/node-api/node';
import type { ScoreValue } from '../../runtime/values/types';
import { doc, makeTestNodes } from '../runtime/test-nodes';

const dir = mkdtempSync(join(tmpdir(), 'sweep-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Scores from a list, or a failure on request: a cell that fails is one axis value away. */
const Scores = defineNode({
  type: 'Scores', version: 1, category: 'Utility', doc: 'Fixed scores.',
  inputs: {}, outputs: { score: { type: 'Score', doc: '' } },
  params: { values: { kind: 'numberList', default: [1], doc: '' }, fail: { kind: 'boolean', default: false, doc: '' } },
  async run(_ctx, _i, p) {
    if (p.fail) throw new Error('told to fail');
    return { score: { kind: 'Score', values: Float32Array.from(p.values), name: 'test', goal: 'maximize' } satisfies ScoreValue };
  },
});

function nodes() {
  const test = makeTestNodes();
  test.registry.register(Scores);
  return test;
}

const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

async function sweep(test: ReturnType<typeof nodes>, argv: string[], onLine?: (line: string, cancel: () => void) => void) {
  let stdout = '';
  let stderr = '';
  let cancel = () => {};
  const code = await runSweepCli(['sweep', ...argv], {
    registry: test.registry,
    services: {},
    stdout: (t) => (stdout += t),
    stderr: (t) => {
      stderr += t;
      onLine?.(t, cancel);
    },
    onInterrupt: (c) => ((cancel = c), () => undefined),
  });
  return { code, stdout, stderr };
}

const record = (out: string) => JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));

// e -> img -> show: the image follows e.values; k feeds an Add; score scores
const graph = write('graph.json', doc(
  [['e', 'ConstEmbedding', { values: [0, 0, 0.5, 1] }], ['img', 'EmbeddingImage'], ['show', 'Preview'], ['k', 'Const'], ['s', 'Add'], ['score', 'Scores']],
  [['e', 'embedding', 'img', 'embedding'], ['img', 'image', 'show', 'image'], ['k', 'out', 's', 'a']],
));

describe('graph sweep (in process)', () => {
  it('writes each cell as run does, sweep.json once per cell and a labelled grid; the cache shares what a cell does not change', async () => {
    const test = nodes();
    const out = join(dir, 'grid');
    const result = await sweep(test, [graph, '--grid', 'e.values=0,0,0,1|0,0,0,-1;k.value=1..3', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('sweep: 6 cells, 6 to run');
    const body = record(out);
    expect(body).toMatchObject({ format: 'embedding-studio/sweep-result', status: 'ok', counts: { cells: 6, ok: 6, error: 0, pending: 0 } });
    expect(body.axes).toEqual([{ param: 'e.values', values: [[0, 0, 0, 1], [0, 0, 0, -1]] }, { param: 'k.value', values: [1, 2, 3] }]);
    expect(new Set(body.cells.map((c: { id: string }) => c.id)).size).toBe(6);
    const first = body.cells[0];
    expect(first).toMatchObject({ params: { 'e.values': [0, 0, 0, 1], 'k.value': 1 }, status: 'ok', images: ['show-0.png'], scores: { score: [1] } });
    expect(readdirSync(join(out, first.dir)).sort()).toEqual(['run.json', 'show-0.png']);
    expect(JSON.parse(readFileSync(join(out, first.dir, 'run.json'), 'utf8')).status).toBe('ok');
    expect(readdirSync(out).sort()).toEqual([...body.cells.map((c: { dir: string }) => c.dir), 'grid.png', 'sweep.json'].sort());
    // the image depends on e only, k on k.value only: 2 and 3 runs for 6 cells
    expect(test.count('img')).toBe(2);
    expect(test.count('k')).toBe(3);
    const png = decode(readFileSync(join(out, 'grid.png')));
    // 3 columns of 4 px images enlarged to 128 px, 2 rows, labels left and on top
    expect(png.width).toBeGreaterThan(3 * 128);
    expect(png.height).toBeGreaterThan(2 * 128);
    // cell (row 1, column 0) is dark (tanh(-1)), cell (0, 0) light: the images are in their places
    const pixel = (x: number, y: number) => png.data[(y * png.width + x) * png.channels];
    const right = png.width - 3 * 130 + 64;
    expect(pixel(right, png.height - 64)).toBeLessThan(pixel(right, png.height - 130 - 64));
  });

  it('records a failing cell with its message and goes on; exit 1', async () => {
    const out = join(dir, 'failing');
    const result = await sweep(nodes(), [graph, '--grid', 'score.fail=false|true|false', '--out', out]);
    expect(result.code).toBe(1);
    const body = record(out);
    expect(body.status).toBe('error');
    expect(body.cells.map((c: { status: string }) => c.status)).toEqual(['ok', 'error', 'ok']);
    expect(body.cells[1].message).toBe('node "score" (Scores): told to fail');
    expect(result.stderr).toContain('2 ok, 1 failed, 0 not run');
  });

  it('started again with the same --out, runs only the cells not finished; a Ctrl-C keeps what finished', async () => {
    const out = join(dir, 'resume');
    const argv = [graph, '--grid', 'k.value=1..4', '--out', out];
    // Ctrl-C once the second cell is recorded
    const first = await sweep(nodes(), argv, (line, cancel) => {
      if (line.startsWith('[2/4]')) cancel();
    });
    expect(first.code).toBe(130);
    let body = record(out);
    expect(body.status).toBe('cancelled');
    const finished = body.cells.filter((c: { status: string }) => c.status === 'ok');
    expect(finished).toHaveLength(2);
    const mtimes = finished.map((c: { dir: string }) => statSync(join(out, c.dir, 'run.json')).mtimeMs);

    const test = nodes();
    const second = await sweep(test, argv);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`sweep: 4 cells, ${finished.length} finished earlier, ${4 - finished.length} to run`);
    expect(test.count('k')).toBe(4 - finished.length);
    body = record(out);
    expect(body.counts).toEqual({ cells: 4, ok: 4, error: 0, pending: 0 });
    expect(finished.map((c: { dir: string }) => statSync(join(out, c.dir, 'run.json')).mtimeMs)).toEqual(mtimes);

    // a wider grid runs only its new cells
    const wider = nodes();
    expect((await sweep(wider, [graph, '--grid', 'k.value=1..6', '--out', out])).code).toBe(0);
    expect(wider.count('k')).toBe(2);
    expect(record(out).cells).toHaveLength(6);
  });

  it('reads a sweep file: axes, set, the image, and the gain table over seeds', async () => {
    const out = join(dir, 'table');
    const file = write('table.sweep.json', {
      format: 'embedding-studio/sweep', version: 1, graph: 'graph.json',
      axes: [{ param: 'e.values', values: [[0, 0, 0, 1], [0, 0, 0, 2]] }],
      set: { 'k.value': 5 },
      image: 'show',
      table: { before: 'score', after: 'score2' },
    });
    const two = doc(
      [['e', 'ConstEmbedding', { values: [0, 0, 0.5, 1] }], ['img', 'EmbeddingImage'], ['show', 'Preview'], ['k', 'Const'], ['score', 'Scores', { values: [1, 2, 3, 4] }], ['score2', 'Scores', { values: [2, 1, 4, 5] }]],
      [['e', 'embedding', 'img', 'embedding'], ['img', 'image', 'show', 'image']],
    );
    write('graph.json', two);
    try {
      const result = await sweep(nodes(), [file, '--out', out]);
      expect(result.code).toBe(0);
      const body = record(out);
      expect(body.cells[0].params).toEqual({ 'e.values': [0, 0, 0, 1] });
      expect(body.table.rows).toHaveLength(2);
      expect(body.table.rows[0]).toMatchObject({ seeds: 4, before: 2.5, after: 3, gain: 0.5, improved: 0.75 });
      expect(body.table.mean).toMatchObject({ gain: 0.5, improved: 0.75 });
      const table = readFileSync(join(out, 'table.md'), 'utf8');
      expect(table).toBe(result.stdout);
      expect(table.split('\n')[0]).toBe('| e.values | seeds | score (mean) | score2 (mean) | gain | gain % | seeds improved |');
      expect(table).toContain('| **mean** | 8 |  |  | 0.5000 | 20.0% | 75.0% |');
    } finally {
      write('graph.json', JSON.parse(readFileSync(graph, 'utf8')));
    }
  });

  it('refuses bad input with exit 2 and one line naming the axis', async () => {
    const test = nodes();
    expect(await sweep(test, [graph, '--grid', 'k.value=1..3'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--out') });
    expect(await sweep(test, [graph, '--grid', 'k.value=x', '--out', join(dir, 'bad')])).toMatchObject({ code: 2, stderr: 'error: axis "k.value": "x" is not a number\n' });
    expect(await sweep(test, [graph, '--grid', 'k.value=1', '--out', join(dir, 'bad'), '--queue', 'redis://127.0.0.1:1', '--backend', 'wasm'])).toMatchObject({ code: 2 });
    const badFile = write('bad.sweep.json', { format: 'embedding-studio/sweep', version: 1, graph: 'graph.json', axes: [{ param: 'k.value' }] });
    expect(await sweep(test, [badFile, '--out', join(dir, 'bad')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/bad\.sweep\.json: axis "k\.value": give exactly one of/) });
  });
});
