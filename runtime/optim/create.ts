import { AdamOnLion } from './adam-on-lion';
import { Adam } from './adam';
import { Sgd } from './sgd';
import type { Optimizer, OptimizerName } from './types';

/** The optimizer a GradientStep zone asks for, with the paper's defaults for everything but lr. */
export function createOptimizer(name: OptimizerName, lr: number): Optimizer {
  switch (name) {
    case 'adam-on-lion':
      return new AdamOnLion({ lr });
    case 'adam':
      return new Adam({ lr });
    case 'sgd':
      return new Sgd({ lr });
  }
}
