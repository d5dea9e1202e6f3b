/**
 * The scheduler contract shared by Euler, LMS, DDIM and PNDM.
 *
 * Every supported step is affine in the current sample and the model outputs:
 *   x_{i+1} = a_i * x_i + sum_j b_{i,j} * out_{i-j}
 * (`out` is the UNet output: eps, or v for v-prediction). `coefficients(i)` exposes
 * a and b so gradients can flow back through denoising steps, and `step` applies
 * exactly those numbers, so the forward pass and its VJP can never disagree.
 */

/** One step as an affine map: `sample` multiplies x_i, `eps[j]` the output of step i - j. */
export interface StepCoefficients {
  sample: number;
  /** Weights for the model-output history, newest (step i) first. */
  eps: number[];
}

/** Model outputs seen so far, newest first; owned by one denoising run. */
export interface SchedulerState {
  /** Index of the next step `step` expects; steps must run in order. */
  next: number;
  history: Float32Array[];
}

export interface Scheduler {
  readonly kind: 'euler' | 'lms' | 'ddim' | 'pndm';
  /** Number of UNet evaluations (the inference steps; PNDM runs one more). */
  readonly steps: number;
  /**
   * Timestep passed to the UNet at step i, noisiest first. Euler/LMS with 'linspace'
   * spacing give fractional values (as diffusers does); cast for an int64 `timestep`.
   */
  readonly timesteps: readonly number[];
  /** Noise level per step plus a final 0 (Euler/LMS; for DDIM sqrt((1-ā)/ā), for reference). */
  readonly sigmas: readonly number[];
  /** Multiply unit-variance noise by this to get the first sample. */
  readonly initNoiseSigma: number;
  /** How many past model outputs a step reads (LMS: its order; others: 1). */
  readonly historyLength: number;
  /** Factor applied to the sample before it goes into the UNet at step i. */
  scaleModelInput(i: number): number;
  coefficients(i: number): StepCoefficients;
  /** A fresh state for one denoising run. */
  createState(): SchedulerState;
  /**
   * Record `modelOutput` as step i's output and return x_{i+1}. `sample` and
   * `modelOutput` are not modified.
   */
  step(i: number, modelOutput: Float32Array, sample: Float32Array, state: SchedulerState): Float32Array;
}

/** Build a Scheduler from per-step coefficients; the kinds differ only in these. */
export function affineScheduler(init: Omit<Scheduler, 'createState' | 'step'>): Scheduler {
  const { steps, historyLength } = init;
  const checkIndex = (i: number) => {
    if (!Number.isInteger(i) || i < 0 || i >= steps) throw new RangeError(`step index ${i} is outside [0, ${steps - 1}]`);
  };
  return {
    ...init,
    scaleModelInput(i) {
      checkIndex(i);
      return init.scaleModelInput(i);
    },
    coefficients(i) {
      checkIndex(i);
      return init.coefficients(i);
    },
    createState: () => ({ next: 0, history: [] }),
    step(i, modelOutput, sample, state) {
      checkIndex(i);
      if (i !== state.next) throw new Error(`scheduler step ${i} called out of order (expected step ${state.next})`);
      if (modelOutput.length !== sample.length) {
        throw new Error(`model output has ${modelOutput.length} values but the sample has ${sample.length}`);
      }
      state.history.unshift(modelOutput);
      if (state.history.length > historyLength) state.history.length = historyLength;
      state.next = i + 1;
      const { sample: a, eps } = init.coefficients(i);
      return applyAffine(a, sample, eps, state.history);
    },
  };
}

/** out = a * x + sum_j b[j] * ys[j], accumulated in float64 per element. */
export function applyAffine(a: number, x: Float32Array, b: readonly number[], ys: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let k = 0; k < x.length; k++) {
    let v = a * x[k]!;
    for (let j = 0; j < b.length; j++) v += b[j]! * ys[j]![k]!;
    out[k] = v;
  }
  return out;
}
