// Gradient rules for reductions and the global pools (reductions over the spatial axes).
// One backward: put the reduced axes back, expand to x's shape, then apply the op's own
// local derivative. Axes known statically or, with keepdims = 1, computed at run time.
import type { Emitter } from './emit';
import type { Grads, RuleArgs } from './rule-types';
import { attrInt, attrInts } from './node-attrs';
import { axesOf, norm } from './dims';

/** Which axes a reduction covers: a static list ([] with `all`), or a run-time axes tensor. */
interface Axes { list: number[]; all: boolean; tensor?: string; keep: boolean; noop: number }

const axesAsInput = (op: string, opset: number) => (op === 'ReduceSum' ? opset >= 13 : opset >= 18);

/** The same reduction pattern as the forward node, with keepdims = 1 (for counts and products). */
function reduceLike(e: Emitter, op: string, t: string, ax: Axes): string {
  if (ax.all && ax.noop) return t;
  if (ax.tensor) return e.op(op, [t, ax.tensor], { keepdims: 1, noop_with_empty_axes: ax.noop });
  if (axesAsInput(op, e.opset)) return e.op(op, ax.all ? [t] : [t, e.ints(ax.list)], { keepdims: 1 });
  return e.op(op, [t], { keepdims: 1, ...(ax.all ? {} : { axes: ax.list }) });
}

/** dL/dx for y = reduce(x) given the cotangent G of y. */
function reduceBackward(e: Emitter, op: string, x: string, y: string, G: string, ax: Axes): string {
  const r = e.rank(x);
  // back to x's rank: keepdims and reduce-all results broadcast as they are, others get their axes back
  const back = (t: string) => (ax.keep || ax.all ? t : e.unsqueeze(t, ax.list.map((a) => norm(a, r)).sort((p, q) => p - q)));
  const noop = ax.all && ax.noop;
  const dx = noop ? G : e.op('Expand', [back(G), e.shape(x)]);
  const yb = noop ? y : back(y);
  const zero = e.scalar(0, x);
  const mul = (t: string) => e.op('Mul', [dx, t]);
  switch (op) {
    case 'ReduceSum': return dx;
    case 'ReduceMean': case 'GlobalAveragePool': {
      const count = e.op('Cast', [e.op('Div', [e.op('Size', [x]), e.op('Size', [y])])], { to: e.dtype(x) });
      return e.op('Div', [dx, count]);
    }
    case 'ReduceSumSquare': return mul(e.op('Mul', [x, e.scalar(2, x)]));
    case 'ReduceL1': return mul(e.op('Sign', [x]));
    case 'ReduceL2': // 0 where the norm is 0, as torch's norm backward
      return e.op('Where', [e.op('Equal', [yb, zero]), zero, mul(e.op('Div', [x, yb]))]);
    case 'ReduceLogSum': return mul(e.op('Exp', [e.op('Neg', [yb])]));
    case 'ReduceLogSumExp': return mul(e.op('Exp', [e.op('Sub', [x, yb])]));
    case 'ReduceProd': return mul(prodDerivative(e, x, yb, ax));
    default: { // ReduceMax, ReduceMin, GlobalMaxPool: split evenly on ties, as torch's amax/amin
      const hit = e.op('Equal', [x, yb]);
      const count = reduceLike(e, 'ReduceSum', e.op('Cast', [hit], { to: e.dtype(x) }), ax);
      return e.op('Where', [hit, e.op('Div', [dx, count]), zero]);
    }
  }
}

/**
 * The product of the other elements, zeros included (torch's prod backward): y / x where
 * the slice holds no zero, the product of the nonzero rest at a slice's only zero, else 0.
 */
function prodDerivative(e: Emitter, x: string, yb: string, ax: Axes): string {
  const one = e.scalar(1, x);
  const zero = e.scalar(0, x);
  const isZero = e.op('Equal', [x, zero]);
  const safe = e.op('Where', [isZero, one, x]);
  const zeros = reduceLike(e, 'ReduceSum', e.op('Cast', [isZero], { to: e.dtype(x) }), ax);
  const rest = reduceLike(e, 'ReduceProd', safe, ax);
  const single = e.op('And', [isZero, e.op('Equal', [zeros, one])]);
  return e.op('Where', [e.op('Equal', [zeros, zero]), e.op('Div', [yb, safe]), e.op('Where', [single, rest, zero])]);
}

export function reduceGrad({ node, g, x, y, e }: RuleArgs): Grads {
  const op = node.opType!;
  const fromInput = axesAsInput(op, e.opset);
  const axes = fromInput ? axesOf(node, (n) => e.info.get(n), 1) : attrInts(node, 'axes');
  const keep = attrInt(node, 'keepdims', 1) === 1;
  if (axes === null && !keep) throw new Error(`${op} with axes computed at run time and keepdims=0 is not supported`);
  const ax: Axes = {
    list: axes ?? [],
    all: axes !== null && (!axes || axes.length === 0),
    tensor: axes === null ? x[1] : undefined,
    keep,
    noop: fromInput ? attrInt(node, 'noop_with_empty_axes', 0) : 0,
  };
  return [reduceBackward(e, op, x[0], y[0], g[0]!, ax), null];
}

/** GlobalAveragePool and GlobalMaxPool: a mean or max over every spatial axis, kept. */
export function globalPoolGrad({ node, g, x, y, e }: RuleArgs): Grads {
  const list = [...Array(e.rank(x[0])).keys()].slice(2);
  return [reduceBackward(e, node.opType!, x[0], y[0], g[0]!, { list, all: false, keep: true, noop: 0 })];
}
