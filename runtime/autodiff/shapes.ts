// Static type/shape/value inference, one entry per ONNX op, mirroring the gradient rule table
// (rules.ts): enough for the rules to know ranks, which axes broadcast, and the values of small
// int tensors (axes, shapes, pads). Unknown stays unknown (null); the rules then fall back to
// shapes computed in the graph at run time.
import { tensorValues, type Dim, type NodeProto, type TensorProto } from '../onnx/index';
import { attr, attrInt, attrInts, attrStr, inputAt } from './node-attrs';
import { BOOL, FLOATS, INT64, axesOf, broadcastDims, equalValue, whereValue, divDim, known, norm, prod, symInfo, symOf, tensorInfo, valueOp, type Info, type Lookup } from './dims';
import { blockDims, convDims, einsumDims, gatherNdDims, matmulDims, poolDims, sliceInfo, splitInfo } from './shape-ops';

/** What a shape rule sees of one node: the node, its inputs' infos (x is the first), the opset. */
export interface ShapeArgs {
  node: NodeProto;
  ins: (Info | undefined)[];
  x: Info | undefined;
  dtype: number;
  rank: number | undefined;
  op: string;
  get: Lookup;
  opset: number;
}
export type ShapeRule = (a: ShapeArgs) => Info[];

const same = (x: Info | undefined): Info[] => [{ dtype: x?.dtype ?? 0, dims: x?.dims ?? null }];

const sameShape: ShapeRule = ({ x }) => same(x);
const arithmetic: ShapeRule = ({ ins, x, dtype, op }) => [{ dtype, dims: broadcastDims([x?.dims ?? null, ins[1]?.dims ?? null]), ...(FLOATS.includes(dtype) ? {} : valueOp(op, symOf(x), symOf(ins[1]))) }];
const variadic: ShapeRule = ({ ins, x, dtype, op }) => {
  const v = ins.length === 2 && x?.value && ins[1]?.value && x.value.length === ins[1].value.length
    ? x.value.map((q, i) => (op === 'Max' ? Math.max : Math.min)(q, ins[1]!.value![i])) : undefined;
  return [{ dtype, dims: broadcastDims(ins.map((i) => i?.dims ?? null)), value: op === 'Max' || op === 'Min' ? v : undefined }];
};
const comparison: ShapeRule = ({ ins, op }) => [{
  dtype: BOOL, dims: broadcastDims(ins.map((i) => i?.dims ?? null)),
  value: op === 'Equal' && ins[0]?.dtype === INT64 ? equalValue(symOf(ins[0]), symOf(ins[1])) : undefined,
}];
const predicate: ShapeRule = ({ x }) => [{ dtype: BOOL, dims: x?.dims ?? null }];
const conv: ShapeRule = ({ node, ins, x, dtype }) => [{ dtype, dims: convDims(node, x?.dims ?? null, ins[1]?.dims ?? null) }];
const reduce: ShapeRule = ({ node, x, dtype, rank, op, get, opset }) => {
  const useInput = op === 'ReduceSum' ? opset >= 13 : opset >= 18;
  const axes = useInput ? axesOf(node, get) : attrInts(node, 'axes');
  const keep = attrInt(node, 'keepdims', 1);
  if (!x?.dims || axes === null) return [{ dtype, dims: keep && rank !== undefined ? Array(rank).fill(null) : null }];
  const all = !axes || axes.length === 0;
  if (all && useInput && attrInt(node, 'noop_with_empty_axes', 0)) return same(x);
  const set = new Set((all ? x.dims.map((_, i) => i) : axes!).map((a) => norm(a, x.dims!.length)));
  const dims = x.dims.flatMap((d, i) => (set.has(i) ? (keep ? [1] : []) : [d]));
  const value = op === 'ReduceProd' && x.value && !keep ? [x.value.reduce((a, b) => a * b, 1)] : undefined;
  return [{ dtype, dims, value }];
};
const argExtremum: ShapeRule = () => [{ dtype: INT64, dims: null }];

export const shapeRules: Record<string, ShapeRule> = {
  Identity: ({ x }) => [{ ...(x ?? { dtype: 0, dims: null }) }],
  Neg: sameShape,
  Sqrt: sameShape,
  Exp: sameShape,
  Log: sameShape,
  Erf: sameShape,
  Sigmoid: sameShape,
  Tanh: sameShape,
  Relu: sameShape,
  Abs: sameShape,
  Sin: sameShape,
  Cos: sameShape,
  Softmax: sameShape,
  Clip: sameShape,
  Floor: sameShape,
  Ceil: sameShape,
  Round: sameShape,
  Sign: sameShape,
  Reciprocal: sameShape,
  LogSoftmax: sameShape,
  InstanceNormalization: sameShape,
  GroupNormalization: sameShape,
  Dropout: ({ x }) => [...same(x), { dtype: BOOL, dims: x?.dims ?? null }],
  BatchNormalization: sameShape,
  Elu: sameShape,
  Selu: sameShape,
  Softplus: sameShape,
  HardSigmoid: sameShape,
  HardSwish: sameShape,
  CumSum: sameShape,
  ScatterElements: sameShape,
  ScatterND: sameShape,
  PRelu: ({ x }) => same(x),
  GatherElements: ({ ins, x }) => [{ dtype: x?.dtype ?? 0, dims: ins[1]?.dims ?? null }],
  GatherND: ({ node, ins, x, dtype }) => [{ dtype, dims: gatherNdDims(node, x?.dims ?? null, ins[1]?.dims ?? null) }],
  MaxPool: ({ node, x, dtype }) => { const dims = poolDims(node, x?.dims ?? null); return [{ dtype, dims }, { dtype: INT64, dims }]; },
  AveragePool: ({ node, x, dtype }) => [{ dtype, dims: poolDims(node, x?.dims ?? null) }],
  GlobalAveragePool: ({ x, dtype }) => [{ dtype, dims: x?.dims ? x.dims.map((d, i) => (i < 2 ? d : 1)) : null }],
  GlobalMaxPool: ({ x, dtype }) => [{ dtype, dims: x?.dims ? x.dims.map((d, i) => (i < 2 ? d : 1)) : null }],
  DepthToSpace: ({ node, x, dtype }) => [{ dtype, dims: blockDims(node, x?.dims ?? null, true) }],
  SpaceToDepth: ({ node, x, dtype }) => [{ dtype, dims: blockDims(node, x?.dims ?? null, false) }],
  LayerNormalization: ({ node, x, rank }) => {
    // Mean and InvStdDev: x's dims with the normalized axes kept as 1, in the stash type
    const axis = rank === undefined ? 0 : norm(attrInt(node, 'axis', -1), rank);
    const stats: Info = { dtype: attrInt(node, 'stash_type', 1), dims: x?.dims ? x.dims.map((d, i) => (i < axis ? d : 1)) : null };
    return [...same(x), stats, stats];
  },
  LeakyRelu: sameShape,
  Add: arithmetic,
  Sub: arithmetic,
  Mul: arithmetic,
  Div: arithmetic,
  Pow: arithmetic,
  Max: variadic,
  Min: variadic,
  Sum: variadic,
  Mean: variadic,
  Equal: comparison,
  Less: comparison,
  Greater: comparison,
  LessOrEqual: comparison,
  GreaterOrEqual: comparison,
  And: comparison,
  Or: comparison,
  Not: predicate,
  IsNaN: predicate,
  IsInf: predicate,
  Where: ({ ins }) => [{
    dtype: ins[1]?.dtype ?? 0, dims: broadcastDims(ins.map((i) => i?.dims ?? null)),
    ...(ins[1]?.dtype === INT64 ? whereValue(ins[0]?.value, symOf(ins[1]), symOf(ins[2])) : {}),
  }],
  Cast: ({ node, x }) => {
    const to = attrInt(node, 'to', 1);
    const int = to === INT64 || to === 6;
    return [{ dtype: to, dims: x?.dims ?? null, value: FLOATS.includes(to) ? x?.value : x?.value?.map(Math.trunc), sym: int ? x?.sym : undefined }];
  
  },
  CastLike: ({ ins, x }) => [{ dtype: ins[1]?.dtype ?? 0, dims: x?.dims ?? null, value: x?.value }],
  Shape: ({ node, x }) => {
    if (!x?.dims) return [{ dtype: INT64, dims: [null] }];
    const r = x.dims.length;
    const s = norm(attrInt(node, 'start', 0), r);
    const e = Math.min(r, norm(attrInt(node, 'end', r), r));
    const ds = x.dims.slice(Math.max(0, s), e);
    return [{ dtype: INT64, dims: [ds.length], ...symInfo(ds) }];
  
  },
  Size: ({ x }) => [{ dtype: INT64, dims: [], value: x?.dims && known(prod(x.dims)) ? [prod(x.dims) as number] : undefined }],
  Constant: ({ node }) => {
    const t = attr(node, 'value');
    if (t && typeof t === 'object' && !Array.isArray(t)) return [tensorInfo(t)];
    const ints = attrInts(node, 'value_ints');
    if (ints) return [{ dtype: INT64, dims: [ints.length], value: ints }];
    const i = attr(node, 'value_int');
    if (typeof i === 'number') return [{ dtype: INT64, dims: [], value: [i] }];
    const fs = attrInts(node, 'value_floats');
    if (fs) return [{ dtype: 1, dims: [fs.length] }];
    return [{ dtype: 1, dims: [] }];
  
  },
  ConstantOfShape: ({ node, x }) => {
    const t = attr(node, 'value') as TensorProto | undefined;
    const v = t ? tensorValues(t)?.[0] ?? 0 : 0;
    const dims = symOf(x) ?? (x?.dims && known(x.dims[0]) ? Array(x.dims[0]).fill(null) : null);
    const n = x?.value ? x.value.reduce((a, b) => a * b, 1) : 0;
    return [{ dtype: t?.dataType ?? 1, dims, value: x?.value && n <= 64 ? Array(n).fill(v) : undefined }];
  
  },
  Range: ({ ins, dtype }) => {
    const [s, l, d] = ins.map((i) => i?.value?.[0]);
    const n = s !== undefined && l !== undefined && d ? Math.max(0, Math.ceil((l - s) / d)) : null;
    return [{ dtype, dims: [n], value: n !== null && n <= 64 ? Array.from({ length: n }, (_, i) => s! + i * d!) : undefined }];
  
  },
  Gather: ({ node, ins, x, dtype }) => {
    const idx = ins[1];
    if (!x?.dims || !idx?.dims) return [{ dtype, dims: null }];
    const ax = norm(attrInt(node, 'axis', 0), x.dims.length);
    const dims = [...x.dims.slice(0, ax), ...idx.dims, ...x.dims.slice(ax + 1)];
    const xs = symOf(x);
    const picked = xs && idx.value && x.dims.length === 1 ? idx.value.map((i) => xs[norm(i, xs.length)] ?? null) : undefined;
    return [{ dtype, dims, ...symInfo(picked) }];
  
  },
  Concat: ({ node, ins, dtype }) => {
    if (ins.some((i) => !i?.dims)) return [{ dtype, dims: ins.find((i) => i?.dims)?.dims?.map(() => null) ?? null }];
    const ds = ins.map((i) => i!.dims!);
    const ax = norm(attrInt(node, 'axis', 0), ds[0].length);
    const dims = ds[0].map((d, k) => (k === ax ? ds.every((q) => known(q[k])) ? ds.reduce((a, q) => a + (q[k] as number), 0) : null : d));
    const syms = ins.map(symOf);
    return [{ dtype, dims, ...(syms.every(Boolean) ? symInfo(syms.flatMap((v) => v!)) : {}) }];
  
  },
  Unsqueeze: ({ node, x, dtype, get }) => {
    const axes = axesOf(node, get);
    if (!x?.dims || !axes) return [{ dtype, dims: null, value: x?.value, sym: x?.sym }];
    const r = x.dims.length + axes.length;
    const set = new Set(axes.map((a) => norm(a, r)));
    const rest = [...x.dims];
    return [{ dtype, dims: Array.from({ length: r }, (_, i) => (set.has(i) ? 1 : rest.shift() ?? null)), value: x.value, sym: x.sym }];
  
  },
  Squeeze: ({ node, x, dtype, get }) => {
    const axes = axesOf(node, get);
    if (!x?.dims || axes === null) return [{ dtype, dims: null, value: x?.value, sym: x?.sym }];
    const set = new Set((axes ?? x.dims.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => norm(a, x.dims!.length)));
    return [{ dtype, dims: x.dims.filter((_, i) => !set.has(i)), value: x.value, sym: x.sym }];
  
  },
  Reshape: ({ node, ins, x, dtype }) => {
    const s = ins[1];
    const target = symOf(s);
    if (!target) return [{ dtype, dims: s?.dims && known(s.dims[0]) ? Array(s.dims[0]).fill(null) : null, value: x?.value, sym: x?.sym }];
    const dims: Dim[] = target.map((d, i) => (d === 0 && !attrInt(node, 'allowzero', 0) ? x?.dims?.[i] ?? null : d));
    const neg = dims.indexOf(-1);
    if (neg >= 0) {
      const total = x?.dims ? prod(x.dims) : null;
      const others = prod(dims.filter((_, i) => i !== neg));
      dims[neg] = divDim(total, others);
    }
    return [{ dtype, dims, value: x?.value, sym: x?.sym }];
  
  },
  Flatten: ({ node, x, dtype }) => {
    if (!x?.dims) return [{ dtype, dims: [null, null] }];
    const ax = norm(attrInt(node, 'axis', 1), x.dims.length);
    return [{ dtype, dims: [prod(x.dims.slice(0, ax)), prod(x.dims.slice(ax))] }];
  
  },
  Transpose: ({ node, x, dtype }) => {
    if (!x?.dims) return [{ dtype, dims: null }];
    const perm = attrInts(node, 'perm') ?? x.dims.map((_, i) => x.dims!.length - 1 - i);
    return [{ dtype, dims: perm.map((p) => x.dims![p]) }];
  
  },
  Expand: ({ ins, x, dtype }) => {
    const s = ins[1];
    const target = symOf(s) ?? (s?.dims && known(s.dims[0]) ? Array(s.dims[0]).fill(null) : null);
    return [{ dtype, dims: target ? broadcastDims([x?.dims ?? null, target.map((d) => (d === 1 ? 1 : d))]) : null }];
  
  },
  MatMul: ({ ins, x, dtype }) => [{ dtype, dims: matmulDims(x?.dims ?? null, ins[1]?.dims ?? null) }],
  Gemm: ({ node, ins, x, dtype }) => {
    const a = x?.dims;
    const b = ins[1]?.dims;
    const m = a ? a[attrInt(node, 'transA', 0) ? 1 : 0] : null;
    const n = b ? b[attrInt(node, 'transB', 0) ? 0 : 1] : null;
    return [{ dtype, dims: [m ?? null, n ?? null] }];
  
  },
  Einsum: ({ node, ins, dtype }) => [{ dtype, dims: einsumDims(attrStr(node, 'equation', ''), ins.map((i) => i?.dims ?? null)) }],
  Conv: conv,
  ConvTranspose: conv,
  ReduceMean: reduce,
  ReduceSum: reduce,
  ReduceSumSquare: reduce,
  ReduceMax: reduce,
  ReduceMin: reduce,
  ReduceProd: reduce,
  ReduceL1: reduce,
  ReduceL2: reduce,
  ReduceLogSum: reduce,
  ReduceLogSumExp: reduce,
  Slice: ({ node, x, dtype, get }) => [{ dtype, ...sliceInfo(node, x, get) }],
  Split: ({ node, x, get, opset }) => splitInfo(node, x, get, opset),
  Pad: ({ node, ins, x, dtype }) => {
    const pads = ins[1]?.value;
    const axes = inputAt(node, 3) ? ins[3]?.value : x?.dims?.map((_, i) => i);
    if (!x?.dims || !pads || !axes) return [{ dtype, dims: x?.dims?.map(() => null) ?? null }];
    const dims = [...x.dims];
    axes.forEach((a, i) => {
      const k = norm(a, dims.length);
      const d = dims[k];
      dims[k] = known(d) ? d + pads[i] + pads[i + axes.length] : null;
    });
    return [{ dtype, dims }];
  
  },
  Resize: ({ node, ins, x, dtype }) => {
    if (!x?.dims) return [{ dtype, dims: null }];
    const scales = inputAt(node, 2) ? ins[2]?.value : undefined;
    const sizes = inputAt(node, 3) ? ins[3]?.value : undefined;
    if (sizes) return [{ dtype, dims: sizes }];
    if (scales) return [{ dtype, dims: x.dims.map((d, i) => (known(d) ? Math.floor(d * scales[i]) : scales[i] === 1 ? d : null)) }];
    return [{ dtype, dims: x.dims.map(() => null) }];
  
  },
  Tile: ({ ins, x, dtype }) => {
    const reps = ins[1]?.value;
    return [{ dtype, dims: x?.dims ? x.dims.map((d, i) => (reps && known(d) ? d * reps[i] : reps?.[i] === 1 ? d : null)) : null }];
  
  },
  NonZero: ({ rank }) => [{ dtype: INT64, dims: [rank ?? null, null] }],
  ArgMax: argExtremum,
  ArgMin: argExtremum,
};

/** The infos of a node's outputs; an op without a shape rule gives unknowns. */
export function inferNode(node: NodeProto, get: Lookup, opset: number): Info[] {
  const ins = (node.input ?? []).map((n) => (n ? get(n) : undefined));
  const x = ins[0];
  const op = node.opType ?? '';
  const rule = shapeRules[op];
  if (!rule) return (node.output ?? []).map(() => ({ dtype: 0, dims: null }));
  return rule({ node, ins, x, dtype: x?.dtype ?? 0, rank: x?.dims?.length, op, get, opset });
}
