import type { ScoreValue, Value } from '../values/types';

export type Goal = 'minimize' | 'maximize';
export type Reduce = 'mean' | 'sum';

/** The loss input as a Score, with a clear error for anything else. */
export function scoreInput(value: Value | undefined, port: string): ScoreValue {
  if (!value) throw new Error(`zone input "${port}" got no value`);
  if (value.kind !== 'Score') throw new Error(`zone input "${port}" must be a Score, got ${value.kind}`);
  if (value.values.length === 0) throw new Error(`zone input "${port}" holds no scores`);
  return value;
}

/** 'auto' follows the score's own goal (Metric and Compare set it), else minimizes. */
export function resolveGoal(param: string, score: ScoreValue): Goal {
  if (param === 'minimize' || param === 'maximize') return param;
  return score.goal ?? 'minimize';
}

export function reduceScores(values: Float32Array, how: Reduce): number {
  let s = 0;
  for (const v of values) s += v;
  return how === 'mean' ? s / values.length : s;
}

/**
 * d(minimized loss)/d(each score): the zone minimizes sign * scale * reduce(scores), so a
 * maximizing goal flips the sign. `scale` is the paper's loss scale (10 for sharpness).
 */
export function scoreGradient(n: number, goal: Goal, how: Reduce, scale: number): Float32Array {
  const per = (goal === 'maximize' ? -1 : 1) * scale * (how === 'mean' ? 1 / n : 1);
  return new Float32Array(n).fill(per);
}

export const better = (goal: Goal, a: number, b: number): boolean => (goal === 'maximize' ? a > b : a < b);

/** Keeps the best value seen and what produced it (a cancelled or noisy run returns the best). */
export class BestSoFar<T> {
  value = NaN;
  item?: T;
  step = -1;
  constructor(private readonly goal: Goal) {}
  offer(value: number, item: T, step: number): void {
    if (!Number.isFinite(value)) return;
    if (this.item === undefined || better(this.goal, value, this.value)) {
      this.value = value;
      this.item = item;
      this.step = step;
    }
  }
}
