import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../runtime/onnx';
import { chooseBackend, configureOrt } from '../../runtime/ort/env';
import { fromHalfBits, halfToFloat32, float32ToHalf, toHalfBits } from '../../runtime/ort/float16';
import { Session } from '../../runtime/ort/session';
import { toOrtTensor } from '../../runtime/ort/convert';

configureOrt();

describe('float16 conversion', () => {
  it('round-trips exact halves and rounds to nearest even', () => {
    const exact = [0, -0, 1, -2, 0.5, 65504, -65504, 6.103515625e-5, 5.960464477539063e-8, 1.5, 1025];
    expect([...halfToFloat32(float32ToHalf(exact))]).toEqual(exact);
    expect(toHalfBits(1 + 2 ** -11)).toBe(toHalfBits(1)); // tie -> even mantissa
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(toHalfBits(1 + 2 ** -9)); // tie -> even, rounding up
    expect(fromHalfBits(toHalfBits(70000))).toBe(Infinity);
    expect(fromHalfBits(toHalfBits(-1e-9))).toBe(-0);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
  });
});

describe('Session', () => {
  it('queues runs so onnxruntime never sees two at once, and keeps each result with its call', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['n']);
    g.output(g.op('Mul', [x, g.constant(new Float32Array([2]), [])]), 'float32', ['n'], 'y');
    const session = await Session.create('mem:double.onnx', g.toBytes(), { backend: { name: 'wasm' } });
    const inner = (session as unknown as { inner: { run: (...a: unknown[]) => Promise<unknown> } }).inner;
    const run = inner.run.bind(inner);
    let active = 0;
    let peak = 0;
    inner.run = async (...args: unknown[]) => {
      peak = Math.max(peak, ++active);
      try {
        await new Promise((r) => setTimeout(r, 5));
        return await run(...args);
      } finally {
        active--;
      }
    };
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((v) => session.run({ x: { data: [v, -v], dims: [2] } }, ['y'])),
    );
    expect(peak).toBe(1);
    expect(results.map((r) => [...r.y.data])).toEqual([1, 2, 3, 4, 5].map((v) => [2 * v, -2 * v]));
    await expect(session.run({ z: { data: [1], dims: [1] } }, ['y'])).rejects.toThrow('mem:double.onnx: has no input "z"');
    await session.dispose();
    await expect(session.run({ x: { data: [1], dims: [1] } }, ['y'])).rejects.toThrow(/disposed/);
  });
});

describe('chooseBackend', () => {
  it('takes WebGPU where there is an adapter and says why it falls back to wasm', async () => {
    const gpu = (adapter: () => Promise<unknown>) => ({ requestAdapter: adapter });
    // the adapter is described too: a hardware one here (no isFallbackAdapter)
    expect(await chooseBackend(undefined, gpu(async () => ({})))).toEqual({ name: 'webgpu', adapter: { label: 'unnamed adapter', software: false } });
    expect(await chooseBackend('wasm', gpu(async () => ({})))).toEqual({ name: 'wasm' });
    expect(await chooseBackend(undefined, gpu(async () => null))).toMatchObject({ name: 'wasm', notice: expect.stringMatching(/no usable GPU adapter/) });
    const broken = gpu(async () => {
      throw new Error('device lost');
    });
    expect(await chooseBackend(undefined, broken)).toMatchObject({ name: 'wasm', notice: expect.stringMatching(/device lost/) });
    expect(await chooseBackend()).toEqual({ name: 'wasm' }); // Node: no navigator.gpu, nothing to report
  });
});

describe('toOrtTensor', () => {
  it("casts to the input's dtype, truncating floats for integer inputs like diffusers' ONNX pipelines", () => {
    expect([...(toOrtTensor('int64', [332.67, 999], [2]).data as BigInt64Array)]).toEqual([332n, 999n]);
    expect([...(toOrtTensor('int32', [665.5], [1]).data as Int32Array)]).toEqual([665]);
    expect(toOrtTensor('float16', [1.5], [1]).data).toEqual(new Uint16Array([0x3e00]));
    expect(() => toOrtTensor('string', [1], [1])).toThrow('unsupported input dtype string');
  });
});
