// Finite-difference cases for indexed reads/writes, running sums, float Range, block moves
// and the reductions beyond sum/mean/max.
import type { GraphBuilder } from '../../runtime/onnx/index';
import type { Case, FloatType } from './harness';
import { i64 } from './cases-shape';
import { positive } from './cases-elementwise';

const F64: FloatType = 'float64';
const F32: FloatType = 'float32';
/** Axis [1], as ArgMax finds it at run time: static inference cannot know it. */
export const runtimeAxis = (b: GraphBuilder) =>
  b.op('Reshape', [b.op('ArgMax', [b.initializer('pick', new Float32Array([0, 5, 1]), [3])], { keepdims: 0 }), i64(b, 'one', [1])]);

const reduce = (op: string, attrs: Record<string, number | number[]>, extra: Partial<Case> = {}, axes?: number[]): Case => ({
  op, name: `${op} ${JSON.stringify(attrs)}${axes ? ` axes input [${axes}]` : ''}`, dtype: F64, opset: axes ? 18 : 17,
  inputs: { x: { dims: [2, 3, 2] } },
  build: (b, v) => b.op(op, axes ? [v.x, i64(b, 'ax', axes)] : [v.x], attrs),
  ...extra,
});

export const indexCases: Case[] = [
  {
    op: 'GatherElements', name: 'GatherElements axis 1, repeats and negatives (opset 17: scatter-add)', dtype: F64,
    inputs: { x: { dims: [2, 3] } },
    build: (b, v) => b.op('GatherElements', [v.x, i64(b, 'i', [0, 2, 2, -1, 1, 1, 0, 0], [2, 4])], { axis: 1 }),
  },
  {
    op: 'GatherElements', name: 'GatherElements axis 0, shorter indices (opset 13: one-hot)', dtype: F64, opset: 13,
    inputs: { x: { dims: [3, 3] } },
    build: (b, v) => b.op('GatherElements', [v.x, i64(b, 'i', [2, 0, 2, -3], [2, 2])], { axis: 0 }),
  },
  {
    op: 'ScatterElements', name: 'ScatterElements axis 1, none', dtype: F64,
    inputs: { x: { dims: [2, 4] }, u: { dims: [2, 2] } },
    build: (b, v) => b.op('ScatterElements', [v.x, i64(b, 'i', [3, 0, 1, 2], [2, 2]), v.u], { axis: 1 }),
  },
  {
    op: 'ScatterElements', name: 'ScatterElements add with repeats', dtype: F32, opset: 16,
    inputs: { x: { dims: [2, 3] }, u: { dims: [2, 2] } },
    build: (b, v) => b.op('ScatterElements', [v.x, i64(b, 'i', [1, 1, 0, 2], [2, 2]), v.u], { axis: 1, reduction: 'add' }),
  },
  {
    op: 'ScatterND', name: 'ScatterND rows, none', dtype: F64,
    inputs: { x: { dims: [4, 2] }, u: { dims: [2, 2] } },
    build: (b, v) => b.op('ScatterND', [v.x, i64(b, 'i', [3, 1], [2, 1]), v.u]),
  },
  {
    op: 'ScatterND', name: 'ScatterND elements, add with repeats', dtype: F32, opset: 16,
    inputs: { x: { dims: [2, 3] }, u: { dims: [3] } },
    build: (b, v) => b.op('ScatterND', [v.x, i64(b, 'i', [0, 1, 1, 2, 0, 1], [3, 2]), v.u], { reduction: 'add' }),
  },
  ...[[0, 0], [1, 0], [0, 1], [1, 1]].map(([exclusive, reverse]): Case => ({
    op: 'CumSum', name: `CumSum axis 1 exclusive ${exclusive} reverse ${reverse}`, dtype: F64,
    inputs: { x: { dims: [2, 4] } },
    build: (b, v) => b.op('CumSum', [v.x, b.initializer('ax', new BigInt64Array([1n]), [])], { exclusive, reverse }),
  })),
  {
    op: 'Range', name: 'Range float start, limit, delta', dtype: F64,
    inputs: { s: { dims: [], data: [0.3] }, l: { dims: [], data: [2] }, d: { dims: [], data: [0.25] } },
    build: (b, v) => b.op('Mul', [b.op('Range', [v.s, v.l, v.d]), b.op('Range', [v.s, v.l, v.d])]),
  },
  {
    op: 'DepthToSpace', name: 'DepthToSpace DCR blocksize 2', dtype: F64,
    inputs: { x: { dims: [1, 8, 2, 3] } },
    build: (b, v) => b.op('DepthToSpace', [v.x], { blocksize: 2 }),
  },
  {
    op: 'DepthToSpace', name: 'DepthToSpace CRD blocksize 2', dtype: F64,
    inputs: { x: { dims: [2, 4, 2, 1] } },
    build: (b, v) => b.op('DepthToSpace', [v.x], { blocksize: 2, mode: 'CRD' }),
  },
  {
    op: 'SpaceToDepth', name: 'SpaceToDepth blocksize 2', dtype: F64,
    inputs: { x: { dims: [1, 2, 4, 2] } },
    build: (b, v) => b.op('SpaceToDepth', [v.x], { blocksize: 2 }),
  },
  reduce('ReduceL1', { axes: [1] }, { kink: (_, v) => v === 0 }),
  reduce('ReduceL2', { axes: [0, 2], keepdims: 0 }),
  reduce('ReduceL2', { keepdims: 1 }, {}, [-1]),
  reduce('ReduceLogSum', { axes: [1] }, { inputs: { x: { dims: [2, 3, 2], data: positive(12) } } }),
  reduce('ReduceLogSumExp', { axes: [1], keepdims: 0 }),
  reduce('ReduceLogSumExp', { keepdims: 0 }),
  reduce('ReduceProd', { axes: [1], keepdims: 0 }),
  reduce('ReduceProd', { keepdims: 1 }, { inputs: { x: { dims: [2, 3, 2], data: [0, 1.5, 0, -2, 0.5, 3, 1, 2, -1, 0.5, 1.5, 2] } } }, [0, 1]),
  {
    op: 'ReduceSum', name: 'ReduceSum axes computed at run time, keepdims 1', dtype: F64,
    inputs: { x: { dims: [2, 3, 2] } },
    build: (b, v) => b.op('ReduceSum', [v.x, runtimeAxis(b)], { keepdims: 1 }),
  },
  {
    op: 'ReduceMax', name: 'ReduceMax axes computed at run time, keepdims 1 (opset 18)', dtype: F64, opset: 18,
    inputs: { x: { dims: [2, 3, 2] } },
    build: (b, v) => b.op('ReduceMax', [v.x, runtimeAxis(b)], { keepdims: 1 }),
    kink: (_, v) => v === 0,
  },
];
