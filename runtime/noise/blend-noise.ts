import { torchRandn } from '../rng';

/**
 * SLERP between two whole noise vectors (not per row: noise has no token rows). Gaussian noise
 * of this size is nearly orthogonal, so slerp keeps its norm where lerp would shrink it and
 * change the image's contrast. Falls back to lerp for (anti)parallel vectors.
 */
export function slerpVectors(a: Float32Array, b: Float32Array, v: number): Float32Array {
  let dot = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  const c = Math.min(1, Math.max(-1, dot / Math.sqrt(aa * bb || 1)));
  const w = Math.acos(c);
  const s = Math.sin(w);
  const [wa, wb] = s < 1e-6 ? [1 - v, v] : [Math.sin((1 - v) * w) / s, Math.sin(v * w) / s];
  return a.map((x, i) => wa * x + wb * b[i]);
}

/**
 * The seed-invariant curriculum's noise (docs/methods.md#noise-blending): each seed's noise is
 * slerp(target_noise, seed_noise, v), so early iterations stay near the target seed and later
 * ones move outward. Returns [seeds, ...shape].
 */
export function blendedNoise(targetSeed: number, seeds: readonly number[], v: number, shape: readonly [number, number, number]): Float32Array {
  const size = shape[0] * shape[1] * shape[2];
  const target = torchRandn(targetSeed, [1, ...shape]);
  const out = new Float32Array(seeds.length * size);
  seeds.forEach((seed, i) => out.set(slerpVectors(target, torchRandn(seed, [1, ...shape]), v), i * size));
  return out;
}
