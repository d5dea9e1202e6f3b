// Finite-difference cases for elementwise rules (broadcast shapes, zeros, negatives).
import { float, type GraphBuilder } from '../../runtime/onnx/index';
import type { Case, FloatType } from './harness';

const F64: FloatType = 'float64';
const F32: FloatType = 'float32';
export const scalar = (b: GraphBuilder, name: string, v: number, t: FloatType) =>
  b.initializer(name, t === 'float64' ? new Float64Array([v]) : new Float32Array([v]), []);
/** Values in [0.3, 2]: for Sqrt, Log, Pow bases and divisors. */
export const positive = (n: number) => Array.from({ length: n }, (_, i) => 0.3 + ((i * 7) % 11) * 0.17);

const unary = (op: string, dtype: FloatType, extra: Partial<Case> = {}, attrs = {}): Case => ({
  op, name: `${op} [2,5]`, dtype,
  inputs: { x: { dims: [2, 5] } },
  build: (b, x) => b.op(op, [x.x], attrs),
  ...extra,
});

const binary = (op: string, a: number[], bd: number[], extra: Partial<Case> = {}): Case => ({
  op, name: `${op} [${a}] x [${bd}]`, dtype: F64,
  inputs: { a: { dims: a }, b: { dims: bd } },
  build: (b, x) => b.op(op, [x.a, x.b]),
  ...extra,
});

export const elementwiseCases: Case[] = [
  binary('Add', [2, 3], [3]),
  binary('Add', [2, 1, 3], [4, 1]),
  binary('Sub', [2, 3], [2, 1]),
  binary('Sub', [3], [2, 3]),
  binary('Mul', [2, 1, 3], [4, 1]),
  binary('Mul', [2, 3], [2, 3]),
  binary('Div', [2, 3], [3], { inputs: { a: { dims: [2, 3] }, b: { dims: [3], data: [0.5, -1.5, 2] } } }),
  binary('Div', [1, 3], [2, 1], { inputs: { a: { dims: [1, 3] }, b: { dims: [2, 1], data: [-0.7, 1.9] } } }),
  binary('Pow', [2, 3], [3], { inputs: { a: { dims: [2, 3], data: positive(6) }, b: { dims: [3], data: [2, 0.5, -1.3] } } }),
  {
    op: 'Pow', name: 'Pow x^2 (zeros and negatives)', dtype: F64,
    inputs: { x: { dims: [2, 4] } },
    build: (b, x) => b.op('Pow', [x.x, scalar(b, 'two', 2, F64)]),
  },
  {
    op: 'Sum', name: 'Sum of three, broadcast', dtype: F64,
    inputs: { a: { dims: [2, 3] }, b: { dims: [3] }, c: { dims: [2, 1] } },
    build: (b, x) => b.op('Sum', [x.a, x.b, x.c]),
  },
  {
    op: 'Mean', name: 'Mean of two, broadcast', dtype: F32,
    inputs: { a: { dims: [2, 3] }, b: { dims: [1, 3] } },
    build: (b, x) => b.op('Mean', [x.a, x.b]),
  },
  binary('Max', [2, 3], [3], { kink: (n, v) => n === 'a' && [0.5, -1.5, 2].includes(v) }),
  binary('Min', [2, 1], [2, 3]),
  unary('Neg', F64),
  unary('Identity', F64),
  unary('Dropout', F64),
  unary('Sqrt', F64, { inputs: { x: { dims: [2, 5], data: positive(10) } } }),
  unary('Exp', F64),
  unary('Log', F64, { inputs: { x: { dims: [2, 5], data: positive(10) } } }),
  unary('Reciprocal', F64, { inputs: { x: { dims: [2, 5], data: positive(10).map((v, i) => (i % 2 ? v : -v)) } } }),
  unary('Sin', F64),
  unary('Cos', F64),
  unary('Erf', F32),
  unary('Sigmoid', F64),
  unary('Tanh', F64),
  unary('Relu', F64, { kink: (_, v) => v === 0 }),
  unary('LeakyRelu', F64, { kink: (_, v) => v === 0 }, { alpha: float(0.1) }),
  unary('Abs', F64, { kink: (_, v) => v === 0 }),
  {
    op: 'Cast', name: 'Cast float32 -> float64 -> float32', dtype: F32,
    inputs: { x: { dims: [2, 3] } },
    build: (b, x) => b.op('Cast', [b.op('Mul', [b.op('Cast', [x.x], { to: 11 }), b.op('Cast', [x.x], { to: 11 })])], { to: 1 }),
  },
  {
    op: 'Clip', name: 'Clip [-0.5, 1]', dtype: F64,
    inputs: { x: { dims: [3, 4], data: [-0.5, 1, 0, -2, 1.5, 0.3, -0.2, 0.9, -1, 2, 0.5, -0.6] } },
    build: (b, x) => b.op('Clip', [x.x, scalar(b, 'lo', -0.5, F64), scalar(b, 'hi', 1, F64)]),
    kink: (_, v) => v === -0.5 || v === 1,
  },
  {
    op: 'Clip', name: 'Clip min only', dtype: F64,
    inputs: { x: { dims: [2, 3] } },
    build: (b, x) => b.op('Clip', [x.x, scalar(b, 'lo', 0.25, F64)]),
    kink: (_, v) => v === 0.25,
  },
  {
    op: 'Softmax', name: 'Softmax axis -1', dtype: F64,
    inputs: { x: { dims: [2, 3, 4] } },
    build: (b, x) => b.op('Softmax', [x.x]),
  },
  {
    op: 'Softmax', name: 'Softmax axis 1', dtype: F64,
    inputs: { x: { dims: [2, 3, 4] } },
    build: (b, x) => b.op('Softmax', [x.x], { axis: 1 }),
  },
  {
    op: 'LogSoftmax', name: 'LogSoftmax axis 1', dtype: F64,
    inputs: { x: { dims: [2, 3, 2] } },
    build: (b, x) => b.op('LogSoftmax', [x.x], { axis: 1 }),
  },
  {
    op: 'Where', name: 'Where broadcast', dtype: F64,
    inputs: { a: { dims: [2, 3] }, b: { dims: [3] } },
    build: (b, x) => {
      const c = b.initializer('cond', new Uint8Array([1, 0, 1, 0, 0, 1]), [2, 3], 'bool');
      return b.op('Where', [c, x.a, x.b]);
    },
  },
];
