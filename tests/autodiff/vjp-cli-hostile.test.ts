// `npm run vjp` on inputs from someone else: it never overwrites the model it reads, never
// points the gradient model outside the forward model's folder, and never differentiates
// around a subgraph as if it were not there. Each is exit 2 with one line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder, loadModel, makeValueInfo, onnx, saveModel } from '../../runtime/onnx/index';
import { REPO, scriptArgv } from '../runtime/cli-spawn';

let dir = '';
const [node, ...script] = scriptArgv('vjp');
function vjp(...args: string[]) {
  const r = spawnSync(node, [...script, ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const oneError = (r: ReturnType<typeof vjp>, message: string) => {
  expect(r.code).toBe(2);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain(message);
};

function matmulModel(): Uint8Array {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [2]);
  b.output(b.op('Mul', [x, b.initializer('w', new Float32Array([3, 4]), [2])]), 'float32', [2], 'y');
  return b.toBytes();
}

/** y = If(c) then relu(x) else x: both branches read x from the enclosing graph, not as an input. */
function ifModel(): Uint8Array {
  const b = new GraphBuilder();
  b.input('x', 'float32', [2]);
  b.input('c', 'bool', []);
  b.output(b.op('Identity', ['c']), 'bool', [], 'c_out');
  const m = loadModel(b.toBytes());
  const branch = (op: string, out: string) => ({ name: `${op}_branch`, node: [{ opType: op, input: ['x'], output: [out], name: `${op}_in` }], output: [makeValueInfo(out, 'float32', [2])] });
  m.graph!.node!.push(onnx.NodeProto.create({
    opType: 'If', name: 'choose', input: ['c'], output: ['y'],
    attribute: [
      { name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('Relu', 'ty') },
      { name: 'else_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('Identity', 'ey') },
    ],
  }));
  m.graph!.output!.push(makeValueInfo('y', 'float32', [2]));
  return saveModel(m);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vjp-hostile-'));
  mkdirSync(join(dir, 'model'));
  writeFileSync(join(dir, 'model', 'fwd.onnx'), matmulModel());
  symlinkSync(join(dir, 'model', 'fwd.onnx'), join(dir, 'link.onnx'));
  const m = loadModel(matmulModel());
  m.graph!.initializer = [onnx.TensorProto.create({
    name: 'w', dims: [2], dataType: 1, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [{ key: 'location', value: '../../secret.bin' }, { key: 'offset', value: '0' }, { key: 'length', value: '8' }],
  })];
  writeFileSync(join(dir, 'model', 'escapes.onnx'), saveModel(m));
  writeFileSync(join(dir, 'if.onnx'), ifModel());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run vjp on hostile input', () => {
  it('refuses -o that is the input model, also through a symlink, and leaves it as it was', () => {
    const model = join(dir, 'model', 'fwd.onnx');
    const before = readFileSync(model);
    oneError(vjp(model, '--wrt', 'x', '--of', 'y', '-o', model), 'is the input model itself');
    oneError(vjp(model, '--wrt', 'x', '--of', 'y', '-o', join(dir, 'link.onnx')), 'is the input model itself');
    oneError(vjp(join(dir, 'link.onnx'), '--wrt', 'x', '--of', 'y', '-o', join(dir, 'model', '.', 'fwd.onnx')), 'is the input model itself');
    expect(readFileSync(model).equals(before)).toBe(true);
  });

  it('refuses external data that points outside the model folder', () => {
    oneError(vjp(join(dir, 'model', 'escapes.onnx'), '--wrt', 'x', '--of', 'y', '-o', join(dir, 'out.onnx')), 'external data "../../secret.bin" lies outside the model\'s folder');
  });

  it('refuses an If whose branches read the input, naming the node, instead of a zero gradient', () => {
    oneError(vjp(join(dir, 'if.onnx'), '--wrt', 'x', '--of', 'y', '-o', join(dir, 'if-vjp.onnx')), 'unsupported op "If" at node "choose" (its subgraph reads "x")');
  });
});
