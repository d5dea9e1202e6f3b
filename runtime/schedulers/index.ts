/**
 * diffusers-compatible schedulers (Euler, LMS, DDIM, PNDM) built from a
 * `scheduler_config.json`, each step exposed as an affine map for backpropagation.
 *
 * Typical loop: x = noise * initNoiseSigma; for i: out = unet(x * scaleModelInput(i),
 * timesteps[i]); x = step(i, out, x, state).
 */

import { resolveSchedulerConfig, type SchedulerConfigJson, type SchedulerKind } from './config.js';
import { ddimScheduler } from './ddim.js';
import { eulerScheduler, lmsScheduler } from './karras.js';
import { pndmScheduler } from './pndm.js';
import type { Scheduler } from './scheduler.js';

export function createScheduler(kind: SchedulerKind, config: SchedulerConfigJson, steps: number): Scheduler {
  const resolved = resolveSchedulerConfig(kind, config);
  switch (kind) {
    case 'euler':
      return eulerScheduler(resolved, steps);
    case 'lms':
      return lmsScheduler(resolved, steps);
    case 'ddim':
      return ddimScheduler(resolved, steps);
    case 'pndm':
      return pndmScheduler(resolved, steps);
    default:
      throw new Error(`unknown scheduler kind ${JSON.stringify(kind)} (expected euler | lms | ddim | pndm)`);
  }
}

export type { Scheduler, SchedulerState, StepCoefficients } from './scheduler.js';
export { applyAffine } from './scheduler.js';
export type { SchedulerConfig, SchedulerConfigJson, SchedulerKind, PredictionType, TimestepSpacing } from './config.js';
export { resolveSchedulerConfig } from './config.js';
export { classifierFreeGuidance } from './guidance.js';
export { lmsCoefficients } from './lms-coefficients.js';
export { LMS_ORDER } from './karras.js';
