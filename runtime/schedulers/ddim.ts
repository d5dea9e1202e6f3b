/**
 * DDIM (Song et al. 2021) with eta = 0: the deterministic sampler in the variance-
 * preserving parameterization x_t = sqrt(ā_t) x0 + sqrt(1 - ā_t) eps.
 *
 * Like diffusers, the previous timestep is `t - num_train_timesteps // steps` whatever
 * the spacing, and stepping past t = 0 lands on ā = 1 (`set_alpha_to_one`) or ā_0.
 * diffusers' `clip_sample`/thresholding are not applied: they are not affine, and SD
 * configs disable them.
 */

import type { SchedulerConfig } from './config.js';
import { alphasCumprod } from './noise-schedule.js';
import { affineScheduler, type Scheduler, type StepCoefficients } from './scheduler.js';
import { spacedTimesteps } from './timesteps.js';

export function ddimScheduler(config: SchedulerConfig, steps: number): Scheduler {
  const timesteps = spacedTimesteps(config, steps, true);
  const ac = alphasCumprod(config);
  const finalAlpha = config.setAlphaToOne ? 1 : ac[0]!;
  const stride = Math.floor(config.numTrainTimesteps / steps);
  const alphaAt = (t: number) => (t >= 0 ? ac[t]! : finalAlpha);
  const sigmaOf = (a: number) => Math.sqrt((1 - a) / a);
  const prevAlphas = timesteps.map((t) => alphaAt(t - stride));

  const coefficients = (i: number): StepCoefficients => {
    const at = ac[timesteps[i]!]!;
    const ap = prevAlphas[i]!;
    const [sa, sb, pa, pb] = [Math.sqrt(at), Math.sqrt(1 - at), Math.sqrt(ap), Math.sqrt(1 - ap)];
    if (config.predictionType === 'epsilon') {
      // x0 = (x - sb * eps) / sa; x_prev = pa * x0 + pb * eps.
      return { sample: pa / sa, eps: [pb - (pa * sb) / sa] };
    }
    // v-prediction: x0 = sa * x - sb * v, eps = sa * v + sb * x.
    return { sample: pa * sa + pb * sb, eps: [pb * sa - pa * sb] };
  };

  return affineScheduler({
    kind: 'ddim',
    steps,
    timesteps,
    sigmas: [sigmaOf(ac[timesteps[0]!]!), ...prevAlphas.map(sigmaOf)],
    initNoiseSigma: 1,
    historyLength: 1,
    scaleModelInput: () => 1,
    coefficients,
  });
}
