import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createScheduler, type SchedulerConfigJson, type SchedulerKind } from '../../runtime/schedulers/index.js';

interface Case {
  kind: SchedulerKind;
  timestep_spacing: 'leading' | 'trailing' | 'linspace';
  steps: number;
  timesteps: number[];
  sigmas?: number[];
  init_noise_sigma: number;
  coefficients?: number[][];
  alphas?: [number, number][];
  final_sample: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/schedulers.json', import.meta.url), 'utf8')) as {
  config: SchedulerConfigJson;
  cases: Case[];
};

/** The fake UNet of tools/make_scheduler_fixtures.py. */
function fakeModel(i: number, x: Float32Array): Float32Array {
  const base = [0.3 + 0.1 * i, -0.7, 1.1 - 0.05 * i];
  return Float32Array.from(base, (b, k) => b + 0.2 * x[k]!);
}

function closeRel(actual: number, expected: number, rel: number, abs = 1e-7): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * rel + abs);
}

describe('schedulers match diffusers arithmetic (SD 1.x schedule)', () => {
  for (const c of fixture.cases) {
    const name = `${c.kind} ${c.timestep_spacing} ${c.steps} steps`;
    const config = { ...fixture.config, timestep_spacing: c.timestep_spacing };

    it(`${name}: timesteps and noise levels`, () => {
      const s = createScheduler(c.kind, config, c.steps);
      expect(s.timesteps).toEqual(c.timesteps);
      // diffusers builds the schedule in float32, we in float64: a few float32 ulps apart.
      closeRel(s.initNoiseSigma, c.init_noise_sigma, 1e-5);
      if (c.sigmas) {
        expect(s.sigmas.length).toBe(c.sigmas.length);
        s.sigmas.forEach((v, i) => closeRel(v, c.sigmas![i]!, 1e-5));
      }
    });

    it(`${name}: step coefficients`, () => {
      const s = createScheduler(c.kind, config, c.steps);
      for (let i = 0; i < c.steps; i++) {
        const k = s.coefficients(i);
        if (c.coefficients) {
          expect(k.sample).toBe(1);
          expect(k.eps.length).toBe(c.coefficients[i]!.length);
          k.eps.forEach((v, j) => closeRel(v, c.coefficients![i]![j]!, 1e-5, 1e-6));
        }
        if (c.alphas) {
          const [at, ap] = c.alphas[i]!;
          closeRel(k.sample, Math.sqrt(ap / at), 1e-5);
          closeRel(k.eps[0]!, Math.sqrt(1 - ap) - Math.sqrt(ap) * Math.sqrt((1 - at) / at), 1e-5, 1e-6);
        }
      }
    });

    it(`${name}: full denoising loop`, () => {
      const s = createScheduler(c.kind, config, c.steps);
      const state = s.createState();
      let x: Float32Array = Float32Array.from([0.5, -1, 2], (v) => v * s.initNoiseSigma);
      for (let i = 0; i < c.steps; i++) {
        const scaled = x.map((v) => v * s.scaleModelInput(i));
        x = s.step(i, fakeModel(i, scaled), x, state);
      }
      Array.from(x).forEach((v, k) => closeRel(v, c.final_sample[k]!, 1e-4, 1e-5));
    });
  }

  it('covers every kind, spacing and 4/20/50 steps', () => {
    for (const kind of ['euler', 'lms', 'ddim']) {
      for (const spacing of ['leading', 'trailing', 'linspace']) {
        for (const steps of [4, 20, 50]) {
          expect(fixture.cases.some((c) => c.kind === kind && c.timestep_spacing === spacing && c.steps === steps)).toBe(true);
        }
      }
    }
  });
});
