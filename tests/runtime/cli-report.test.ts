import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run-cli';
import { REPO, scriptArgv, shellCommand } from './cli-spawn';
import { lineFault } from './safe-line';
import { makeTestNodes } from './test-nodes';

const dir = mkdtempSync(join(tmpdir(), 'graph-cli-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const manyProblems = (n: number) => ({
  format: 'embedding-studio/graph',
  version: 1,
  nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: 'Nope' })),
});

describe('graph CLI reports', () => {
  it('gets every problem through a slow pipe before it exits', () => {
    const file = join(dir, 'many.json');
    writeFileSync(file, JSON.stringify(manyProblems(4000)));
    // the reader sleeps first: the pipe fills, and an early exit would drop what is still buffered
    const count = execFileSync('sh', ['-c', `${shellCommand([...scriptArgv('graph'), 'validate', file])} 2>&1 | (sleep 1; wc -l)`], { cwd: REPO, encoding: 'utf8' });
    expect(Number(count.trim())).toBe(4000);
  });

  it('prints control characters from the document escaped, one line per problem', async () => {
    const file = join(dir, 'escapes.json');
    const evil = 'X\u001b[2J\u001b]0;title\u0007\u202e\nY';
    writeFileSync(file, JSON.stringify({ format: 'embedding-studio/graph', version: 1, nodes: [{ id: 'a', type: evil }, { id: 'b', type: 'Add', params: { [evil]: evil } }] }));
    let stderr = '';
    const code = await runCli(['validate', file], { registry: makeTestNodes().registry, services: {}, stdout: () => {}, stderr: (t) => (stderr += t) });
    expect(code).toBe(2);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(lineFault(line)).toBeUndefined();
    expect(lines[0]).toBe('error: node "a" (X\\u001b[2J\\u001b]0;title\\u0007\\u202e\\nY): unknown node type "X\\u001b[2J\\u001b]0;title\\u0007\\u202e\\nY"');
  });
});
