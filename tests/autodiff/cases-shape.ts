// Finite-difference cases for data movement, reductions and linear algebra.
import type { GraphBuilder } from '../../runtime/onnx/index';
import type { Case, FloatType } from './harness';

const F64: FloatType = 'float64';
export const i64 = (b: GraphBuilder, name: string, v: number[], dims = [v.length]) =>
  b.initializer(name, new BigInt64Array(v.map(BigInt)), dims);

const one = (op: string, name: string, dims: number[], build: Case['build'], extra: Partial<Case> = {}): Case => ({
  op, name, dtype: F64, inputs: { x: { dims } }, build, ...extra,
});
const two = (op: string, name: string, a: number[], bd: number[], build: Case['build'], extra: Partial<Case> = {}): Case => ({
  op, name, dtype: F64, inputs: { a: { dims: a }, b: { dims: bd } }, build, ...extra,
});

export const shapeCases: Case[] = [
  one('Reshape', 'Reshape [2,3,4] -> [4,-1]', [2, 3, 4], (b, x) => b.op('Reshape', [x.x, i64(b, 's', [4, -1])])),
  one('Reshape', 'Reshape dynamic batch [B,6] -> [0,2,3]', [2, 6], (b, x) => b.op('Reshape', [x.x, i64(b, 's', [0, 2, 3])]),
    { inputs: { x: { dims: ['B', 6], feedDims: [2, 6] } } }),
  one('Flatten', 'Flatten axis 2', [2, 3, 2], (b, x) => b.op('Flatten', [x.x], { axis: 2 })),
  one('Squeeze', 'Squeeze axes [1]', [2, 1, 3], (b, x) => b.op('Squeeze', [x.x, i64(b, 'ax', [1])])),
  one('Unsqueeze', 'Unsqueeze axes [0,3]', [2, 3], (b, x) => b.op('Unsqueeze', [x.x, i64(b, 'ax', [0, 3])])),
  one('Expand', 'Expand [3,1] -> [2,3,4]', [3, 1], (b, x) => b.op('Expand', [x.x, i64(b, 's', [2, 3, 4])])),
  one('Expand', 'Expand with unknown dims (dynamic unbroadcast)', [3, 1], (b, x) => b.op('Expand', [x.x, i64(b, 's', [2, 1, 4])]),
    { inputs: { x: { dims: ['N', 'M'], feedDims: [3, 1] } } }),
  one('Transpose', 'Transpose perm [2,0,1]', [2, 3, 4], (b, x) => b.op('Transpose', [x.x], { perm: [2, 0, 1] })),
  one('Transpose', 'Transpose default perm', [2, 3], (b, x) => b.op('Transpose', [x.x])),
  two('Concat', 'Concat axis 1', [2, 1, 3], [2, 2, 3], (b, x) => b.op('Concat', [x.a, x.b], { axis: 1 })),
  two('Concat', 'Concat axis -1, input used twice', [2, 2], [2, 3], (b, x) => b.op('Concat', [x.a, x.b, x.a], { axis: -1 })),
  one('Split', 'Split into 3, all outputs used', [2, 6], (b, x) => {
    const [p, q, r] = b.opN('Split', [x.x], 3, { axis: 1, num_outputs: 3 });
    return b.op('Add', [b.op('Mul', [p, q]), r]);
  }, { opset: 18 }),
  one('Split', 'Split [1,3] with one output unused', [4, 2], (b, x) => {
    const [, q] = b.opN('Split', [x.x, i64(b, 'sp', [1, 3])], 2, { axis: 0 });
    return b.op('Mul', [q, q]);
  }),
  one('Split', 'Split with split input (opset 14)', [2, 5], (b, x) => {
    const [p, q] = b.opN('Split', [x.x, i64(b, 'sp', [2, 3])], 2, { axis: -1 });
    return b.op('Concat', [q, p], { axis: 1 });
  }, { opset: 14 }),
  one('Unsqueeze', 'Unsqueeze then ReduceMean attribute (opset 14)', [2, 3], (b, x) =>
    b.op('ReduceMean', [b.op('Unsqueeze', [x.x, i64(b, 'ax', [-1])])], { axes: [1], keepdims: 0 }), { opset: 14 }),
  one('Softmax', 'Softmax (opset 14)', [3, 4], (b, x) => b.op('Softmax', [x.x], { axis: 0 }), { opset: 14 }),
  one('Pad', 'Pad with axes input (opset 18)', [2, 3], (b, x) =>
    b.op('Pad', [x.x, i64(b, 'p', [2, 1]), '', i64(b, 'ax', [-1])]), { opset: 18 }),
  one('Slice', 'Slice negative start, clamped end', [3, 5], (b, x) =>
    b.op('Slice', [x.x, i64(b, 'st', [1, -4]), i64(b, 'en', [3, 100]), i64(b, 'ax', [0, 1])])),
  one('Slice', 'Slice step 2 and reversed (scatter path)', [4, 5], (b, x) =>
    b.op('Slice', [x.x, i64(b, 'st', [0, -1]), i64(b, 'en', [100, -100]), i64(b, 'ax', [0, 1]), i64(b, 'sp', [2, -1])])),
  one('Pad', 'Pad constant [1,0,0,2] value 0.5', [2, 3], (b, x) =>
    b.op('Pad', [x.x, i64(b, 'p', [1, 0, 0, 2]), b.initializer('v', new Float64Array([0.5]), [])])),
  one('Gather', 'Gather axis 0, repeated and negative indices', [4, 3], (b, x) =>
    b.op('Gather', [x.x, i64(b, 'idx', [2, 0, 2, -1], [2, 2])])),
  one('Gather', 'Gather axis 1, scalar index', [2, 3, 2], (b, x) => b.op('Gather', [x.x, i64(b, 'idx', [1], [])], { axis: 1 })),
  one('ReduceSum', 'ReduceSum axes [1] keepdims 0', [2, 3, 2], (b, x) => b.op('ReduceSum', [x.x, i64(b, 'ax', [1])], { keepdims: 0 })),
  one('ReduceSum', 'ReduceSum axes [-1] keepdims 1', [2, 3], (b, x) => b.op('ReduceSum', [x.x, i64(b, 'ax', [-1])])),
  one('ReduceSum', 'ReduceSum all axes', [2, 3], (b, x) => b.op('ReduceSum', [x.x], { keepdims: 0 })),
  one('ReduceMean', 'ReduceMean axes attribute [0,2] (opset 17)', [2, 3, 2], (b, x) =>
    b.op('ReduceMean', [x.x], { axes: [0, 2], keepdims: 0 })),
  one('ReduceMean', 'ReduceMean axes input [-1] (opset 18)', [2, 3], (b, x) =>
    b.op('ReduceMean', [x.x, i64(b, 'ax', [-1])], { keepdims: 0 }), { opset: 18 }),
  one('ReduceMax', 'ReduceMax axes [1] keepdims 0, with ties', [2, 3], (b, x) => b.op('ReduceMax', [x.x], { axes: [1], keepdims: 0 }),
    { inputs: { x: { dims: [2, 3], data: [0, -1, 0.5, 2, 2, -3] } }, kink: (_, v) => v === 2 }),
  one('ReduceMin', 'ReduceMin all axes (opset 18)', [2, 3], (b, x) => b.op('ReduceMin', [x.x], { keepdims: 0 }), { opset: 18 }),
  one('Tile', 'Tile repeats [2,1,3]', [2, 1, 2], (b, x) => b.op('Tile', [x.x, i64(b, 'reps', [2, 1, 3])])),
  one('ReduceSumSquare', 'ReduceSumSquare axes [1]', [2, 3], (b, x) => b.op('ReduceSumSquare', [x.x], { axes: [1] })),
  two('MatMul', 'MatMul [2,3,4] @ [4,5]', [2, 3, 4], [4, 5], (b, x) => b.op('MatMul', [x.a, x.b])),
  two('MatMul', 'MatMul broadcast batch [2,1,3,4] @ [3,4,2]', [2, 1, 3, 4], [3, 4, 2], (b, x) => b.op('MatMul', [x.a, x.b])),
  two('MatMul', 'MatMul 1-D [4] @ [2,4,3]', [4], [2, 4, 3], (b, x) => b.op('MatMul', [x.a, x.b])),
  two('MatMul', 'MatMul [3,4] @ 1-D [4]', [3, 4], [4], (b, x) => b.op('MatMul', [x.a, x.b])),
  {
    op: 'Gemm', name: 'Gemm transA transB alpha beta, C [1,4]', dtype: F64,
    inputs: { a: { dims: [3, 2] }, b: { dims: [4, 3] }, c: { dims: [1, 4] } },
    build: (b, x) => b.op('Gemm', [x.a, x.b, x.c], { transA: 1, transB: 1, alpha: 0.7, beta: 1.3 }),
  },
  {
    op: 'Gemm', name: 'Gemm plain, C [4]', dtype: F64,
    inputs: { a: { dims: [2, 3] }, b: { dims: [3, 4] }, c: { dims: [4] } },
    build: (b, x) => b.op('Gemm', [x.a, x.b, x.c]),
  },
  two('Einsum', 'Einsum bij,bjk->bik', [2, 3, 4], [2, 4, 2], (b, x) => b.op('Einsum', [x.a, x.b], { equation: 'bij,bjk->bik' })),
  two('Einsum', 'Einsum bhqd,bhkd->bhqk', [1, 2, 3, 2], [1, 2, 4, 2], (b, x) =>
    b.op('Einsum', [x.a, x.b], { equation: 'bhqd,bhkd->bhqk' })),
  two('Einsum', 'Einsum ij,j->i', [3, 4], [4], (b, x) => b.op('Einsum', [x.a, x.b], { equation: 'ij,j->i' })),
  one('Einsum', 'Einsum ij->j (summed index)', [3, 4], (b, x) => b.op('Einsum', [x.x], { equation: 'ij->j' })),
  two('Einsum', 'Einsum ij,kl->ik (index summed within each operand)', [2, 3], [2, 2], (b, x) =>
    b.op('Einsum', [x.a, x.b], { equation: 'ij,kl->ik' })),
];
