// onnxruntime-web's JSEP WebGPU EP (the default bundle, which the app loads) caches its
// "naive" reduce shader by rank and axes only, yet writes the input's dims into the shader's
// loops. It takes that path for a ReduceSum whose axes come from an input with
// noop_with_empty_axes = 1, so two such nodes of one rank and one axes list but other shapes
// share one shader, and the second reads the first's extents. Unbroadcasting over dims only
// known at run time must not emit that node: this model makes two of them (same run-time
// axes [1], rank 3, different shapes), differentiates it, and compares JSEP with wasm.
// The same EP computes ConvTranspose with asymmetric pads wrong: a stride-2 Conv's input
// gradient (SD's downsamplers) is checked the same way.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { GraphBuilder } from '../../runtime/onnx/index';
import { buildVjpModel } from '../../runtime/autodiff/index';
import { startOrtPage } from './ort-page';

ort.env.wasm.numThreads = 1;

/** y = concat(a + b, c + d) on axis 1, where T, S, P, Q are symbolic: each Add broadcasts at run time. */
function forward(): Uint8Array {
  const b = new GraphBuilder({ opset: 17 });
  const [a, bb, c, d] = [['B', 'T', 4], ['B', 'S', 4], ['B', 'P', 4], ['B', 'Q', 4]].map((dims, i) => b.input('abcd'[i], 'float32', dims));
  const ab = b.op('Add', [a, bb]);
  const cd = b.op('Add', [c, d]);
  b.output(b.op('Concat', [ab, cd], { axis: 1 }), 'float32', null, 'y');
  return b.toBytes();
}

// T = 1 broadcasts over S = 3, P = 1 over Q = 5: grad_a sums [1, 3, 4] over axes 0 and 1, then grad_c
// [1, 5, 4] (the order JSEP runs them), which a shader cached from the first sums short
const DIMS = { a: [1, 1, 4], b: [1, 3, 4], c: [1, 1, 4], d: [1, 5, 4] };
const data = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(1 + i * 0.7 + k));
const size = (d: number[]) => d.reduce((p, q) => p * q, 1);

let browser: Browser;
let close: (() => Promise<void>) | undefined;
let base = '';
let vjpBytes: Uint8Array = new Uint8Array();

/** Its gradient models on wasm here and on JSEP WebGPU in the page: the outputs of both. */
async function bothSides(model: Uint8Array, feeds: Record<string, { data: number[]; dims: number[] }>) {
  vjpBytes = model;
  const local = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const ref = await local.run(Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, new ort.Tensor('float32', Float32Array.from(t.data), t.dims)])));
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  const got = await page.evaluate(async (feeds) => {
    const ort = await (new Function('u', 'return import(u)') as (u: string) => Promise<typeof import('onnxruntime-web')>)('/ort/ort.min.mjs');
    ort.env.wasm.wasmPaths = '/ort/';
    ort.env.wasm.numThreads = 1;
    const s = await ort.InferenceSession.create(new Uint8Array(await (await fetch('/vjp.onnx')).arrayBuffer()), { executionProviders: ['webgpu'] });
    const out = await s.run(Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, new ort.Tensor('float32', Float32Array.from(t.data), t.dims)])));
    return Object.fromEntries(Object.entries(out).map(([n, t]) => [n, { dims: [...t.dims], data: Array.from(t.data as Float32Array) }]));
  }, feeds);
  await page.close();
  return { ref, got };
}

beforeAll(async () => {
  ({ browser, base, close } = await startOrtPage((url) => (url === '/vjp.onnx' ? vjpBytes : undefined)));
});

afterAll(() => close?.());

describe('unbroadcast over run-time dims on the JSEP WebGPU EP', () => {
  it('matches wasm where two reductions share rank and axes but not shape', async () => {
    const vjp = buildVjpModel(forward(), { wrt: ['a', 'b', 'c', 'd'], of: 'y', includeOutput: false });
    expect(vjp.externalData ?? []).toEqual([]);
    const outDims = [1, 8, 4];
    const feeds = { ...Object.fromEntries(Object.entries(DIMS).map(([n, d], k) => [n, { data: data(size(d), k), dims: d }])), grad_y: { data: data(size(outDims), 9), dims: outDims } };
    const { ref, got } = await bothSides(vjp.model, feeds);
    for (const name of ['a', 'b', 'c', 'd']) {
      const want = ref[`grad_${name}`];
      expect(got[`grad_${name}`].dims, name).toEqual([...want.dims]);
      expect(want.dims).toEqual(DIMS[name as keyof typeof DIMS]);
      const w = want.data as Float32Array;
      const err = Math.max(...w.map((v, i) => Math.abs(got[`grad_${name}`].data[i] - v)));
      expect(err, `grad_${name}: JSEP ${got[`grad_${name}`].data.slice(0, 4)} vs wasm ${[...w.slice(0, 4)]}`).toBeLessThan(1e-5);
    }
  }, 120_000);

  it('matches wasm on a stride-2 Conv input gradient (pads 1, a 1x1 cotangent)', async () => {
    const b = new GraphBuilder({ opset: 14 });
    const x = b.input('x', 'float32', ['B', 8, 2, 2]);
    // the weight as an input: no external data to hand the page
    const w = b.input('w', 'float32', [8, 8, 3, 3]);
    b.output(b.op('Conv', [x, w], { strides: [2, 2], pads: [1, 1, 1, 1] }), 'float32', null, 'y');
    const vjp = buildVjpModel(b.toBytes(), { wrt: ['x'], of: 'y', includeOutput: false });
    const { ref, got } = await bothSides(vjp.model, { x: { data: data(64, 1), dims: [2, 8, 2, 2] }, w: { data: data(576, 3), dims: [8, 8, 3, 3] }, grad_y: { data: data(16, 2), dims: [2, 8, 1, 1] } });
    const want = ref.grad_x.data as Float32Array;
    expect(got.grad_x.dims).toEqual([2, 8, 2, 2]);
    let [num, den] = [0, 0];
    want.forEach((v, i) => ((num += (got.grad_x.data[i] - v) ** 2), (den += v * v)));
    expect(den).toBeGreaterThan(0);
    expect(Math.sqrt(num / den)).toBeLessThan(1e-5);
  }, 120_000);
});
