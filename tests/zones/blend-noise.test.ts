import { describe, expect, it } from 'vitest';
import { blendedNoise, slerpVectors } from '../../runtime/noise/blend-noise';
import { torchRandn } from '../../runtime/rng';

const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

describe('noise curriculum', () => {
  const shape = [4, 8, 8] as const;
  it('v = 0 is the target seed\'s noise, v = 1 the new seed\'s', () => {
    const target = torchRandn(510675, [1, ...shape]);
    const other = torchRandn(3, [1, ...shape]);
    const [at0, at1] = [blendedNoise(510675, [3], 0, shape), blendedNoise(510675, [3], 1, shape)];
    at0.forEach((v, i) => expect(v).toBeCloseTo(target[i], 5));
    at1.forEach((v, i) => expect(v).toBeCloseTo(other[i], 5));
  });

  it('keeps the noise norm in between (slerp, not lerp) and moves away from the target as v grows', () => {
    const a = torchRandn(1, [256]), b = torchRandn(2, [256]);
    const mid = slerpVectors(a, b, 0.5);
    expect(norm(mid)).toBeGreaterThan(0.95 * Math.min(norm(a), norm(b)));
    const cos = (x: Float32Array) => x.reduce((s, v, i) => s + v * a[i], 0) / (norm(x) * norm(a));
    expect(cos(slerpVectors(a, b, 0.1))).toBeGreaterThan(cos(slerpVectors(a, b, 0.3)));
  });

  it('gives one row per seed', () => {
    expect(blendedNoise(5, [1, 2, 3], 0.2, shape)).toHaveLength(3 * 256);
  });
});
