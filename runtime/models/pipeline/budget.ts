import { checkBatch } from '../../values/budget';

export interface GenerateSize {
  /** Embedding rows and seed (or noise) rows: the images are their product. */
  embeddings: number;
  seeds: number;
  tokens: number;
  dim: number;
  /** Latent [channels, h, w] and image size. */
  latent: readonly [number, number, number];
  width: number;
  height: number;
  steps: number;
  guided: boolean;
  /** Inside a gradient zone every step's latent and noise estimate are kept. */
  record: boolean;
}

/**
 * What Generate holds in memory for a batch, in bytes: per image its conditioning rows (and the
 * [uncond; cond] copy each step), the noise, latent, scheduler history and UNet input/output
 * (about 8 latents), the step records, and the decoded image with its copy and preview. The
 * models run in chunks, so their own activations do not grow with the batch.
 */
export function generateBytes(size: GenerateSize): number {
  const images = size.embeddings * size.seeds;
  const cond = size.tokens * size.dim * 4 * (size.guided ? 4 : 2);
  const latent = size.latent[0] * size.latent[1] * size.latent[2] * 4 * (8 + (size.record ? 2 * size.steps : 0));
  const image = size.width * size.height * (3 * 4 * 2 + 4);
  return images * (cond + latent + image);
}

/** Refuses a Generate batch over MAX_BATCH images or the memory limit, before any work starts. */
export function checkGenerateSize(size: GenerateSize): void {
  const images = size.embeddings * size.seeds;
  checkBatch(images, 'images', generateBytes(size), `${size.embeddings.toLocaleString('en-US')} embeddings x ${size.seeds.toLocaleString('en-US')} seeds`);
}
