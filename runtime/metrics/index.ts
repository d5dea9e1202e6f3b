export { METRICS, MEASURES, type MetricSpec, type MeasureSpec, type Goal } from './catalog';
export { laplacianVarianceGraph, LAPLACIAN } from './sharpness';
export { colorfulnessGraph } from './colorfulness';
export { brightnessGraph } from './brightness';
export { cosineGraph, mseGraph } from './compare';
export { GRAY_WEIGHTS, type MeasureGraph } from './common';
export { MetricService, type Feeds } from './service';
