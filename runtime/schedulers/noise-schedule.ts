/**
 * The training noise schedule: betas and their cumulative alpha products.
 *
 * Computed in float64 from the same formulas diffusers uses (it works in float32, so
 * values agree to about 1e-7 relative; nothing downstream depends on the last bits).
 */

import type { SchedulerConfig } from './config.js';

/** beta_t for t = 0 .. numTrainTimesteps - 1. */
export function betas(config: SchedulerConfig): Float64Array {
  const n = config.numTrainTimesteps;
  if (config.trainedBetas) return Float64Array.from(config.trainedBetas);
  const out = new Float64Array(n);
  if (config.betaSchedule === 'linear') {
    for (let i = 0; i < n; i++) out[i] = config.betaStart + ((config.betaEnd - config.betaStart) * i) / (n - 1);
  } else {
    // "scaled_linear": linear in sqrt(beta), the latent-diffusion schedule.
    const a = Math.sqrt(config.betaStart);
    const b = Math.sqrt(config.betaEnd);
    for (let i = 0; i < n; i++) out[i] = (a + ((b - a) * i) / (n - 1)) ** 2;
  }
  return out;
}

/** alphā_t = prod_{s <= t} (1 - beta_s). */
export function alphasCumprod(config: SchedulerConfig): Float64Array {
  const b = betas(config);
  const out = new Float64Array(b.length);
  let acc = 1;
  for (let i = 0; i < b.length; i++) {
    acc *= 1 - b[i]!;
    out[i] = acc;
  }
  return out;
}

/** The k-diffusion noise level of each training timestep: sqrt((1 - alphā) / alphā). */
export function trainingSigmas(alphasCum: Float64Array): Float64Array {
  return alphasCum.map((a) => Math.sqrt((1 - a) / a));
}
