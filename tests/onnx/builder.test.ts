// GraphBuilder, model I/O, inspection and the raw_data locator.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import {
  GraphBuilder, float, loadModel, modelInputs, modelOutputs, opsetOf, saveModel, scanTensorRanges, tensorValues,
} from '../../runtime/onnx/index';

ort.env.wasm.numThreads = 1;

/** Sharpness: variance of a 3x3 Laplacian response on grayscale, per image. */
function sharpness(): Uint8Array {
  const b = new GraphBuilder({ opset: 17, name: 'sharpness' });
  const img = b.input('image', 'float32', ['B', 3, 'H', 'W']);
  const rgb = b.initializer('rgb', new Float32Array([0.299, 0.587, 0.114]), [1, 3, 1, 1]);
  const lap = b.initializer('laplacian', new Float32Array([0, 1, 0, 1, -4, 1, 0, 1, 0]), [1, 1, 3, 3]);
  const gray = b.op('ReduceSum', [b.op('Mul', [img, rgb]), b.constant(new BigInt64Array([1n]), [1])], { keepdims: 1 });
  const resp = b.op('Conv', [gray, lap], { strides: [1, 1] });
  const mean = b.op('ReduceMean', [resp], { axes: [1, 2, 3], keepdims: 1 });
  const dev = b.op('Sub', [resp, mean]);
  const v = b.op('ReduceMean', [b.op('Mul', [dev, dev])], { axes: [1, 2, 3], keepdims: 0 });
  b.output(v, 'float32', ['B'], 'sharpness');
  return b.toBytes();
}

describe('runtime/onnx', () => {
  it('builds a model whose inputs and outputs read back with names, dtypes and dims', () => {
    const m = loadModel(sharpness());
    expect(opsetOf(m)).toBe(17);
    expect(modelInputs(m)).toEqual([{ name: 'image', dtype: 'float32', dims: ['B', 3, 'H', 'W'] }]);
    expect(modelOutputs(m)).toEqual([{ name: 'sharpness', dtype: 'float32', dims: ['B'] }]);
  });

  it('runs a metric graph built in code on onnxruntime-web', async () => {
    const s = await ort.InferenceSession.create(sharpness(), { executionProviders: ['wasm'] });
    const flat = new Float32Array(2 * 3 * 4 * 4).fill(0.5);
    for (let i = 0; i < 48; i += 2) flat[48 + i] = 1; // second image: stripes
    const out = await s.run({ image: new ort.Tensor('float32', flat, [2, 3, 4, 4]) });
    const v = out.sharpness.data as Float32Array;
    expect(v[0]).toBeCloseTo(0, 6);
    expect(v[1]).toBeGreaterThan(0.1);
  });

  it('encodes integral numbers as INT attributes unless wrapped in float()', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2]);
    b.output(b.op('LeakyRelu', [x], { alpha: float(1) }), 'float32', [2]);
    b.output(b.op('Flatten', [x], { axis: 0 }), 'float32', null);
    const [leaky, flat] = loadModel(b.toBytes()).graph!.node!;
    expect(leaky.attribute![0]).toMatchObject({ name: 'alpha', type: 1, f: 1 });
    expect(flat.attribute![0]).toMatchObject({ name: 'axis', type: 2 });
  });

  it('rejects duplicate names and non-ONNX bytes', () => {
    const b = new GraphBuilder();
    b.input('x', 'float32', [1]);
    expect(() => b.input('x', 'float32', [1])).toThrow(/duplicate tensor name "x"/);
    expect(() => loadModel(new TextEncoder().encode('{"not": "onnx"}'))).toThrow(/not an ONNX model/);
  });

  it('locates every initializer payload inside the serialized bytes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [3]);
    const w = new Float32Array([1.5, -2, 3.25]);
    b.output(b.op('Mul', [x, b.initializer('w', w, [3])]), 'float32', [3]);
    b.output(b.op('Reshape', [x, b.initializer('shape', new BigInt64Array([3n, 1n]), [2])]), 'float32', null);
    const bytes = b.toBytes();
    const ranges = scanTensorRanges(bytes);
    const r = ranges.initializers.get('w')!;
    expect(new Float32Array(bytes.slice(r.offset, r.offset + r.length).buffer)).toEqual(w);
    expect(ranges.initializers.get('shape')!.length).toBe(16);
    const again = loadModel(saveModel(loadModel(bytes)));
    expect(tensorValues(again.graph!.initializer![1])).toEqual([3, 1]);
  });
});
