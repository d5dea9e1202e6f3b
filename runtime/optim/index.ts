export type { Optimizer, OptimizerName } from './types';
export { OPTIMIZER_NAMES } from './types';
export { AdamOnLion, type AdamOnLionOptions } from './adam-on-lion';
export { Adam, type AdamOptions } from './adam';
export { Sgd, type SgdOptions } from './sgd';
export { statistics, restoreStatistics, type Statistics } from './keep-statistics';
export { createOptimizer } from './create';
