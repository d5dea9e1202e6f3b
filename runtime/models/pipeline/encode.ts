import type { Tensor } from '../../values/types';
import type { DiffusionModel } from '../model';
import { concatRows } from './tensor-util';

/** Prompts per text-encoder call when its batch dim is free: its activations grow with the batch. */
const MAX_ENCODE_ROWS = 64;

/**
 * Prompt texts -> text-encoder hidden states [B, tokens, dim]: the embedding everything
 * downstream edits. Batches split where the encoder's batch dim is fixed.
 */
export async function encodePrompts(model: DiffusionModel, prompts: readonly string[]): Promise<Tensor> {
  if (prompts.length === 0) throw new Error('encodePrompts: no prompts');
  const T = model.tokens;
  const fixedBatch = model.textEncoder.input('input_ids')!.shape[0];
  const chunk = typeof fixedBatch === 'number' && fixedBatch > 0 ? fixedBatch : Math.min(prompts.length, MAX_ENCODE_ROWS);
  const parts: Tensor[] = [];
  for (let start = 0; start < prompts.length; start += chunk) {
    const group = prompts.slice(start, start + chunk);
    // a fixed-batch encoder gets its last chunk padded with empty prompts, then trimmed
    const padded = [...group, ...Array<string>(chunk - group.length).fill('')];
    const ids = new Int32Array(chunk * T);
    padded.forEach((text, i) => {
      const row = model.tokenizer.encode(text);
      if (row.length !== T) throw new Error(`tokenizer gave ${row.length} ids for a ${T}-token text encoder`);
      ids.set(row, i * T);
    });
    const out = await model.textEncoder.run({ input_ids: { data: ids, dims: [chunk, T] } }, ['last_hidden_state']);
    const hidden = out.last_hidden_state;
    const D = hidden.dims[2];
    parts.push({ dims: [group.length, T, D], data: hidden.data.subarray(0, group.length * T * D) });
  }
  return concatRows(parts);
}
