// Static type/shape/value inference, enough for the rules to know ranks, which axes broadcast,
// and the values of small int tensors (axes, shapes, pads). Unknown stays unknown (null);
// the rules then fall back to shapes computed in the graph at run time.
import { tensorDims, tensorValues, type Dim, type NodeProto, type TensorProto } from '../onnx/index';
import { attr, attrInt, attrInts, attrStr, inputAt } from './node-attrs';
import { convDims, einsumDims, matmulDims, sliceInfo, splitInfo } from './shape-ops';

/**
 * `value`: the numbers of a small int tensor. `sym`: its elements as dims where some are
 * symbolic (a shape read off a tensor with a `batch` axis): what Reshape/Expand targets need.
 */
export interface Info { dtype: number; dims: Dim[] | null; value?: number[]; sym?: Dim[] }
export type Lookup = (name: string) => Info | undefined;

const INT64 = 7;
const FLOATS = [1, 10, 11, 16];
const BOOL = 9;

export function tensorInfo(t: TensorProto): Info {
  const dims = tensorDims(t);
  const n = dims.reduce((a, b) => a * b, 1);
  // float values only for small vectors (Resize scales, norm scales), never for weights
  const float = FLOATS.includes(t.dataType ?? 0);
  const value = (float ? dims.length <= 1 && n <= 64 : n <= 64) ? tensorValues(t) ?? undefined : undefined;
  return { dtype: t.dataType ?? 0, dims, value };
}

export const known = (d: Dim): d is number => typeof d === 'number';
export const sameDim = (a: Dim, b: Dim): boolean => a !== null && a === b;

// Symbolic dims: a monomial over the model's dim params, written "k*a*b" (k omitted when 1,
// params sorted), so equal products print alike and `batch*384 / batch*8` divides exactly.
interface Mono { k: number; s: string[] }
const parseDim = (d: number | string): Mono => {
  if (typeof d === 'number') return { k: d, s: [] };
  let k = 1;
  const s: string[] = [];
  for (const f of d.split('*')) if (/^\d+$/.test(f)) k *= Number(f); else s.push(f);
  return { k, s };
};
const fmtDim = (m: Mono): Dim => {
  if (m.s.length === 0) return m.k;
  if (m.k === 0) return 0;
  const s = [...m.s].sort();
  return (m.k === 1 ? s : [String(m.k), ...s]).join('*');
};
export function mulDim(a: Dim, b: Dim): Dim {
  if (a === null || b === null) return null;
  if (known(a) && known(b)) return a * b;
  const [p, q] = [parseDim(a), parseDim(b)];
  return fmtDim({ k: p.k * q.k, s: [...p.s, ...q.s] });
}
/** a / b where it divides exactly as a monomial; null otherwise. */
export function divDim(a: Dim, b: Dim): Dim {
  if (a === null || b === null) return null;
  if (known(a) && known(b)) return b !== 0 && a % b === 0 ? a / b : null;
  const [p, q] = [parseDim(a), parseDim(b)];
  if (q.k === 0 || p.k % q.k !== 0) return null;
  const rest = [...p.s];
  for (const f of q.s) {
    const i = rest.indexOf(f);
    if (i < 0) return null;
    rest.splice(i, 1);
  }
  return fmtDim({ k: p.k / q.k, s: rest });
}
const prod = (ds: Dim[]): Dim => ds.reduce<Dim>((a, b) => mulDim(a, b), 1);
/** The elements of a small int tensor as dims: its numbers, else its symbolic elements. */
export const symOf = (i: Info | undefined): Dim[] | undefined => i?.value ?? i?.sym;
/** Keep `sym` only where something in it is not a plain number (else it is `value`). */
export const symInfo = (sym: Dim[] | undefined): { value?: number[]; sym?: Dim[] } =>
  !sym ? {} : sym.every(known) ? { value: sym as number[] } : sym.some((d) => d !== null) ? { sym } : {};
const norm = (a: number, r: number) => (a < 0 ? a + r : a);

export function broadcastDims(all: (Dim[] | null)[]): Dim[] | null {
  if (all.some((d) => d === null)) return null;
  const ds = all as Dim[][];
  const r = Math.max(...ds.map((d) => d.length));
  return Array.from({ length: r }, (_, i) => {
    const col = ds.map((d) => (i - (r - d.length) >= 0 ? d[i - (r - d.length)] : 1));
    const big = col.filter((d) => d !== 1);
    if (big.length === 0) return 1;
    if (big.some((d) => d === null)) return big.find(known) ?? null;
    return big.find(known) ?? (big.every((d) => d === big[0]) ? big[0] : null);
  });
}

/** Elementwise math on small int vectors (torch exports shape arithmetic this way). */
function valueOp(op: string, a?: Dim[], b?: Dim[]): { value?: number[]; sym?: Dim[] } {
  if (!a || !b || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return {};
  const n = Math.max(a.length, b.length);
  const num = (f: (x: number, y: number) => number) => (x: Dim, y: Dim): Dim => (known(x) && known(y) ? f(x, y) : null);
  const f = { Add: num((x, y) => x + y), Sub: num((x, y) => x - y), Mul: mulDim,
    Div: (x: Dim, y: Dim): Dim => (known(x) && known(y) ? Math.trunc(x / y) : divDim(x, y)) }[op];
  return f ? symInfo(Array.from({ length: n }, (_, i) => f(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]))) : {};
}

/** Axes from attribute (older opsets) or from the second input (newer ones). */
export function axesOf(node: NodeProto, get: Lookup, inputIndex = 1): number[] | undefined | null {
  const a = attrInts(node, 'axes');
  if (a) return a;
  const name = inputAt(node, inputIndex);
  if (!name) return undefined;
  return get(name)?.value ?? null; // null: given but not known statically
}

export function inferNode(node: NodeProto, get: Lookup, opset: number): Info[] {
  const ins = (node.input ?? []).map((n) => (n ? get(n) : undefined));
  const x = ins[0];
  const same = (): Info[] => [{ dtype: x?.dtype ?? 0, dims: x?.dims ?? null }];
  const dtype = x?.dtype ?? 0;
  const rank = x?.dims?.length;
  const op = node.opType ?? '';
  switch (op) {
    case 'Identity': return [{ ...(x ?? { dtype: 0, dims: null }) }];
    case 'Neg': case 'Sqrt': case 'Exp': case 'Log': case 'Erf': case 'Sigmoid': case 'Tanh': case 'Relu':
    case 'Abs': case 'Sin': case 'Cos': case 'Softmax': case 'Clip': case 'Floor': case 'Ceil': case 'Round':
    case 'Sign': case 'Reciprocal': case 'LogSoftmax': case 'InstanceNormalization': case 'GroupNormalization': case 'Dropout':
    case 'LayerNormalization': case 'LeakyRelu':
      return same();
    case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Pow':
      return [{ dtype, dims: broadcastDims([x?.dims ?? null, ins[1]?.dims ?? null]), ...(FLOATS.includes(dtype) ? {} : valueOp(op, symOf(x), symOf(ins[1]))) }];
    case 'Max': case 'Min': case 'Sum': case 'Mean': {
      const v = ins.length === 2 && x?.value && ins[1]?.value && x.value.length === ins[1].value.length
        ? x.value.map((q, i) => (op === 'Max' ? Math.max : Math.min)(q, ins[1]!.value![i])) : undefined;
      return [{ dtype, dims: broadcastDims(ins.map((i) => i?.dims ?? null)), value: op === 'Max' || op === 'Min' ? v : undefined }];
    }
    case 'Equal': case 'Less': case 'Greater': case 'LessOrEqual': case 'GreaterOrEqual': case 'And': case 'Or':
      return [{ dtype: BOOL, dims: broadcastDims(ins.map((i) => i?.dims ?? null)) }];
    case 'Not': case 'IsNaN': case 'IsInf': return [{ dtype: BOOL, dims: x?.dims ?? null }];
    case 'Where': return [{ dtype: ins[1]?.dtype ?? 0, dims: broadcastDims(ins.map((i) => i?.dims ?? null)) }];
    case 'Cast': {
      const to = attrInt(node, 'to', 1);
      const int = to === INT64 || to === 6;
      return [{ dtype: to, dims: x?.dims ?? null, value: FLOATS.includes(to) ? x?.value : x?.value?.map(Math.trunc), sym: int ? x?.sym : undefined }];
    }
    case 'CastLike': return [{ dtype: ins[1]?.dtype ?? 0, dims: x?.dims ?? null, value: x?.value }];
    case 'Shape': {
      if (!x?.dims) return [{ dtype: INT64, dims: [null] }];
      const r = x.dims.length;
      const s = norm(attrInt(node, 'start', 0), r);
      const e = Math.min(r, norm(attrInt(node, 'end', r), r));
      const ds = x.dims.slice(Math.max(0, s), e);
      return [{ dtype: INT64, dims: [ds.length], ...symInfo(ds) }];
    }
    case 'Size': return [{ dtype: INT64, dims: [], value: x?.dims && known(prod(x.dims)) ? [prod(x.dims) as number] : undefined }];
    case 'Constant': {
      const t = attr(node, 'value');
      if (t && typeof t === 'object' && !Array.isArray(t)) return [tensorInfo(t)];
      const ints = attrInts(node, 'value_ints');
      if (ints) return [{ dtype: INT64, dims: [ints.length], value: ints }];
      const i = attr(node, 'value_int');
      if (typeof i === 'number') return [{ dtype: INT64, dims: [], value: [i] }];
      const fs = attrInts(node, 'value_floats');
      if (fs) return [{ dtype: 1, dims: [fs.length] }];
      return [{ dtype: 1, dims: [] }];
    }
    case 'ConstantOfShape': {
      const t = attr(node, 'value') as TensorProto | undefined;
      const v = t ? tensorValues(t)?.[0] ?? 0 : 0;
      const dims = symOf(x) ?? (x?.dims && known(x.dims[0]) ? Array(x.dims[0]).fill(null) : null);
      const n = x?.value ? x.value.reduce((a, b) => a * b, 1) : 0;
      return [{ dtype: t?.dataType ?? 1, dims, value: x?.value && n <= 64 ? Array(n).fill(v) : undefined }];
    }
    case 'Range': {
      const [s, l, d] = ins.map((i) => i?.value?.[0]);
      const n = s !== undefined && l !== undefined && d ? Math.max(0, Math.ceil((l - s) / d)) : null;
      return [{ dtype, dims: [n], value: n !== null && n <= 64 ? Array.from({ length: n }, (_, i) => s! + i * d!) : undefined }];
    }
    case 'Gather': {
      const idx = ins[1];
      if (!x?.dims || !idx?.dims) return [{ dtype, dims: null }];
      const ax = norm(attrInt(node, 'axis', 0), x.dims.length);
      const dims = [...x.dims.slice(0, ax), ...idx.dims, ...x.dims.slice(ax + 1)];
      const xs = symOf(x);
      const picked = xs && idx.value && x.dims.length === 1 ? idx.value.map((i) => xs[norm(i, xs.length)] ?? null) : undefined;
      return [{ dtype, dims, ...symInfo(picked) }];
    }
    case 'Concat': {
      if (ins.some((i) => !i?.dims)) return [{ dtype, dims: ins.find((i) => i?.dims)?.dims?.map(() => null) ?? null }];
      const ds = ins.map((i) => i!.dims!);
      const ax = norm(attrInt(node, 'axis', 0), ds[0].length);
      const dims = ds[0].map((d, k) => (k === ax ? ds.every((q) => known(q[k])) ? ds.reduce((a, q) => a + (q[k] as number), 0) : null : d));
      const syms = ins.map(symOf);
      return [{ dtype, dims, ...(syms.every(Boolean) ? symInfo(syms.flatMap((v) => v!)) : {}) }];
    }
    case 'Unsqueeze': {
      const axes = axesOf(node, get);
      if (!x?.dims || !axes) return [{ dtype, dims: null, value: x?.value, sym: x?.sym }];
      const r = x.dims.length + axes.length;
      const set = new Set(axes.map((a) => norm(a, r)));
      const rest = [...x.dims];
      return [{ dtype, dims: Array.from({ length: r }, (_, i) => (set.has(i) ? 1 : rest.shift() ?? null)), value: x.value, sym: x.sym }];
    }
    case 'Squeeze': {
      const axes = axesOf(node, get);
      if (!x?.dims || axes === null) return [{ dtype, dims: null, value: x?.value, sym: x?.sym }];
      const set = new Set((axes ?? x.dims.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => norm(a, x.dims!.length)));
      return [{ dtype, dims: x.dims.filter((_, i) => !set.has(i)), value: x.value, sym: x.sym }];
    }
    case 'Reshape': {
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
    }
    case 'Flatten': {
      if (!x?.dims) return [{ dtype, dims: [null, null] }];
      const ax = norm(attrInt(node, 'axis', 1), x.dims.length);
      return [{ dtype, dims: [prod(x.dims.slice(0, ax)), prod(x.dims.slice(ax))] }];
    }
    case 'Transpose': {
      if (!x?.dims) return [{ dtype, dims: null }];
      const perm = attrInts(node, 'perm') ?? x.dims.map((_, i) => x.dims!.length - 1 - i);
      return [{ dtype, dims: perm.map((p) => x.dims![p]) }];
    }
    case 'Expand': {
      const s = ins[1];
      const target = symOf(s) ?? (s?.dims && known(s.dims[0]) ? Array(s.dims[0]).fill(null) : null);
      return [{ dtype, dims: target ? broadcastDims([x?.dims ?? null, target.map((d) => (d === 1 ? 1 : d))]) : null }];
    }
    case 'MatMul': return [{ dtype, dims: matmulDims(x?.dims ?? null, ins[1]?.dims ?? null) }];
    case 'Gemm': {
      const a = x?.dims;
      const b = ins[1]?.dims;
      const m = a ? a[attrInt(node, 'transA', 0) ? 1 : 0] : null;
      const n = b ? b[attrInt(node, 'transB', 0) ? 0 : 1] : null;
      return [{ dtype, dims: [m ?? null, n ?? null] }];
    }
    case 'Einsum': return [{ dtype, dims: einsumDims(attrStr(node, 'equation', ''), ins.map((i) => i?.dims ?? null)) }];
    case 'Conv': case 'ConvTranspose': return [{ dtype, dims: convDims(node, x?.dims ?? null, ins[1]?.dims ?? null) }];
    case 'ReduceMean': case 'ReduceSum': case 'ReduceSumSquare': case 'ReduceMax': case 'ReduceMin': case 'ReduceProd': {
      const useInput = op === 'ReduceSum' ? opset >= 13 : opset >= 18;
      const axes = useInput ? axesOf(node, get) : attrInts(node, 'axes');
      const keep = attrInt(node, 'keepdims', 1);
      if (!x?.dims || axes === null) return [{ dtype, dims: keep && rank !== undefined ? Array(rank).fill(null) : null }];
      const all = !axes || axes.length === 0;
      if (all && useInput && attrInt(node, 'noop_with_empty_axes', 0)) return same();
      const set = new Set((all ? x.dims.map((_, i) => i) : axes!).map((a) => norm(a, x.dims!.length)));
      const dims = x.dims.flatMap((d, i) => (set.has(i) ? (keep ? [1] : []) : [d]));
      const value = op === 'ReduceProd' && x.value && !keep ? [x.value.reduce((a, b) => a * b, 1)] : undefined;
      return [{ dtype, dims, value }];
    }
    case 'Slice': return [{ dtype, ...sliceInfo(node, x, get) }];
    case 'Split': return splitInfo(node, x, get, opset);
    case 'Pad': {
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
    }
    case 'Resize': {
      if (!x?.dims) return [{ dtype, dims: null }];
      const scales = inputAt(node, 2) ? ins[2]?.value : undefined;
      const sizes = inputAt(node, 3) ? ins[3]?.value : undefined;
      if (sizes) return [{ dtype, dims: sizes }];
      if (scales) return [{ dtype, dims: x.dims.map((d, i) => (known(d) ? Math.floor(d * scales[i]) : scales[i] === 1 ? d : null)) }];
      return [{ dtype, dims: x.dims.map(() => null) }];
    }
    case 'Tile': {
      const reps = ins[1]?.value;
      return [{ dtype, dims: x?.dims ? x.dims.map((d, i) => (reps && known(d) ? d * reps[i] : reps?.[i] === 1 ? d : null)) : null }];
    }
    case 'NonZero': return [{ dtype: INT64, dims: [rank ?? null, null] }];
    case 'ArgMax': case 'ArgMin': return [{ dtype: INT64, dims: null }];
    default: return (node.output ?? []).map(() => ({ dtype: 0, dims: null }));
  }
}
