// The graph CLI with the product's nodes and the Node host: --folder NAME=PATH registers a
// local model folder as folder:NAME (what the editor's "Model folder…" does), --backend picks
// onnxruntime-node (default) or wasm; bad values are usage errors of one line.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run-cli';
import { createProductRegistry } from '../../nodes/product';
import { nodeServices } from '../../runtime/api/node-host';
import { writeToyModel } from '../models/toy-model';

const ROOT = new URL('../..', import.meta.url).pathname;
const TINY = join(ROOT, 'models/tiny');
const dir = mkdtempSync(join(tmpdir(), 'graph-cli-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** graphs/text-to-image.json reading its model from folder:<name>, with few steps. */
function folderGraph(name: string): string {
  const doc = JSON.parse(readFileSync(join(ROOT, 'graphs/text-to-image.json'), 'utf8'));
  doc.nodes.find((n: { id: string }) => n.id === 'model').params.source = `folder:${name}`;
  doc.nodes.find((n: { id: string }) => n.id === 'generate').params.steps = 2;
  const path = join(dir, `folder-${name}.json`);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

async function cli(...argv: string[]) {
  let stderr = '';
  const code = await runCli(argv, {
    registry: createProductRegistry(),
    services: (host) => nodeServices(host),
    stdout: () => {},
    stderr: (t) => (stderr += t),
  });
  return { code, stderr };
}

describe('graph CLI --folder and --backend', () => {
  it('runs a folder:<name> document on the native backend with --folder NAME=PATH', async () => {
    const out = join(dir, 'out-folder');
    const result = await cli('run', folderGraph('tiny'), '--out', out, '--folder', `tiny=${TINY}`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^backend: native \((cpu|cuda)\)/m);
    expect(existsSync(join(out, 'preview-0.png'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).nodes.model.status).toBe('ok');
  });

  it('runs on wasm with --backend wasm, and says an unregistered folder is not registered', async () => {
    const wasm = await cli('run', folderGraph('tiny'), '--out', join(dir, 'out-wasm'), '--backend', 'wasm', '--folder', `tiny=${TINY}`);
    expect(wasm.code, wasm.stderr).toBe(0);
    expect(wasm.stderr).toMatch(/^backend: wasm$/m);
    const missing = await cli('run', folderGraph('tiny'), '--out', join(dir, 'out-missing'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('folder:tiny is not registered');
  });

  it('names the file and the tensor of a bad model folder, as in the editor', async () => {
    const toy = await writeToyModel({ unetInputNames: { timestep: 't' } });
    try {
      const result = await cli('run', folderGraph('bad'), '--out', join(dir, 'out-bad'), '--folder', `bad=${toy.dir}`);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('folder:bad/unet/model.onnx: no input named "timestep"');
    } finally {
      await toy.remove();
    }
  });

  it.each([
    ['tiny', 'expected NAME=PATH'],
    ['=models/tiny', 'expected NAME=PATH'],
    ['tiny=', 'expected NAME=PATH'],
    ['my model=models/tiny', 'folder name "my model" may use letters, digits, "_", "." and "-" only'],
    ['tiny=/no/such/folder', '/no/such/folder does not exist'],
    ['tiny=graphs/text-to-image.json', 'graphs/text-to-image.json is not a directory'],
  ])('--folder %s is a usage error: %s', async (value, reason) => {
    for (const command of ['run', 'validate']) {
      const result = await cli(command, folderGraph('tiny'), '--out', join(dir, 'out-usage'), '--folder', value);
      expect(result).toEqual({ code: 2, stderr: `error: --folder ${value}: ${reason}\n` });
    }
  });

  it('refuses the same folder name twice and an unknown --backend, with one line each', async () => {
    const twice = await cli('validate', folderGraph('tiny'), '--folder', `tiny=${TINY}`, '--folder', `tiny=${TINY}`);
    expect(twice).toEqual({ code: 2, stderr: `error: --folder tiny=${TINY}: folder:tiny is given twice\n` });
    expect(await cli('run', folderGraph('tiny'), '--out', join(dir, 'out-gpu'), '--backend', 'gpu')).toEqual({
      code: 2,
      stderr: 'error: --backend gpu: expected native or wasm\n',
    });
  });

  it('validates a folder:<name> document with --folder', async () => {
    expect((await cli('validate', folderGraph('tiny'), '--folder', `tiny=${TINY}`)).code).toBe(0);
  });
});
