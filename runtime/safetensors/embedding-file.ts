import type { EmbeddingValue } from '../values/types';
import { fromFloat32, toFloat32 } from './float';
import type { SafeTensor } from './format';
import { readSafetensors } from './read';
import { writeSafetensors } from './write';

/** Marks our files, so a textual-inversion file (other tensor names) gets a clear error. */
export const EMBEDDING_FORMAT = 'embedding-studio/embedding';
export const EMBEDDING_TENSOR = 'embedding';
export const NEGATIVE_TENSOR = 'negative';

/** What travels with an embedding: where it came from, so it can be reused and shared. */
export interface EmbeddingFileMeta {
  model: string;
  prompt?: string;
  method?: string;
  seeds?: number[];
  /** Anything else the saver wants to keep (all metadata values are strings in the format). */
  extra?: Record<string, string>;
}

export interface EmbeddingFile {
  embedding: EmbeddingValue;
  negative?: EmbeddingValue;
  meta: EmbeddingFileMeta;
}

export function embeddingToSafetensors(file: EmbeddingFile): Uint8Array {
  const { meta } = file;
  const metadata: Record<string, string> = { ...(meta.extra ?? {}), format: EMBEDDING_FORMAT, model: meta.model };
  if (meta.prompt !== undefined) metadata.prompt = meta.prompt;
  if (meta.method !== undefined) metadata.method = meta.method;
  if (meta.seeds !== undefined) metadata.seeds = JSON.stringify(meta.seeds);
  if (file.embedding.labels) metadata.labels = JSON.stringify(file.embedding.labels);
  const tensors: [string, SafeTensor][] = [[EMBEDDING_TENSOR, fromFloat32(file.embedding.tensor.data, file.embedding.tensor.dims)]];
  if (file.negative) tensors.push([NEGATIVE_TENSOR, fromFloat32(file.negative.tensor.data, file.negative.tensor.dims)]);
  return writeSafetensors(tensors, metadata);
}

export function embeddingFromSafetensors(bytes: Uint8Array): EmbeddingFile {
  const { tensors, metadata } = readSafetensors(bytes);
  const t = tensors.get(EMBEDDING_TENSOR);
  if (!t) {
    const names = [...tensors.keys()].join(', ') || 'none';
    throw new Error(`no "${EMBEDDING_TENSOR}" tensor in this .safetensors file (it holds: ${names}); is it an Embedding Studio file?`);
  }
  if (t.shape.length !== 3) throw new Error(`"${EMBEDDING_TENSOR}" has shape [${t.shape}], expected [batch, tokens, dim]`);
  const { format, model, prompt, method, seeds, labels, ...extra } = metadata;
  if (format !== undefined && format !== EMBEDDING_FORMAT) throw new Error(`unknown embedding file format "${format}"`);
  const modelId = model ?? 'unknown';
  const embedding: EmbeddingValue = { kind: 'Embedding', tensor: { dims: [...t.shape], data: toFloat32(t) }, model: modelId };
  if (labels !== undefined) embedding.labels = JSON.parse(labels) as string[];
  const n = tensors.get(NEGATIVE_TENSOR);
  const meta: EmbeddingFileMeta = { model: modelId };
  if (prompt !== undefined) meta.prompt = prompt;
  if (method !== undefined) meta.method = method;
  if (seeds !== undefined) meta.seeds = JSON.parse(seeds) as number[];
  if (Object.keys(extra).length > 0) meta.extra = extra;
  const file: EmbeddingFile = { embedding, meta };
  if (n) file.negative = { kind: 'Embedding', tensor: { dims: [...n.shape], data: toFloat32(n) }, model: modelId };
  return file;
}
