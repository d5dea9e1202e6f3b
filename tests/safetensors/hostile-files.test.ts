import { describe, expect, it } from 'vitest';
import { embeddingFromSafetensors, embeddingToSafetensors, fromFloat32, readSafetensors, writeSafetensors } from '../../runtime/safetensors';
import { LoadEmbedding } from '../../nodes/LoadEmbedding';
import type { RunContext } from '../../runtime/node-api/node';

const embedding = (data: number[], dims: number[]) => ({ kind: 'Embedding' as const, model: 'm', tensor: { dims, data: Float32Array.from(data) } });
const file = (meta: Record<string, string>, tensors: [string, number[], number[]][] = [['embedding', [1, 2, 3, 4], [1, 2, 2]]]) =>
  writeSafetensors(
    tensors.map(([name, data, dims]) => [name, fromFloat32(Float32Array.from(data), dims)]),
    { format: 'embedding-studio/embedding', model: 'm', ...meta },
  );
/** A file whose header JSON is exactly `header` (8-byte size, then the text, no tensor bytes). */
const rawHeader = (header: string) => {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
};

describe('hostile embedding files', () => {
  it.each([
    ['NaN', NaN, '"embedding" holds NaN at [0, 1, 0]: an embedding must be finite numbers'],
    ['infinity', Infinity, '"embedding" holds infinity at [0, 1, 0]'],
  ])('refuses a %s in the embedding, saying where', (_, bad, message) => {
    expect(() => embeddingFromSafetensors(file({}, [['embedding', [1, 2, bad, 4], [1, 2, 2]]]))).toThrow(message);
  });

  it('refuses a non-finite negative too', () => {
    expect(() => embeddingFromSafetensors(file({}, [['embedding', [1, 2, 3, 4], [1, 2, 2]], ['negative', [0, -Infinity, 0, 0], [1, 2, 2]]]))).toThrow(
      '"negative" holds -infinity at [0, 0, 1]',
    );
  });

  it('refuses a batch of 0, naming the dim', () => {
    expect(() => embeddingFromSafetensors(file({}, [['embedding', [], [0, 2, 2]]]))).toThrow('"embedding" has shape [0, 2, 2]: its batch is 0, so it holds no embedding');
  });

  it.each([
    ['labels', '["a", ', /^metadata "labels" is not valid JSON \(.*\), got "\[\\"a\\", "$/],
    ['labels', '["a", "b"]', 'metadata "labels" should be a list of 1 strings, one per embedding, got ["a","b"]'],
    ['seeds', '[1, -2]', 'metadata "seeds" should be a list of seeds (whole numbers from 0 to 4294967295), got [1,-2]'],
    ['seeds', '{"x": 1}', 'metadata "seeds" should be a list of seeds'],
  ])('names the metadata field %s when it holds %s', (field, value, message) => {
    expect(() => embeddingFromSafetensors(file({ [field]: value }))).toThrow(message);
  });

  it.each([
    ['__metadata__ that is not an object', '{"__metadata__": "x"}', '"__metadata__" is not an object of strings'],
    ['a tensor entry that is null', '{"embedding": null}', 'tensor "embedding" is not an object'],
    ['a dtype named like an Object member', '{"embedding": {"dtype": "constructor", "shape": [0], "data_offsets": [0, 0]}}', 'tensor "embedding" has unsupported dtype "constructor"'],
    ['a tensor name with escapes', '{"e\\u001b[2J": {"dtype": "F9", "shape": [0], "data_offsets": [0, 0]}}', 'tensor "e\\u001b[2J" has unsupported dtype "F9"'],
  ])('reads a header with %s as a clear error', (_, header, message) => {
    expect(() => readSafetensors(rawHeader(header))).toThrow(message);
  });

  it('LoadEmbedding fails on a NaN file instead of handing it on', async () => {
    const bytes = embeddingToSafetensors({ embedding: embedding([0, NaN, 0, 0], [1, 2, 2]), meta: { model: 'm' } });
    const ctx = { nodeId: 'load', signal: new AbortController().signal, progress() {}, preview() {}, services: { readBytes: async () => bytes } } as unknown as RunContext;
    await expect(LoadEmbedding.run(ctx, {}, { file: 'x.safetensors', tensor: 'embedding' })).rejects.toThrow('"embedding" holds NaN at [0, 0, 1]');
  });
});
