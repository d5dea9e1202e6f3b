import { doc } from './test-nodes';

/**
 * The metric-optimization loop on the built-in model as a test document: a GradientStep
 * raising sharpness, its Generate differentiated through `gradientSteps` steps.
 */
export function sharpnessZone(o: { iterations: number; steps: number; gradientSteps: number }) {
  return doc(
    [
      ['model', 'Model', { source: 'builtin:tiny' }],
      ['prompt', 'TextEncode', { text: 'a red circle' }],
      ['optimize', 'GradientStep', { iterations: o.iterations, lossScale: 10000 }],
      ['generate', 'Generate', { seed: 7, steps: o.steps, gradientSteps: o.gradientSteps }],
      ['sharpness', 'Metric', { metric: 'sharpness' }],
    ],
    [
      ['model', 'model', 'prompt', 'model'],
      ['prompt', 'embedding', 'optimize', 'init'],
      ['model', 'model', 'generate', 'model'],
      ['optimize', 'current', 'generate', 'embedding'],
      ['generate', 'image', 'sharpness', 'image'],
      ['sharpness', 'score', 'optimize', 'loss'],
    ],
  );
}
