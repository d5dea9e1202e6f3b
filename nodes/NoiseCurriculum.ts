import { defineNode } from '../runtime/node-api/node';
import type { NumberValue, SeedsValue } from '../runtime/values/types';
import { modelOf } from '../runtime/models/values';
import { latentShape } from '../runtime/models/pipeline/noise';
import { blendedNoise } from '../runtime/noise/blend-noise';
import { checkBatch } from '../runtime/values/budget';

export const NoiseCurriculum = defineNode({
  type: 'NoiseCurriculum',
  version: 1,
  category: 'Seeds',
  doc:
    'Noise that starts at a target seed and moves outward with the zone step (seed-invariant method): each seed\'s ' +
    'noise is slerp(target noise, seed noise, v), v = start + growth * step.',
  inputs: {
    model: { type: 'Model', doc: 'Gives the latent shape.' },
    seeds: { type: 'Seeds', doc: 'The new seeds (e.g. a SeedSet "schedule": 3 new ones per step).' },
    step: { type: 'Number', optional: true, doc: 'Iteration number (a zone\'s `step`); defaults to the enclosing zone step.' },
  },
  outputs: {
    seeds: { type: 'Seeds', doc: 'The same seeds, with their blended noise.' },
  },
  params: {
    targetSeed: { kind: 'number', default: 510675, integer: true, min: 0, max: 2 ** 32 - 1, doc: 'The seed of the target image.' },
    start: { kind: 'number', default: 0.01, min: 0, max: 1, doc: 'v at step 0.' },
    growth: { kind: 'number', default: 0.00495, min: 0, max: 1, doc: 'Added to v per step (paper: 0.00495).' },
    width: { kind: 'number', default: 0, integer: true, min: 0, max: 2048, doc: 'Image width (0: the model\'s native size), as in Generate.' },
    height: { kind: 'number', default: 0, integer: true, min: 0, max: 2048, doc: 'Image height (0: native).' },
  },
  async run(ctx, inputs, p) {
    const model = modelOf(inputs.model);
    const seeds = inputs.seeds as SeedsValue;
    const step = (inputs.step as NumberValue | undefined)?.values[0] ?? ctx.step ?? 0;
    const v = Math.min(1, p.start + p.growth * step);
    const shape = latentShape(model, p.width || model.nativeSize.width, p.height || model.nativeSize.height);
    checkBatch(seeds.seeds.length, 'seeds', seeds.seeds.length * shape[0] * shape[1] * shape[2] * 4 * 3);
    const data = blendedNoise(p.targetSeed, seeds.seeds, v, shape);
    const out: SeedsValue = { kind: 'Seeds', seeds: [...seeds.seeds], noise: { dims: [seeds.seeds.length, ...shape], data } };
    return { seeds: out };
  },
});
