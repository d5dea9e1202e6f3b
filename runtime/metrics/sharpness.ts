import { GraphBuilder } from '../onnx/index';
import { finish, grayUnit, imageInput, reduceSum, scalar, type MeasureGraph } from './common';

/** The 3x3 Laplacian of docs/methods.md#metric-optimization (8-neighbour, centre -8). */
export const LAPLACIAN = [1, 1, 1, 1, -8, 1, 1, 1, 1] as const;

/**
 * Sharpness (docs/methods.md#metric-optimization): gray image, Laplacian without padding, variance of the
 * response per image. Unbiased variance (N-1), as `torch.var` computes it by default.
 * Blurriness is the same quantity, minimized.
 */
export function laplacianVarianceGraph(h: number, w: number): MeasureGraph {
  if (h < 3 || w < 3) throw new Error(`sharpness needs images of at least 3x3 pixels, got ${w}x${h}`);
  const g = new GraphBuilder({ name: 'laplacian_variance' });
  const image = imageInput(g, h, w);
  const kernel = g.initializer('laplacian', new Float32Array(LAPLACIAN), [1, 1, 3, 3]);
  const lap = g.op('Conv', [grayUnit(g, image), kernel]);
  const mean = g.op('ReduceMean', [lap], { axes: [1, 2, 3], keepdims: 1 });
  const d = g.op('Sub', [lap, mean]);
  const n = (h - 2) * (w - 2);
  const variance = g.op('Mul', [reduceSum(g, g.op('Mul', [d, d]), [1, 2, 3], false, n), scalar(g, 1 / (n - 1))]);
  return finish(g, variance, [image]);
}
