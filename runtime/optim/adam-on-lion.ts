import { checkShapes, stateFor, type Optimizer } from './types';

export interface AdamOnLionOptions {
  lr?: number;
  /** Adam's betas: they size the step. */
  betas?: [number, number];
  eps?: number;
  /** Lion's betas: (interpolation for the direction, decay of Lion's own momentum). */
  lionBetas?: [number, number];
}

/**
 * "AdamOnLion" from the embedding-manipulation paper (docs/methods.md#metric-optimization): Adam's bias-corrected
 * moments give the step's length, Lion's sign gives its direction:
 *   d = sign(b1l*m_lion + (1-b1l)*g);  p -= lr * d * ||m_hat/(sqrt(v_hat)+eps)|| / ||d||;
 *   m_lion = b2l*m_lion + (1-b2l)*g.
 * Norms are per group. Moments are kept in float64 so the step matches the formula, not
 * float32 rounding.
 */
export class AdamOnLion implements Optimizer {
  readonly name = 'adam-on-lion' as const;
  private t = 0;
  private state: Float64Array[][] = [];
  private readonly lr: number;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private readonly l1: number;
  private readonly l2: number;

  constructor(options: AdamOnLionOptions = {}) {
    this.lr = options.lr ?? 0.01;
    [this.b1, this.b2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-3;
    [this.l1, this.l2] = options.lionBetas ?? [0.9, 0.99];
  }

  step(params: Float32Array[], grads: Float32Array[]): void {
    checkShapes(params, grads);
    this.t += 1;
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    params.forEach((p, i) => {
      const g = grads[i];
      const [m, v, mLion] = stateFor(this.state, i, p.length, 3);
      const d = new Int8Array(p.length);
      let adamSq = 0;
      let dSq = 0;
      for (let k = 0; k < p.length; k++) {
        m[k] = this.b1 * m[k] + (1 - this.b1) * g[k];
        v[k] = this.b2 * v[k] + (1 - this.b2) * g[k] * g[k];
        const a = m[k] / c1 / (Math.sqrt(v[k] / c2) + this.eps);
        adamSq += a * a;
        d[k] = Math.sign(this.l1 * mLion[k] + (1 - this.l1) * g[k]);
        dSq += d[k] * d[k];
        mLion[k] = this.l2 * mLion[k] + (1 - this.l2) * g[k];
      }
      // An all-zero gradient gives no direction: nothing to do (and no 0/0).
      if (dSq === 0) return;
      const scale = (this.lr * Math.sqrt(adamSq)) / Math.sqrt(dSq);
      for (let k = 0; k < p.length; k++) p[k] -= scale * d[k];
    });
  }

  reset(): void {
    this.t = 0;
    this.state = [];
  }
}
