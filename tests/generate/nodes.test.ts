import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generate } from '../../nodes/Generate';
import { Model } from '../../nodes/Model';
import { TextEncode, splitPrompts } from '../../nodes/TextEncode';
import { withDefaults } from '../../runtime/node-api/params';
import type { NodeDef, RunContext } from '../../runtime/node-api/node';
import { ModelService } from '../../runtime/models/service/model-service';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import type { ImageValue, LatentValue, Value } from '../../runtime/values/types';
import { writeToyModel } from '../models/toy-model';

describe('TextEncode prompt splitting', () => {
  it('splits on blank lines and joins wrapped lines', () => {
    expect(splitPrompts('a red circle')).toEqual(['a red circle']);
    expect(splitPrompts('a red\ncircle\n\n  \n a blue square \r\n\r\nthird')).toEqual(['a red circle', 'a blue square', 'third']);
    expect(splitPrompts('')).toEqual(['']);
  });
});

describe('Model -> TextEncode -> Generate nodes', () => {
  let service: ModelService;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    const toy = await writeToyModel();
    remove = toy.remove;
    service = new ModelService({ builtin: (name) => nodeFolderFiles(toy.dir, `builtin:${name}`) });
    ctx.services.models = service;
  });
  afterAll(async () => {
    await service.dispose();
    await remove();
  });

  const previews: ImageValue[] = [];
  const progress: [number, number][] = [];
  const ctx: RunContext = {
    nodeId: 'n',
    signal: new AbortController().signal,
    progress: (v, m) => progress.push([v, m]),
    preview: (images) => previews.push(images),
    services: {},
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const run = (def: NodeDef<any>, inputs: Record<string, Value | undefined>, params: Record<string, unknown> = {}) =>
    def.run(ctx, inputs, withDefaults(def.params, params));

  it('labels B x S images with prompt and seed, previews them and reports steps', async () => {
    const { model } = await run(Model, {}, { source: 'builtin:toy' });
    const { embedding } = await run(TextEncode, { model }, { text: 'first\n\nsecond' });
    expect(embedding).toMatchObject({ kind: 'Embedding', model: 'builtin:toy', labels: ['first', 'second'] });
    const seeds: Value = { kind: 'Seeds', seeds: [7, 8] };
    const out = await run(Generate, { model, embedding, seeds }, { steps: 2 });
    const image = out.image as ImageValue;
    expect(image.tensor.dims).toEqual([4, 3, 64, 64]);
    expect(image.labels).toEqual(['first · seed 7', 'first · seed 8', 'second · seed 7', 'second · seed 8']);
    expect((out.latent as LatentValue).tensor.dims).toEqual([4, 4, 8, 8]);
    expect(previews.at(-1)).toBe(image);
    expect(progress.slice(-2)).toEqual([[1, 2], [2, 2]]);
  });

  it('marks latents taken after step k and refuses embeddings of another model', async () => {
    const { model } = await run(Model, {}, { source: 'builtin:toy' });
    const { embedding } = await run(TextEncode, { model }, {});
    const out = await run(Generate, { model, embedding }, { steps: 3, latentStep: 0 });
    expect((out.latent as LatentValue).step).toBe(0);
    const foreign = { ...(embedding as Extract<Value, { kind: 'Embedding' }>), model: 'builtin:other' };
    await expect(run(Generate, { model, embedding: foreign })).rejects.toThrow('embedding was made by builtin:other, but this node uses builtin:toy');
  });
});
