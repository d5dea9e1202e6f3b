// Gradient rules for piecewise activations (ReLU family, clamps, hard sigmoid/swish, dropout).
// Masks are Where, never a multiply: 0 * inf would give NaN.
import type { Grads, Rule, RuleArgs } from './rule-types';
import { attr } from './node-attrs';
import { unbroadcast } from './unbroadcast';

export const where = ({ e }: RuleArgs, cond: string, a: string, b: string) => e.op('Where', [cond, a, b]);
export const zero = (a: RuleArgs, like: string) => a.e.scalar(0, like);
const gt0 = (a: RuleArgs) => a.e.op('Greater', [a.x[0], zero(a, a.x[0])]);
const num = (a: RuleArgs, name: string, dflt: number) => Number(attr(a.node, name) ?? dflt);
/** A value in the element type of `like` (the op may allow them to differ, as Pow and Dropout do). */
export const asTypeOf = ({ e }: RuleArgs, v: string, like: string) =>
  e.dtype(v) === e.dtype(like) ? v : e.op('Cast', [v], { to: e.dtype(like) });

/** relu'(0) = 0, as in torch. */
const relu = (a: RuleArgs): Grads => [where(a, gt0(a), a.g[0]!, zero(a, a.g[0]!))];

/** Negative side g * slope; slope broadcasts into x, and the driver unbroadcasts its gradient. */
function prelu(a: RuleArgs): Grads {
  const { g, x, e, wants } = a;
  const pos = gt0(a);
  const dx = where(a, pos, g[0]!, e.op('Mul', [g[0]!, x[1]]));
  return [dx, wants(1) ? where(a, pos, zero(a, g[0]!), e.op('Mul', [g[0]!, x[0]])) : null];
}

/** Elu and Selu: on the negative side y + alpha (times gamma for Selu) is the derivative. */
function elu(a: RuleArgs, gamma: number, alpha: number): Grads {
  const { g, y, e } = a;
  const G = g[0]!;
  const neg = e.op('Mul', [G, e.op('Add', [y[0], e.scalar(gamma * alpha, y[0])])]);
  return [where(a, gt0(a), gamma === 1 ? G : e.op('Mul', [G, e.scalar(gamma, G)]), neg)];
}

/**
 * Clip passes x's gradient on the closed interval [min, max], as torch.clamp does. The bound
 * that is in force gets it instead: min where x < min <= max, max where max(x, min) > max.
 */
function clip(a: RuleArgs): Grads {
  const { x, e, g, wants } = a;
  const [lo, hi] = [x[1] || '', x[2] || ''];
  const G = g[0]!;
  const z = zero(a, G);
  const masks = [lo && e.op('GreaterOrEqual', [x[0], lo]), hi && e.op('LessOrEqual', [x[0], hi])].filter(Boolean);
  const inside = masks.length === 2 ? e.op('And', masks) : masks[0];
  const dx = inside ? where(a, inside, G, z) : G;
  let dlo: string | null = null;
  let dhi: string | null = null;
  if (lo && wants(1)) {
    const below = e.op('Less', [x[0], lo]);
    const binds = hi ? e.op('And', [below, e.op('LessOrEqual', [lo, hi])]) : below;
    dlo = unbroadcast(e, where(a, binds, G, z), lo);
  }
  if (hi && wants(2)) dhi = unbroadcast(e, where(a, e.op('Greater', [lo ? e.op('Max', [x[0], lo]) : x[0], hi]), G, z), hi);
  return [dx, dlo, dhi];
}

/** Open interval (0, 1) of alpha * x + beta, read off the output (torch's hardsigmoid convention). */
function hardSigmoid(a: RuleArgs): Grads {
  const { g, y, e } = a;
  const inside = e.op('And', [e.op('Greater', [y[0], zero(a, y[0])]), e.op('Less', [y[0], e.scalar(1, y[0])])]);
  return [where(a, inside, e.op('Mul', [g[0]!, e.scalar(num(a, 'alpha', 0.2), g[0]!)]), zero(a, g[0]!))];
}

/** x * relu6(x + 3) / 6: 0 below -3, x / 3 + 1/2 on [-3, 3], 1 above (torch's hardswish). */
function hardSwish(a: RuleArgs): Grads {
  const { g, x, e } = a;
  const G = g[0]!;
  const ramp = e.op('Mul', [G, e.op('Add', [e.op('Div', [x[0], e.scalar(3, x[0])]), e.scalar(0.5, x[0])])]);
  const upper = where(a, e.op('LessOrEqual', [x[0], e.scalar(3, x[0])]), ramp, G);
  return [where(a, e.op('Less', [x[0], e.scalar(-3, x[0])]), zero(a, G), upper)];
}

/**
 * Inference mode (no training_mode input, or a constant false) is the identity. Training mode
 * uses the forward node's own mask (asked for as its second output), so the gradient drops the
 * same elements the forward run did, and scales by 1 / (1 - ratio) as the forward does. The
 * ratio itself gets no gradient: the mask is random in it.
 */
function dropout(a: RuleArgs): Grads {
  const { node, g, x, e, wants } = a;
  if (wants(1)) throw new Error('no gradient flows to Dropout\'s ratio');
  const training = x[2] ? e.value(x[2]) : [0];
  if (training && !training[0]) return [g[0], null, null];
  const outs = [...(node.output ?? [])];
  if (!outs[1]) {
    outs[1] = e.fresh('dropout_mask');
    e.info.set(outs[1], { dtype: 9, dims: e.dims(x[0]) });
    node.output = outs;
  }
  const G = g[0]!;
  const one = e.scalar(1, G);
  let scale = e.op('Div', [one, e.op('Sub', [one, x[1] ? asTypeOf(a, x[1], G) : e.scalar(0.5, G)])]);
  if (!training) scale = where(a, x[2], scale, one);
  return [e.op('Mul', [where(a, outs[1], G, zero(a, G)), scale]), null, null];
}

export const activationRules: Record<string, Rule> = {
  Relu: { grad: relu },
  LeakyRelu: {
    grad: (a: RuleArgs) => [where(a, gt0(a), a.g[0]!, a.e.op('Mul', [a.g[0]!, a.e.scalar(num(a, 'alpha', 0.01), a.g[0]!)]))],
  },
  PRelu: { broadcast: true, grad: prelu },
  Elu: { grad: (a: RuleArgs) => elu(a, 1, num(a, 'alpha', 1)) },
  Selu: { grad: (a: RuleArgs) => elu(a, num(a, 'gamma', 1.05070102214813232421875), num(a, 'alpha', 1.67326319217681884765625)) },
  Softplus: { grad: (a: RuleArgs) => [a.e.op('Mul', [a.g[0]!, a.e.op('Sigmoid', [a.x[0]])])] },
  HardSigmoid: { grad: hardSigmoid },
  HardSwish: { grad: hardSwish },
  Abs: {
    // sign(0) = 0, as in torch
    grad: (a: RuleArgs) => {
      const neg = a.e.op('Less', [a.x[0], zero(a, a.x[0])]);
      return [where(a, gt0(a), a.g[0]!, where(a, neg, a.e.op('Neg', [a.g[0]!]), zero(a, a.g[0]!)))];
    },
  },
  Clip: { grad: clip },
  Dropout: { grad: dropout },
};
