// Static dims algebra for shape inference: ranks, broadcasting, symbolic dims (monomials over
// the model's dim params) and the values of small int tensors (axes, shapes, pads).
import { tensorDims, tensorValues, type Dim, type NodeProto, type TensorProto } from '../onnx/index';
import { attrInts, inputAt } from './node-attrs';

/**
 * `value`: the numbers of a small int tensor. `sym`: its elements as dims where some are
 * symbolic (a shape read off a tensor with a `batch` axis): what Reshape/Expand targets need.
 */
export interface Info { dtype: number; dims: Dim[] | null; value?: number[]; sym?: Dim[] }
export type Lookup = (name: string) => Info | undefined;

export const INT64 = 7;
export const FLOATS = [1, 10, 11, 16];
export const BOOL = 9;

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
export const prod = (ds: Dim[]): Dim => ds.reduce<Dim>((a, b) => mulDim(a, b), 1);
/** The elements of a small int tensor as dims: its numbers, else its symbolic elements. */
export const symOf = (i: Info | undefined): Dim[] | undefined => i?.value ?? i?.sym;
/** Keep `sym` only where something in it is not a plain number (else it is `value`). */
export const symInfo = (sym: Dim[] | undefined): { value?: number[]; sym?: Dim[] } =>
  !sym ? {} : sym.every(known) ? { value: sym as number[] } : sym.some((d) => d !== null) ? { sym } : {};
/** A possibly negative axis made positive for rank r. */
export const norm = (a: number, r: number) => (a < 0 ? a + r : a);

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
export function valueOp(op: string, a?: Dim[], b?: Dim[]): { value?: number[]; sym?: Dim[] } {
  if (!a || !b || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return {};
  const n = Math.max(a.length, b.length);
  const num = (f: (x: number, y: number) => number) => (x: Dim, y: Dim): Dim => (known(x) && known(y) ? f(x, y) : null);
  const f = { Add: num((x, y) => x + y), Sub: num((x, y) => x - y), Mul: mulDim,
    Div: (x: Dim, y: Dim): Dim => (known(x) && known(y) ? Math.trunc(x / y) : divDim(x, y)) }[op];
  return f ? symInfo(Array.from({ length: n }, (_, i) => f(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]))) : {};
}

/**
 * Equal on small int vectors, as torch exports `expand(n)` (Where(Equal(shape, -1), 1, shape)):
 * numbers compare as numbers; a symbolic dim is a size, never negative, so it equals no
 * negative number. 1 for true, 0 for false; undefined where any element is undecided.
 */
export function equalValue(a?: Dim[], b?: Dim[]): number[] | undefined {
  if (!a || !b || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return undefined;
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const [x, y] = [a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]];
    if (known(x) && known(y)) out.push(x === y ? 1 : 0);
    else if (x !== null && y !== null && ((known(x) && x < 0) || (known(y) && y < 0))) out.push(0);
    else if (x !== null && x === y) out.push(1);
    else return undefined;
  }
  return out;
}

/** Where on small int vectors whose condition is known: the chosen elements. */
export function whereValue(c?: number[], a?: Dim[], b?: Dim[]): { value?: number[]; sym?: Dim[] } {
  if (!c || !a || !b) return {};
  const n = Math.max(c.length, a.length, b.length);
  const at = (v: Dim[] | number[], i: number) => v[v.length === 1 ? 0 : i];
  if ([c, a, b].some((v) => v.length !== 1 && v.length !== n)) return {};
  return symInfo(Array.from({ length: n }, (_, i) => (at(c, i) ? at(a, i) : at(b, i))));
}

/** Axes from attribute (older opsets) or from the second input (newer ones). */
export function axesOf(node: NodeProto, get: Lookup, inputIndex = 1): number[] | undefined | null {
  const a = attrInts(node, 'axes');
  if (a) return a;
  const name = inputAt(node, inputIndex);
  if (!name) return undefined;
  return get(name)?.value ?? null; // null: given but not known statically
}

