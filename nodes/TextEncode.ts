import { defineNode } from '../runtime/node-api/node';
import { encodePrompts } from '../runtime/models/pipeline/encode';
import { modelOf } from '../runtime/models/values';
import type { EmbeddingValue } from '../runtime/values/types';
import { checkBatch } from '../runtime/values/budget';

/** One prompt, or several separated by blank lines: each paragraph is one batch row. */
export function splitPrompts(text: string): string[] {
  const prompts = text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((p) => p.trim().replace(/\s*\r?\n\s*/g, ' '))
    .filter((p) => p.length > 0);
  // an empty text is a real prompt (the unconditional one), not "no prompts"
  return prompts.length > 0 ? prompts : [''];
}

export const TextEncode = defineNode({
  type: 'TextEncode',
  version: 1,
  category: 'Embedding',
  doc: 'Tokenizes prompts and runs the text encoder. Separate prompts with a blank line to get a batch.',
  inputs: {
    model: { type: 'Model', doc: 'The model whose text encoder to use.' },
  },
  outputs: {
    embedding: { type: 'Embedding', doc: 'Prompt embeddings [B, tokens, dim], labelled with their prompts.' },
  },
  params: {
    text: {
      kind: 'string',
      default: 'a red circle on a blue background',
      multiline: true,
      doc: 'The prompt; several prompts separated by blank lines give a batch.',
    },
  },
  async run(_ctx, inputs, p) {
    const model = modelOf(inputs.model);
    const prompts = splitPrompts(p.text);
    const dim = model.textEncoder.output('last_hidden_state')?.shape[2];
    checkBatch(prompts.length, 'prompts', prompts.length * model.tokens * (typeof dim === 'number' ? dim : 1024) * 4);
    const tensor = await encodePrompts(model, prompts);
    const value: EmbeddingValue = { kind: 'Embedding', tensor, model: model.id, labels: prompts };
    return { embedding: value };
  },
});
