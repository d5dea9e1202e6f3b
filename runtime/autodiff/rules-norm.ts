// Gradient rules for LayerNormalization, InstanceNormalization and GroupNormalization.
// All share one backward: normalization over a set of axes, recomputed from x.
import type { Emitter } from './emit';
import type { Grads, RuleArgs } from './rule-types';
import { attr, attrInt } from './node-attrs';
import { unbroadcast } from './unbroadcast';

const epsOf = (a: RuleArgs, dflt: number) => Number(attr(a.node, 'epsilon') ?? dflt);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Given xhat and rstd over `axes` and gh = dL/dxhat:
 * dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat)).
 */
function projectBack(e: Emitter, gh: string, xhat: string, rstd: string, axes: number[]): string {
  const inner = e.op('Sub', [e.op('Sub', [gh, e.mean(gh, axes)]), e.op('Mul', [xhat, e.mean(e.op('Mul', [gh, xhat]), axes)])]);
  return e.op('Mul', [inner, rstd]);
}

/** 1 / sqrt(var + eps) of x over `axes`, recomputed, and x - mean. */
function stats(e: Emitter, x: string, axes: number[], eps: number): { xc: string; rstd: string } {
  const xc = e.op('Sub', [x, e.mean(x, axes)]);
  const variance = e.mean(e.op('Mul', [xc, xc]), axes);
  const rstd = e.op('Pow', [e.op('Add', [variance, e.scalar(eps, x)]), e.scalar(-0.5, x)]);
  return { xc, rstd };
}

/** xhat = (x - mean) / sqrt(var + eps) over `axes`, recomputed from x, and dx. */
function normBackward(e: Emitter, x: string, gh: string, axes: number[], eps: number): { dx: string; xhat: string } {
  const { xc, rstd } = stats(e, x, axes, eps);
  const xhat = e.op('Mul', [xc, rstd]);
  return { dx: projectBack(e, gh, xhat, rstd, axes), xhat };
}

const allEqual = (v: number[] | undefined, to: number) => !!v && v.length > 0 && v.every((q) => q === to);

/**
 * LayerNormalization in float32 already computes Mean and InvStdDev (its optional outputs):
 * the forward node is asked for them instead of recomputing the statistics.
 */
function layerNormStats(a: RuleArgs, axes: number[]): { mean: string; rstd: string } | null {
  const { node, x, y, e } = a;
  if (e.dtype(x[0]) !== 1 || attrInt(node, 'stash_type', 1) !== 1) return null;
  const xd = e.dims(x[0]);
  const outs = [...(node.output ?? [])];
  const dims = xd ? xd.map((d, i) => (axes.includes(i) ? 1 : d)) : null;
  for (const k of [1, 2]) {
    if (outs[k]) continue;
    outs[k] = e.fresh(k === 1 ? 'ln_mean' : 'ln_invstd');
    e.info.set(outs[k], { dtype: 1, dims });
  }
  node.output = outs;
  return { mean: outs[1], rstd: outs[2] };
}

export function layerNormGrad(a: RuleArgs): Grads {
  const { node, g, x, e, wants } = a;
  if (g[1] || g[2]) throw new Error('gradients through LayerNormalization Mean/InvStdDev outputs are not supported');
  const r = e.rank(x[0]);
  const axis = attrInt(node, 'axis', -1);
  const axes = range(axis < 0 ? axis + r : axis, r);
  const G = g[0]!;
  const gh = allEqual(e.value(x[1]), 1) ? G : e.op('Mul', [G, x[1]]);
  const st = layerNormStats(a, axes);
  let dx: string;
  let xhat: string;
  if (st) {
    xhat = e.op('Mul', [e.op('Sub', [x[0], st.mean]), st.rstd]);
    dx = projectBack(e, gh, xhat, st.rstd, axes);
  } else ({ dx, xhat } = normBackward(e, x[0], gh, axes, epsOf(a, 1e-5)));
  const ds = wants(1) ? unbroadcast(e, e.op('Mul', [G, xhat]), x[1]) : null;
  const db = x[2] && wants(2) ? unbroadcast(e, G, x[2]) : null;
  return [dx, ds, db];
}

export function instanceNormGrad(a: RuleArgs): Grads {
  const { g, x, y, e, wants } = a;
  const r = e.rank(x[0]);
  const perChannel = (t: string) => e.op('Reshape', [t, e.ints([-1, ...Array(r - 2).fill(1)])]);
  const G = g[0]!;
  const axes = range(2, r);
  const unitScale = allEqual(e.value(x[1]), 1);
  const gh = unitScale ? G : e.op('Mul', [G, perChannel(x[1])]);
  let dx: string;
  let xhat: string;
  if (unitScale && allEqual(e.value(x[2]), 0)) {
    // scale 1, bias 0 (how torch exports GroupNorm): the forward output is xhat itself
    xhat = y[0];
    dx = projectBack(e, gh, xhat, stats(e, x[0], axes, epsOf(a, 1e-5)).rstd, axes);
  } else ({ dx, xhat } = normBackward(e, x[0], gh, axes, epsOf(a, 1e-5)));
  const outer = [0, ...axes];
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

/**
 * BatchNormalization in inference mode: y = (x - mean) * scale / sqrt(var + eps) + bias with
 * per-channel (axis 1) statistics that are inputs, so each of the five gets its gradient.
 * Statistics may have another float type than x (opset 15): math in x's type, cast back.
 */
export function batchNormGrad(a: RuleArgs): Grads {
  const { node, g, x, e, wants } = a;
  if (attrInt(node, 'training_mode', 0) || g.slice(1).some(Boolean)) {
    throw new Error('BatchNormalization in training mode is not supported');
  }
  const r = e.rank(x[0]);
  const T = e.dtype(x[0]);
  const as = (t: string, dt: number) => (e.dtype(t) === dt ? t : e.op('Cast', [t], { to: dt }));
  const [scale, , mean, variance] = [1, 2, 3, 4].map((k) => as(x[k], T));
  const col = (t: string) => (r > 2 ? e.op('Reshape', [t, e.ints([-1, ...Array(r - 2).fill(1)])]) : t);
  const G = g[0]!;
  const rstd = e.op('Pow', [e.op('Add', [variance, e.scalar(epsOf(a, 1e-5), variance)]), e.scalar(-0.5, variance)]);
  const gain = e.op('Mul', [scale, rstd]);
  const outer = [0, ...range(2, r)];
  const sumG = e.sum(G, outer, false);
  const sumGxc = wants(1) || wants(4) ? e.sum(e.op('Mul', [G, e.op('Sub', [x[0], col(mean)])]), outer, false) : '';
  const back = (k: number, t: () => string) => (wants(k) ? as(t(), e.dtype(x[k])) : null);
  return [
    wants(0) ? e.op('Mul', [G, col(gain)]) : null,
    back(1, () => e.op('Mul', [sumGxc, rstd])),
    back(2, () => sumG),
    back(3, () => e.op('Neg', [e.op('Mul', [sumG, gain])])),
    // d/dvar of (x - mean) * scale * (var + eps)^(-1/2) = -(x - mean) * scale * rstd^3 / 2
    back(4, () => e.op('Mul', [sumGxc, e.op('Mul', [gain, e.op('Mul', [e.op('Mul', [rstd, rstd]), e.scalar(-0.5, rstd)])])])),
  ];
}
