import { applyAffine, classifierFreeGuidance, type Scheduler } from '../../schedulers';
import type { Tensor } from '../../values/types';
import type { DiffusionModel } from '../model';
import { concatRows, rowSize, scale, sliceRows } from './tensor-util';
import { yieldToHost } from '../../host/yield';

/** Text conditioning per latent row: `cond[i]` steers row i; `uncond` is the guidance baseline. */
export interface Conditioning {
  cond: Tensor;
  /** Absent: no classifier-free guidance, one UNet row per image. */
  uncond?: Tensor;
  guidance: number;
}

/**
 * What step i consumed, kept so issue 5's Generate vjp can replay the last k steps under
 * autodiff: x_{i+1} = a*x_i + sum_j b_j*eps_{i-j} (scheduler.coefficients(i)), where
 * eps_i = guided UNet(x_i * inputScale, timestep, cond/uncond).
 */
export interface StepRecord {
  index: number;
  timestep: number;
  inputScale: number;
  /** x_i: the latent before the step, unscaled. */
  latent: Float32Array;
  /** eps_i after guidance. */
  modelOutput: Float32Array;
}

export interface DenoiseOptions {
  /** Stop after this step (0-based) and return x_{k+1}; default: run every step. */
  stopAfter?: number;
  /** Keep a StepRecord per step (costs one latent copy per step). */
  record?: boolean;
  onStep?(done: number, total: number): void;
  /**
   * Live previews (latent-preview.ts): after every `every`-th step but the last, `onStep` gets
   * x_i and the guided model output at it; the loop waits for it (a preview is cheap or asked for).
   */
  preview?: { every: number; onStep(i: number, sample: Tensor, output: Float32Array, total: number): Promise<void> };
  signal?: AbortSignal;
}

/** True when the preview hook wants step i (0-based) of `last + 1`. */
export const previewDue = (options: DenoiseOptions, i: number, last: number): boolean =>
  !!options.preview && i < last && (i + 1) % options.preview.every === 0;

/** Largest UNet batch we send at once when the model leaves the batch dim free. */
export const MAX_UNET_ROWS = 32;

/**
 * One guided UNet evaluation: `sample` [N,C,h,w] is already multiplied by the scheduler's
 * input scale. The UNet sees [uncond rows; cond rows], chunked to what the model takes.
 */
export async function predictNoise(model: DiffusionModel, sample: Tensor, timestep: number, c: Conditioning): Promise<Float32Array> {
  const n = sample.dims[0];
  const samples = c.uncond ? concatRows([sample, sample]) : sample;
  const context = c.uncond ? concatRows([c.uncond, c.cond]) : c.cond;
  if (context.dims[0] !== samples.dims[0]) throw new Error(`conditioning has ${c.cond.dims[0]} rows for ${n} latents`);
  const rows = samples.dims[0];
  const chunk = model.unetBatch ?? Math.min(rows, MAX_UNET_ROWS);
  const out = new Float32Array(samples.data.length);
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(rows, start + chunk);
    let x = sliceRows(samples, start, end);
    let ctx = sliceRows(context, start, end);
    const real = end - start;
    if (model.unetBatch && real < chunk) {
      // a fixed-batch UNet gets its last chunk padded with repeats of row 0, then trimmed
      const pad = Array.from({ length: chunk - real }, () => 0);
      x = concatRows([x, ...pad.map(() => sliceRows(x, 0, 1))]);
      ctx = concatRows([ctx, ...pad.map(() => sliceRows(ctx, 0, 1))]);
    }
    const result = await model.unet.run(
      { sample: x, timestep: timestepTensor(model, timestep, x.dims[0]), encoder_hidden_states: ctx },
      ['out_sample'],
    );
    out.set(result.out_sample.data.subarray(0, real * rowSize(sample)), start * rowSize(sample));
  }
  if (!c.uncond) return out;
  const half = n * rowSize(sample);
  return classifierFreeGuidance(out.subarray(0, half), out.subarray(half), c.guidance);
}

export function timestepTensor(model: DiffusionModel, t: number, rows: number): { data: number[]; dims: number[] } {
  switch (model.timestepShape) {
    case 'scalar':
      return { data: [t], dims: [] };
    case 'one':
      return { data: [t], dims: [1] };
    case 'batch':
      return { data: Array<number>(rows).fill(t), dims: [rows] };
  }
}

/** The index of the last step to run: `stopAfter` when given (checked), else the schedule's last. */
export function lastStep(scheduler: Scheduler, stopAfter: number | undefined): number {
  const last = stopAfter ?? scheduler.steps - 1;
  if (!Number.isInteger(last) || last < 0 || last >= scheduler.steps) {
    throw new Error(`cannot stop after step ${last}: the schedule has steps 0..${scheduler.steps - 1}`);
  }
  return last;
}

/**
 * The denoising loop from x_0 = noise * initNoiseSigma. Each step reads only its record's
 * fields and the scheduler's history, so any suffix of steps can be replayed alone.
 */
export async function denoise(
  model: DiffusionModel,
  scheduler: Scheduler,
  noise: Tensor,
  c: Conditioning,
  options: DenoiseOptions = {},
): Promise<{ latent: Tensor; records: StepRecord[] }> {
  const last = lastStep(scheduler, options.stopAfter);
  const state = scheduler.createState();
  const records: StepRecord[] = [];
  let x = applyAffine(scheduler.initNoiseSigma, noise.data, [], []);
  for (let i = 0; i <= last; i++) {
    await yieldToHost();
    options.signal?.throwIfAborted();
    const inputScale = scheduler.scaleModelInput(i);
    const timestep = scheduler.timesteps[i];
    const eps = await predictNoise(model, { dims: noise.dims, data: scale(x, inputScale) }, timestep, c);
    if (options.record) records.push({ index: i, timestep, inputScale, latent: x, modelOutput: eps });
    if (previewDue(options, i, last)) await options.preview!.onStep(i, { dims: noise.dims, data: x }, eps, last + 1);
    x = scheduler.step(i, eps, x, state);
    options.onStep?.(i + 1, last + 1);
  }
  return { latent: { dims: [...noise.dims], data: x }, records };
}
