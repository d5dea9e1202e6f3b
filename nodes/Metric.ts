import { defineNode } from '../runtime/node-api/node';
import type { ImageValue, ScoreValue } from '../runtime/values/types';
import { METRICS } from '../runtime/metrics';
import { requireService } from '../runtime/node-api/services';
import type { RunContext } from '../runtime/node-api/node';

/** The LAION aesthetic predictor runs the user's CLIP + MLP models, not a graph of ours. */
const AESTHETIC = 'aesthetic';
const metricsOf = (ctx: RunContext) => requireService(ctx.services, 'metrics');
const predictorOf = (ctx: RunContext, folder: string) =>
  metricsOf(ctx).aesthetic({ readBytes: requireService(ctx.services, 'readBytes') }, folder);

function spec(name: string) {
  const s = METRICS[name];
  if (!s) throw new Error(`unknown metric "${name}"`);
  return s;
}

function imageOf(value: unknown): ImageValue {
  const image = value as ImageValue | undefined;
  if (!image || image.tensor.dims.length !== 4 || image.tensor.dims[1] !== 3) {
    throw new Error(`"image" must be images [batch, 3, H, W], got [${image?.tensor.dims.join(', ') ?? 'nothing'}]`);
  }
  return image;
}

/** One compiled graph per metric and image size (the graphs are static for the autodiff). */
const keyOf = (name: string, image: ImageValue) => `${name}:${image.tensor.dims[2]}x${image.tensor.dims[3]}`;
const builder = (name: string, image: ImageValue) => () => spec(name).build(image.tensor.dims[2], image.tensor.dims[3]);

export const Metric = defineNode({
  type: 'Metric',
  version: 1,
  category: 'Measure',
  doc:
    'Scores each image: sharpness (variance of the Laplacian), blurriness, colorfulness, brightness, or the LAION ' +
    'aesthetic predictor (your CLIP ViT-L/14 + MLP as ONNX). Differentiable.',
  inputs: {
    image: { type: 'Image', doc: 'Images in [-1, 1].' },
  },
  outputs: {
    score: { type: 'Score', doc: 'One score per image; says whether higher or lower is better.' },
  },
  params: {
    metric: { kind: 'enum', options: [...Object.keys(METRICS), AESTHETIC], default: 'sharpness', doc: 'What to measure (docs/methods.md#metric-optimization).' },
    predictor: {
      kind: 'string',
      default: '',
      doc: 'aesthetic only: folder (path or URL) with clip_vision/model.onnx and aesthetic_mlp/model.onnx.',
    },
  },
  async run(ctx, inputs, p) {
    const image = imageOf(inputs.image);
    if (p.metric === AESTHETIC) {
      const values = await (await predictorOf(ctx, p.predictor)).score(image.tensor);
      return { score: { kind: 'Score', values, name: AESTHETIC, goal: 'maximize' } satisfies ScoreValue };
    }
    const values = await metricsOf(ctx).measure(keyOf(p.metric, image), builder(p.metric, image), { image: image.tensor });
    const score: ScoreValue = { kind: 'Score', values, name: p.metric, goal: spec(p.metric).goal };
    return { score };
  },
  async vjp(ctx, inputs, p, _outputs, grads) {
    if (!grads.score) return {};
    const image = imageOf(inputs.image);
    if (p.metric === AESTHETIC) return { image: await (await predictorOf(ctx, p.predictor)).vjp(image.tensor, grads.score) };
    const g = await metricsOf(ctx).measureVjp(keyOf(p.metric, image), builder(p.metric, image), { image: image.tensor }, grads.score);
    return { image: g.image };
  },
});
