import { describe, expect, it } from 'vitest';
import { restoreStatistics, statistics } from '../../runtime/optim';

describe('keep statistics', () => {
  it('restores the initial mean and std after a step changed them', () => {
    const x = new Float32Array([1, 2, 3, 4, 10]);
    const initial = statistics(x);
    for (let i = 0; i < x.length; i++) x[i] = x[i] * 3 + 0.7 * i;
    restoreStatistics(x, initial);
    const now = statistics(x);
    expect(now.mean).toBeCloseTo(initial.mean, 5);
    expect(now.std).toBeCloseTo(initial.std, 5);
  });

  it('keeps the shape of the values (an affine map preserves their order)', () => {
    const x = new Float32Array([5, -1, 2]);
    restoreStatistics(x, { mean: 0, std: 1 });
    expect(x[0]).toBeGreaterThan(x[2]);
    expect(x[2]).toBeGreaterThan(x[1]);
  });
});
