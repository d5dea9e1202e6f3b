import { describe, expect, it } from 'vitest';
import { embeddingFromSafetensors, embeddingToSafetensors, fromFloat32, writeSafetensors } from '../../runtime/safetensors';
import type { EmbeddingValue } from '../../runtime/values/types';

function embedding(seed: number): EmbeddingValue {
  const data = new Float32Array(2 * 77 * 8);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(seed * 1000 + i * 12.9898) * 43758.5453 % 1;
  return { kind: 'Embedding', tensor: { dims: [2, 77, 8], data }, model: 'builtin:tiny', labels: ['a', 'b'] };
}

describe('embedding files', () => {
  it('keep the values bit for bit and the metadata (model, prompt, method, seeds)', () => {
    const file = {
      embedding: embedding(1),
      negative: embedding(2),
      meta: { model: 'builtin:tiny', prompt: 'a red ball', method: 'metric-optimization', seeds: [1332, 7], extra: { metric: 'sharpness' } },
    };
    const bytes = embeddingToSafetensors(file);
    const back = embeddingFromSafetensors(bytes);
    expect(back.meta).toEqual(file.meta);
    expect(back.embedding.model).toBe('builtin:tiny');
    expect(back.embedding.labels).toEqual(['a', 'b']);
    expect(back.embedding.tensor.dims).toEqual([2, 77, 8]);
    expect(new Uint8Array(back.embedding.tensor.data.buffer)).toEqual(new Uint8Array(file.embedding.tensor.data.buffer));
    expect(back.negative!.tensor.data).toEqual(file.negative.tensor.data);
    expect(embeddingToSafetensors(back)).toEqual(bytes);
  });

  it('names what a foreign file holds instead of guessing', () => {
    const foreign = writeSafetensors([['emb_params', fromFloat32(new Float32Array(768), [1, 768])]]);
    expect(() => embeddingFromSafetensors(foreign)).toThrow(/holds: emb_params/);
  });
});
