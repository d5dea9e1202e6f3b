import { GraphBuilder } from '../onnx/index';
import { finish, imageInput, reduceSum, scalar, type MeasureGraph } from './common';

/** Keeps sqrt differentiable where an image is gray (its gradient is infinite at 0). */
const SQRT_EPS = 1e-6;

/**
 * Colorfulness of Hasler & Suesstrunk (2003), as the popular OpenCV recipe computes it on
 * 0..255 RGB: rg = R - G, yb = (R + G)/2 - B, then
 * sqrt(std(rg)^2 + std(yb)^2) + 0.3 * sqrt(mean(rg)^2 + mean(yb)^2) (population std).
 */
export function colorfulnessGraph(h: number, w: number): MeasureGraph {
  const g = new GraphBuilder({ name: 'colorfulness' });
  const image = imageInput(g, h, w);
  // [-1, 1] -> [0, 255] is x*127.5 + 127.5; the offset cancels in both opponent channels.
  const s = 127.5;
  const wOpp = g.initializer('opponent', new Float32Array([s, -s, 0, s / 2, s / 2, -s]), [2, 3, 1, 1]);
  const opp = g.op('Conv', [image, wOpp]);
  const mean = g.op('ReduceMean', [opp], { axes: [2, 3], keepdims: 1 });
  const d = g.op('Sub', [opp, mean]);
  const variance = g.op('ReduceMean', [g.op('Mul', [d, d])], { axes: [2, 3], keepdims: 1 });
  const eps = scalar(g, SQRT_EPS);
  const stdRoot = g.op('Sqrt', [g.op('Add', [reduceSum(g, variance, [1, 2, 3], false, 2), eps])]);
  const meanRoot = g.op('Sqrt', [g.op('Add', [reduceSum(g, g.op('Mul', [mean, mean]), [1, 2, 3], false, 2), eps])]);
  const score = g.op('Add', [stdRoot, g.op('Mul', [meanRoot, scalar(g, 0.3)])]);
  return finish(g, score, [image]);
}
