// The driver end to end: errors before anything runs, fan-out, dynamic shapes, weight sharing.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { GraphBuilder, loadModel, makeTensor, onnx, saveModel } from '../../runtime/onnx/index';
import { buildVjpModel } from '../../runtime/autodiff/index';

ort.env.wasm.numThreads = 1;
const f32 = (v: number[] | Float32Array, dims: number[]) => new ort.Tensor('float32', Float32Array.from(v), dims);

async function runVjp(fwd: Uint8Array, wrt: string[], of: string, feeds: Record<string, ort.Tensor>, extra: { path: string; data: Uint8Array }[] = []) {
  const vjp = buildVjpModel(fwd, { wrt, of });
  const s = await ort.InferenceSession.create(vjp.model, { executionProviders: ['wasm'], externalData: [...(vjp.externalData ?? []), ...extra] });
  return { vjp, out: await s.run(feeds) };
}

describe('VJP driver', () => {
  it('reports every unsupported op on the path at once, and only those', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2]);
    const z = b.input('z', 'float32', [2]);
    const off = b.op('Atan', [z], undefined, 'not_on_path'); // z is not differentiated: fine
    const y = b.op('Add', [b.op('Celu', [b.op('Atan', [x])]), off]);
    b.output(y, 'float32', [2], 'y');
    expect(() => buildVjpModel(b.toBytes(), { wrt: ['x'], of: 'y' })).toThrow(
      /^unsupported op "Atan" at node "Atan_1"; unsupported op "Celu" at node "Celu_2"$/,
    );
    expect(() => buildVjpModel(b.toBytes(), { wrt: ['x'], of: 'not_on_path' })).not.toThrow();
  });

  it('names unknown tensors', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2]);
    b.output(b.op('Neg', [x]), 'float32', [2], 'y');
    expect(() => buildVjpModel(b.toBytes(), { wrt: ['q'], of: 'y' })).toThrow('unknown input "q" (inputs: x)');
    expect(() => buildVjpModel(b.toBytes(), { wrt: ['x'], of: 'nope' })).toThrow('unknown tensor "nope"');
  });

  it('sums gradients where a value fans out; zeros for inputs off the path', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [3]);
    const u = b.input('u', 'float32', [3]);
    b.output(b.op('Add', [b.op('Mul', [x, x]), b.op('Sin', [x])]), 'float32', [3], 'y');
    b.output(b.op('Neg', [u]), 'float32', [3], 'other');
    const xs = [0, -1.5, 2];
    const { out } = await runVjp(b.toBytes(), ['x', 'u'], 'y', { x: f32(xs, [3]), u: f32([1, 2, 3], [3]), grad_y: f32([1, 1, 1], [3]) });
    [...(out.grad_x.data as Float32Array)].forEach((g, i) => expect(g).toBeCloseTo(2 * xs[i] + Math.cos(xs[i]), 5));
    expect([...(out.grad_u.data as Float32Array)]).toEqual([0, 0, 0]);
    expect([...(out.y.data as Float32Array)][2]).toBeCloseTo(4 + Math.sin(2), 5);
  });

  it('follows torch conventions at kinks: relu and abs pass 0 at 0, clamp passes at its bounds', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [3]);
    const lo = b.initializer('lo', new Float32Array([0]), []);
    const hi = b.initializer('hi', new Float32Array([1]), []);
    b.output(b.op('Relu', [x]), 'float32', [3], 'r');
    b.output(b.op('Abs', [x]), 'float32', [3], 'a');
    b.output(b.op('Clip', [x, lo, hi]), 'float32', [3], 'c');
    const feeds = (of: string) => ({ x: f32([0, 1, -1], [3]), [`grad_${of}`]: f32([1, 1, 1], [3]) });
    const grad = async (of: string) => [...((await runVjp(b.toBytes(), ['x'], of, feeds(of))).out.grad_x.data as Float32Array)];
    expect(await grad('r')).toEqual([0, 1, 0]);
    expect(await grad('a')).toEqual([0, 1, -1]);
    expect(await grad('c')).toEqual([1, 1, 0]);
  });

  it('keeps dynamic axes dynamic: one gradient model serves batch 1 and batch 3', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['B', 2, 'N']);
    const bias = b.initializer('bias', new Float32Array([0.5, -1]), [2, 1]);
    const h = b.op('Mul', [b.op('Add', [x, bias]), b.op('ReduceMean', [x], { axes: [0, 2], keepdims: 1 })]);
    b.output(b.op('ReduceSum', [h], { keepdims: 0 }), 'float32', [], 'loss');
    const vjp = buildVjpModel(b.toBytes(), { wrt: ['x'], of: 'loss' });
    const s = await ort.InferenceSession.create(vjp.model, { executionProviders: ['wasm'], externalData: vjp.externalData });
    for (const [B, N] of [[1, 3], [3, 2]]) {
      const xs = Array.from({ length: B * 2 * N }, (_, i) => Math.sin(i));
      const out = await s.run({ x: f32(xs, [B, 2, N]), grad_loss: f32([1], []) });
      expect(out.grad_x.dims).toEqual([B, 2, N]);
      // d/dx sum((x + b) * m) where m = mean over (0, 2) per channel
      const per = B * N;
      const mean = [0, 1].map((c) => xs.filter((_, i) => Math.floor(i / N) % 2 === c).reduce((a, v) => a + v, 0) / per);
      const sumXb = [0, 1].map((c) => xs.filter((_, i) => Math.floor(i / N) % 2 === c).reduce((a, v) => a + v + [0.5, -1][c], 0));
      const want = xs.map((_, i) => { const c = Math.floor(i / N) % 2; return mean[c] + sumXb[c] / per; });
      [...(out.grad_x.data as Float32Array)].forEach((g, i) => expect(g).toBeCloseTo(want[i], 4));
    }
  });

  it('reads dim params through exporter shape math: no run-time shape ops, batch stays dynamic', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['B', 4, 6]);
    const w = b.initializer('w', new Float32Array([0.5, -2]), [2, 1]);
    // torch-style: Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [2, -1]))
    const batch = b.op('Unsqueeze', [b.op('Gather', [b.op('Shape', [x]), b.initializer('i0', new BigInt64Array([0n]), [])]), b.initializer('a0', new BigInt64Array([0n]), [1])]);
    const y = b.op('Reshape', [x, b.op('Concat', [batch, b.initializer('rest', new BigInt64Array([2n, -1n]), [2])], { axis: 0 })]);
    const t = b.op('Reshape', [b.op('Mul', [y, w]), b.op('Shape', [x])]);
    b.output(b.op('ReduceSum', [b.op('Add', [t, b.op('Mul', [x, x])])], { keepdims: 0 }), 'float32', [], 'loss');
    const vjp = buildVjpModel(b.toBytes(), { wrt: ['x'], of: 'loss' });
    const ops = (loadModel(vjp.model).graph?.node ?? []).map((n) => n.opType);
    expect(ops).not.toContain('NonZero');
    // one Shape only: the scalar loss's cotangent expanded to x's run-time shape
    expect(ops.filter((o) => o === 'Shape')).toHaveLength(1);
    const s = await ort.InferenceSession.create(vjp.model, { executionProviders: ['wasm'], externalData: vjp.externalData });
    for (const B of [1, 3]) {
      const xs = Array.from({ length: B * 24 }, (_, i) => Math.sin(i));
      const out = await s.run({ x: f32(xs, [B, 4, 6]), grad_loss: f32([1], []) });
      expect(out.grad_x.dims).toEqual([B, 4, 6]);
      const want = xs.map((v, i) => [0.5, -2][Math.floor((i % 24) / 12)] + 2 * v);
      [...(out.grad_x.data as Float32Array)].forEach((g, i) => expect(g).toBeCloseTo(want[i], 5));
    }
  });

  it('shares inline weights through external-data references into the forward bytes', async () => {
    const n = 256;
    const w = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i));
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, n]);
    b.output(b.op('Tanh', [b.op('MatMul', [x, b.initializer('w', w, [n, n])])]), 'float32', [1, n], 'y');
    const fwd = b.toBytes();
    const xs = Array.from({ length: n }, (_, i) => Math.sin(i) * 0.05);
    const { vjp, out } = await runVjp(fwd, ['x'], 'y', { x: f32(xs, [1, n]), grad_y: f32(new Float32Array(n).fill(1), [1, n]) });
    expect(vjp.model.length).toBeLessThan(4096); // the 256 KiB weight is not in it
    expect(vjp.externalData).toEqual([{ path: 'forward.onnx', data: fwd }]);
    const y = xs.map((_, j) => Math.tanh(xs.reduce((a, v, i) => a + v * w[i * n + j], 0)));
    const gx = [...(out.grad_x.data as Float32Array)];
    for (const i of [0, 7, 255]) expect(gx[i]).toBeCloseTo(y.reduce((a, yj, j) => a + (1 - yj * yj) * w[i * n + j], 0), 3);
  });

  it('keeps the references of a model that already uses external data', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2]);
    b.output(b.op('Mul', [x, b.initializer('w', new Float32Array([3, 4]), [2])]), 'float32', [2], 'y');
    const m = loadModel(b.toBytes());
    const weights = new Uint8Array(new Float32Array([0, 3, -4]).buffer);
    m.graph!.initializer = [onnx.TensorProto.create({
      name: 'w', dims: [2], dataType: 1, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: '4' }, { key: 'length', value: '8' }],
    })];
    const { vjp, out } = await runVjp(saveModel(m), ['x'], 'y', { x: f32([1, 1], [2]), grad_y: f32([1, 2], [2]) }, [{ path: 'weights.bin', data: weights }]);
    expect(vjp.forwardExternalFiles).toEqual(['weights.bin']);
    expect(vjp.externalData).toBeUndefined();
    expect([...(out.grad_x.data as Float32Array)]).toEqual([3, -8]);
  });

  it('shares large Constant node payloads too', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 64]);
    const c = b.op('Constant', [], { value: makeTensor('', new Float32Array(64 * 64).fill(0.25), [64, 64]) });
    b.output(b.op('MatMul', [x, c]), 'float32', [1, 64], 'y');
    const fwd = b.toBytes();
    const vjp = buildVjpModel(fwd, { wrt: ['x'], of: 'y' });
    expect(vjp.model.length).toBeLessThan(2048);
    expect(fwd.length).toBeGreaterThan(16384);
  });
});

describe('ties', () => {
  it('Max and Min split the cotangent evenly between equal inputs, as torch.maximum does', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [3]);
    const z = b.input('z', 'float32', [3]);
    b.output(b.op('Max', [x, z]), 'float32', [3], 'y');
    const { out } = await runVjp(b.toBytes(), ['x', 'z'], 'y', { x: f32([1, 2, 0], [3]), z: f32([1, 3, -1], [3]), grad_y: f32([2, 2, 2], [3]) });
    expect([...(out.grad_x.data as Float32Array)]).toEqual([1, 0, 2]);
    expect([...(out.grad_z.data as Float32Array)]).toEqual([1, 2, 0]);
  });

  it('ReduceMax splits the cotangent between tied maxima, as torch.amax does', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2, 3]);
    b.output(b.op('ReduceMax', [x], { axes: [1], keepdims: 0 }), 'float32', [2], 'm');
    const { out } = await runVjp(b.toBytes(), ['x'], 'm', { x: f32([1, 5, 5, -2, -3, -1], [2, 3]), grad_m: f32([4, 1], [2]) });
    expect([...(out.grad_x.data as Float32Array)]).toEqual([0, 2, 2, 0, 0, 1]);
  });
});
