// Every gradient rule, one entry per ONNX op (tinygrad's pm_gradient, for ONNX).
// Each takes the forward node and the output cotangents and returns one gradient per input.
import type { Rule, RuleArgs } from './rule-types';
import { concatGrad, depthToSpaceGrad, gatherGrad, padGrad, sliceGrad, spaceToDepthGrad, splitGrad, tileGrad } from './rules-shape';
import { globalPoolGrad, reduceGrad } from './rules-reduce';
import { activationRules, asTypeOf, where, zero } from './rules-activation';
import { cumSumGrad, gatherElementsGrad, rangeGrad, scatterElementsGrad, scatterNdGrad } from './rules-index';
import { averagePoolGrad, maxPoolGrad } from './rules-pool';
import { einsumGrad, gemmGrad, matmulGrad } from './rules-linalg';
import { convGrad, convTransposeGrad } from './rules-conv';
import { batchNormGrad, groupNormGrad, instanceNormGrad, layerNormGrad } from './rules-norm';
import { resizeGrad } from './rules-resize';
import { attrInt, attrInts } from './node-attrs';

/** Max/Min: the cotangent goes to the inputs equal to the result, split evenly on ties (as torch). */
function extremumGrad({ g, x, y, e }: RuleArgs): (string | null)[] {
  const hits = x.map((xi) => e.op('Equal', [xi, y[0]]));
  const count = hits.map((h) => e.op('Cast', [h], { to: e.dtype(y[0]) })).reduce((s, c) => e.op('Add', [s, c]));
  const share = e.op('Div', [g[0]!, count]);
  return hits.map((h) => e.op('Where', [h, share, e.scalar(0, y[0])]));
}

/**
 * SiLU, x * Sigmoid(x), where nothing else reads the Sigmoid: one fused gradient,
 * g * s * (1 + x * (1 - s)), instead of a Mul rule, a Sigmoid rule and their sum.
 */
function siluGrad({ g, x, e }: RuleArgs): (string | null)[] | null {
  for (const k of [0, 1]) {
    const s = x[1 - k];
    const p = e.producer.get(s);
    if (p?.opType !== 'Sigmoid' || p.input?.[0] !== x[k] || e.readers.get(s) !== 1) continue;
    const one = e.scalar(1, s);
    const w = e.op('Mul', [s, e.op('Add', [e.op('Mul', [x[k], e.op('Sub', [one, s])]), one])]);
    const dx = e.op('Mul', [g[0]!, w]);
    return k === 0 ? [dx, ''] : ['', dx]; // the Sigmoid's share is in dx
  }
  return null;
}

export const rules: Record<string, Rule> = {
  // elementwise, broadcasting
  Add: { broadcast: true, grad: ({ g }) => [g[0], g[0]] },
  Sub: { broadcast: true, grad: ({ g, e }) => [g[0], e.op('Neg', [g[0]!])] },
  Mul: { broadcast: true, grad: (a) => siluGrad(a) ?? [a.e.op('Mul', [a.g[0]!, a.x[1]]), a.e.op('Mul', [a.g[0]!, a.x[0]])] },
  Div: {
    broadcast: true,
    grad: ({ g, x, y, e }) => [e.op('Div', [g[0]!, x[1]]), e.op('Neg', [e.op('Div', [e.op('Mul', [g[0]!, y[0]]), x[1]])])],
  },
  Pow: {
    broadcast: true,
    grad: (a) => {
      const { g, x, y, e } = a;
      const b = asTypeOf(a, x[1], x[0]);
      const dx = e.op('Mul', [e.op('Mul', [g[0]!, b]), e.op('Pow', [x[0], e.op('Sub', [b, e.scalar(1, b)])])]);
      if (!a.wants(1)) return [dx, null];
      // torch's convention: no exponent gradient where the base is 0 (log 0 = -inf)
      const db = e.op('Mul', [e.op('Mul', [g[0]!, y[0]]), e.op('Log', [x[0]])]);
      const isZero = e.op('Equal', [x[0], zero(a, x[0])]);
      return [dx, asTypeOf(a, where(a, isZero, zero(a, db), db), x[1])];
    },
  },
  Where: {
    broadcast: true,
    grad: (a) => [null, where(a, a.x[0], a.g[0]!, zero(a, a.g[0]!)), where(a, a.x[0], zero(a, a.g[0]!), a.g[0]!)],
  },
  Sum: { broadcast: true, grad: ({ g, x }) => x.map(() => g[0]) },
  Mean: { broadcast: true, grad: ({ g, x, e }) => x.map(() => e.op('Div', [g[0]!, e.scalar(x.length, g[0]!)])) },
  Max: { broadcast: true, grad: (a) => extremumGrad(a) },
  Min: { broadcast: true, grad: (a) => extremumGrad(a) },
  // elementwise, unary
  Neg: { grad: ({ g, e }) => [e.op('Neg', [g[0]!])] },
  Identity: { grad: ({ g }) => [g[0]] },
  Cast: { grad: ({ g, x, e }) => [e.op('Cast', [g[0]!], { to: e.dtype(x[0]) })] },
  Sqrt: { grad: ({ g, y, e }) => [e.op('Div', [g[0]!, e.op('Mul', [y[0], e.scalar(2, y[0])])])] },
  Exp: { grad: ({ g, y, e }) => [e.op('Mul', [g[0]!, y[0]])] },
  Log: { grad: ({ g, x, e }) => [e.op('Div', [g[0]!, x[0]])] },
  Reciprocal: { grad: ({ g, y, e }) => [e.op('Neg', [e.op('Mul', [g[0]!, e.op('Mul', [y[0], y[0]])])])] },
  Sin: { grad: ({ g, x, e }) => [e.op('Mul', [g[0]!, e.op('Cos', [x[0]])])] },
  Cos: { grad: ({ g, x, e }) => [e.op('Neg', [e.op('Mul', [g[0]!, e.op('Sin', [x[0]])])])] },
  Erf: {
    grad: ({ g, x, e }) => {
      const gauss = e.op('Exp', [e.op('Neg', [e.op('Mul', [x[0], x[0]])])]);
      return [e.op('Mul', [g[0]!, e.op('Mul', [gauss, e.scalar(2 / Math.sqrt(Math.PI), x[0])])])];
    },
  },
  Sigmoid: {
    grad: ({ g, y, e }) => [e.op('Mul', [g[0]!, e.op('Mul', [y[0], e.op('Sub', [e.scalar(1, y[0]), y[0]])])])],
  },
  Tanh: {
    grad: ({ g, y, e }) => [e.op('Mul', [g[0]!, e.op('Sub', [e.scalar(1, y[0]), e.op('Mul', [y[0], y[0]])])])],
  },
  ...activationRules,
  Softmax: {
    grad: ({ node, g, y, e }) => {
      if (e.opset < 13) throw new Error('Softmax before opset 13 is not supported');
      const axis = attrInt(node, 'axis', -1);
      const gy = e.op('Mul', [g[0]!, y[0]]);
      return [e.op('Sub', [gy, e.op('Mul', [y[0], e.sum(gy, [axis], true)])])];
    },
  },
  LogSoftmax: {
    grad: ({ node, g, y, e }) => {
      if (e.opset < 13) throw new Error('LogSoftmax before opset 13 is not supported');
      const sum = e.sum(g[0]!, [attrInt(node, 'axis', -1)], true);
      return [e.op('Sub', [g[0]!, e.op('Mul', [e.op('Exp', [y[0]]), sum])])];
    },
  },
  // shape and data movement
  Reshape: { grad: ({ g, x, e }) => [e.reshapeLike(g[0]!, x[0]), null] },
  Flatten: { grad: ({ g, x, e }) => [e.reshapeLike(g[0]!, x[0])] },
  Squeeze: { grad: ({ g, x, e }) => [e.reshapeLike(g[0]!, x[0]), null] },
  Unsqueeze: { grad: ({ g, x, e }) => [e.reshapeLike(g[0]!, x[0]), null] },
  Expand: { broadcast: true, grad: ({ g }) => [g[0], null] },
  Transpose: {
    grad: ({ node, g, x, e }) => {
      const perm = attrInts(node, 'perm') ?? [...Array(e.rank(x[0])).keys()].reverse();
      const inv = perm.map((_, i) => perm.indexOf(i));
      return [e.transpose(g[0]!, inv)];
    },
  },
  Concat: { grad: concatGrad },
  Split: { grad: splitGrad },
  Slice: { grad: sliceGrad },
  Pad: { grad: padGrad },
  Gather: { grad: gatherGrad },
  Tile: { grad: tileGrad },
  GatherElements: { grad: gatherElementsGrad },
  ScatterElements: { grad: scatterElementsGrad },
  ScatterND: { grad: scatterNdGrad },
  CumSum: { grad: cumSumGrad },
  Range: { grad: rangeGrad },
  DepthToSpace: { grad: depthToSpaceGrad },
  SpaceToDepth: { grad: spaceToDepthGrad },
  // reductions
  ...Object.fromEntries(['Sum', 'Mean', 'SumSquare', 'Max', 'Min', 'L1', 'L2', 'LogSum', 'LogSumExp', 'Prod']
    .map((r) => [`Reduce${r}`, { grad: reduceGrad }])),
  // linear algebra
  MatMul: { broadcast: true, grad: matmulGrad },
  Gemm: { grad: gemmGrad },
  Einsum: { grad: einsumGrad },
  // neural-network ops
  Conv: { grad: convGrad },
  ConvTranspose: { grad: convTransposeGrad },
  LayerNormalization: { grad: layerNormGrad },
  InstanceNormalization: { grad: instanceNormGrad },
  GroupNormalization: { grad: groupNormGrad },
  BatchNormalization: { grad: batchNormGrad },
  MaxPool: { grad: maxPoolGrad },
  AveragePool: { grad: averagePoolGrad },
  GlobalAveragePool: { grad: globalPoolGrad },
  GlobalMaxPool: { grad: globalPoolGrad },
  Resize: { grad: resizeGrad },
};

/**
 * Ops whose outputs carry no gradient: integer/bool/shape results, constants, and
 * piecewise-constant float ops (derivative 0 almost everywhere).
 */
export const noGradOps = new Set([
  'Shape', 'Size', 'Constant', 'ConstantOfShape', 'EyeLike', 'NonZero', 'ArgMax', 'ArgMin',
  'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf',
  'Floor', 'Ceil', 'Round', 'Sign', 'RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike',
]);
