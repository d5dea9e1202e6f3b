import { createScheduler, type SchedulerKind } from '../../schedulers';
import type { SeedsValue, Tensor } from '../../values/types';
import type { DiffusionModel } from '../model';
import { decodeLatents } from './decode';
import { denoise, type Conditioning, type StepRecord } from './denoise';
import { canDenoiseOnDevice, denoiseOnDevice } from './denoise-device';
import { encodePrompts } from './encode';
import { initialNoise, latentShape } from './noise';
import { gatherRows } from './tensor-util';
import { livePreview, type LivePreviewMode } from './latent-preview';

export { encodePrompts } from './encode';
export { denoise, predictNoise, type Conditioning, type DenoiseOptions, type StepRecord } from './denoise';
export { decodeLatents } from './decode';
export { initialNoise, latentShape } from './noise';
export { canDenoiseOnDevice, denoiseOnDevice } from './denoise-device';

export interface GenerateRequest {
  /** Prompt embeddings [B, tokens, dim]. */
  embedding: Tensor;
  /** [1 or B, tokens, dim]; default: the empty prompt's embedding. */
  negative?: Tensor;
  /** S seeds (or S rows of explicit noise). */
  seeds: SeedsValue;
  steps: number;
  guidance: number;
  scheduler: SchedulerKind;
  width: number;
  height: number;
  /** Stop after this 0-based step and return its latents; -1 or absent: all steps. */
  latentStep?: number;
  record?: boolean;
  /**
   * Keep latents in the backend's buffers between steps (runtime/models/pipeline/generate/denoise-device.ts).
   * Default: where it pays, WebGPU with float32 latents; `true` forces it (tests on wasm).
   */
  onDevice?: boolean;
  onStep?(done: number, total: number): void;
  /** Live previews while denoising (latent-preview.ts): images after every `every` steps. */
  preview?: { mode: LivePreviewMode; every: number; emit(images: Tensor, done: number, total: number): void };
  signal?: AbortSignal;
}

export interface GenerateResult {
  /** [B*S, 3, H, W]; image i is embedding floor(i / S) with seed i % S. */
  images: Tensor;
  /** [B*S, C, h, w], unscaled; after `latentStep` when given. */
  latents: Tensor;
  /** Which embedding row and seed index made each image. */
  rows: { embedding: number; seed: number }[];
  conditioning: Conditioning;
  records: StepRecord[];
}

const emptyPrompt = new WeakMap<DiffusionModel, Promise<Tensor>>();

/** The empty prompt's embedding, encoded once per loaded model. */
export function emptyEmbedding(model: DiffusionModel): Promise<Tensor> {
  let e = emptyPrompt.get(model);
  if (!e) {
    const encoded = encodePrompts(model, ['']);
    emptyPrompt.set(model, (e = encoded));
    encoded.catch(() => emptyPrompt.get(model) === encoded && emptyPrompt.delete(model));
  }
  return e;
}

/**
 * Text-to-image over a batch: B embeddings x S seeds -> B*S images, embedding-major
 * (all seeds of embedding 0 first). Guidance follows diffusers: only for g > 1 does the
 * UNet also see the negative, so SD-Turbo's g = 0 means "conditional only".
 */
export async function generate(model: DiffusionModel, req: GenerateRequest): Promise<GenerateResult> {
  const B = req.embedding.dims[0];
  const shape = latentShape(model, req.width, req.height);
  const noise = initialNoise(req.seeds, shape);
  const S = noise.dims[0];
  const rows = Array.from({ length: B * S }, (_, i) => ({ embedding: Math.floor(i / S), seed: i % S }));
  const cond = gatherRows(req.embedding, rows.map((r) => r.embedding));
  let uncond: Tensor | undefined;
  if (req.guidance > 1) {
    const negative = req.negative ?? (await emptyEmbedding(model));
    const nb = negative.dims[0];
    if (nb !== 1 && nb !== B) throw new Error(`negative has ${nb} rows: give 1, or one per embedding (${B})`);
    if (negative.dims[1] !== req.embedding.dims[1] || negative.dims[2] !== req.embedding.dims[2]) {
      throw new Error(`negative is [${negative.dims.join(', ')}] but the embedding is [${req.embedding.dims.join(', ')}]`);
    }
    uncond = gatherRows(negative, rows.map((r) => (nb === 1 ? 0 : r.embedding)));
  }
  const conditioning: Conditioning = { cond, uncond, guidance: req.guidance };
  const scheduler = createScheduler(req.scheduler, model.schedulerConfig, req.steps);
  const x0 = gatherRows(noise, rows.map((r) => r.seed));
  const stopAfter = req.latentStep === undefined || req.latentStep < 0 ? undefined : req.latentStep;
  const onDevice = req.onDevice ?? canDenoiseOnDevice(model, uncond ? 2 * rows.length : rows.length);
  const { latent, records } = await (onDevice ? denoiseOnDevice : denoise)(model, scheduler, x0, conditioning, {
    stopAfter,
    record: req.record,
    onStep: req.onStep,
    ...(req.preview ? { preview: livePreview(model, scheduler, req.preview) } : {}),
    signal: req.signal,
  });
  req.signal?.throwIfAborted();
  const images = await decodeLatents(model, latent);
  return { images, latents: latent, rows, conditioning, records };
}
