// `npm run vjp` contract: writes the gradient model next to nothing it copies; exit 2 with
// a one-line "error: ..." for bad models, unknown names and unsupported ops.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { GraphBuilder } from '../../runtime/onnx/index';

ort.env.wasm.numThreads = 1;
let dir = '';

function vjp(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/vjp.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vjp-cli-'));
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['B', 4]);
  const w = b.initializer('w', Float32Array.from({ length: 16 }, (_, i) => i / 8), [4, 4]);
  b.output(b.op('Sigmoid', [b.op('MatMul', [x, w])]), 'float32', ['B', 4], 'y');
  mkdirSync(join(dir, 'model'));
  writeFileSync(join(dir, 'model', 'fwd.onnx'), b.toBytes());
  const u = new GraphBuilder();
  u.output(u.op('Atan', [u.input('x', 'float32', [2])]), 'float32', [2], 'y');
  writeFileSync(join(dir, 'atan.onnx'), u.toBytes());
  writeFileSync(join(dir, 'junk.onnx'), 'this is not a model');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run vjp', () => {
  it('writes a gradient model that reads its weights from the forward file', async () => {
    mkdirSync(join(dir, 'out'));
    const out = join(dir, 'out', 'vjp.onnx');
    const r = vjp(join(dir, 'model', 'fwd.onnx'), '--wrt', 'x', '--of', 'y', '-o', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('weights read from ../model/fwd.onnx');
    expect(r.stdout).toContain('outputs: grad_x float32[B,4]; y float32[B,4]');
    const s = await ort.InferenceSession.create(new Uint8Array(readFileSync(out)), {
      executionProviders: ['wasm'],
      externalData: [{ path: '../model/fwd.onnx', data: new Uint8Array(readFileSync(join(dir, 'model', 'fwd.onnx'))) }],
    });
    const res = await s.run({ x: new ort.Tensor('float32', new Float32Array(8), [2, 4]), grad_y: new ort.Tensor('float32', new Float32Array(8).fill(1), [2, 4]) });
    // sigmoid'(0) = 1/4, so grad_x[i] = sum_j w[i, j] / 4
    expect((res.grad_x.data as Float32Array)[1]).toBeCloseTo((4 + 5 + 6 + 7) / 8 / 4, 5);
  });

  it('--report prints the memory plan at --shape: peak, weights, largest tensor, five nodes', () => {
    const r = vjp(join(dir, 'model', 'fwd.onnx'), '--wrt', 'x', '--of', 'y', '-o', join(dir, 'r.onnx'), '--report', '--shape', 'x=1024x4');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/memory plan at x=1024x4, grad_y=1024x4:/);
    expect(r.stdout).toMatch(/peak live activations: [\d.]+ KiB \(\d+ bytes, at node "/);
    expect(r.stdout).toContain('weights: 68 B (68 bytes)'); // w and one scalar constant
    expect(r.stdout).toMatch(/largest tensor: 16\.0 KiB "/);
    expect(r.stdout.split('biggest at the peak, by node:\n')[1].trim().split('\n').length).toBeLessThanOrEqual(5);
    const missing = vjp(join(dir, 'model', 'fwd.onnx'), '--wrt', 'x', '--of', 'y', '-o', join(dir, 'r.onnx'), '--report');
    expect(missing.stderr).toContain('error: --report needs --shape for x');
    const bad = vjp(join(dir, 'model', 'fwd.onnx'), '--wrt', 'x', '--of', 'y', '-o', join(dir, 'r.onnx'), '--report', '--shape', 'x=2xx4');
    expect(bad.stderr).toContain('error: --shape: "x=2xx4" has an empty dim');
  });

  it.each([
    ['an unknown input', ['model/fwd.onnx', '--wrt', 'q', '--of', 'y'], 'error: unknown input "q" (inputs: x)'],
    ['an unknown output', ['model/fwd.onnx', '--wrt', 'x', '--of', 'z'], 'error: unknown tensor "z"'],
    ['an unsupported op', ['atan.onnx', '--wrt', 'x', '--of', 'y'], 'error: unsupported op "Atan" at node "Atan_0"'],
    ['a file that is not a model', ['junk.onnx', '--wrt', 'x', '--of', 'y'], 'error: not an ONNX model'],
    ['a missing file', ['missing.onnx', '--wrt', 'x', '--of', 'y'], 'error: cannot read'],
  ])('exits 2 with one line for %s', (_, args, message) => {
    const r = vjp(join(dir, args[0]), ...args.slice(1), '-o', join(dir, 'x.onnx'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });
});
