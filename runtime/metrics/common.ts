import { GraphBuilder } from '../onnx/index';

/** Luma weights of docs/methods.md#metric-optimization (ITU-R 601, as in PIL/OpenCV `to gray`). */
export const GRAY_WEIGHTS = [0.2989, 0.587, 0.114] as const;

/**
 * A measure as a small ONNX model: `image` (or `a`, `b`) in, `score` [B] out. Built per image
 * size so constants such as element counts are plain numbers, and so the autodiff sees a
 * fully static graph.
 */
export interface MeasureGraph {
  bytes: Uint8Array;
  inputs: string[];
  output: 'score';
}

export const SCORE = 'score';

/** A float scalar constant, broadcast by the ops that use it. */
export function scalar(g: GraphBuilder, v: number): string {
  return g.constant(new Float32Array([v]), []);
}

/** Images in [-1, 1] -> gray in [0, 1] (the range the paper measures in), [B, 1, H, W]. */
export function grayUnit(g: GraphBuilder, image: string): string {
  const unit = g.op('Add', [g.op('Mul', [image, scalar(g, 0.5)]), scalar(g, 0.5)]);
  const w = g.initializer('gray_weights', new Float32Array(GRAY_WEIGHTS), [1, 3, 1, 1]);
  return g.op('Conv', [unit, w]);
}

/**
 * Sum over `axes` of `count` elements, as ReduceMean (axes as an attribute) times the count:
 * graphs are built per size, and an attribute keeps the axes readable to every consumer
 * (ReduceSum takes them as a tensor input from opset 13 on).
 */
export function reduceSum(g: GraphBuilder, x: string, axes: number[], keepdims: boolean, count: number): string {
  return g.op('Mul', [g.op('ReduceMean', [x], { axes, keepdims: keepdims ? 1 : 0 }), scalar(g, count)]);
}

/** The image input every image measure shares: a batch of [3, h, w] images. */
export function imageInput(g: GraphBuilder, h: number, w: number): string {
  return g.input('image', 'float32', ['batch', 3, h, w]);
}

export function finish(g: GraphBuilder, score: string, inputs: string[]): MeasureGraph {
  g.output(score, 'float32', ['batch'], SCORE);
  return { bytes: g.toBytes(), inputs, output: SCORE };
}
