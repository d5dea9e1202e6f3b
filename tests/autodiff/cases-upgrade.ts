// Finite-difference cases for models at opsets 11 and 12, upgraded to 13 before the rules run:
// the gradient of the upgraded model is checked against the original model's own outputs.
import type { Case, FloatType } from './harness';

const F64: FloatType = 'float64';
const F32: FloatType = 'float32';

export const upgradeCases: Case[] = [
  ...[11, 12].flatMap((opset): Case[] => [
    {
      op: 'Softmax', name: `Softmax opset ${opset}, default axis 1 on rank 3 (flattened rows)`, dtype: F64, opset,
      inputs: { x: { dims: [2, 3, 2] } },
      build: (b, v) => b.op('Softmax', [v.x]),
    },
    {
      op: 'LogSoftmax', name: `LogSoftmax opset ${opset}, axis 0 on a dynamic rank-2 input`, dtype: F64, opset,
      inputs: { x: { dims: ['A', 'B'], feedDims: [2, 3] } },
      build: (b, v) => b.op('LogSoftmax', [v.x], { axis: 0 }),
    },
    {
      op: 'Softmax', name: `Softmax opset ${opset}, last axis`, dtype: F64, opset,
      inputs: { x: { dims: [2, 3] } },
      build: (b, v) => b.op('Softmax', [v.x], { axis: 1 }),
    },
    {
      op: 'ReduceSum', name: `ReduceSum, Squeeze, Unsqueeze axes attributes (opset ${opset})`, dtype: F64, opset,
      inputs: { x: { dims: [2, 1, 3] } },
      build: (b, v) => {
        const s = b.op('Squeeze', [v.x], { axes: [1] });
        return b.op('Unsqueeze', [b.op('ReduceSum', [s], { axes: [-1], keepdims: 0 }), ], { axes: [0] });
      },
    },
    {
      op: 'Split', name: `Split attribute (opset ${opset})`, dtype: F64, opset,
      inputs: { x: { dims: [2, 5] } },
      build: (b, v) => {
        const [p, q] = b.opN('Split', [v.x], 2, { axis: 1, split: [2, 3] });
        return b.op('Concat', [q, p, p], { axis: 1 });
      },
    },
  ]),
  {
    op: 'Dropout', name: 'Dropout with ratio attribute (opset 11)', dtype: F32, opset: 11,
    inputs: { x: { dims: [2, 3] } },
    build: (b, v) => b.op('Dropout', [v.x], { ratio: 0.25 }),
  },
];
