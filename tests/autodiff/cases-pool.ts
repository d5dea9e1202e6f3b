// Finite-difference cases for pooling and BatchNormalization. Max pools read distinct values
// (a tie is a kink).
import { float } from '../../runtime/onnx/index';
import type { Case, FloatType } from './harness';

const F32: FloatType = 'float32';
const F64: FloatType = 'float64';
/** n distinct values in [-2, 2], scrambled. */
export const distinct = (n: number) => Array.from({ length: n }, (_, i) => Math.round((((i * 37) % n) / n * 4 - 2) * 1000) / 1000);
const prod = (d: number[]) => d.reduce((a, b) => a * b, 1);

const pool = (op: string, dims: number[], attrs: Record<string, number | number[]>, dtype: FloatType = F32): Case => ({
  op, name: `${op} [${dims}] ${JSON.stringify(attrs)}`, dtype,
  inputs: { x: { dims, data: distinct(prod(dims)) } },
  build: (b, v) => b.op(op, [v.x], attrs),
});

export const poolCases: Case[] = [
  pool('MaxPool', [1, 2, 4, 4], { kernel_shape: [2, 2], strides: [2, 2] }),
  pool('MaxPool', [2, 1, 5, 5], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  pool('MaxPool', [1, 2, 5, 6], { kernel_shape: [2, 3], strides: [2, 2], ceil_mode: 1 }),
  pool('MaxPool', [1, 1, 6, 6], { kernel_shape: [2, 2], dilations: [2, 2] }),
  pool('MaxPool', [1, 2, 7], { kernel_shape: [3], strides: [1], pads: [1, 0] }),
  pool('AveragePool', [1, 2, 4, 4], { kernel_shape: [2, 2], strides: [2, 2] }),
  pool('AveragePool', [1, 1, 5, 5], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  pool('AveragePool', [1, 1, 5, 5], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }),
  pool('AveragePool', [1, 2, 5, 6], { kernel_shape: [2, 3], strides: [2, 2], ceil_mode: 1 }),
  pool('AveragePool', [2, 1, 6], { kernel_shape: [2], strides: [1] }),
  pool('GlobalAveragePool', [2, 3, 2, 2], {}),
  pool('GlobalMaxPool', [2, 3, 3, 2], {}),
  {
    op: 'BatchNormalization', name: 'BatchNormalization inference, all five inputs', dtype: F64,
    inputs: {
      x: { dims: [2, 3, 2, 2] }, s: { dims: [3] }, b: { dims: [3] }, m: { dims: [3] },
      v: { dims: [3], data: [0.5, 1.3, 2.1] },
    },
    build: (b, x) => b.op('BatchNormalization', [x.x, x.s, x.b, x.m, x.v], { epsilon: float(1e-3) }),
  },
  {
    op: 'BatchNormalization', name: 'BatchNormalization rank 2, opset 15', dtype: F32, opset: 15,
    inputs: { x: { dims: [4, 3] }, s: { dims: [3] }, b: { dims: [3] }, m: { dims: [3] }, v: { dims: [3], data: [0.5, 1.3, 2.1] } },
    build: (b, x) => b.op('BatchNormalization', [x.x, x.s, x.b, x.m, x.v]),
  },
];
