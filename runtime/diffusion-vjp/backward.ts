import type { Scheduler } from '../schedulers';
import type { Conditioning, StepRecord } from '../models/pipeline/generate';
import type { DiffusionModel } from '../models/model';
import type { Tensor } from '../values/types';
import { concatRows } from '../models/pipeline/tensor-util';
import { timestepTensor } from '../models/pipeline/denoise';
import { addInto, runRows } from './chunks';
import { vjpSessions, type SessionBudget, type VjpPart, type VjpSessions } from './sessions';
import type { GradientOptions } from './budget';
import { explainNonFinite } from './non-finite';
import { formatBytes } from '../autodiff/bytes';
import { yieldToHost } from '../host/yield';

export interface BackwardRequest {
  model: DiffusionModel;
  scheduler: Scheduler;
  conditioning: Conditioning;
  /** The forward pass's records, steps 0..last (pipeline `record: true`). */
  records: StepRecord[];
  /** The final latents the decoder saw (unscaled). */
  latent: Tensor;
  /** d(loss)/d(images) and/or d(loss)/d(latents). */
  gradImage?: Tensor;
  gradLatent?: Tensor;
  /** How many of the last denoising steps gradients flow through (earlier ones count as constants). */
  steps: number;
  signal?: AbortSignal;
  /** memory budget of the gradient models, and where to say what they plan */
  gradient?: GradientOptions;
}

/** d(loss)/d(conditioning rows): `cond` per UNet row, `uncond` when guidance used a negative. */
export interface BackwardResult {
  cond: Tensor;
  uncond?: Tensor;
}

/**
 * Reverse pass of Generate (docs/design.md#gradients): VAE decoder VJP, then the last `steps`
 * denoising steps in reverse. Each step is x_{i+1} = a_i x_i + sum_j b_ij eps_{i-j} with
 * eps_i = u + g (c - u) from one UNet call on [uncond; cond] rows, so its VJP is affine
 * bookkeeping plus one UNet VJP call on the same rows.
 */
export async function diffusionBackward(req: BackwardRequest): Promise<BackwardResult> {
  const { model, scheduler, records, conditioning: c } = req;
  // Each await below is an inference that resolves through microtasks only: without a turn of
  // the host's event loop between steps, a Ctrl-C or a worker's cancel() is never read.
  await yieldToHost();
  req.signal?.throwIfAborted();
  const dims = req.latent.dims;
  const sessions = await vjpSessions(model, budgetShapes(req));
  reportPlan(req, sessions);
  let gx = new Float32Array(req.latent.data.length);
  if (req.gradLatent) addInto(gx, req.gradLatent.data);
  if (req.gradImage) {
    const scaled: Tensor = { dims, data: req.latent.data.map((v) => v / model.scalingFactor) };
    const fixed = model.vaeDecoder.input('latent_sample')!.shape[0];
    const out = await runRows(sessions.vae.session, { latent_sample: scaled, grad_sample: req.gradImage }, () => ({}), ['grad_latent_sample'], typeof fixed === 'number' ? fixed : undefined, explain(sessions.vae));
    addInto(gx, out.grad_latent_sample.data, 1 / model.scalingFactor);
  }
  const gCond = new Float32Array(c.cond.data.length);
  const gUncond = c.uncond ? new Float32Array(c.uncond.data.length) : undefined;
  const last = records.length - 1;
  const first = Math.max(0, records.length - Math.max(1, req.steps));
  const gEps = new Map<number, Float32Array>();
  const epsGrad = (i: number) => gEps.get(i) ?? gEps.set(i, new Float32Array(gx.length)).get(i)!;
  for (let i = last; i >= first; i--) {
    await yieldToHost();
    req.signal?.throwIfAborted();
    const { sample: a, eps: b } = scheduler.coefficients(i);
    // Outputs of steps before the window are constants: their share of the gradient is dropped.
    b.forEach((bj, j) => i - j >= first && addInto(epsGrad(i - j), gx, bj));
    const ge = epsGrad(i);
    gEps.delete(i);
    const rec = records[i];
    const x: Tensor = { dims, data: rec.latent.map((v) => v * rec.inputScale) };
    const samples = c.uncond ? concatRows([x, x]) : x;
    const context = c.uncond ? concatRows([c.uncond, c.cond]) : c.cond;
    const gOut = c.uncond ? new Float32Array(2 * ge.length) : ge;
    if (c.uncond) {
      // eps = (1 - g) u + g c
      for (let k = 0; k < ge.length; k++) {
        gOut[k] = (1 - c.guidance) * ge[k];
        gOut[ge.length + k] = c.guidance * ge[k];
      }
    }
    const out = await runRows(
      sessions.unet.session,
      { sample: samples, encoder_hidden_states: context, grad_out_sample: { dims: samples.dims, data: gOut } },
      (rows) => ({ timestep: timestepTensor(model, rec.timestep, rows) }),
      ['grad_sample', 'grad_encoder_hidden_states'],
      model.unetBatch,
      explain(sessions.unet),
    );
    const next = new Float32Array(gx.length);
    addInto(next, gx, a);
    const gs = out.grad_sample.data;
    const gh = out.grad_encoder_hidden_states.data;
    addInto(next, gs, rec.inputScale);
    if (c.uncond) {
      addInto(next, gs, rec.inputScale, gx.length);
      addInto(gUncond!, gh);
      addInto(gCond, gh, 1, gUncond!.length);
    } else {
      addInto(gCond, gh);
    }
    gx = next;
  }
  return { cond: { dims: [...c.cond.dims], data: gCond }, ...(gUncond ? { uncond: { dims: [...c.uncond!.dims], data: gUncond } } : {}) };
}

const explain = (part: VjpPart) => (feeds: Parameters<typeof explainNonFinite>[1], output: string, what: string) => explainNonFinite(part.source, feeds, output, what);

/** The input shapes each gradient model runs at (one UNet call on all rows, or its fixed batch), and the budget. */
function budgetShapes(req: BackwardRequest): SessionBudget {
  const setting = req.gradient?.memoryBudget || undefined;
  const { model, conditioning: c, latent } = req;
  const rows = model.unetBatch ?? (c.uncond ? 2 : 1) * latent.dims[0];
  const vaeFixed = model.vaeDecoder.input('latent_sample')?.shape[0];
  const images = typeof vaeFixed === 'number' ? vaeFixed : latent.dims[0];
  const imageDims = req.gradImage?.dims ?? [latent.dims[0], 3, latent.dims[2] * 8, latent.dims[3] * 8];
  return {
    setting,
    unet: { sample: [rows, ...latent.dims.slice(1)], encoder_hidden_states: [rows, ...c.cond.dims.slice(1)], timestep: timestepTensor(model, 0, rows).dims },
    vae: { latent_sample: [images, ...latent.dims.slice(1)], grad_sample: [images, ...imageDims.slice(1)] },
  };
}

/** One status line: what the budget is and what the UNet and VAE gradients plan to use. */
function reportPlan(req: BackwardRequest, s: VjpSessions): void {
  if (!req.gradient?.status || !s.budget) return;
  const part = (name: string, p: VjpPart) => p.memory
    ? `${name} ${formatBytes(p.memory.plan.peakBytes)}${p.memory.policy === 'none' ? '' : ` (recomputing, ${p.memory.policy}; ${formatBytes(p.memory.unbudgetedPeak)} without)`}`
    : `${name} ?`;
  const largest = Math.max(s.unet.memory?.plan.largest.bytes ?? 0, s.vae.memory?.plan.largest.bytes ?? 0);
  const binding = s.tensorLimit;
  const parts = (s.unet.chunks?.chunks ?? 0) + (s.vae.chunks?.chunks ?? 0);
  const chunked = parts ? `; attention in ${parts} parts of at most ${formatBytes(binding!)}` : '';
  const over = binding && largest > binding ? `; largest tensor ${formatBytes(largest)} is over the ${formatBytes(binding)} binding limit` : '';
  const fits = [s.unet, s.vae].every((p) => p.memory?.fits !== false) ? '' : ' (does not fit: the smallest plan found)';
  req.gradient.status(`gradient memory: budget ${formatBytes(s.budget.bytes)}${s.budget.why ? ` (${s.budget.why})` : ''}; plans ${part('UNet', s.unet)}, ${part('VAE', s.vae)}${fits}${chunked}${over}`);
}
