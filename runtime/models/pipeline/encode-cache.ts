import type { Tensor } from '../../values/types';
import type { DiffusionModel } from '../model';
import { encodePrompts } from './encode';

/**
 * Text-encoder outputs kept per model id and prompt text, so a pool of hundreds of random
 * prompts (RandomPrompts, every round of a Pick zone) is encoded once, not once a round.
 * Bounded in bytes; the least recently used prompts go first.
 */
const LIMIT_BYTES = 256 * 1024 * 1024;
const rows = new Map<string, Float32Array>();
let bytes = 0;

const keyOf = (model: DiffusionModel, text: string) => `${model.id}\u0000${text}`;

function remember(key: string, row: Float32Array) {
  rows.set(key, row);
  bytes += row.byteLength;
  for (const [old, r] of rows) {
    if (bytes <= LIMIT_BYTES) break;
    rows.delete(old);
    bytes -= r.byteLength;
  }
}

/** Like encodePrompts, but prompts seen before for this model are not encoded again. */
export async function encodePromptsCached(model: DiffusionModel, prompts: readonly string[]): Promise<Tensor> {
  if (prompts.length === 0) throw new Error('encodePromptsCached: no prompts');
  const missing = [...new Set(prompts.filter((p) => !rows.has(keyOf(model, p))))];
  // this call's own rows, in case a pool larger than the limit evicts some of them at once
  const fresh = new Map<string, Float32Array>();
  if (missing.length) {
    const out = await encodePrompts(model, missing);
    const size = out.dims[1] * out.dims[2];
    // copies: a row must not keep the whole batch's buffer alive
    missing.forEach((p, i) => {
      const row = out.data.slice(i * size, (i + 1) * size);
      fresh.set(keyOf(model, p), row);
      remember(keyOf(model, p), row);
    });
  }
  const found = prompts.map((p) => {
    const key = keyOf(model, p);
    const kept = rows.get(key);
    if (kept) {
      // touch: move to the newest end of the LRU order
      rows.delete(key);
      rows.set(key, kept);
    }
    return kept ?? fresh.get(key)!;
  });
  const size = found[0].length;
  const data = new Float32Array(prompts.length * size);
  found.forEach((r, i) => data.set(r, i * size));
  return { dims: [prompts.length, model.tokens, size / model.tokens], data };
}

/** Forgets every kept encoding (tests, and a model reloaded under the same id with new weights). */
export function clearEncodeCache(): void {
  rows.clear();
  bytes = 0;
}
