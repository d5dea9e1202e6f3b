// Gradient rules for LayerNormalization, InstanceNormalization and GroupNormalization.
// All share one backward: normalization over a set of axes, recomputed from x.
import type { Emitter } from './emit';
import type { Grads, RuleArgs } from './rule-types';
import { attr, attrInt } from './node-attrs';
import { unbroadcast } from './unbroadcast';

const epsOf = (a: RuleArgs, dflt: number) => Number(attr(a.node, 'epsilon') ?? dflt);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * xhat = (x - mean) / sqrt(var + eps) over `axes`; given gh = dL/dxhat,
 * dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat)).
 */
function normBackward(e: Emitter, x: string, gh: string, axes: number[], eps: number): { dx: string; xhat: string } {
  const xc = e.op('Sub', [x, e.mean(x, axes)]);
  const variance = e.mean(e.op('Mul', [xc, xc]), axes);
  const rstd = e.op('Div', [e.scalar(1, x), e.op('Sqrt', [e.op('Add', [variance, e.scalar(eps, x)])])]);
  const xhat = e.op('Mul', [xc, rstd]);
  const inner = e.op('Sub', [e.op('Sub', [gh, e.mean(gh, axes)]), e.op('Mul', [xhat, e.mean(e.op('Mul', [gh, xhat]), axes)])]);
  return { dx: e.op('Mul', [rstd, inner]), xhat };
}

export function layerNormGrad(a: RuleArgs): Grads {
  const { node, g, x, e, wants } = a;
  if (g[1] || g[2]) throw new Error('gradients through LayerNormalization Mean/InvStdDev outputs are not supported');
  const r = e.rank(x[0]);
  const axis = attrInt(node, 'axis', -1);
  const axes = range(axis < 0 ? axis + r : axis, r);
  const G = g[0]!;
  const { dx, xhat } = normBackward(e, x[0], e.op('Mul', [G, x[1]]), axes, epsOf(a, 1e-5));
  const ds = wants(1) ? unbroadcast(e, e.op('Mul', [G, xhat]), x[1]) : null;
  const db = x[2] && wants(2) ? unbroadcast(e, G, x[2]) : null;
  return [dx, ds, db];
}

export function instanceNormGrad(a: RuleArgs): Grads {
  const { g, x, e, wants } = a;
  const r = e.rank(x[0]);
  const perChannel = (t: string) => e.op('Reshape', [t, e.ints([-1, ...Array(r - 2).fill(1)])]);
  const G = g[0]!;
  const { dx, xhat } = normBackward(e, x[0], e.op('Mul', [G, perChannel(x[1])]), range(2, r), epsOf(a, 1e-5));
  const outer = [0, ...range(2, r)];
  const ds = wants(1) ? e.sum(e.op('Mul', [G, xhat]), outer, false) : null;
  const db = wants(2) ? e.sum(G, outer, false) : null;
  return [dx, ds, db];
}

/** Opset 18-20 scale/bias hold one value per group; opset 21 changed them to one per channel. */
export function groupNormGrad(a: RuleArgs): Grads {
  const { node, g, x, e, wants } = a;
  const r = e.rank(x[0]);
  const groups = attrInt(node, 'num_groups', 1);
  const perChannel = e.opset >= 21;
  const G = g[0]!;
  const grouped = (t: string) => e.op('Reshape', [t, e.op('Concat', [e.dim(x[0], 0), e.ints([groups, -1])], { axis: 0 })]);
  const col = (t: string, k: number) => e.op('Reshape', [t, e.ints([-1, ...Array(k).fill(1)])]);
  const gh = perChannel ? grouped(e.op('Mul', [G, col(x[1], r - 2)])) : e.op('Mul', [grouped(G), col(x[1], 1)]);
  const { dx, xhat } = normBackward(e, grouped(x[0]), gh, [2], epsOf(a, 1e-5));
  const dxOut = e.reshapeLike(dx, x[0]);
  let ds: string | null = null;
  let db: string | null = null;
  if (perChannel) {
    const outer = [0, ...range(2, r)];
    if (wants(1)) ds = e.sum(e.op('Mul', [G, e.reshapeLike(xhat, x[0])]), outer, false);
    if (wants(2)) db = e.sum(G, outer, false);
  } else {
    if (wants(1)) ds = e.sum(e.op('Mul', [grouped(G), xhat]), [0, 2], false);
    if (wants(2)) db = e.sum(grouped(G), [0, 2], false);
  }
  return [dxOut, ds, db];
}
