// Training-mode Dropout: the gradient drops exactly the elements the forward run dropped (the
// forward node's own mask, recomputed in the same run) and scales as the forward does.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { GraphBuilder, loadModel } from '../../runtime/onnx/index';
import { buildVjpModel } from '../../runtime/autodiff/index';

ort.env.wasm.numThreads = 1;
const n = 64;
const xs = Float32Array.from({ length: n }, (_, i) => 1 + (i % 7) * 0.25); // no zeros: y = 0 means dropped

async function run(training: 'constant' | 'input', on = true) {
  const b = new GraphBuilder({ opset: 13 });
  const x = b.input('x', 'float32', [n]);
  const t = training === 'input' ? b.input('t', 'bool', []) : b.initializer('t', new Uint8Array([1]), [], 'bool');
  const y = b.op('Dropout', [b.op('Mul', [x, x]), b.initializer('r', new Float32Array([0.4]), []), t]);
  b.output(y, 'float32', [n], 'y');
  const vjp = buildVjpModel(b.toBytes(), { wrt: ['x'], of: 'y' });
  const dropouts = loadModel(vjp.model).graph!.node!.filter((m) => m.opType === 'Dropout');
  const s = await ort.InferenceSession.create(vjp.model, { externalData: vjp.externalData });
  const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', xs, [n]), grad_y: new ort.Tensor('float32', new Float32Array(n).fill(1), [n]) };
  if (training === 'input') feeds.t = new ort.Tensor('bool', new Uint8Array([on ? 1 : 0]), []);
  const out = await s.run(feeds);
  await s.release();
  return { y: out.y.data as Float32Array, g: out.grad_x.data as Float32Array, dropouts: dropouts.length };
}

describe('Dropout in training mode', () => {
  it('uses the forward mask and the 1 / (1 - ratio) scale, with one Dropout node shared by value and gradient', async () => {
    const { y, g, dropouts } = await run('constant');
    expect(dropouts).toBe(1);
    const dropped = [...y].filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(5);
    expect(dropped).toBeLessThan(n - 5);
    y.forEach((v, i) => expect(g[i]).toBeCloseTo(v === 0 ? 0 : (2 * xs[i]) / 0.6, 4));
  });

  it('training_mode fed at run time: the mask when true, the identity when false', async () => {
    const on = await run('input', true);
    on.y.forEach((v, i) => expect(on.g[i]).toBeCloseTo(v === 0 ? 0 : (2 * xs[i]) / 0.6, 4));
    const off = await run('input', false);
    off.y.forEach((v, i) => expect(v).toBeCloseTo(xs[i] * xs[i], 5));
    off.g.forEach((v, i) => expect(v).toBeCloseTo(2 * xs[i], 4));
  });
});
