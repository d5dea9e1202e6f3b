// Finite-difference cases shaped like torch.onnx exports: sizes computed from Shape at run
// time (dynamic axes), so the rules cannot lean on static shapes.
import type { GraphBuilder } from '../../runtime/onnx/index';
import type { Case } from './harness';

const i64 = (b: GraphBuilder, v: number[]) => b.constant(new BigInt64Array(v.map(BigInt)), [v.length]);

export const patternCases: Case[] = [
  {
    // diffusers GEGLU: hidden, gate = x.chunk(2, dim=-1); hidden * gelu(gate), gelu via Erf
    op: 'Slice', name: 'GEGLU with Slice bounds computed from Shape', dtype: 'float32',
    inputs: { x: { dims: ['B', 'D'], feedDims: [2, 6] } },
    build: (b, x) => {
      const half = b.op('Div', [b.op('Gather', [b.op('Shape', [x.x]), i64(b, [-1])]), i64(b, [2])]);
      const hidden = b.op('Slice', [x.x, i64(b, [0]), half, i64(b, [-1])]);
      const gate = b.op('Slice', [x.x, half, i64(b, [Number.MAX_SAFE_INTEGER]), i64(b, [-1])]);
      const erf = b.op('Erf', [b.op('Div', [gate, b.initializer('sqrt2', new Float32Array([Math.SQRT2]), [])])]);
      const gelu = b.op('Mul', [b.op('Mul', [gate, b.op('Add', [erf, b.initializer('one', new Float32Array([1]), [])])]), b.initializer('half', new Float32Array([0.5]), [])]);
      return b.op('Mul', [hidden, gelu]);
    },
  },
  {
    // scaled dot-product attention as exported: the scale comes from the head size at run time
    op: 'Softmax', name: 'attention with scale from Shape, dynamic dims', dtype: 'float64',
    inputs: { q: { dims: ['B', 'N', 'H'], feedDims: [2, 3, 2] }, k: { dims: ['B', 'M', 'H'], feedDims: [2, 4, 2] }, v: { dims: ['B', 'M', 'H'], feedDims: [2, 4, 2] } },
    build: (b, x) => {
      const h = b.op('Cast', [b.op('Gather', [b.op('Shape', [x.q]), i64(b, [-1])])], { to: 11 });
      const scale = b.op('Div', [b.initializer('one', new Float64Array([1]), []), b.op('Sqrt', [h])]);
      const scores = b.op('MatMul', [b.op('Mul', [x.q, scale]), b.op('Transpose', [x.k], { perm: [0, 2, 1] })]);
      return b.op('MatMul', [b.op('Softmax', [scores], { axis: -1 }), x.v]);
    },
  },
  {
    // torch GroupNorm: Reshape [0, G, -1] -> InstanceNormalization -> Reshape back -> affine per channel
    op: 'InstanceNormalization', name: 'GroupNorm as torch exports it, dynamic batch', dtype: 'float32',
    inputs: { x: { dims: ['B', 4, 'H', 'W'], feedDims: [2, 4, 2, 3] }, s: { dims: [4, 1, 1] }, t: { dims: [4, 1, 1] } },
    build: (b, x) => {
      const g = b.op('InstanceNormalization', [b.op('Reshape', [x.x, i64(b, [0, 2, -1])]), b.initializer('ones', new Float32Array([1, 1]), [2]), b.initializer('zeros', new Float32Array([0, 0]), [2])]);
      return b.op('Add', [b.op('Mul', [b.op('Reshape', [g, b.op('Shape', [x.x])]), x.s]), x.t]);
    },
  },
  {
    // SiLU as exported (x * sigmoid(x)): one fused gradient rule
    // (float32: onnxruntime fuses the forward into QuickGelu, which has no double kernel)
    op: 'Mul', name: 'SiLU x * Sigmoid(x), either operand order', dtype: 'float32',
    inputs: { x: { dims: ['B', 5], feedDims: [2, 5] } },
    build: (b, x) => {
      const y = b.op('Neg', [x.x]);
      return b.op('Add', [b.op('Mul', [x.x, b.op('Sigmoid', [x.x])]), b.op('Mul', [b.op('Sigmoid', [y]), y])]);
    },
  },
  {
    // a Sigmoid read elsewhere too keeps the plain Mul and Sigmoid rules
    op: 'Mul', name: 'x * Sigmoid(x) with the Sigmoid also used elsewhere', dtype: 'float64',
    inputs: { x: { dims: [2, 3] } },
    build: (b, x) => {
      const s = b.op('Sigmoid', [x.x]);
      return b.op('Add', [b.op('Mul', [x.x, s]), b.op('Mul', [s, s])]);
    },
  },
  {
    // a bias whose dims are unknown statically forces the run-time unbroadcast (NonZero path)
    op: 'Add', name: 'Add with both shapes unknown statically', dtype: 'float64',
    inputs: { a: { dims: ['A', 'B', 'C'], feedDims: [2, 3, 2] }, b: { dims: ['P', 'Q'], feedDims: [1, 2] } },
    build: (b, x) => b.op('Add', [x.a, x.b]),
  },
];
