// Gradient rules for indexed reads and writes (GatherElements, ScatterElements, ScatterND),
// running sums (CumSum) and float Range.
import type { Emitter } from './emit';
import type { Grads, RuleArgs } from './rule-types';
import { attrInt, attrStr } from './node-attrs';
import { norm } from './dims';

/**
 * dx = the cotangent scatter-added at the gathered positions. Opset 16 has ScatterElements
 * with reduction "add"; before it, a one-hot contraction along the axis (memory |idx| * dim).
 */
export function gatherElementsGrad({ node, g, x, e }: RuleArgs): Grads {
  const r = e.rank(x[0]);
  const axis = norm(attrInt(node, 'axis', 0), r);
  const G = g[0]!;
  if (e.opset >= 16) return [e.op('ScatterElements', [e.zerosLike(x[0]), x[1], G], { axis, reduction: 'add' }), null];
  return [oneHotScatter(e, x[0], x[1], G, axis, r), null];
}

function oneHotScatter(e: Emitter, x: string, idx: string, G: string, axis: number, r: number): string {
  const d = e.dim(x, axis);
  const i64 = e.dtype(idx) === 7 ? idx : e.op('Cast', [idx], { to: 7 });
  const wrapped = e.op('Where', [e.op('Less', [i64, e.ints([0])]), e.op('Add', [i64, d]), i64]);
  const toLast = [...Array(r).keys()].filter((i) => i !== axis).concat(axis);
  const classes = e.op('Range', [e.tensor([0], [], 7), e.op('Squeeze', [d, e.ints([0])]), e.tensor([1], [], 7)]);
  const hot = e.op('Equal', [e.unsqueeze(e.transpose(wrapped, toLast), [r]), classes]); // [..., I, D]
  const spread = e.op('MatMul', [e.unsqueeze(e.transpose(G, toLast), [r - 1]), e.op('Cast', [hot], { to: e.dtype(G) })]);
  const part = e.transpose(e.op('Squeeze', [spread, e.ints([r - 1])]), toLast.map((_, i) => toLast.indexOf(i)));
  // indices may be shorter than x along the other axes: pad with zeros at the end
  const short = e.op('Sub', [e.shape(x), e.shape(part)]);
  return e.op('Pad', [part, e.op('Concat', [e.ints(Array(r).fill(0)), short], { axis: 0 })]);
}

/** Only plain writes ("none") and "add": the others multiply or select by the data itself. */
function scatterReduction(op: string, node: RuleArgs['node']): string {
  const red = attrStr(node, 'reduction', 'none');
  if (red !== 'none' && red !== 'add') throw new Error(`${op} reduction "${red}" is not supported`);
  return red;
}

/** Written positions take their gradient from the updates; data keeps it elsewhere (all of it for "add"). */
export function scatterElementsGrad({ node, g, x, e, wants }: RuleArgs): Grads {
  const red = scatterReduction('ScatterElements', node);
  const axis = attrInt(node, 'axis', 0);
  const G = g[0]!;
  const dd = wants(0) ? (red === 'add' ? G : e.op('ScatterElements', [G, x[1], e.zerosLike(x[2])], { axis })) : null;
  return [dd, null, wants(2) ? e.op('GatherElements', [G, x[1]], { axis }) : null];
}

export function scatterNdGrad({ node, g, x, e, wants }: RuleArgs): Grads {
  const red = scatterReduction('ScatterND', node);
  const G = g[0]!;
  const dd = wants(0) ? (red === 'add' ? G : e.op('ScatterND', [G, x[1], e.zerosLike(x[2])])) : null;
  return [dd, null, wants(2) ? e.op('GatherND', [G, x[1]]) : null];
}

/** The adjoint of a running sum runs the other way (exclusive stays exclusive). */
export function cumSumGrad({ node, g, x, e }: RuleArgs): Grads {
  const attrs = { exclusive: attrInt(node, 'exclusive', 0), reverse: 1 - attrInt(node, 'reverse', 0) };
  return [e.op('CumSum', [g[0]!, x[1]], attrs), null];
}

/**
 * Range(start, limit, delta)[i] = start + i * delta: start gets the sum, delta the index-
 * weighted sum; limit only sets the length (a step function), so its gradient is 0.
 */
export function rangeGrad({ g, x, e, wants }: RuleArgs): Grads {
  const G = g[0]!;
  const total = (t: string) => e.op('ReduceSum', [t], { keepdims: 0 });
  const n = e.op('Size', [G]);
  const idx = () => e.op('Cast', [e.op('Range', [e.tensor([0], [], 7), n, e.tensor([1], [], 7)])], { to: e.dtype(G) });
  return [
    wants(0) ? total(G) : null,
    wants(1) ? e.scalar(0, x[1]) : null,
    wants(2) ? total(e.op('Mul', [G, idx()])) : null,
  ];
}
