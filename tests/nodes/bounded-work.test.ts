import { describe, expect, it } from 'vitest';
import { Generate } from '../../nodes/Generate';
import { TextEncode } from '../../nodes/TextEncode';
import { createProductRegistry } from '../../nodes/product';
import { validateGraph } from '../../runtime/graph/validate';
import { Runtime } from '../../runtime/api/runtime';
import { resolveSchedulerConfig } from '../../runtime/schedulers/config';
import { MAX_BATCH, formatBytes } from '../../runtime/values/budget';
import type { RunContext } from '../../runtime/node-api/node';
import type { DiffusionModel } from '../../runtime/models/model';
import type { EmbeddingValue, Value } from '../../runtime/values/types';
import { doc, makeTestNodes } from '../runtime/test-nodes';

const ctx = { nodeId: 'n', signal: new AbortController().signal, progress() {}, preview() {}, services: {} } as RunContext;

/** Just enough of a loaded model for the checks that run before any session is touched. */
const fakeModel = {
  id: 'm',
  tokens: 77,
  latentChannels: 4,
  vaeScale: 8,
  nativeSize: { width: 512, height: 512 },
  unet: { input: (name: string) => ({ shape: name === 'sample' ? ['batch', 4, 'h', 'w'] : ['batch', 77, 768] }) },
  textEncoder: { output: () => ({ shape: ['batch', 77, 768] }) },
} as unknown as DiffusionModel;
const model: Value = { kind: 'Model', id: 'm', handle: fakeModel };
const embedding = (batch: number): EmbeddingValue => ({ kind: 'Embedding', model: 'm', tensor: { dims: [batch, 77, 768], data: new Float32Array(0) } });
const generateParams = { seed: 0, steps: 20, guidance: 7.5, scheduler: 'euler', width: 0, height: 0, latentStep: -1, gradientSteps: 0, preview: 'off', previewEvery: 2 };

describe('bounded work, refused before it starts', () => {
  it('Generate refuses prompts x seeds past the batch limit, with both counts', async () => {
    const seeds: Value = { kind: 'Seeds', seeds: Array.from({ length: 4096 }, (_, i) => i) };
    await expect(Generate.run(ctx, { model, embedding: embedding(2), seeds }, generateParams)).rejects.toThrow(
      'a batch of 8,192 images (2 embeddings x 4,096 seeds) is more than the limit of 4,096',
    );
  });

  it('Generate refuses a batch whose memory is past the limit, with the numbers', async () => {
    const seeds: Value = { kind: 'Seeds', seeds: Array.from({ length: 1000 }, (_, i) => i) };
    await expect(Generate.run(ctx, { model, embedding: embedding(1), seeds }, { ...generateParams, width: 2048, height: 2048 })).rejects.toThrow(
      /^a batch of 1,000 images \(1 embeddings x 1,000 seeds\) needs 1\d\d GB, more than the limit of 4 GB$/,
    );
  });

  it('TextEncode refuses more prompts than one batch may hold', async () => {
    const text = Array.from({ length: MAX_BATCH + 1 }, (_, i) => `prompt ${i}`).join('\n\n');
    await expect(TextEncode.run(ctx, { model }, { text })).rejects.toThrow('a batch of 4,097 prompts is more than the limit of 4,096');
  });

  it('Slerp refuses a result past the memory limit, the message naming the node', async () => {
    const { registry } = makeTestNodes();
    const dim = 4600;
    const values = Array.from({ length: 77 * dim }, (_, i) => (i % 7) - 3);
    const t = Array.from({ length: 1024 }, (_, i) => i / 1024);
    const graph = doc(
      [['a', 'ConstEmbedding', { values, rows: 77 }], ['b', 'ConstEmbedding', { values: values.map((v) => -v), rows: 77 }], ['mix', 'Slerp', { t }], ['img', 'EmbeddingImage']],
      [['a', 'embedding', 'mix', 'a'], ['b', 'embedding', 'mix', 'b'], ['mix', 'embedding', 'img', 'embedding']],
    );
    const summary = await new Runtime({ registry, services: {} }).run(graph, {}, () => {});
    expect(summary.nodes.mix.error).toBe(
      `node "mix" (Slerp): a batch of 1,024 embeddings (a has 1, b has 1, t has 1024 values) needs ${formatBytes(1024 * 77 * dim * 12)}, more than the limit of 4 GB`,
    );
  });

  it.each([
    ['Slerp t out of range', ['Slerp', { t: [1e308] }], 't'],
    ['too many Slerp t values', ['Slerp', { t: Array.from({ length: 1025 }, () => 0.5) }], 't'],
    ['a seed list of 5,000', ['SeedSet', { seeds: Array.from({ length: 5000 }, (_, i) => i) }], 'seeds'],
    ['too many steps', ['Generate', { steps: 100_000 }], 'steps'],
    ['a huge image', ['Generate', { width: 1_000_000 }], 'width'],
    ['a huge fixed row', ['GradientStep', { fixedRows: [1e12] }], 'fixedRows'],
  ] as const)('validation refuses %s, naming the param', (_, [type, params], param) => {
    const result = validateGraph(doc([['x', type, params as Record<string, unknown>]]), createProductRegistry());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toContainEqual(expect.objectContaining({ nodeId: 'x', param }));
  });

  it('refuses a scheduler config with a huge num_train_timesteps, naming the field', () => {
    expect(() => resolveSchedulerConfig('euler', { num_train_timesteps: 1e9 })).toThrow('scheduler config: num_train_timesteps 1000000000 is out of range');
    expect(() => resolveSchedulerConfig('euler', { num_train_timesteps: 3, trained_betas: [0.1, 'x', 0.2] as unknown as number[] })).toThrow(/trained_betas must list 3 numbers/);
  });
});
