import { defineNode } from '../runtime/node-api/node';
import type { EmbeddingValue } from '../runtime/values/types';
import { checkFileName, embeddingToSafetensors } from '../runtime/safetensors';
import { requireService } from '../runtime/node-api/services';

export const SaveEmbedding = defineNode({
  type: 'SaveEmbedding',
  version: 1,
  category: 'Output',
  doc: 'Saves an embedding (and optionally its negative) as .safetensors with its model, prompt, method and seeds, to reuse or share.',
  // A save is a side effect: do it on every run, even when the embedding did not change.
  deterministic: false,
  inputs: {
    embedding: { type: 'Embedding', doc: 'The embedding to save.' },
    negative: { type: 'Embedding', optional: true, doc: 'A negative embedding to keep with it.' },
  },
  outputs: {},
  params: {
    file: { kind: 'string', default: 'embedding.safetensors', doc: 'File name (inside the output folder; a download in the browser).' },
    prompt: { kind: 'string', default: '', doc: 'The prompt it started from (default: the embedding\'s label).' },
    method: { kind: 'string', default: '', doc: 'How it was made, e.g. "metric-optimization (sharpness)".' },
    seeds: { kind: 'numberList', default: [], integer: true, min: 0, max: 2 ** 32 - 1, maxLength: 4096, doc: 'Seeds it was made or tested with.' },
  },
  async run(ctx, inputs, p) {
    const embedding = inputs.embedding as EmbeddingValue;
    const negative = inputs.negative as EmbeddingValue | undefined;
    const file = checkFileName(p.file.endsWith('.safetensors') ? p.file : `${p.file}.safetensors`);
    const prompt = p.prompt || embedding.labels?.[0];
    const bytes = embeddingToSafetensors({
      embedding,
      ...(negative ? { negative } : {}),
      meta: {
        model: embedding.model,
        ...(prompt !== undefined ? { prompt } : {}),
        ...(p.method ? { method: p.method } : {}),
        ...(p.seeds.length > 0 ? { seeds: p.seeds } : {}),
      },
    });
    await requireService(ctx.services, 'saveBytes').call(ctx.services, file, bytes, 'application/octet-stream', ctx.nodeId);
    ctx.progress(1, 1);
    return {};
  },
});
