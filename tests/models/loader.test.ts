import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureOrt } from '../../runtime/ort/env';
import { loadModel } from '../../runtime/models/loader';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import { encodePrompts } from '../../runtime/models/pipeline/encode';
import { TOY_DIM, unetOnce, writeToyModel } from './toy-model';

configureOrt();
const WASM = { name: 'wasm' as const };

async function loadToy(options: Parameters<typeof writeToyModel>[0] = {}) {
  const toy = await writeToyModel(options);
  const model = await loadModel(nodeFolderFiles(toy.dir, 'folder:toy'), { id: 'folder:toy', backend: WASM });
  return { model, async close() { await model.dispose(); await toy.remove(); } };
}

describe('loadModel on a diffusers-layout folder', () => {
  let toy: Awaited<ReturnType<typeof loadToy>>;
  beforeAll(async () => (toy = await loadToy()));
  afterAll(() => toy.close());

  it('reads dims, scaling factor and scheduler from the files', () => {
    const m = toy.model;
    expect(m.tokens).toBe(77);
    expect(m.latentChannels).toBe(4);
    expect(m.vaeScale).toBe(8);
    expect(m.nativeSize).toEqual({ width: 64, height: 64 });
    expect(m.scalingFactor).toBe(0.5);
    expect(m.defaultScheduler).toBe('euler');
    expect(m.timestepShape).toBe('one');
    expect(m.unetBatch).toBeUndefined();
    expect(m.unet.input('timestep')).toEqual({ name: 'timestep', dtype: 'int64', shape: [1] });
  });

  it('encodes prompts with its tokenizer and text encoder', async () => {
    const e = await encodePrompts(toy.model, ['re', 'a longer prompt', '']);
    expect(e.dims).toEqual([3, 77, TOY_DIM]);
    const row = (i: number) => e.data.subarray(i * 77 * TOY_DIM, (i + 1) * 77 * TOY_DIM);
    expect(row(0)).not.toEqual(row(1));
    expect(row(2)).not.toEqual(row(0));
  });

  it('converts float16 and float timesteps at the boundary', async () => {
    const reference = await unetOnce(toy.model);
    const half = await loadToy({ fp16: true, timestepType: 'float16' });
    try {
      expect(half.model.unet.input('sample')!.dtype).toBe('float16');
      const got = await unetOnce(half.model);
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(reference[i], 2);
    } finally {
      await half.close();
    }
    const f32 = await loadToy({ timestepType: 'float32' });
    try {
      expect(await unetOnce(f32.model)).toEqual(reference);
    } finally {
      await f32.close();
    }
  });

  it('passes model.onnx_data next to model.onnx as external data', async () => {
    const reference = await unetOnce(toy.model);
    const ext = await loadToy({ externalData: true });
    try {
      expect(await unetOnce(ext.model)).toEqual(reference);
    } finally {
      await ext.close();
    }
  });
});
