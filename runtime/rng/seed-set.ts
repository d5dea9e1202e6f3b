/**
 * The seed lists a SeedSet gives, as plain math: the SeedSet node (nodes/SeedSet.ts) and a
 * sweep's `@seedset` axis (runtime/sweep) must agree seed for seed, so both call this.
 */

export const MAX_SEED = 2 ** 32 - 1;

export type SeedSetMode = 'list' | 'range' | 'random' | 'schedule';

export interface SeedSetParams {
  mode: SeedSetMode;
  seeds: readonly number[];
  start: number;
  count: number;
  randomSeed: number;
}

/** mulberry32: a tiny, well-mixed 32-bit PRNG; enough to draw reproducible seeds. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** `count` seeds drawn from a generator seeded by (randomSeed, step): the same inputs give the same seeds. */
export function drawSeeds(randomSeed: number, step: number, count: number): number[] {
  const next = mulberry32(Math.imul(randomSeed >>> 0, 0x9e3779b1) ^ Math.imul(step >>> 0, 0x85ebca6b));
  return Array.from({ length: count }, () => next());
}

/** The seeds of a SeedSet with these params at zone step `step` (only `schedule` reads it). */
export function seedSetSeeds(p: SeedSetParams, step = 0): number[] {
  switch (p.mode) {
    case 'range':
      if (p.start + p.count - 1 > MAX_SEED) throw new Error(`range ends past the largest seed ${MAX_SEED}`);
      return Array.from({ length: p.count }, (_, i) => p.start + i);
    case 'random':
      return drawSeeds(p.randomSeed, 0, p.count);
    case 'schedule':
      if (!Number.isInteger(step) || step < 0) throw new Error(`step must be a whole number >= 0, got ${step}`);
      // Step 0 of a schedule draws differently from "random" so the two modes do not alias.
      return drawSeeds(p.randomSeed, step + 1, p.count);
    default:
      return [...p.seeds];
  }
}
