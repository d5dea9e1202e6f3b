import { defineNode } from '../runtime/node-api/node';
import type { NumberValue, SeedsValue } from '../runtime/values/types';
import { MAX_SEED, seedSetSeeds, type SeedSetMode } from '../runtime/rng/seed-set';

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
    const step = (inputs.step as NumberValue | undefined)?.values[0] ?? ctx.step ?? 0;
    const seeds = seedSetSeeds({ ...p, mode: p.mode as SeedSetMode }, step);
    const out: SeedsValue = { kind: 'Seeds', seeds };
    return { seeds: out };
  },
});
