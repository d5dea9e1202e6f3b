import { defineNode } from '../runtime/node-api/node';
import { generate } from '../runtime/models/pipeline/generate';
import { checkEmbedding, modelOf } from '../runtime/models/values';
import type { SchedulerKind } from '../runtime/schedulers';
import type { EmbeddingValue, ImageValue, LatentValue, SeedsValue } from '../runtime/values/types';
import { generateVjp, rememberForward } from '../runtime/diffusion-vjp/generate-vjp';
import { latentShape } from '../runtime/models/pipeline/noise';
import { checkGenerateSize } from '../runtime/models/pipeline/budget';
import type { LivePreviewMode } from '../runtime/models/pipeline/latent-preview';
import type { Tensor } from '../runtime/values/types';

const MAX_SEED = 2 ** 32 - 1;

export const Generate = defineNode({
  type: 'Generate',
  version: 1,
  category: 'Image',
  doc:
    'Denoising loop and VAE decode. B embeddings x S seeds give B*S images, embedding-major: ' +
    'image i uses embedding floor(i/S) and seed i mod S.',
  inputs: {
    model: { type: 'Model', doc: 'The model to sample with.' },
    embedding: { type: 'Embedding', doc: 'Prompt embeddings [B, tokens, dim].' },
    negative: { type: 'Embedding', optional: true, doc: 'Negative embedding (1 or B rows); default: the empty prompt.' },
    seeds: { type: 'Seeds', optional: true, doc: 'Seeds or explicit noise; overrides the seed param.' },
  },
  outputs: {
    image: { type: 'Image', doc: 'Images [B*S, 3, H, W] in [-1, 1].' },
    latent: { type: 'Latent', doc: 'Final latents [B*S, C, h, w] (after step latentStep when set).' },
  },
  params: {
    seed: { kind: 'number', default: 0, integer: true, min: 0, max: MAX_SEED, doc: 'Noise seed when no seeds are connected (torch.randn-compatible).' },
    steps: { kind: 'number', default: 20, integer: true, min: 1, max: 500, doc: 'Denoising steps.' },
    guidance: {
      kind: 'number',
      default: 7.5,
      min: 0,
      max: 30,
      step: 0.5,
      slider: true,
      doc: 'Classifier-free guidance u + g(c - u); at g <= 1 only the prompt is used (SD-Turbo: 0).',
    },
    scheduler: {
      kind: 'enum',
      options: ['auto', 'euler', 'lms', 'ddim', 'pndm'],
      default: 'auto',
      doc: "auto: the model's scheduler_config.json (SD 1.x: PNDM); or Euler, LMS, DDIM, PNDM. PNDM runs one UNet evaluation more than its steps.",
    },
    width: {
      kind: 'number',
      default: 0,
      integer: true,
      min: 0,
      max: 2048,
      auto: { value: 0, label: 'auto' },
      doc: "Image width in pixels; 0: the model's native size.",
    },
    height: {
      kind: 'number',
      default: 0,
      integer: true,
      min: 0,
      max: 2048,
      auto: { value: 0, label: 'auto' },
      doc: "Image height in pixels; 0: the model's native size.",
    },
    latentStep: {
      kind: 'number',
      default: -1,
      integer: true,
      min: -1,
      max: 499,
      auto: { value: -1, label: 'final' },
      doc: 'Stop after this denoising step (0-based) and output its latents; -1: run every step.',
    },
    gradientSteps: {
      kind: 'number',
      default: 0,
      integer: true,
      min: 0,
      max: 500,
      doc: 'Gradients (inside a GradientStep zone) flow through the decoder and this many last denoising steps; 0: all steps for few-step schedules (8 or fewer), else the last one (the paper).',
    },
    preview: {
      kind: 'enum',
      options: ['projection', 'decode', 'off'],
      default: 'projection',
      doc: "Live preview while denoising: projection, a cheap latent-to-RGB map fitted to this model's VAE (latent resolution); decode, the VAE itself (costs a decode each time); off.",
    },
    previewEvery: { kind: 'number', default: 2, integer: true, min: 1, max: 500, doc: 'Show the live preview after every this many denoising steps.' },
  },
  async run(ctx, inputs, p) {
    const model = modelOf(inputs.model);
    const embedding = inputs.embedding as EmbeddingValue;
    const negative = inputs.negative as EmbeddingValue | undefined;
    checkEmbedding(model, embedding, 'embedding');
    if (negative) checkEmbedding(model, negative, 'negative');
    const seeds = (inputs.seeds as SeedsValue | undefined) ?? { kind: 'Seeds', seeds: [p.seed] };
    const width = p.width || model.nativeSize.width;
    const height = p.height || model.nativeSize.height;
    const [batch, tokens, dim] = embedding.tensor.dims;
    // refused before any work starts: prompts x seeds (x t upstream) multiply quickly
    checkGenerateSize({
      embeddings: batch,
      seeds: seeds.noise ? seeds.noise.dims[0] : seeds.seeds.length,
      tokens,
      dim,
      latent: latentShape(model, width, height),
      width,
      height,
      steps: p.steps,
      guided: p.guidance > 1,
      record: ctx.step !== undefined,
    });
    const result = await generate(model, {
      embedding: embedding.tensor,
      negative: negative?.tensor,
      seeds,
      steps: p.steps,
      guidance: p.guidance,
      scheduler: p.scheduler === 'auto' ? model.defaultScheduler : (p.scheduler as SchedulerKind),
      width,
      height,
      latentStep: p.latentStep,
      onStep: (done, total) => ctx.progress(done, total),
      ...(p.preview === 'off'
        ? {}
        : {
            preview: {
              mode: p.preview as LivePreviewMode,
              every: p.previewEvery,
              emit: (images: Tensor, done: number, total: number) =>
                ctx.preview({ kind: 'Image', tensor: images, labels: Array.from({ length: images.dims[0] }, () => `step ${done}/${total}`) }),
            },
          }),
      signal: ctx.signal,
      // inside a zone body a backward pass follows: keep the steps for it
      record: ctx.step !== undefined,
    });
    const labels = result.rows.map(({ embedding: e, seed: s }) => {
      const prompt = embedding.labels?.[e] ?? `embedding ${e}`;
      return seeds.noise ? `${prompt} · noise ${s}` : `${prompt} · seed ${seeds.seeds[s]}`;
    });
    const image: ImageValue = { kind: 'Image', tensor: result.images, labels };
    const latent: LatentValue = { kind: 'Latent', tensor: result.latents, ...(p.latentStep >= 0 ? { step: p.latentStep } : {}) };
    ctx.preview(image);
    if (result.records.length > 0) rememberForward({ image }, result);
    return { image, latent };
  },
  // runtime/diffusion-vjp: the reverse pass over the recorded steps (replayed when not recorded).
  vjp: generateVjp,
});
