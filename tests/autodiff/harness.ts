// Finite-difference checking of VJP models: build a one-op forward model, compile its VJP,
// and compare <grad, e_j> with the central difference of L(x) = sum(v * f(x)) per element.
import * as ort from 'onnxruntime-web';
import { GraphBuilder } from '../../runtime/onnx/index';
import { buildVjpModel } from '../../runtime/autodiff/index';

ort.env.wasm.numThreads = 1;

export type FloatType = 'float32' | 'float64';
export interface Case {
  /** the rule under test (the rule-table walk looks for it) */
  op: string;
  name: string;
  dtype: FloatType;
  /** float inputs of the forward model; all are differentiated unless `wrt` says otherwise */
  inputs: Record<string, { dims: (number | string)[]; data?: number[]; feedDims?: number[] }>;
  wrt?: string[];
  /** adds the op (and any constant inputs) and returns the output to differentiate */
  build: (b: GraphBuilder, x: Record<string, string>) => string;
  opset?: number;
  /** elements at a kink, where a central difference is meaningless */
  kink?: (input: string, value: number) => boolean;
}

/** Deterministic values in [-2, 2] with exact zeros (every 5th element) and both signs. */
export function values(n: number, seed = 1): number[] {
  let s = seed * 9301 + 49297;
  return Array.from({ length: n }, (_, i) => {
    s = (s * 9301 + 49297) % 233280;
    return i % 5 === 0 ? 0 : Math.round(((s / 233280) * 4 - 2) * 1000) / 1000;
  });
}

const prod = (d: number[]) => d.reduce((a, b) => a * b, 1);
const arr = (t: FloatType, v: number[]) => (t === 'float64' ? new Float64Array(v) : new Float32Array(v));

/** Where a check failed: refused at build time, not loaded or not run by ORT, or wrong. */
export type Phase = 'build' | 'load' | 'run' | 'wrong';
export class CheckError extends Error {
  constructor(readonly phase: Phase, message: string) { super(message); }
}
function phase<T>(p: Phase, f: () => T): T {
  try {
    const r = f();
    return r instanceof Promise ? (r.catch((e: Error) => { throw new CheckError(p, e.message); }) as T) : r;
  } catch (e) {
    throw new CheckError(p, (e as Error).message);
  }
}

export interface CheckResult { maxErr: number; checked: number; grads: Record<string, number[]>; gradModelBytes: number; forwardBytes: number }

export async function checkCase(c: Case): Promise<CheckResult> {
  const b = new GraphBuilder({ opset: c.opset ?? 17 });
  const names: Record<string, string> = {};
  for (const [n, spec] of Object.entries(c.inputs)) names[n] = b.input(n, c.dtype, spec.dims);
  const out = c.build(b, names);
  b.output(out, c.dtype, null);
  const fwdBytes = b.toBytes();
  const wrt = c.wrt ?? Object.keys(c.inputs);
  const vjp = phase('build', () => buildVjpModel(fwdBytes, { wrt, of: out }));
  const opts = { executionProviders: ['wasm'], externalData: vjp.externalData };
  const fwd = await ort.InferenceSession.create(fwdBytes, { executionProviders: ['wasm'] });
  const bwd = await phase('load', () => ort.InferenceSession.create(vjp.model, opts));

  const x: Record<string, number[]> = {};
  const dims: Record<string, number[]> = {};
  Object.entries(c.inputs).forEach(([n, s], k) => {
    dims[n] = s.feedDims ?? (s.dims as number[]);
    x[n] = s.data ?? values(prod(dims[n]), k + 3);
  });
  const feeds = (xs: Record<string, number[]>) =>
    Object.fromEntries(Object.keys(xs).map((n) => [n, new ort.Tensor(c.dtype, arr(c.dtype, xs[n]), dims[n])]));
  const y0 = (await fwd.run(feeds(x)))[out];
  const v = values(y0.size, 99).map((q, i) => q + 0.25 + (i % 3)); // nonzero cotangent
  const loss = async (xs: Record<string, number[]>) => {
    const y = (await fwd.run(feeds(xs)))[out].data as Float32Array | Float64Array;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += v[i] * y[i];
    return s;
  };
  const res = await phase('run', () => bwd.run({ ...feeds(x), [`grad_${out}`]: new ort.Tensor(c.dtype, arr(c.dtype, v), y0.dims as number[]) }));

  const h = c.dtype === 'float64' ? 1e-6 : 1e-2;
  const [rtol, atol] = c.dtype === 'float64' ? [1e-6, 1e-7] : [2e-2, 2e-3];
  let maxErr = 0;
  let checked = 0;
  const grads: Record<string, number[]> = {};
  for (const n of wrt) {
    const g = [...(res[`grad_${n}`].data as Float32Array)];
    grads[n] = g;
    if (g.length !== x[n].length) throw new Error(`${c.name}: grad_${n} has ${g.length} elements, input has ${x[n].length}`);
    const scale = Math.max(1, ...g.map(Math.abs));
    for (let j = 0; j < g.length; j++) {
      if (!Number.isFinite(g[j])) throw new CheckError('wrong', `${c.name}: grad_${n}[${j}] = ${g[j]}`);
      if (c.kink?.(n, x[n][j])) continue;
      const at = (d: number) => ({ ...x, [n]: x[n].map((q, i) => (i === j ? q + d : q)) });
      const fd = ((await loss(at(h))) - (await loss(at(-h)))) / (2 * h);
      const err = Math.abs(g[j] - fd) / (atol * scale + rtol * Math.abs(fd));
      maxErr = Math.max(maxErr, err);
      checked++;
      if (err > 1) throw new CheckError('wrong', `${c.name}: grad_${n}[${j}] = ${g[j]}, finite difference ${fd}`);
    }
  }
  await fwd.release();
  await bwd.release();
  return { maxErr, checked, grads, gradModelBytes: vjp.model.length, forwardBytes: fwdBytes.length };
}
