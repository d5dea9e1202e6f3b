// Finite-difference cases for activations, clamps with tensor bounds, and dropout.
import { float } from '../../runtime/onnx/index';
import type { Case, FloatType } from './harness';
import { scalar } from './cases-elementwise';

const F32: FloatType = 'float32';
const F64: FloatType = 'float64';
/** [-4, 4] in steps that never land on the hard kinks at +-3 or +-1. */
const wide = (n: number) => Array.from({ length: n }, (_, i) => Math.round((((i * 37) % n) / (n - 1) * 8 - 4) * 1000) / 1000 + 0.013);

const unary = (op: string, dtype: FloatType, attrs: Record<string, unknown> = {}, extra: Partial<Case> = {}): Case => ({
  op, name: `${op} ${JSON.stringify(attrs)}`, dtype,
  inputs: { x: { dims: [3, 4] } },
  build: (b, x) => b.op(op, [x.x], attrs as never),
  ...extra,
});

export const activationCases: Case[] = [
  {
    op: 'PRelu', name: 'PRelu slope per channel [3,1]', dtype: F32,
    inputs: { x: { dims: [2, 3, 2] }, s: { dims: [3, 1], data: [0.25, -0.5, 1.5] } },
    build: (b, v) => b.op('PRelu', [v.x, v.s]),
    kink: (n, v) => n === 'x' && v === 0,
  },
  unary('Elu', F32, {}),
  unary('Elu', F32, { alpha: float(0.5) }, { kink: (_, v) => v === 0 }),
  unary('Selu', F32, {}, { kink: (_, v) => v === 0 }),
  unary('Softplus', F32),
  unary('HardSigmoid', F32, { alpha: float(0.5), beta: float(0.5) }, { inputs: { x: { dims: [3, 4], data: wide(12) } } }),
  unary('HardSwish', F32, {}, { inputs: { x: { dims: [3, 4], data: wide(12) } }, opset: 14 }),
  {
    op: 'Clip', name: 'Clip with min and max as inputs (both differentiated)', dtype: F64,
    inputs: { x: { dims: [3, 4], data: [-0.7, 1.2, 0.1, -2, 1.5, 0.3, -0.2, 0.9, -1, 2, 0.5, -0.6] }, lo: { dims: [], data: [-0.5] }, hi: { dims: [], data: [1] } },
    build: (b, v) => b.op('Clip', [v.x, v.lo, v.hi]),
  },
  {
    op: 'Clip', name: 'Clip with min above max (max wins)', dtype: F64,
    inputs: { x: { dims: [2, 3] }, lo: { dims: [], data: [0.75] }, hi: { dims: [], data: [0.25] } },
    build: (b, v) => b.op('Clip', [v.x, v.lo, v.hi]),
  },
  {
    op: 'Clip', name: 'Clip max only, as input', dtype: F64,
    inputs: { x: { dims: [2, 3] }, hi: { dims: [], data: [0.3] } },
    build: (b, v) => b.op('Clip', [v.x, '', v.hi]),
  },
  {
    op: 'Dropout', name: 'Dropout training_mode false (identity), ratio given', dtype: F64,
    inputs: { x: { dims: [2, 3] } },
    build: (b, v) => b.op('Dropout', [v.x, scalar(b, 'r', 0.3, F64), b.initializer('t', new Uint8Array([0]), [], 'bool')]),
  },
];
