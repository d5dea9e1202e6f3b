// Gradient rules for data movement and reductions. Sizes come from Shape ops at run time,
// so dynamic axes (batch, resolution) keep working.
import type { Grads, RuleArgs } from './rule-types';
import { attrInt, attrInts, attrStr, inputAt } from './node-attrs';
import { axesOf } from './dims';

const norm = (a: number, r: number) => (a < 0 ? a + r : a);

export function concatGrad({ node, g, x, e }: RuleArgs): Grads {
  const axis = attrInt(node, 'axis', 0);
  if (x.length === 1) return [g[0]];
  const sizes = e.op('Concat', x.map((xi) => e.dim(xi, axis)), { axis: 0 });
  return e.opN('Split', [g[0]!, sizes], x.length, { axis });
}

export function splitGrad({ node, g, y, e }: RuleArgs): Grads {
  const parts = y.map((yi, i) => g[i] ?? e.zerosLike(yi));
  return [parts.length === 1 ? parts[0] : e.op('Concat', parts, { axis: attrInt(node, 'axis', 0) }), null];
}

/** Unit steps: pad the cotangent back with zeros. Other steps: scatter into zeros. */
export function sliceGrad({ node, g, x, e }: RuleArgs): Grads {
  const r = e.rank(x[0]);
  const nStarts = e.dims(x[1])?.[0];
  const axes = inputAt(node, 3) ? e.value(x[3]) : typeof nStarts === 'number' ? [...Array(nStarts).keys()] : undefined;
  const steps = inputAt(node, 4) ? e.value(x[4]) : axes?.map(() => 1);
  if (!axes || !steps || steps.some((s) => s !== 1)) return [scatterSliceGrad({ node, g, x, e } as RuleArgs), null, null, null, null];
  const ax = axes.map((a) => norm(a, r));
  const n = e.op('Gather', [e.shape(x[0]), e.ints(ax)]);
  const zero = e.ints([0]);
  const clampIdx = (v: string) => {
    const pos = e.op('Where', [e.op('Less', [v, zero]), e.op('Add', [v, n]), v]);
    return e.op('Min', [e.op('Max', [pos, zero]), n]);
  };
  const i64 = (v: string) => (e.dtype(v) === 7 ? v : e.op('Cast', [v], { to: 7 }));
  const start = clampIdx(i64(x[1]));
  const end = e.op('Max', [clampIdx(i64(x[2])), start]);
  const after = e.op('Sub', [n, end]);
  const pick = (v: string, d: number) => {
    const i = ax.indexOf(d);
    return i < 0 ? zero : e.op('Gather', [v, e.ints([i])]);
  };
  const dims = [...Array(r).keys()];
  const pads = e.op('Concat', [...dims.map((d) => pick(start, d)), ...dims.map((d) => pick(after, d))], { axis: 0 });
  return [e.op('Pad', [g[0]!, pads]), null, null, null, null];
}

function scatterSliceGrad({ g, x, e }: RuleArgs): string {
  const size = e.op('Size', [x[0]]);
  const flatIdx = e.op('Range', [e.scalar(0, size), size, e.scalar(1, size)]);
  const idx = e.op('Slice', [e.reshapeLike(flatIdx, x[0]), ...x.slice(1).filter(Boolean)]);
  const zeros = e.op('Expand', [e.scalar(0, g[0]!), e.op('Reshape', [size, e.ints([1])])]);
  const flatG = e.op('Reshape', [g[0]!, e.ints([-1])]);
  const hit = e.op('ScatterElements', [zeros, e.op('Reshape', [idx, e.ints([-1])]), flatG], { axis: 0 });
  return e.reshapeLike(hit, x[0]);
}

/** Constant padding only: the gradient is the slice of the cotangent the input landed in. */
export function padGrad({ node, g, x, e }: RuleArgs): Grads {
  if (attrStr(node, 'mode', 'constant') !== 'constant') throw new Error(`Pad mode "${attrStr(node, 'mode', '')}" is not supported`);
  const pv = e.value(x[1]);
  if (pv?.some((p) => p < 0)) throw new Error('Pad with negative pads is not supported');
  const r = e.rank(x[0]);
  const axes = inputAt(node, 3) ? e.value(x[3]) : [...Array(r).keys()];
  if (!axes) throw new Error('Pad axes must be constant');
  const begin = e.op('Slice', [x[1], e.ints([0]), e.ints([axes.length])]);
  const sizes = e.op('Gather', [e.shape(x[0]), e.ints(axes.map((a) => norm(a, r)))]);
  return [e.op('Slice', [g[0]!, begin, e.op('Add', [begin, sizes]), e.ints(axes)]), null, null, null];
}

/** Scatter-add through a one-hot matrix: g[P, I, Q] contracted with onehot[I, D] gives dx[P, D, Q]. */
export function gatherGrad({ node, g, x, e }: RuleArgs): Grads {
  const r = e.rank(x[0]);
  const axis = norm(attrInt(node, 'axis', 0), r);
  const d = e.dim(x[0], axis);
  const idx = e.op('Reshape', [x[1], e.ints([-1, 1])]);
  const d64 = e.op('Cast', [d], { to: 7 });
  const idx64 = e.op('Cast', [idx], { to: 7 });
  const wrapped = e.op('Where', [e.op('Less', [idx64, e.ints([0])]), e.op('Add', [idx64, d64]), idx64]);
  const classes = e.op('Range', [e.scalar(0, wrapped), e.op('Squeeze', [d64, e.ints([0])]), e.scalar(1, wrapped)]);
  const onehot = e.op('Cast', [e.op('Equal', [wrapped, classes])], { to: e.dtype(x[0]) }); // [I, D]
  const shape = e.shape(x[0]);
  const outer = (s: number, t: number) => (s === t ? e.ints([1]) : e.op('ReduceProd', [e.op('Slice', [shape, e.ints([s]), e.ints([t])])], { keepdims: 1 }));
  const g3 = e.op('Reshape', [g[0]!, e.op('Concat', [outer(0, axis), e.ints([-1]), outer(axis + 1, r)], { axis: 0 })]);
  const dx = e.op('MatMul', [e.op('Transpose', [onehot], { perm: [1, 0] }), g3]);
  return [e.reshapeLike(dx, x[0]), null];
}

/** Sum, mean, sum of squares, max and min: put the reduced axes back and expand. */
export function reduceGrad({ node, g, x, y, e }: RuleArgs): Grads {
  const op = node.opType!;
  const axesFromInput = op === 'ReduceSum' ? e.opset >= 13 : e.opset >= 18;
  const axes = axesFromInput ? axesOf(node, (n) => e.info.get(n), 1) : attrInts(node, 'axes');
  if (axes === null) throw new Error(`${op} with axes computed at run time is not supported`);
  const keep = attrInt(node, 'keepdims', 1) === 1;
  const all = !axes || axes.length === 0;
  const twoX = () => e.op('Mul', [x[0], e.scalar(2, x[0])]);
  if (all && axesFromInput && attrInt(node, 'noop_with_empty_axes', 0)) {
    if (op === 'ReduceMax' || op === 'ReduceMin') return [g[0], null];
    return [op === 'ReduceSumSquare' ? e.op('Mul', [g[0]!, twoX()]) : g[0], null];
  }
  // back to x's rank: reduce-all results broadcast as they are, others get their axes back
  const back = (t: string) => (!keep && !all ? e.unsqueeze(t, axes!.map((a) => norm(a, e.rank(x[0]))).sort((p, q) => p - q)) : t);
  let dx = e.op('Expand', [back(g[0]!), e.shape(x[0])]);
  if (op === 'ReduceMean') {
    const count = e.op('Cast', [e.op('Div', [e.op('Size', [x[0]]), e.op('Size', [y[0]])])], { to: e.dtype(x[0]) });
    dx = e.op('Div', [dx, count]);
  }
  if (op === 'ReduceSumSquare') dx = e.op('Mul', [dx, twoX()]);
  if (op === 'ReduceMax' || op === 'ReduceMin') {
    // to the elements equal to the extremum, split evenly on ties (as torch's amax/amin)
    const hit = e.op('Equal', [x[0], back(y[0])]);
    const ones = e.op('Cast', [hit], { to: e.dtype(x[0]) });
    const reduceAxes = all ? [...Array(e.rank(x[0])).keys()] : axes!;
    const count = e.op('ReduceSum', [ones, e.ints(reduceAxes)], { keepdims: 1 });
    dx = e.op('Where', [hit, e.op('Div', [dx, count]), e.scalar(0, x[0])]);
  }
  return [dx, null];
}

/** Tile: view the cotangent as [r0, d0, r1, d1, ...] and sum over the repeats. */
export function tileGrad({ g, x, e }: RuleArgs): Grads {
  const r = e.rank(x[0]);
  const parts = [...Array(r).keys()].flatMap((i) => [e.op('Gather', [x[1], e.ints([i])]), e.dim(x[0], i)]);
  const blocks = e.op('Reshape', [g[0]!, e.op('Concat', parts, { axis: 0 })]);
  return [e.sum(blocks, [...Array(r).keys()].map((i) => 2 * i), false), null];
}
