/**
 * Euler and LMS: the k-diffusion ("Karras") schedulers. They integrate the probability
 * flow ODE in sigma space, x = x0 + sigma * eps, and feed the UNet x / sqrt(sigma^2 + 1).
 */

import { alphasCumprod, trainingSigmas } from './noise-schedule.js';
import type { SchedulerConfig } from './config.js';
import { lmsCoefficients } from './lms-coefficients.js';
import { affineScheduler, type Scheduler, type StepCoefficients } from './scheduler.js';
import { interpAtTimestep, spacedTimesteps } from './timesteps.js';

/** The method order diffusers' LMS pipeline uses (its `step(order=4)` default). */
export const LMS_ORDER = 4;

interface SigmaSchedule {
  timesteps: number[];
  /** One per step, then 0; rounded to float32 like diffusers' tensor. */
  sigmas: number[];
  initNoiseSigma: number;
}

function sigmaSchedule(config: SchedulerConfig, steps: number): SigmaSchedule {
  const timesteps = spacedTimesteps(config, steps, false);
  const train = trainingSigmas(alphasCumprod(config));
  const sigmas = timesteps.map((t) => Math.fround(interpAtTimestep(train, t)));
  sigmas.push(0);
  const max = Math.max(...sigmas);
  // 'leading' keeps the UNet's view of x_T at unit variance; the others use sigma_max.
  const initNoiseSigma = config.timestepSpacing === 'leading' ? Math.sqrt(max * max + 1) : max;
  return { timesteps, sigmas, initNoiseSigma };
}

/** Euler's method on dx/dsigma = eps (or the derivative implied by a v-prediction). */
export function eulerScheduler(config: SchedulerConfig, steps: number): Scheduler {
  const { timesteps, sigmas, initNoiseSigma } = sigmaSchedule(config, steps);
  return affineScheduler({
    kind: 'euler',
    steps,
    timesteps,
    sigmas,
    initNoiseSigma,
    historyLength: 1,
    scaleModelInput: (i) => 1 / Math.sqrt(sigmas[i]! ** 2 + 1),
    coefficients(i): StepCoefficients {
      const sigma = sigmas[i]!;
      const dt = sigmas[i + 1]! - sigma;
      if (config.predictionType === 'epsilon') return { sample: 1, eps: [dt] };
      // v-prediction: x0 = x / (s^2 + 1) - v * s / sqrt(s^2 + 1), derivative = (x - x0) / s.
      const s2 = sigma * sigma + 1;
      return { sample: 1 + (dt * sigma) / s2, eps: [dt / Math.sqrt(s2)] };
    },
  });
}

/**
 * Fourth-order linear multistep. Epsilon prediction only: with v-prediction the
 * derivative history would also depend on past samples, which the eps-history form of
 * `coefficients` cannot express.
 */
export function lmsScheduler(config: SchedulerConfig, steps: number): Scheduler {
  if (config.predictionType !== 'epsilon') {
    throw new Error(`LMS scheduler supports prediction_type "epsilon" only, got "${config.predictionType}"`);
  }
  const { timesteps, sigmas, initNoiseSigma } = sigmaSchedule(config, steps);
  const table = timesteps.map((_, i) => lmsCoefficients(sigmas, i, LMS_ORDER));
  return affineScheduler({
    kind: 'lms',
    steps,
    timesteps,
    sigmas,
    initNoiseSigma,
    historyLength: LMS_ORDER,
    scaleModelInput: (i) => 1 / Math.sqrt(sigmas[i]! ** 2 + 1),
    coefficients: (i) => ({ sample: 1, eps: [...table[i]!] }),
  });
}
