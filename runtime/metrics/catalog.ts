import { brightnessGraph } from './brightness';
import { colorfulnessGraph } from './colorfulness';
import type { MeasureGraph } from './common';
import { cosineGraph, mseGraph } from './compare';
import { laplacianVarianceGraph } from './sharpness';

export type Goal = 'maximize' | 'minimize';

/** An image metric: how to build its graph, which way is better, the paper's loss scale. */
export interface MetricSpec {
  name: string;
  goal: Goal;
  lossScale: number;
  doc: string;
  build(h: number, w: number): MeasureGraph;
}

export const METRICS: Record<string, MetricSpec> = {
  sharpness: {
    name: 'sharpness', goal: 'maximize', lossScale: 10, build: laplacianVarianceGraph,
    doc: 'Variance of the Laplacian of the gray image (docs/methods.md#metric-optimization).',
  },
  blurriness: {
    name: 'blurriness', goal: 'minimize', lossScale: 10, build: laplacianVarianceGraph,
    doc: 'The sharpness quantity, to be minimized: lower means blurrier.',
  },
  colorfulness: {
    name: 'colorfulness', goal: 'maximize', lossScale: 1, build: colorfulnessGraph,
    doc: 'Hasler-Suesstrunk colorfulness on 0..255 RGB.',
  },
  brightness: {
    name: 'brightness', goal: 'maximize', lossScale: 1, build: brightnessGraph,
    doc: 'Mean gray level in [0, 1].',
  },
};

/** A Compare measure over latents or images of one item shape. */
export interface MeasureSpec {
  name: string;
  goal: Goal;
  doc: string;
  build(item: readonly number[]): MeasureGraph;
}

export const MEASURES: Record<string, MeasureSpec> = {
  'cosine': { name: 'cosine', goal: 'maximize', build: cosineGraph, doc: 'Cosine similarity of the flattened items (the paper\'s latent cosine).' },
  'mse': { name: 'mse', goal: 'minimize', build: mseGraph, doc: 'Mean squared difference (pixel MSE on images).' },
};
