import { createScheduler, type SchedulerKind } from '../schedulers';
import { generate, type GenerateResult } from '../models/pipeline/generate';
import { modelOf } from '../models/values';
import type { EmbeddingValue, SeedsValue, Tensor, Value } from '../values/types';
import { diffusionBackward } from './backward';
import type { GradientOptions } from './budget';

// Generate's ports by name, as its run and vjp see them: the node contract's records, restated
// here because the services floor sits below the node contract.
type Inputs = Record<string, Value | undefined>;
type Outputs = Record<string, Value>;
type Gradients = Record<string, Tensor | undefined>;

/** The Generate params the backward pass reads. */
export interface GenerateVjpParams {
  seed: number;
  steps: number;
  guidance: number;
  scheduler: string;
  width: number;
  height: number;
  latentStep: number;
  /** Denoising steps to backpropagate through; 0: automatic (all for few-step schedules, else 1). */
  gradientSteps: number;
}

/**
 * Forward passes run inside a zone body keep their step records here, keyed by the output
 * value, so the backward pass right after needs no replay. Weak: gone with the iteration.
 */
const forwards = new WeakMap<object, GenerateResult>();

/** Called by Generate's `run` when it ran with `record: true` (inside a zone body). */
export function rememberForward(outputs: Outputs, result: GenerateResult): void {
  if (outputs.image) forwards.set(outputs.image, result);
}

/** Few-step schedules (SD-Turbo, the built-in model) are cheap enough to differentiate whole. */
export const FEW_STEPS = 8;

export function gradientStepsFor(p: Pick<GenerateVjpParams, 'steps' | 'gradientSteps'>, stepsRun: number): number {
  if (p.gradientSteps > 0) return Math.min(p.gradientSteps, stepsRun);
  return p.steps <= FEW_STEPS ? stepsRun : 1;
}

/** Sums UNet-row gradients back onto the B embedding rows they were gathered from. */
function scatterRows(g: Tensor, source: readonly number[], batch: number): Tensor {
  const [, tokens, dim] = g.dims;
  const size = tokens * dim;
  const out = new Float32Array(batch * size);
  source.forEach((row, i) => {
    for (let k = 0; k < size; k++) out[row * size + k] += g.data[i * size + k];
  });
  return { dims: [batch, tokens, dim], data: out };
}

/**
 * Generate's `vjp`: takes the forward pass's step records (or replays it: same seeds, bit for
 * bit the same latents), then runs the reverse pass. Gradients reach `embedding` and, when it is
 * connected, `negative`; seeds and the model get none.
 */
export async function generateVjp(ctx: { signal: AbortSignal; gradient?: GradientOptions }, inputs: Inputs, p: GenerateVjpParams, outputs: Outputs, grads: Gradients): Promise<Gradients> {
  if (!grads.image && !grads.latent) return {};
  const model = modelOf(inputs.model);
  const embedding = inputs.embedding as EmbeddingValue;
  const negative = inputs.negative as EmbeddingValue | undefined;
  const seeds = (inputs.seeds as SeedsValue | undefined) ?? { kind: 'Seeds', seeds: [p.seed] };
  const kind = p.scheduler === 'auto' ? model.defaultScheduler : (p.scheduler as SchedulerKind);
  const remembered = outputs.image ? forwards.get(outputs.image) : undefined;
  const forward = remembered ?? await generate(model, {
    embedding: embedding.tensor,
    negative: negative?.tensor,
    seeds,
    steps: p.steps,
    guidance: p.guidance,
    scheduler: kind,
    width: p.width || model.nativeSize.width,
    height: p.height || model.nativeSize.height,
    latentStep: p.latentStep,
    record: true,
    signal: ctx.signal,
  });
  const back = await diffusionBackward({
    model,
    scheduler: createScheduler(kind, model.schedulerConfig, p.steps),
    conditioning: forward.conditioning,
    records: forward.records,
    latent: forward.latents,
    gradImage: grads.image,
    gradLatent: grads.latent,
    steps: gradientStepsFor(p, forward.records.length),
    signal: ctx.signal,
    gradient: ctx.gradient,
  });
  const B = embedding.tensor.dims[0];
  const out: Gradients = { embedding: scatterRows(back.cond, forward.rows.map((r) => r.embedding), B) };
  if (negative && back.uncond) {
    const nb = negative.tensor.dims[0];
    out.negative = scatterRows(back.uncond, forward.rows.map((r) => (nb === 1 ? 0 : r.embedding)), nb);
  }
  return out;
}
