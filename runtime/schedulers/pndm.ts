/**
 * PNDM as SD 1.x ships it (`skip_prk_steps: true`): pseudo linear multistep (PLMS) over
 * the model outputs, with diffusers' warm-up. N inference steps run N + 1 UNet evaluations:
 * the second re-evaluates the first step's target and averages the two outputs (a Heun-like
 * start), and later steps use Adams-Bashforth weights of growing order over the outputs kept
 * so far (the second evaluation's output is not kept).
 *
 * Every step is still affine in the current sample and the output history. The warm-up's
 * restart from the sample before step 0 is written in terms of the current sample:
 * x0 = (x1' - D0 * e0) / C0, so nothing outside the eps history is needed.
 */

import type { SchedulerConfig } from './config.js';
import { alphasCumprod } from './noise-schedule.js';
import { affineScheduler, type Scheduler, type StepCoefficients } from './scheduler.js';
import { spacedTimesteps } from './timesteps.js';

/** Adams-Bashforth weights, newest output first, for 1..4 outputs. */
const PLMS_WEIGHTS: readonly (readonly number[])[] = [
  [1],
  [3 / 2, -1 / 2],
  [23 / 12, -16 / 12, 5 / 12],
  [55 / 24, -59 / 24, 37 / 24, -9 / 24],
];

/** PNDM's UNet timesteps, noisiest first: the inference timesteps with the second-to-last repeated. */
export function pndmTimesteps(config: SchedulerConfig, steps: number): number[] {
  const ascending = spacedTimesteps(config, steps, true).reverse();
  if (ascending.length < 2) return ascending;
  const n = ascending.length;
  return [...ascending.slice(0, -1), ascending[n - 2]!, ascending[n - 1]!].reverse();
}

export function pndmScheduler(config: SchedulerConfig, steps: number): Scheduler {
  const timesteps = pndmTimesteps(config, steps);
  const ac = alphasCumprod(config);
  const finalAlpha = config.setAlphaToOne ? 1 : ac[0]!;
  const stride = Math.floor(config.numTrainTimesteps / steps);
  const alphaAt = (t: number) => (t >= 0 ? ac[t]! : finalAlpha);

  /** diffusers' `_get_prev_sample` from t to prev as x_prev = C * x + D * output. */
  const transfer = (t: number, prev: number): { C: number; D: number } => {
    const at = alphaAt(t);
    const ap = alphaAt(prev);
    const c = Math.sqrt(ap / at);
    const d = -(ap - at) / (at * Math.sqrt(1 - ap) + Math.sqrt(at * (1 - at) * ap));
    if (config.predictionType === 'epsilon') return { C: c, D: d };
    // v-prediction: eps = sqrt(a) * v + sqrt(1 - a) * x, inside the same transfer
    return { C: c + d * Math.sqrt(1 - at), D: d * Math.sqrt(at) };
  };

  const coefficients = (k: number): StepCoefficients => {
    const t = timesteps[k]!;
    if (k === 1) {
      // restart from x0 with the mean of the two outputs, toward the first step's target
      const first = transfer(timesteps[0]!, timesteps[0]! - stride);
      const again = transfer(t + stride, t);
      const ratio = again.C / first.C;
      return { sample: ratio, eps: [again.D / 2, again.D / 2 - ratio * first.D] };
    }
    const { C, D } = transfer(t, t - stride);
    // kept outputs: evaluation 0, then 2..k (newest first); their history offsets k - index
    const kept = k === 0 ? [0] : [...Array.from({ length: k - 1 }, (_, m) => k - m), 0];
    const weights = PLMS_WEIGHTS[Math.min(kept.length, 4) - 1]!;
    const eps = new Array<number>(k + 1).fill(0);
    weights.forEach((w, m) => (eps[k - kept[m]!] = D * w));
    return { sample: C, eps: trimZeros(eps) };
  };

  return affineScheduler({
    kind: 'pndm',
    steps: timesteps.length,
    timesteps,
    sigmas: [...timesteps.map((t) => Math.sqrt((1 - alphaAt(t)) / alphaAt(t))), 0],
    initNoiseSigma: 1,
    // the fourth-order step at evaluation 4 still reads evaluation 0
    historyLength: 5,
    scaleModelInput: () => 1,
    coefficients,
  });
}

function trimZeros(eps: number[]): number[] {
  let n = eps.length;
  while (n > 1 && eps[n - 1] === 0) n--;
  return eps.slice(0, n);
}
