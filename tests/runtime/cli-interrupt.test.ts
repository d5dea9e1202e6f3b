// Ctrl-C in `npm run graph -- run`, in each phase, with a real child process and a real SIGINT:
// exit 130, "cancelled", run.json (and zone histories) written, no half-written files.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, scriptArgv } from './cli-spawn';
import { doc } from './test-nodes';
import { sharpnessZone } from './sharpness-zone';

const dir = mkdtempSync(join(tmpdir(), 'graph-cli-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const generateGraph = doc(
  [['model', 'Model', { source: 'builtin:tiny' }], ['prompt', 'TextEncode', { text: 'a red circle' }], ['gen', 'Generate', { seed: 7, steps: 30 }], ['show', 'Preview']],
  [['model', 'model', 'prompt', 'model'], ['model', 'model', 'gen', 'model'], ['prompt', 'embedding', 'gen', 'embedding'], ['gen', 'image', 'show', 'image']],
);
const zoneGraph = sharpnessZone({ iterations: 20, steps: 4, gradientSteps: 4 });

/** Runs the graph as `npm run graph` does and sends SIGINT once stderr shows `when`. */
function interrupt(name: string, graph: unknown, when: RegExp) {
  const file = join(dir, `${name}.json`);
  const out = join(dir, name);
  writeFileSync(file, JSON.stringify(graph));
  const [node, ...args] = scriptArgv('graph');
  const child = spawn(node, [...args, 'run', file, '--out', out, '--backend', 'wasm'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (!sent && when.test(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; sent: boolean; out: string; summary: { status: string; nodes: Record<string, { status: string }> } }>((resolve) => {
    child.on('close', (code, signal) => {
      const summaryFile = join(out, 'run.json');
      const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : undefined;
      resolve({ code, signal, stderr, sent, out, summary });
    });
  });
}

async function expectCancelled(name: string, graph: unknown, when: RegExp) {
  const result = await interrupt(name, graph, when);
  expect(result.sent).toBe(true);
  expect({ code: result.code, signal: result.signal }).toEqual({ code: 130, signal: null });
  expect(result.stderr).toContain(`cancelled: summary in ${join(result.out, 'run.json')}\n`);
  expect(result.summary.status).toBe('cancelled');
  expect(readdirSync(result.out).filter((f) => f.endsWith('.part'))).toEqual([]);
  return result;
}

describe('Ctrl-C in npm run graph -- run', () => {
  it('during model load', async () => {
    const { summary } = await expectCancelled('load', generateGraph, /\[model\] Model running/);
    expect(summary.nodes.model.status).toBe('cancelled');
  });

  it('during Generate', async () => {
    const { summary } = await expectCancelled('generate', generateGraph, /\[gen\] 2\/30/);
    expect(summary.nodes.gen.status).toBe('cancelled');
  });

  it('inside a zone, before its first iteration ends', async () => {
    const { summary } = await expectCancelled('zone', zoneGraph, /\[generate\] 1\/4/);
    expect(summary.nodes.optimize.status).toBe('cancelled');
  });

  it('during a backward pass: the zone keeps its best so far, its history is written', async () => {
    const { summary, out } = await expectCancelled('backward', zoneGraph, /\[optimize\] step 0: /);
    expect(summary.nodes.optimize.status).toBe('ok');
    const history = JSON.parse(readFileSync(join(out, 'optimize.history.json'), 'utf8'));
    expect(history.values).toHaveLength(1);
    expect(history.goal).toBe('maximize');
  });
});
