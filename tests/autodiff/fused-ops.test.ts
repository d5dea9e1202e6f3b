// Each lowered com.microsoft op against onnxruntime's own fused kernel (onnxruntime-node runs
// them on CPU): the gradient model's forward output (the lowering) must equal the fused
// kernel's, and its gradient must match central differences of the fused kernel.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, float, saveModel, type Attrs } from '../../runtime/onnx/index';
import { buildVjpModel } from '../../runtime/autodiff/index';
import { loweredOps, MS } from '../../runtime/autodiff/lower-fused';
import { values } from './harness';

interface FusedCase {
  op: string;
  name: string;
  inputs: Record<string, number[]>; // name -> dims; '' keys are absent optional inputs
  order: string[]; // node inputs in order ('' for absent)
  attrs?: Attrs;
  outputs?: number; // node outputs; only the first is differentiated
  /** a float64 reference where onnxruntime has the op only for CUDA (no CPU kernel to run) */
  ref?: (x: Record<string, Float64Array>) => Float64Array;
}

const erfGelu = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));
function erf(z: number): number { // series / continued fraction to ~1e-15, enough for a float32 check
  const t = Math.abs(z);
  if (t < 3) { let s = 0; let term = t; for (let n = 0; n < 60; n++) { s += term / (2 * n + 1); term *= -t * t / (n + 1); } return Math.sign(z) * s * 2 / Math.sqrt(Math.PI); }
  return Math.sign(z) * (1 - Math.exp(-t * t) / (t * Math.sqrt(Math.PI)) * (1 - 1 / (2 * t * t)));
}
/** channels-last group norm of x [N, H, W, C], then gamma, beta and an optional SiLU */
function refGroupNorm(x: Float64Array, [n, h, w, ch]: number[], groups: number, g: Float64Array, b: Float64Array, silu: boolean): Float64Array {
  const y = new Float64Array(x.length);
  const cg = ch / groups;
  for (let i = 0; i < n; i++) for (let k = 0; k < groups; k++) {
    const idx: number[] = [];
    for (let p = 0; p < h * w; p++) for (let c = 0; c < cg; c++) idx.push((i * h * w + p) * ch + k * cg + c);
    const mean = idx.reduce((s, j) => s + x[j], 0) / idx.length;
    const vr = idx.reduce((s, j) => s + (x[j] - mean) ** 2, 0) / idx.length;
    for (const j of idx) {
      const c = j % ch;
      const z = ((x[j] - mean) / Math.sqrt(vr + 1e-5)) * g[c] + b[c];
      y[j] = silu ? z / (1 + Math.exp(-z)) : z;
    }
  }
  return y;
}

const cases: FusedCase[] = [
  { op: 'BiasAdd', name: 'BiasAdd', inputs: { x: [2, 4, 4], b: [4], s: [2, 4, 4] }, order: ['x', 'b', 's'], ref: (x) => x.x.map((q, i) => q + x.b[i % 4] + x.s[i]) },
  { op: 'BiasGelu', name: 'BiasGelu', inputs: { x: [2, 3, 4], b: [4] }, order: ['x', 'b'] },
  { op: 'FastGelu', name: 'FastGelu with bias', inputs: { x: [2, 3, 4], b: [4] }, order: ['x', 'b'] },
  { op: 'QuickGelu', name: 'QuickGelu alpha 1.702', inputs: { x: [2, 3, 4] }, order: ['x'], attrs: { alpha: float(1.702) } },
  { op: 'BiasSplitGelu', name: 'BiasSplitGelu', inputs: { x: [1, 3, 8], b: [8] }, order: ['x', 'b'], ref: (x) => Float64Array.from({ length: 12 }, (_, i) => {
    const r = Math.floor(i / 4); const c = i % 4;
    return (x.x[r * 8 + c] + x.b[c]) * erfGelu(x.x[r * 8 + c + 4] + x.b[c + 4]);
  }) },
  { op: 'GroupNorm', name: 'GroupNorm NHWC SiLU', inputs: { x: [2, 3, 2, 8], g: [8], b: [8] }, order: ['x', 'g', 'b'], attrs: { groups: 2, activation: 1, epsilon: float(1e-5), channels_last: 1 }, ref: (x) => refGroupNorm(x.x, [2, 3, 2, 8], 2, x.g, x.b, true) },
  { op: 'SkipGroupNorm', name: 'SkipGroupNorm with bias', inputs: { x: [1, 2, 3, 8], g: [8], b: [8], s: [1, 2, 3, 8], bias: [8] }, order: ['x', 'g', 'b', 's', 'bias'], attrs: { groups: 4, activation: 0, epsilon: float(1e-5), channels_last: 1 }, ref: (x) => refGroupNorm(x.x.map((q, i) => q + x.s[i] + x.bias[i % 8]), [1, 2, 3, 8], 4, x.g, x.b, false) },
  { op: 'SkipLayerNormalization', name: 'SkipLayerNormalization with bias', inputs: { x: [2, 3, 6], s: [2, 3, 6], g: [6], b: [6], bias: [6] }, order: ['x', 's', 'g', 'b', 'bias'], attrs: { epsilon: float(1e-5) } },
  { op: 'MultiHeadAttention', name: 'MultiHeadAttention cross, 2 heads', inputs: { q: [2, 3, 4], k: [2, 5, 4], v: [2, 5, 6] }, order: ['q', 'k', 'v'], attrs: { num_heads: 2 } },
];

function fusedModel(c: FusedCase): Uint8Array {
  const b = new GraphBuilder({ opset: 17 });
  for (const [n, d] of Object.entries(c.inputs)) b.input(n, 'float32', d);
  const outs = b.opN(c.op, c.order, c.outputs ?? 1, c.attrs, ['y', ...Array.from({ length: (c.outputs ?? 1) - 1 }, (_, i) => `y${i + 1}`)]);
  b.output(outs[0], 'float32', null);
  const m = b.toModel();
  m.graph!.node![m.graph!.node!.length - 1].domain = MS;
  m.opsetImport!.push({ domain: MS, version: 1 });
  return saveModel(m);
}

const prod = (d: number[]) => d.reduce((a, b) => a * b, 1);

describe('fused com.microsoft ops: lowering vs onnxruntime kernel, gradient vs finite differences', () => {
  it('every op in the lowering table has a case here', () => {
    expect(loweredOps.filter((op) => !cases.some((c) => c.op === op))).toEqual([]);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const bytes = fusedModel(c);
      const wrt = Object.keys(c.inputs);
      const vjp = buildVjpModel(bytes, { wrt, of: 'y' });
      // where onnxruntime has no CPU kernel, the float64 reference stands in for it
      const fwd = c.ref ? null : await ort.InferenceSession.create(bytes);
      const bwd = await ort.InferenceSession.create(vjp.model);
      const x: Record<string, Float64Array> = {};
      wrt.forEach((n, k) => { x[n] = new Float64Array(values(prod(c.inputs[n]), k + 3)).map((q, i) => q + 0.1 * ((i % 7) - 3)); });
      const feeds = (xs: Record<string, Float64Array>) => Object.fromEntries(wrt.map((n) => [n, new ort.Tensor('float32', Float32Array.from(xs[n]), c.inputs[n])]));
      const run = async (xs: Record<string, Float64Array>) => (c.ref ? c.ref(xs) : Float64Array.from((await fwd!.run(feeds(xs))).y.data as Float32Array));
      const yk = await run(x);
      const v = values(yk.length, 99).map((q, i) => q + 0.25 + (i % 3));
      const yDims = c.ref ? (c.op === 'BiasSplitGelu' ? [1, 3, 4] : c.inputs[c.order[0]]) : ((await fwd!.run(feeds(x))).y.dims as number[]);
      const res = await bwd.run({ ...feeds(x), grad_y: new ort.Tensor('float32', Float32Array.from(v), yDims) });
      // (a) forward: the lowering computes what the fused kernel computes
      const yl = res.y.data as Float32Array;
      expect(yl.length).toBe(yk.length);
      const fmax = Math.max(...yk.map((q, i) => Math.abs(q - yl[i])));
      expect(fmax, `${c.op}: lowered vs fused forward`).toBeLessThan(1e-5 * Math.max(1, ...yk.map(Math.abs)));
      // (c) gradient: central differences of the fused kernel itself, in float32
      const loss = async (xs: Record<string, Float64Array>) => {
        const y = await run(xs);
        let s = 0;
        for (let i = 0; i < y.length; i++) s += v[i] * y[i];
        return s;
      };
      const h = c.ref ? 1e-5 : 1e-2;
      let worst = 0;
      for (const n of wrt) {
        const g = res[`grad_${n}`].data as Float32Array;
        const scale = Math.max(1, ...g.map(Math.abs));
        for (let j = 0; j < g.length; j++) {
          const at = (d: number) => ({ ...x, [n]: x[n].map((q, i) => (i === j ? q + d : q)) });
          const fd = ((await loss(at(h))) - (await loss(at(-h)))) / (2 * h);
          const err = Math.abs(g[j] - fd) / (3e-3 * scale + 2e-2 * Math.abs(fd));
          worst = Math.max(worst, err);
          expect(err, `${c.op}: grad_${n}[${j}] = ${g[j]}, finite difference ${fd}`).toBeLessThan(1);
        }
      }
      await fwd?.release();
      await bwd.release();
    }, 60_000);
  }

  it('a fused op in a form it cannot lower is refused by node name, with the reason', () => {
    const b = new GraphBuilder({ opset: 17 });
    b.input('x', 'float32', [1, 3, 4, 4]);
    b.input('g', 'float32', [3]);
    b.input('b', 'float32', [3]);
    b.opN('GroupNorm', ['x', 'g', 'b'], 1, { groups: 3, channels_last: 0 }, ['y']);
    b.output('y', 'float32', null);
    const m = b.toModel();
    m.graph!.node![0].domain = MS;
    m.graph!.node![0].name = 'gn_nchw';
    m.opsetImport!.push({ domain: MS, version: 1 });
    expect(() => buildVjpModel(saveModel(m), { wrt: ['x'], of: 'y' })).toThrow(/com\.microsoft::GroupNorm" at node "gn_nchw": channels_last=0/);
  });

  it('a com.microsoft op with no lowering is refused up front with the others, by name', () => {
    const b = new GraphBuilder({ opset: 17 });
    b.input('x', 'float32', [2, 4]);
    const a = b.opN('Gelu', ['x'], 1, {}, ['a'])[0];
    const y = b.opN('RotaryEmbedding', [a], 1, {}, ['y'])[0];
    b.output(y, 'float32', null);
    const m = b.toModel();
    m.graph!.node!.forEach((n, i) => { n.domain = MS; n.name = `n${i}`; });
    m.opsetImport!.push({ domain: MS, version: 1 });
    expect(() => buildVjpModel(saveModel(m), { wrt: ['x'], of: 'y' })).toThrow(/unsupported op "com\.microsoft::Gelu" at node "n0"; unsupported op "com\.microsoft::RotaryEmbedding" at node "n1"/);
  });
});
