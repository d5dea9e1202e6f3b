// Conformance variants, continued: data movement, indexing, normalization, resize, linear
// algebra, and the refusals (each must name the op's limit at build time).
import { float, type GraphBuilder } from '../../runtime/onnx/index';
import type { FloatType } from './harness';
import { i64 } from './cases-shape';
import { distinct } from './cases-pool';
import type { Variant } from './conformance-cases';

const F64: FloatType = 'float64';
const F32: FloatType = 'float32';
const f64 = (b: GraphBuilder, name: string, v: number[], dims = [v.length]) => b.initializer(name, new Float64Array(v), dims);
const one = (op: string, name: string, dims: number[], build: Variant['build'], opts: Partial<Variant> = {}): Variant => ({
  op, name: `${op} ${name}`, dtype: F64, inputs: { x: { dims } }, build, ...opts,
});
const perms = (n: number): number[][] => (n === 1 ? [[0]] : perms(n - 1).flatMap((p) => [...Array(n).keys()].map((i) => [...p.slice(0, i), n - 1, ...p.slice(i)])));

const movement: Variant[] = [
  ...perms(3).map((perm) => one('Transpose', `perm [${perm}]`, [2, 3, 2], (b, v) => b.op('Transpose', [v.x], { perm }))),
  ...[0, 1, 2, 3].map((axis) => one('Flatten', `axis ${axis}`, [2, 3, 2], (b, v) => b.op('Flatten', [v.x], { axis }))),
  ...[[3, -1], [0, 2, 3], [-1], [2, 0, 1, -1]].map((s) => one('Reshape', `to [${s}]`, [2, 6], (b, v) => b.op('Reshape', [v.x, i64(b, 's', s)]))),
  one('Reshape', 'allowzero 1 (opset 14)', [2, 6], (b, v) => b.op('Reshape', [v.x, i64(b, 's', [3, 4])], { allowzero: 1 }), { opset: 14 }),
  one('Reshape', 'allowzero 1 of an empty tensor to [3,4,0] (opset 14)', [0, 3, 4], (b, v) => b.op('Reshape', [v.x, i64(b, 's', [3, 4, 0])], { allowzero: 1 }), { opset: 14 }),
  ...[0, 1, 2, -1].map((axis) => ({
    op: 'Concat', name: `Concat axis ${axis}`, dtype: F64,
    inputs: { a: { dims: [2, 2, 2] }, b: { dims: [2, 2, 2] } },
    build: (b: GraphBuilder, v: Record<string, string>) => b.op('Concat', [v.a, v.b, v.a], { axis }),
  })),
  ...[[1, [1, 2]], [0, [1, 1]], [-1, [3, 1]]].map(([axis, split]) => one('Split', `axis ${axis} split [${split}]`, [2, 3, 4].map((d, i) => (i === (Number(axis) + 3) % 3 ? (split as number[]).reduce((p, q) => p + q, 0) : d)),
    (b, v) => {
      const [p, q] = b.opN('Split', [v.x, i64(b, 'sp', split as number[])], 2, { axis: axis as number });
      return b.op('Mul', [b.op('ReduceSum', [p], { keepdims: 0 }), b.op('ReduceSum', [q], { keepdims: 0 })]);
    })),
  ...[[[0], [2], [1], [1]], [[1, 0], [-1, 100], [0, 1], [1, 1]], [[-1], [-100], [1], [-1]], [[0, 1], [3, 3], [0, 1], [2, 2]], [[3], [0], [0], [-2]]]
    .map(([st, en, ax, sp]) => one('Slice', `starts [${st}] ends [${en}] axes [${ax}] steps [${sp}]`, [4, 5],
      (b, v) => b.op('Slice', [v.x, i64(b, 'st', st), i64(b, 'en', en), i64(b, 'ax', ax), i64(b, 'sp', sp)]))),
  ...[[1, 0, 0, 2], [0, 0, 0, 0], [2, 1, 1, 0]].map((pads) => ({
    op: 'Pad', name: `Pad constant [${pads}], value differentiated`, dtype: F64,
    inputs: { x: { dims: [2, 3] }, c: { dims: [], data: [0.7] } },
    build: (b: GraphBuilder, v: Record<string, string>) => b.op('Pad', [v.x, i64(b, 'p', pads), v.c]),
  })),
  one('Pad', 'axes input (opset 18)', [2, 3], (b, v) => b.op('Pad', [v.x, i64(b, 'p', [1, 2]), '', i64(b, 'ax', [0])]), { opset: 18 }),
  ...[0, 1, -1].map((axis) => one('Gather', `axis ${axis}`, [3, 2, 3], (b, v) => b.op('Gather', [v.x, i64(b, 'i', [1, -1, 0, 1], [2, 2])], { axis }))),
  ...[0, 1].flatMap((axis) => [13, 17].map((opset) => one('GatherElements', `axis ${axis} opset ${opset}`, [3, 3],
    (b, v) => b.op('GatherElements', [v.x, i64(b, 'i', [2, 0, -1, 1, 1, 0], axis ? [3, 2] : [2, 3])], { axis }), { opset }))),
  ...[[2, 1], [1, 3]].map((reps) => one('Tile', `repeats [${reps}]`, [2, 2], (b, v) => b.op('Tile', [v.x, i64(b, 'r', reps)]))),
  ...[[2, 3, 4], [3, 4]].map((s) => one('Expand', `to [${s}]`, [3, 1], (b, v) => b.op('Expand', [v.x, i64(b, 's', s)]))),
  ...['DCR', 'CRD'].flatMap((mode) => [2, 3].map((bs) => one('DepthToSpace', `${mode} blocksize ${bs}`, [1, 2 * bs * bs, 2, 1],
    (b, v) => b.op('DepthToSpace', [v.x], { blocksize: bs, mode })))),
  one('SpaceToDepth', 'blocksize 3', [1, 1, 3, 6], (b, v) => b.op('SpaceToDepth', [v.x], { blocksize: 3 })),
  ...[0, 1, -1].flatMap((axis) => [[0, 0], [1, 1]].map(([exclusive, reverse]) => one('CumSum', `axis ${axis} exclusive ${exclusive} reverse ${reverse}`, [2, 3],
    (b, v) => b.op('CumSum', [v.x, i64(b, 'ax', [axis], [])], { exclusive, reverse })))),
];

const linear: Variant[] = [
  ...[[[2, 3], [3, 4]], [[2, 2, 3], [3, 2]], [[3], [3, 2]], [[2, 3], [3]], [[2, 1, 2, 3], [2, 3, 2]]].map(([a, c]) => ({
    op: 'MatMul', name: `MatMul [${a}] @ [${c}]`, dtype: F64,
    inputs: { a: { dims: a }, b: { dims: c } },
    build: (b: GraphBuilder, v: Record<string, string>) => b.op('MatMul', [v.a, v.b]),
  })),
  ...[[0, 0], [1, 0], [0, 1], [1, 1]].map(([transA, transB]) => ({
    op: 'Gemm', name: `Gemm transA ${transA} transB ${transB}`, dtype: F64,
    inputs: { a: { dims: transA ? [3, 2] : [2, 3] }, b: { dims: transB ? [4, 3] : [3, 4] }, c: { dims: [2, 1] } },
    build: (b: GraphBuilder, v: Record<string, string>) => b.op('Gemm', [v.a, v.b, v.c], { transA, transB, alpha: float(0.5), beta: float(2) }),
  })),
  ...['ij,jk->ik', 'ij,ij->i', 'ij,kj->ki', 'bij,bjk->bki'].map((equation) => {
    const [l] = equation.split('->');
    const size: Record<string, number> = { i: 2, j: 3, k: 2, b: 2 };
    const [p, q] = l.split(',').map((t) => [...t].map((c) => size[c]));
    return {
      op: 'Einsum', name: `Einsum ${equation}`, dtype: F64,
      inputs: { a: { dims: p }, b: { dims: q } },
      build: (b: GraphBuilder, v: Record<string, string>) => b.op('Einsum', [v.a, v.b], { equation }),
    };
  }),
];

const norms: Variant[] = [
  ...[-1, 1, 2].map((axis) => ({
    op: 'LayerNormalization', name: `LayerNormalization axis ${axis}`, dtype: F64,
    inputs: { x: { dims: [2, 3, 2] }, s: { dims: axis === 1 ? [3, 2] : [2] }, b: { dims: axis === 1 ? [3, 2] : [2] } },
    build: (b: GraphBuilder, v: Record<string, string>) => b.op('LayerNormalization', [v.x, v.s, v.b], { axis }),
  })),
  ...[[2, 3, 4], [1, 2, 2, 3]].map((d) => ({
    op: 'InstanceNormalization', name: `InstanceNormalization [${d}]`, dtype: F32,
    inputs: { x: { dims: d }, s: { dims: [d[1]] }, b: { dims: [d[1]] } },
    build: (b: GraphBuilder, v: Record<string, string>) => b.op('InstanceNormalization', [v.x, v.s, v.b]),
  })),
  ...[[2, 3], [3, 2, 2], [2, 3, 2, 2]].map((d) => ({
    op: 'BatchNormalization', name: `BatchNormalization [${d}]`, dtype: F64,
    inputs: { x: { dims: d }, s: { dims: [d[1]] }, b: { dims: [d[1]] }, m: { dims: [d[1]] }, v: { dims: [d[1]], data: [0.4, 1.1, 2.3].slice(0, d[1]) } },
    build: (b: GraphBuilder, v: Record<string, string>) => b.op('BatchNormalization', [v.x, v.s, v.b, v.m, v.v], { epsilon: float(0.01) }),
  })),
  ...[[1, 0.5, 1.5], [-1, -2, 2]].map(([lo, hi, scale]) => ({
    op: 'Clip', name: `Clip [${lo}, ${hi}] x ${scale}, bounds differentiated`, dtype: F64,
    inputs: { x: { dims: [3, 4], data: distinct(12).map((v) => v * scale + 0.0005) }, lo: { dims: [], data: [lo] }, hi: { dims: [], data: [hi] } },
    build: (b: GraphBuilder, v: Record<string, string>) => b.op('Clip', [v.x, v.lo, v.hi]),
  })),
  ...[['nearest', 'asymmetric', [1, 1, 2, 2]], ['linear', 'half_pixel', [1, 1, 2, 1.5]], ['linear', 'align_corners', [1, 1, 0.5, 2]], ['cubic', 'half_pixel', [1, 1, 2, 2]]]
    .map(([mode, ctm, scales]) => one('Resize', `${mode} ${ctm} scales [${scales}]`, [1, 1, 4, 2],
      (b, v) => b.op('Resize', [v.x, '', b.initializer('sc', new Float32Array(scales as number[]), [4])], { mode: mode as string, coordinate_transformation_mode: ctm as string }), { dtype: F32 })),
  {
    op: 'Range', name: 'Range float, start and delta differentiated', dtype: F64,
    inputs: { s: { dims: [], data: [-0.4] }, d: { dims: [], data: [0.3] } },
    build: (b, v) => b.op('Range', [v.s, f64(b, 'l', [1.3], []), v.d]),
  },
];

const refused = (name: string, refuse: RegExp, build: Variant['build'], opts: Partial<Variant> = {}): Variant =>
  ({ op: 'refused', name, dtype: F32, inputs: { x: { dims: [1, 1, 4, 4] } }, build, refuse, ...opts });
const refusals: Variant[] = [
  refused('Pad reflect', /Pad mode "reflect" is not supported at node/, (b, v) => b.op('Pad', [v.x, i64(b, 'p', [0, 0, 1, 1, 0, 0, 1, 1])], { mode: 'reflect' })),
  refused('MaxPool auto_pad SAME_UPPER', /MaxPool auto_pad "SAME_UPPER" is not supported at node/, (b, v) => b.op('MaxPool', [v.x], { kernel_shape: [2, 2], auto_pad: 'SAME_UPPER' })),
  refused('BatchNormalization training_mode', /BatchNormalization in training mode is not supported at node/, (b, v) =>
    b.opN('BatchNormalization', [v.x, ...['s', 'b', 'm', 'v'].map((n) => b.initializer(n, new Float32Array([1]), [1]))], 3, { training_mode: 1 })[0], { opset: 15 }),
  refused('Dropout ratio differentiated', /no gradient flows to Dropout's ratio at node/, (b, v) => b.op('Dropout', [v.x, v.r]),
    { inputs: { x: { dims: [2, 2] }, r: { dims: [], data: [0.5] } } }),
  refused('Resize scales differentiated', /no gradient flows to input 2 \("s"\) at node/, (b, v) => b.op('Resize', [v.x, '', v.s], { mode: 'linear' }),
    { inputs: { x: { dims: [1, 1, 2, 2] }, s: { dims: [4], data: [1, 1, 2, 2] } } }),
  refused('ScatterND reduction mul', /ScatterND reduction "mul" is not supported at node/, (b, v) =>
    b.op('ScatterND', [v.x, i64(b, 'i', [0], [1, 1]), b.initializer('u', new Float32Array(16), [1, 1, 4, 4])], { reduction: 'mul' }), { opset: 16 }),
  refused('ReduceSum run-time axes, keepdims 0', /axes computed at run time and keepdims=0 is not supported at node/, (b, v) =>
    b.op('ReduceSum', [v.x, b.op('Reshape', [b.op('ArgMax', [b.initializer('k', new Float32Array([0, 1]), [2])], { keepdims: 0 }), i64(b, 'o', [1])])], { keepdims: 0 })),
  refused('opset 10', /opset 10 is not supported \(11 or later\)/, (b, v) => b.op('Relu', [v.x]), { opset: 10 }),
];

export const conformanceB: Variant[] = [...movement, ...linear, ...norms, ...refusals];
