import { GraphBuilder } from '../onnx/index';
import { finish, reduceSum, scalar, type MeasureGraph } from './common';

/** Keeps the cosine finite for an all-zero input. */
const NORM_EPS = 1e-12;

/**
 * Compare measures take `a` [Ba, ...] and `b` [Bb, ...] of the same item shape; a batch of 1
 * on either side is compared with every item of the other (a target against 3 seeds).
 */
function pairInputs(g: GraphBuilder, item: readonly number[]): [string, string, number] {
  const a = g.input('a', 'float32', ['batch_a', ...item]);
  const b = g.input('b', 'float32', ['batch_b', ...item]);
  return [g.op('Flatten', [a], { axis: 1 }), g.op('Flatten', [b], { axis: 1 }), item.reduce((x, y) => x * y, 1)];
}

/** Cosine similarity of flattened items: the seed-invariant method's measure on latents. */
export function cosineGraph(item: readonly number[]): MeasureGraph {
  const g = new GraphBuilder({ name: 'cosine' });
  const [a, b, n] = pairInputs(g, item);
  const dot = reduceSum(g, g.op('Mul', [a, b]), [1], false, n);
  const na = g.op('Sqrt', [reduceSum(g, g.op('Mul', [a, a]), [1], false, n)]);
  const nb = g.op('Sqrt', [reduceSum(g, g.op('Mul', [b, b]), [1], false, n)]);
  const cos = g.op('Div', [dot, g.op('Add', [g.op('Mul', [na, nb]), scalar(g, NORM_EPS)])]);
  return finish(g, cos, ['a', 'b']);
}

/** Mean squared difference per item. */
export function mseGraph(item: readonly number[]): MeasureGraph {
  const g = new GraphBuilder({ name: 'mse' });
  const [a, b] = pairInputs(g, item);
  const d = g.op('Sub', [a, b]);
  const mse = g.op('ReduceMean', [g.op('Mul', [d, d])], { axes: [1], keepdims: 0 });
  return finish(g, mse, ['a', 'b']);
}
