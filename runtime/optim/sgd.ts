import { checkShapes, stateFor, type Optimizer } from './types';

export interface SgdOptions {
  lr?: number;
  /** Heavy-ball momentum as in PyTorch's SGD (0 = plain gradient descent). */
  momentum?: number;
}

export class Sgd implements Optimizer {
  readonly name = 'sgd' as const;
  private state: Float64Array[][] = [];
  private started = false;
  private readonly lr: number;
  private readonly momentum: number;

  constructor(options: SgdOptions = {}) {
    this.lr = options.lr ?? 0.01;
    this.momentum = options.momentum ?? 0;
  }

  step(params: Float32Array[], grads: Float32Array[]): void {
    checkShapes(params, grads);
    params.forEach((p, i) => {
      const g = grads[i];
      const [buf] = stateFor(this.state, i, p.length, 1);
      for (let k = 0; k < p.length; k++) {
        // PyTorch starts the momentum buffer at the first gradient, not at zero.
        buf[k] = this.started ? this.momentum * buf[k] + g[k] : g[k];
        p[k] -= this.lr * (this.momentum === 0 ? g[k] : buf[k]);
      }
    });
    this.started = true;
  }

  reset(): void {
    this.state = [];
    this.started = false;
  }
}
