import { echo } from '../messages';

/**
 * The subset of a diffusers `scheduler_config.json` our schedulers read, with the same
 * defaults diffusers applies per scheduler class, so a config written for any of the
 * SD schedulers (often `PNDMScheduler`'s) can drive Euler, LMS, DDIM or PNDM.
 */

export type SchedulerKind = 'euler' | 'lms' | 'ddim' | 'pndm';
export type BetaSchedule = 'scaled_linear' | 'linear';
export type PredictionType = 'epsilon' | 'v_prediction';
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

/** A diffusers scheduler config as parsed from JSON; unknown keys are ignored. */
export interface SchedulerConfigJson {
  num_train_timesteps?: number;
  beta_start?: number;
  beta_end?: number;
  beta_schedule?: string;
  trained_betas?: number[] | null;
  prediction_type?: string;
  timestep_spacing?: string;
  steps_offset?: number;
  set_alpha_to_one?: boolean;
  [key: string]: unknown;
}

/** A config with every field resolved. */
export interface SchedulerConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: BetaSchedule;
  trainedBetas: number[] | null;
  predictionType: PredictionType;
  timestepSpacing: TimestepSpacing;
  stepsOffset: number;
  setAlphaToOne: boolean;
}

/** Far above any trained model (1000): a config's timestep count is refused past this. */
export const MAX_TRAIN_TIMESTEPS = 100_000;

/** diffusers' constructor defaults; they differ between classes only in the spacing. */
const DEFAULT_SPACING: Record<SchedulerKind, TimestepSpacing> = {
  euler: 'linspace',
  lms: 'linspace',
  ddim: 'leading',
  pndm: 'leading',
};

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`scheduler config: ${field} ${echo(value)} is not supported (expected ${allowed.join(' | ')})`);
}

function numberField(field: string, value: unknown, fallback: number, check: (n: number) => boolean): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw new Error(`scheduler config: ${field} ${echo(value)} is out of range`);
  }
  return value;
}

/**
 * Options that change the schedule in ways we do not implement. Failing beats silently
 * sampling with a different schedule than the model was tuned for. (`clip_sample` is
 * ignored instead: SD configs set it false, and DDPM-derived ones set it true by habit.)
 */
const UNSUPPORTED: [field: string, supported: unknown][] = [
  ['use_karras_sigmas', false],
  ['use_exponential_sigmas', false],
  ['use_beta_sigmas', false],
  ['rescale_betas_zero_snr', false],
  ['thresholding', false],
  ['interpolation_type', 'linear'],
  ['timestep_type', 'discrete'],
  ['final_sigmas_type', 'zero'],
];

/** Resolve a raw config for `kind`, failing with the offending field's name. */
export function resolveSchedulerConfig(kind: SchedulerKind, raw: SchedulerConfigJson): SchedulerConfig {
  for (const [field, supported] of UNSUPPORTED) {
    const value = raw[field];
    if (value !== undefined && value !== null && value !== supported) {
      throw new Error(`scheduler config: ${field} ${echo(value)} is not supported (only ${JSON.stringify(supported)})`);
    }
  }
  // bounded: the schedules allocate and loop over every training timestep
  const numTrainTimesteps = numberField('num_train_timesteps', raw.num_train_timesteps, 1000, (n) => Number.isInteger(n) && n >= 2 && n <= MAX_TRAIN_TIMESTEPS);
  const trained = raw.trained_betas ?? null;
  if (trained !== null && (!Array.isArray(trained) || trained.length !== numTrainTimesteps || !trained.every((b) => typeof b === 'number' && b > 0 && b < 1))) {
    throw new Error(`scheduler config: trained_betas must list ${numTrainTimesteps} numbers between 0 and 1`);
  }
  return {
    numTrainTimesteps,
    betaStart: numberField('beta_start', raw.beta_start, 0.0001, (n) => n > 0 && n < 1),
    betaEnd: numberField('beta_end', raw.beta_end, 0.02, (n) => n > 0 && n < 1),
    betaSchedule: oneOf('beta_schedule', raw.beta_schedule, ['scaled_linear', 'linear'], 'linear'),
    trainedBetas: trained,
    predictionType: oneOf('prediction_type', raw.prediction_type, ['epsilon', 'v_prediction'], 'epsilon'),
    timestepSpacing: oneOf('timestep_spacing', raw.timestep_spacing, ['leading', 'trailing', 'linspace'], DEFAULT_SPACING[kind]),
    stepsOffset: numberField('steps_offset', raw.steps_offset, 0, (n) => Number.isInteger(n) && n >= 0),
    setAlphaToOne: typeof raw.set_alpha_to_one === 'boolean' ? raw.set_alpha_to_one : true,
  };
}
