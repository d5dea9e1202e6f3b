import { checkShapes, stateFor, type Optimizer } from './types';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
}

/** Plain Adam (Kingma & Ba), bias-corrected, eps outside the square root as in PyTorch. */
export class Adam implements Optimizer {
  readonly name = 'adam' as const;
  private t = 0;
  private state: Float64Array[][] = [];
  private readonly lr: number;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;

  constructor(options: AdamOptions = {}) {
    this.lr = options.lr ?? 0.01;
    [this.b1, this.b2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
  }

  step(params: Float32Array[], grads: Float32Array[]): void {
    checkShapes(params, grads);
    this.t += 1;
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    params.forEach((p, i) => {
      const g = grads[i];
      const [m, v] = stateFor(this.state, i, p.length, 2);
      for (let k = 0; k < p.length; k++) {
        m[k] = this.b1 * m[k] + (1 - this.b1) * g[k];
        v[k] = this.b2 * v[k] + (1 - this.b2) * g[k] * g[k];
        p[k] -= (this.lr * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + this.eps);
      }
    });
  }

  reset(): void {
    this.t = 0;
    this.state = [];
  }
}
