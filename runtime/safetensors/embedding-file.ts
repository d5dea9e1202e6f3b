import type { EmbeddingValue, Tensor } from '../values/types';
import { nonFiniteAt } from '../values/finite';
import { echo, quote } from '../messages';
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
    const names = [...tensors.keys()].map((n) => quote(n).slice(1, -1)).join(', ') || 'none';
    throw new Error(`no "${EMBEDDING_TENSOR}" tensor in this .safetensors file (it holds: ${names}); is it an Embedding Studio file?`);
  }
  const { format, model, prompt, method, seeds, labels, ...extra } = metadata;
  if (format !== undefined && format !== EMBEDDING_FORMAT) throw new Error(`unknown embedding file format ${quote(format)}`);
  const modelId = model ?? 'unknown';
  const embedding: EmbeddingValue = { kind: 'Embedding', tensor: embeddingTensor(EMBEDDING_TENSOR, t), model: modelId };
  const batch = embedding.tensor.dims[0];
  if (labels !== undefined) {
    embedding.labels = metadataJson('labels', labels, (v) => Array.isArray(v) && v.length === batch && v.every((l) => typeof l === 'string'), `a list of ${batch} strings, one per embedding`);
  }
  const n = tensors.get(NEGATIVE_TENSOR);
  const meta: EmbeddingFileMeta = { model: modelId };
  if (prompt !== undefined) meta.prompt = prompt;
  if (method !== undefined) meta.method = method;
  if (seeds !== undefined) {
    meta.seeds = metadataJson('seeds', seeds, (v) => Array.isArray(v) && v.every((s) => Number.isInteger(s) && s >= 0 && s <= 2 ** 32 - 1), 'a list of seeds (whole numbers from 0 to 4294967295)');
  }
  if (Object.keys(extra).length > 0) meta.extra = extra;
  const file: EmbeddingFile = { embedding, meta };
  if (n) {
    const negative = embeddingTensor(NEGATIVE_TENSOR, n);
    const [, tokens, dim] = embedding.tensor.dims;
    if (negative.dims[1] !== tokens || negative.dims[2] !== dim) {
      throw new Error(`"${NEGATIVE_TENSOR}" has shape [${negative.dims.join(', ')}], but "${EMBEDDING_TENSOR}" is [${embedding.tensor.dims.join(', ')}]`);
    }
    file.negative = { kind: 'Embedding', tensor: negative, model: modelId };
  }
  return file;
}

/**
 * A stored embedding as float32 [batch, tokens, dim]: every dim at least 1 and every value
 * finite. A NaN would otherwise reach the UNet and come out as a black image without a word.
 */
function embeddingTensor(name: string, t: SafeTensor): Tensor {
  if (t.shape.length !== 3) throw new Error(`"${name}" has shape [${t.shape.join(', ')}], expected [batch, tokens, dim]`);
  const empty = ['batch', 'tokens', 'dim'].find((_, i) => t.shape[i] === 0);
  if (empty) throw new Error(`"${name}" has shape [${t.shape.join(', ')}]: its ${empty} is 0, so it holds no embedding`);
  let data: Float32Array;
  try {
    data = toFloat32(t);
  } catch (error) {
    throw new Error(`"${name}": ${(error as Error).message}`);
  }
  const tensor = { dims: [...t.shape], data };
  const bad = nonFiniteAt(tensor);
  if (bad) throw new Error(`"${name}" holds ${bad}: an embedding must be finite numbers`);
  return tensor;
}

/** A metadata value stored as JSON text: parsed, and checked to be `what`, naming the field otherwise. */
function metadataJson<T>(field: string, text: string, valid: (value: unknown) => boolean, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`metadata "${field}" is not valid JSON (${(error as Error).message}), got ${echo(text)}`);
  }
  if (!valid(value)) throw new Error(`metadata "${field}" should be ${what}, got ${echo(value)}`);
  return value as T;
}
