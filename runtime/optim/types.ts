/**
 * Optimizers update flat parameter vectors in place. A GradientStep zone packs the free part
 * of each optimized embedding (prompt, negative) into one vector per group, so norms and
 * statistics are taken per group and fixed rows (BOS) never move.
 */
export interface Optimizer {
  readonly name: OptimizerName;
  /**
   * One descent step: `params[i] -= update(grads[i])`. Callers pass the gradient of the
   * quantity to *minimize* (a maximizing zone negates its gradient first).
   */
  step(params: Float32Array[], grads: Float32Array[]): void;
  /** Forget moments and step count (the aesthetic "keep statistics" trick resets after each step). */
  reset(): void;
}

export type OptimizerName = 'adam-on-lion' | 'adam' | 'sgd';
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['adam-on-lion', 'adam', 'sgd'];

export function checkShapes(params: Float32Array[], grads: Float32Array[]): void {
  if (params.length !== grads.length) throw new Error(`optimizer: ${params.length} parameter groups but ${grads.length} gradients`);
  params.forEach((p, i) => {
    if (p.length !== grads[i].length) throw new Error(`optimizer: group ${i} has ${p.length} values but its gradient ${grads[i].length}`);
  });
}

/** Per-group state, created lazily so groups may be added before the first step. */
export function stateFor(store: Float64Array[][], i: number, n: number, count: number): Float64Array[] {
  if (!store[i]) store[i] = Array.from({ length: count }, () => new Float64Array(n));
  return store[i];
}
