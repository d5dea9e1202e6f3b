// The gradient ops run on the WebGPU execution provider too: a composite model touching most
// rules (and the ops they emit: ConvTranspose, Pad, Slice, ScatterElements, NonZero, Range,
// Einsum, Where, ...) is differentiated, run in Chromium on WebGPU (SwiftShader) and compared
// with wasm in Node; then the built-in UNet's and VAE decoder's gradient models run there and
// are compared with PyTorch's (tests/fixtures/tiny_golden.json). SwiftShader is a CPU
// emulation: keep models and batches small.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { GraphBuilder, float } from '../../runtime/onnx/index';
import { buildVjpModel } from '../../runtime/autodiff/index';
import { startOrtPage } from './ort-page';

ort.env.wasm.numThreads = 1;

function composite(): Uint8Array {
  const b = new GraphBuilder({ opset: 17 });
  let seed = 1;
  const rnd = (n: number, scale = 0.3) => Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2 * scale);
  const w = (name: string, dims: number[]) => b.initializer(name, rnd(dims.reduce((p, q) => p * q, 1)), dims);
  const i64 = (v: number[]) => b.constant(new BigInt64Array(v.map(BigInt)), [v.length]);
  const x = b.input('x', 'float32', ['B', 4, 8, 8]);
  const ctx = b.input('ctx', 'float32', ['B', 5, 8]);
  let h = b.op('Conv', [x, w('w1', [8, 2, 3, 3]), w('b1', [8])], { strides: [2, 2], pads: [1, 1, 1, 1], group: 2 });
  const g = b.op('InstanceNormalization', [b.op('Reshape', [h, i64([0, 2, -1])]), b.initializer('one', new Float32Array([1, 1]), [2]), b.initializer('zero', new Float32Array([0, 0]), [2])]);
  h = b.op('Add', [b.op('Mul', [b.op('Reshape', [g, b.op('Shape', [h])]), w('gs', [8, 1, 1])]), w('gb', [8, 1, 1])]);
  h = b.op('Mul', [h, b.op('Sigmoid', [h])]);
  h = b.op('Resize', [h, '', b.initializer('sc', new Float32Array([1, 1, 2, 2]), [4])], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
  h = b.op('Resize', [h, '', b.initializer('sc2', new Float32Array([1, 1, 0.5, 0.75]), [4])], { mode: 'linear' });
  h = b.op('ConvTranspose', [h, w('wt', [8, 4, 2, 2])], { strides: [2, 2], pads: [1, 1, 1, 1] });
  const q = b.op('Transpose', [b.op('Reshape', [h, i64([0, 4, -1])])], { perm: [0, 2, 1] });
  const k = b.op('MatMul', [ctx, w('wk', [8, 4])]);
  const v = b.op('MatMul', [ctx, w('wv', [8, 4])]);
  const att = b.op('Softmax', [b.op('Div', [b.op('Einsum', [q, k], { equation: 'bqd,bkd->bqk' }), b.initializer('sqrt', new Float32Array([2]), [])])]);
  const ln = b.op('LayerNormalization', [b.op('MatMul', [att, v]), w('ls', [4]), w('lb', [4])], { epsilon: float(1e-5) });
  const flat = b.op('Reshape', [ln, i64([-1, 4])]);
  const o = b.op('Add', [flat, b.op('Erf', [b.op('Gemm', [flat, w('wg', [4, 4])], { transB: 1 })])]);
  const gathered = b.op('Gather', [o, b.constant(new BigInt64Array([0n, 3n, 3n, -1n]), [4])], { axis: 0 });
  const strided = b.op('Slice', [gathered, i64([1]), i64([100]), i64([0]), i64([2])]);
  const padded = b.op('Pad', [b.op('Slice', [gathered, i64([0]), i64([3]), i64([1])]), i64([0, 1, 1, 0])]);
  const [s1, s2] = b.opN('Split', [b.op('Concat', [strided, padded], { axis: 0 }), i64([2, 2])], 2, { axis: 1 });
  const mixed = b.op('Where', [b.op('Greater', [s1, s2]), b.op('Pow', [s1, b.initializer('two', new Float32Array([2]), [])]), b.op('Abs', [s2])]);
  const expanded = b.op('Expand', [b.op('ReduceMean', [mixed], { axes: [1], keepdims: 1 }), b.op('Shape', [mixed])]);
  b.output(b.op('Add', [mixed, b.op('Mul', [expanded, b.op('Tanh', [s1])])]), 'float32', null, 'y');
  return b.toBytes();
}

let browser: Browser;
let close: (() => Promise<void>) | undefined;
let base = '';
const served = new Map<string, Uint8Array>();

beforeAll(async () => {
  ({ browser, base, close } = await startOrtPage((url) => served.get(url)));
});

afterAll(() => close?.());

describe('VJP models on the WebGPU EP', () => {
  it('match wasm on a composite model (dynamic batch 2)', async () => {
    const fwd = composite();
    const vjp = buildVjpModel(fwd, { wrt: ['x', 'ctx'], of: 'y' });
    const xs = Array.from({ length: 2 * 4 * 64 }, (_, i) => Math.sin(i * 0.91));
    const cs = Array.from({ length: 2 * 5 * 8 }, (_, i) => Math.cos(i * 0.37));
    const local = await ort.InferenceSession.create(vjp.model, { executionProviders: ['wasm'], externalData: vjp.externalData });
    const yDims = (await (await ort.InferenceSession.create(fwd, { executionProviders: ['wasm'] }))
      .run({ x: new ort.Tensor('float32', Float32Array.from(xs), [2, 4, 8, 8]), ctx: new ort.Tensor('float32', Float32Array.from(cs), [2, 5, 8]) })).y.dims as number[];
    const gy = Array.from({ length: yDims.reduce((p, q) => p * q, 1) }, (_, i) => 1 + Math.sin(i));
    const feeds = { x: new ort.Tensor('float32', Float32Array.from(xs), [2, 4, 8, 8]), ctx: new ort.Tensor('float32', Float32Array.from(cs), [2, 5, 8]), grad_y: new ort.Tensor('float32', Float32Array.from(gy), yDims) };
    const ref = await local.run(feeds);

    served.set('/vjp.onnx', vjp.model);
    served.set('/forward.onnx', fwd);
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const got = await page.evaluate(async ({ xs, cs, gy, yDims }) => {
      // a real dynamic import in the page (vitest would rewrite a literal import())
      const ort = await (new Function('u', 'return import(u)') as (u: string) => Promise<typeof import('onnxruntime-web')>)('/ort/ort.webgpu.min.mjs');
      ort.env.wasm.wasmPaths = '/ort/';
      ort.env.wasm.numThreads = 1;
      const [model, fwd] = await Promise.all(['/vjp.onnx', '/forward.onnx'].map(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer())));
      const s = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'], externalData: [{ path: 'forward.onnx', data: fwd }] });
      const out = await s.run({
        x: new ort.Tensor('float32', Float32Array.from(xs), [2, 4, 8, 8]),
        ctx: new ort.Tensor('float32', Float32Array.from(cs), [2, 5, 8]),
        grad_y: new ort.Tensor('float32', Float32Array.from(gy), yDims),
      });
      return { x: Array.from(out.grad_x.data as Float32Array), ctx: Array.from(out.grad_ctx.data as Float32Array) };
    }, { xs, cs, gy, yDims });
    for (const name of ['x', 'ctx'] as const) {
      const want = ref[`grad_${name}`].data as Float32Array;
      let num = 0;
      let den = 0;
      want.forEach((r, i) => { num += (got[name][i] - r) ** 2; den += r * r; });
      expect(den).toBeGreaterThan(0);
      expect(Math.sqrt(num / den)).toBeLessThan(1e-4);
    }
  });

  interface Stored { dims: number[]; dtype: string; data: number[] }
  const ROOT = resolve(import.meta.dirname, '../..');
  const golden = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/tiny_golden.json'), 'utf8')) as Record<string, Record<string, Stored>>;
  const cases = [
    { model: 'unet', inputs: ['sample', 'timestep', 'encoder_hidden_states'], wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample' },
    { model: 'vae_decoder', inputs: ['latent_sample'], wrt: ['latent_sample'], of: 'sample' },
  ];

  it.each(cases)('built-in $model gradients match PyTorch on WebGPU (rel. error <= 1e-3)', async ({ model, inputs, wrt, of }) => {
    const forward = new Uint8Array(readFileSync(join(ROOT, 'models/tiny', model, 'model.onnx')));
    const vjp = buildVjpModel(forward, { wrt, of });
    served.set(`/${model}-vjp.onnx`, vjp.model);
    served.set(`/${model}-forward.onnx`, forward);
    const g = golden[model];
    const feeds = [...inputs.map((n) => [n, g[n]] as const), [`grad_${of}`, g.cotangent] as const];
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const got = await page.evaluate(async ({ model, feeds, wrt, path }) => {
      const ort = await (new Function('u', 'return import(u)') as (u: string) => Promise<typeof import('onnxruntime-web')>)('/ort/ort.webgpu.min.mjs');
      ort.env.wasm.wasmPaths = '/ort/';
      ort.env.wasm.numThreads = 1;
      const [bytes, fwd] = await Promise.all([`/${model}-vjp.onnx`, `/${model}-forward.onnx`].map(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer())));
      const s = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], externalData: [{ path, data: fwd }] });
      const tensors = Object.fromEntries(feeds.map(([name, t]) => [name, t.dtype === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(t.data.map((v) => BigInt(v))), t.dims)
        : new ort.Tensor('float32', Float32Array.from(t.data), t.dims)]));
      const out = await s.run(tensors);
      return Object.fromEntries(wrt.map((w) => [w, Array.from(out[`grad_${w}`].data as Float32Array)]));
    }, { model, feeds, wrt, path: vjp.externalData?.[0]?.path ?? 'forward.onnx' });
    await page.close();
    for (const w of wrt) {
      const want = g[`grad_${w}`].data;
      let num = 0;
      let den = 0;
      want.forEach((r, i) => { num += (got[w][i] - r) ** 2; den += r * r; });
      expect(den).toBeGreaterThan(0);
      expect(Math.sqrt(num / den)).toBeLessThanOrEqual(1e-3);
    }
  }, 300_000);
});
