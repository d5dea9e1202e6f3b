import { describe, expect, it } from 'vitest';
import { createScheduler, lmsCoefficients, resolveSchedulerConfig } from '../../runtime/schedulers/index.js';

const SD1 = {
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  steps_offset: 1,
  set_alpha_to_one: false,
};

/** Float64 reference written from the DDPM definitions, independent of the runtime code. */
function referenceSigma(t: number): number {
  let acc = 1;
  for (let s = 0; s <= t; s++) {
    const sqrtBeta = Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * s) / 999;
    acc *= 1 - sqrtBeta * sqrtBeta;
  }
  return Math.sqrt((1 - acc) / acc);
}

describe('known schedules', () => {
  it('Euler leading with steps_offset 1 at 4 steps gives 751, 501, 251, 1', () => {
    const s = createScheduler('euler', { ...SD1, timestep_spacing: 'leading' }, 4);
    expect(s.timesteps).toEqual([751, 501, 251, 1]);
    s.timesteps.forEach((t, i) => expect(s.sigmas[i]).toBeCloseTo(referenceSigma(t), 5));
    expect(s.sigmas[4]).toBe(0);
    expect(s.initNoiseSigma).toBeCloseTo(Math.sqrt(referenceSigma(751) ** 2 + 1), 5);
  });

  it('one-step SD-Turbo (Euler, trailing) samples at t = 999 straight to sigma 0', () => {
    const s = createScheduler('euler', { ...SD1, timestep_spacing: 'trailing', steps_offset: 0 }, 1);
    expect(s.timesteps).toEqual([999]);
    expect(s.initNoiseSigma).toBeCloseTo(14.6146, 3);
    expect(s.scaleModelInput(0)).toBeCloseTo(1 / Math.sqrt(14.614645 ** 2 + 1), 6);
    expect(s.coefficients(0)).toEqual({ sample: 1, eps: [-s.sigmas[0]!] });
  });

  it('DDIM trailing steps back by num_train_timesteps // steps and ends at alpha 1', () => {
    const s = createScheduler('ddim', { ...SD1, timestep_spacing: 'trailing', set_alpha_to_one: true }, 4);
    expect(s.timesteps).toEqual([999, 749, 499, 249]);
    expect(s.sigmas.at(-1)).toBe(0);
    expect(s.initNoiseSigma).toBe(1);
    expect(s.scaleModelInput(2)).toBe(1);
  });

  it('uses numpy rounding (half to even) for trailing spacing', () => {
    // 1000 / 16 = 62.5: 937.5 rounds up to 938 but 812.5 down to 812 (then minus 1).
    const s = createScheduler('ddim', { ...SD1, timestep_spacing: 'trailing' }, 16);
    expect(s.timesteps.slice(0, 4)).toEqual([999, 937, 874, 811]);
  });

  it('applies diffusers defaults per kind when the config omits the spacing', () => {
    expect(resolveSchedulerConfig('euler', SD1).timestepSpacing).toBe('linspace');
    expect(resolveSchedulerConfig('ddim', SD1).timestepSpacing).toBe('leading');
    expect(resolveSchedulerConfig('ddim', {}).betaSchedule).toBe('linear');
  });
});

describe('LMS coefficients', () => {
  const s = createScheduler('lms', { ...SD1, timestep_spacing: 'linspace' }, 20);

  it('sum to the step in sigma (the Lagrange basis sums to 1)', () => {
    for (let i = 0; i < 20; i++) {
      const sum = s.coefficients(i).eps.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(s.sigmas[i + 1]! - s.sigmas[i]!, 10);
      expect(s.coefficients(i).eps.length).toBe(Math.min(i + 1, 4));
    }
  });

  it('integrate a cubic derivative exactly', () => {
    // If d(sigma) = sigma^3, LMS of order 4 reproduces the integral sigma^4 / 4 exactly.
    const sig = [10, 7, 4.5, 2, 1.2, 0];
    const i = 4;
    const c = lmsCoefficients(sig, i, 4);
    const approx = c.reduce((acc, cj, j) => acc + cj * sig[i - j]! ** 3, 0);
    expect(approx).toBeCloseTo((sig[i + 1]! ** 4 - sig[i]! ** 4) / 4, 10);
  });
});
