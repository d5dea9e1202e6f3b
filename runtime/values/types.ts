/**
 * Values that travel along sockets. Every batch is first-class: the leading dimension of a
 * tensor is the batch (5 embeddings, 5 images, 5 scores).
 */
export type SocketType = 'Model' | 'Embedding' | 'Seeds' | 'Latent' | 'Image' | 'Score' | 'Number';
export const SOCKET_TYPES: readonly SocketType[] = ['Model', 'Embedding', 'Seeds', 'Latent', 'Image', 'Score', 'Number'];

/** A dense float32 tensor on the CPU side of the runtime, row-major. */
export interface Tensor {
  dims: number[];
  data: Float32Array;
}

/** Prompt embeddings [B, tokens, dim], e.g. [1, 77, 768]; `model` names the model that made them. */
export interface EmbeddingValue {
  kind: 'Embedding';
  tensor: Tensor;
  model: string;
  /** Where each row of the batch came from (prompt text, "slerp t=0.3", ...), for labels. */
  labels?: string[];
}

/**
 * Seeds for initial noise. `noise`, when present, overrides what the seeds would give
 * ([N, ...latentShape]); methods that blend noise (seed-invariant) use it.
 */
export interface SeedsValue {
  kind: 'Seeds';
  seeds: number[];
  noise?: Tensor;
}

/** Latents [B, C, h, w], unscaled as the UNet sees them. */
export interface LatentValue {
  kind: 'Latent';
  tensor: Tensor;
  /** Latents taken after denoising step k (the seed-invariant method compares these). */
  step?: number;
}

/** Images [B, 3, H, W] with values in [-1, 1], as the VAE decoder emits them. */
export interface ImageValue {
  kind: 'Image';
  tensor: Tensor;
  labels?: string[];
}

/** One number per image. `goal` says which way is better, for Pick and plots. */
export interface ScoreValue {
  kind: 'Score';
  values: Float32Array;
  name?: string;
  goal?: 'maximize' | 'minimize';
}

export interface NumberValue {
  kind: 'Number';
  values: number[];
}

/** A loaded model: opaque to everything but the model-backed nodes (see runtime/models). */
export interface ModelValue {
  kind: 'Model';
  id: string;
  handle: unknown;
}

export type Value = EmbeddingValue | SeedsValue | LatentValue | ImageValue | ScoreValue | NumberValue | ModelValue;

export type ValueOf<S extends SocketType> = Extract<Value, { kind: S }>;
