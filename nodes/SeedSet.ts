import { defineNode } from '../runtime/node-api/node';
import type { NumberValue, SeedsValue } from '../runtime/values/types';

const MAX_SEED = 2 ** 32 - 1;

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

export const SeedSet = defineNode({
  type: 'SeedSet',
  version: 1,
  category: 'Seeds',
  doc: 'A batch of seeds for initial noise: a fixed list, a range, N random ones, or N new ones per zone step.',
  inputs: {
    step: { type: 'Number', optional: true, doc: 'Iteration number for "schedule" (a zone\'s `step`); defaults to the enclosing zone step, else 0.' },
  },
  outputs: {
    seeds: { type: 'Seeds', doc: 'The seeds, one per image.' },
  },
  params: {
    mode: {
      kind: 'enum',
      options: ['list', 'range', 'random', 'schedule'],
      default: 'list',
      doc: 'list: the seeds below; range: count seeds from start; random: count seeds drawn from randomSeed; schedule: count new seeds per step.',
    },
    seeds: { kind: 'numberList', default: [0], integer: true, min: 0, max: MAX_SEED, minLength: 1, maxLength: 4096, doc: 'Seeds for "list" (at most 4096).' },
    start: { kind: 'number', default: 0, integer: true, min: 0, max: MAX_SEED, doc: 'First seed for "range".' },
    count: { kind: 'number', default: 4, integer: true, min: 1, max: 4096, doc: 'How many seeds "range", "random" and "schedule" give.' },
    randomSeed: { kind: 'number', default: 0, integer: true, min: 0, max: MAX_SEED, doc: 'Seeds the draw of "random" and "schedule", so runs are reproducible.' },
  },
  async run(ctx, inputs, p) {
    let seeds: number[];
    switch (p.mode) {
      case 'range':
        if (p.start + p.count - 1 > MAX_SEED) throw new Error(`range ends past the largest seed ${MAX_SEED}`);
        seeds = Array.from({ length: p.count }, (_, i) => p.start + i);
        break;
      case 'random':
        seeds = drawSeeds(p.randomSeed, 0, p.count);
        break;
      case 'schedule': {
        const step = (inputs.step as NumberValue | undefined)?.values[0] ?? ctx.step ?? 0;
        if (!Number.isInteger(step) || step < 0) throw new Error(`step must be a whole number >= 0, got ${step}`);
        // Step 0 of a schedule draws differently from "random" so the two modes do not alias.
        seeds = drawSeeds(p.randomSeed, step + 1, p.count);
        break;
      }
      default:
        seeds = [...p.seeds];
    }
    const out: SeedsValue = { kind: 'Seeds', seeds };
    return { seeds: out };
  },
});
