/**
 * Inference timesteps for the three spacings of "Common Diffusion Noise Schedules and
 * Sample Steps are Flawed" (Lin et al. 2023, table 2), reproducing diffusers' numpy
 * arithmetic: `np.linspace` (i * step, last = stop), `np.arange` (start + i * delta)
 * and `np.round` (half to even).
 */

import type { SchedulerConfig } from './config.js';

/** numpy's `round`: ties go to the even neighbour (Math.round sends them up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Timesteps from noisiest to cleanest, one per inference step.
 *
 * `roundLinspace` is true for DDIM (integer timesteps); Euler and LMS keep 'linspace'
 * timesteps fractional (float32, as diffusers stores them) and interpolate sigmas.
 * For 'trailing', diffusers' `np.arange` sometimes yields one extra step (e.g. 61 steps
 * of 1000); we always return exactly `steps` timesteps.
 */
export function spacedTimesteps(config: SchedulerConfig, steps: number, roundLinspace: boolean): number[] {
  const n = config.numTrainTimesteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > n) {
    throw new RangeError(`steps must be an integer in [1, ${n}], got ${steps}`);
  }
  const out: number[] = [];
  switch (config.timestepSpacing) {
    case 'linspace': {
      const step = steps > 1 ? (n - 1) / (steps - 1) : 0;
      for (let i = steps - 1; i >= 0; i--) {
        const t = i === steps - 1 && steps > 1 ? n - 1 : i * step;
        out.push(roundLinspace ? roundHalfEven(t) : Math.fround(t));
      }
      break;
    }
    case 'leading': {
      const ratio = Math.floor(n / steps);
      for (let i = steps - 1; i >= 0; i--) out.push(i * ratio + config.stepsOffset);
      break;
    }
    case 'trailing': {
      const ratio = n / steps;
      for (let i = 0; i < steps; i++) out.push(roundHalfEven(n - i * ratio) - 1);
      break;
    }
  }
  return out;
}

/** `np.interp(t, arange(len(ys)), ys)` for t inside [0, len - 1]. */
export function interpAtTimestep(ys: Float64Array, t: number): number {
  if (t <= 0) return ys[0]!;
  if (t >= ys.length - 1) return ys[ys.length - 1]!;
  const j = Math.floor(t);
  const frac = t - j;
  return frac === 0 ? ys[j]! : (ys[j + 1]! - ys[j]!) * frac + ys[j]!;
}
