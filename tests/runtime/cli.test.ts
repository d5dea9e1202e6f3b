import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { runCli } from '../../cli/run-cli';
import { doc, makeTestNodes } from './test-nodes';

const dir = mkdtempSync(join(tmpdir(), 'graph-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    registry: makeTestNodes().registry,
    services: {},
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

const imageGraph = doc(
  [['e', 'ConstEmbedding', { values: [0, 0, 0.5, 1], rows: 2 }], ['img', 'EmbeddingImage'], ['show', 'Preview'], ['c', 'Const'], ['s', 'Add']],
  [['e', 'embedding', 'img', 'embedding'], ['img', 'image', 'show', 'image'], ['c', 'out', 's', 'a']],
);

describe('graph CLI', () => {
  it('validates: 0 for a good document, 2 with one line per problem for a bad one', async () => {
    expect(await cli('validate', write('good.json', imageGraph))).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok: .*5 nodes, 3 edges/) });
    const bad = await cli('validate', write('bad.json', doc([['gen', 'Add'], ['x', 'Nope']])));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: node "x" (Nope): unknown node type "Nope"\nerror: node "gen" (Add): required input "a" is not connected\n');
    expect(await cli('validate', write('broken.json', '{'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: invalid JSON/) });
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli('frobnicate', 'x.json')).code).toBe(2);
    expect(await cli('run', write('ok.json', imageGraph))).toMatchObject({ code: 2, stderr: expect.stringContaining('--out') });
    expect(await cli('validate', join(dir, 'missing.json'))).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read') });
  });

  it('runs: previews as <nodeId>-<index>.png, a run.json summary, progress on stderr', async () => {
    const out = join(dir, 'out-ok');
    const result = await cli('run', write('run.json', imageGraph), '--out', out);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('[img] EmbeddingImage running');
    expect(readdirSync(out).sort()).toEqual(['run.json', 'show-0.png']);
    const png = decode(readFileSync(join(out, 'show-0.png')));
    expect([png.width, png.height]).toEqual([4, 4]);
    const summary = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(summary.status).toBe('ok');
    expect(summary.nodes.img).toMatchObject({ status: 'ok', cached: false, ms: expect.any(Number) });
  });

  it('runs only what --targets need, and exits 1 on a node error with a one-line message', async () => {
    const out = join(dir, 'out-targets');
    expect((await cli('run', write('t.json', imageGraph), '--out', out, '--targets', 's')).code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).nodes).sort()).toEqual(['c', 's']);
    const failing = await cli('run', write('f.json', doc([['bad', 'Fail']])), '--out', join(dir, 'out-fail'));
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('error: node "bad" (Fail): it broke\n');
    expect((await cli('run', write('t2.json', imageGraph), '--out', out, '--targets', 'nope')).code).toBe(2);
  });

  it('writes a zone history from zone-iteration events', async () => {
    const out = join(dir, 'out-zone');
    const zone = doc(
      [['i', 'Const'], ['z', 'Loop', { iterations: 2 }], ['f', 'Add']],
      [['i', 'out', 'z', 'init'], ['z', 'current', 'f', 'a'], ['f', 'out', 'z', 'loss']],
    );
    expect((await cli('run', write('zone.json', zone), '--out', out)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'z.history.json'), 'utf8'))).toEqual({ goal: 'minimize', values: [1, 0.5] });
  });

  it('works as `npm run graph` with the product nodes', async () => {
    const fixture = new URL('./fixtures/seeds.json', import.meta.url).pathname;
    const run = promisify(execFile);
    const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
    const cliPath = new URL('../../cli/graph.ts', import.meta.url).pathname;
    const out = join(dir, 'out-product');
    await run(tsx, [cliPath, 'run', fixture, '--out', out]);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).nodes.seeds.status).toBe('ok');
    await expect(run(tsx, [cliPath, 'validate', write('p.json', doc([['s', 'SeedSet', { count: 0 }]]))])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^error: node "s" \(SeedSet\): param "count": .*got 0\n$/),
    });
  });
});
