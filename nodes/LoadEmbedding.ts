import { defineNode } from '../runtime/node-api/node';
import type { EmbeddingValue } from '../runtime/values/types';
import { requireService } from '../runtime/node-api/services';
import { embeddingFromSafetensors } from '../runtime/safetensors';

export const LoadEmbedding = defineNode({
  type: 'LoadEmbedding',
  version: 1,
  category: 'Embedding',
  doc: 'Loads an embedding saved by SaveEmbedding (.safetensors); Generate checks that it belongs to its model.',
  inputs: {},
  outputs: {
    embedding: { type: 'Embedding', doc: 'The stored embedding (or its stored negative).' },
  },
  params: {
    file: { kind: 'string', default: 'embedding.safetensors', doc: 'A path (Node), a URL, or builtin:<path>.' },
    tensor: { kind: 'enum', options: ['embedding', 'negative'], default: 'embedding', doc: 'Which stored embedding to output.' },
  },
  async run(ctx, _inputs, p) {
    const bytes = await requireService(ctx.services, 'readBytes')(p.file, ctx.signal);
    const file = embeddingFromSafetensors(bytes);
    const value: EmbeddingValue | undefined = p.tensor === 'negative' ? file.negative : file.embedding;
    if (!value) throw new Error(`${p.file} holds no negative embedding`);
    const label = file.meta.prompt ? `${file.meta.prompt} (${file.meta.method ?? 'loaded'})` : p.file;
    return { embedding: { ...value, labels: Array.from({ length: value.tensor.dims[0] }, () => label) } };
  },
});
