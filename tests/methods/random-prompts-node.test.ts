import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomPrompts } from '../../nodes/RandomPrompts';
import type { RunContext } from '../../runtime/node-api/node';
import { nodeServices } from '../../runtime/api/node-host';
import { encodePrompts } from '../../runtime/models/pipeline/encode';
import type { DiffusionModel } from '../../runtime/models/model';
import type { EmbeddingValue, ModelValue } from '../../runtime/values/types';
import { cosine } from '../../runtime/prompts';

const services = nodeServices();
let model: DiffusionModel;
let modelValue: ModelValue;
beforeAll(async () => {
  model = await services.models.load('builtin:tiny');
  modelValue = { kind: 'Model', id: model.id, handle: model };
});
afterAll(async () => services.models.dispose());
const ctx = (step?: number) => ({ nodeId: 'rp', signal: new AbortController().signal, services, progress() {}, preview() {}, ...(step !== undefined ? { step } : {}) }) as RunContext;
const params = { prompt: 'a red circle on a blue background', count: 40, picks: 5, seed: 1332, similarity: 0.72, promptPull: 0.28 };

describe('RandomPrompts node (built-in model)', () => {
  it('gives the requested number of distinct random candidates, labelled with their prompts', async () => {
    const { candidates } = (await RandomPrompts.run(ctx(), { model: modelValue }, params)) as { candidates: EmbeddingValue };
    expect(candidates.tensor.dims).toEqual([5, 77, 128]);
    expect(new Set(candidates.labels).size).toBe(5);
  });

  it('draws new prompts each round of a zone, the same ones for the same round', async () => {
    const a = ((await RandomPrompts.run(ctx(1), { model: modelValue }, params)).candidates as EmbeddingValue).labels;
    const b = ((await RandomPrompts.run(ctx(1), { model: modelValue }, params)).candidates as EmbeddingValue).labels;
    const c = ((await RandomPrompts.run(ctx(2), { model: modelValue }, params)).candidates as EmbeddingValue).labels;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('around a current embedding, candidates stay closer to it than the raw random picks', async () => {
    const cur = await encodePrompts(model, [params.prompt]);
    const current: EmbeddingValue = { kind: 'Embedding', tensor: cur, model: model.id };
    const raw = (await RandomPrompts.run(ctx(), { model: modelValue }, params)).candidates as EmbeddingValue;
    const near = (await RandomPrompts.run(ctx(), { model: modelValue, current }, params)).candidates as EmbeddingValue;
    const size = 77 * 128;
    for (let k = 0; k < 5; k++) {
      const item = (e: EmbeddingValue) => e.tensor.data.subarray(k * size, (k + 1) * size);
      expect(cosine(cur.data, item(near))).toBeGreaterThan(cosine(cur.data, item(raw)));
    }
  });
});
