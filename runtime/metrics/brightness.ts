import { GraphBuilder } from '../onnx/index';
import { finish, grayUnit, imageInput, type MeasureGraph } from './common';

/** Mean gray level in [0, 1]. */
export function brightnessGraph(h: number, w: number): MeasureGraph {
  const g = new GraphBuilder({ name: 'brightness' });
  const image = imageInput(g, h, w);
  const score = g.op('ReduceMean', [grayUnit(g, image)], { axes: [1, 2, 3], keepdims: 0 });
  return finish(g, score, [image]);
}
