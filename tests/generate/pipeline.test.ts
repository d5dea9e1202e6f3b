import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureOrt } from '../../runtime/ort/env';
import { loadModel } from '../../runtime/models/loader';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import type { DiffusionModel } from '../../runtime/models/model';
import { canDenoiseOnDevice, emptyEmbedding, encodePrompts, generate, type GenerateRequest } from '../../runtime/models/pipeline/generate';
import { sliceRows } from '../../runtime/models/pipeline/tensor-util';
import { torchRandn } from '../../runtime/rng';
import { writeToyModel } from '../models/toy-model';

configureOrt();

/** Loads the toy model for a describe block (setup and teardown together). */
function useToyModel(set: (model: DiffusionModel) => void): void {
  let model: DiffusionModel;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    const toy = await writeToyModel();
    remove = toy.remove;
    model = await loadModel(nodeFolderFiles(toy.dir, 'folder:toy'), { id: 'folder:toy', backend: { name: 'wasm' } });
    set(model);
  });
  afterAll(async () => {
    await model.dispose();
    await remove();
  });
}

describe('generate() on the toy model', () => {
  let model: DiffusionModel;
  useToyModel((m) => (model = m));

  const request = async (prompts: string[], seeds: number[], extra: Partial<GenerateRequest> = {}): Promise<GenerateRequest> => ({
    embedding: await encodePrompts(model, prompts),
    seeds: { kind: 'Seeds', seeds },
    steps: 3,
    guidance: 7.5,
    scheduler: 'euler',
    width: 64,
    height: 64,
    ...extra,
  });

  it('makes B x S images, embedding-major, each equal to its own single run', async () => {
    const prompts = ['re', 'another prompt'];
    const seeds = [3, 1, 4];
    const all = await generate(model, await request(prompts, seeds));
    expect(all.images.dims).toEqual([6, 3, 64, 64]);
    expect(all.latents.dims).toEqual([6, 4, 8, 8]);
    expect(all.rows).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ embedding: Math.floor(i / 3), seed: i % 3 })));
    const single = await generate(model, await request([prompts[1]], [seeds[2]]));
    expect(sliceRows(all.images, 5, 6).data).toEqual(single.images.data);
    expect(sliceRows(all.images, 0, 1).data).not.toEqual(single.images.data);
  });

  it("uses a Seeds value's noise instead of its seeds", async () => {
    const bySeed = await generate(model, await request(['re'], [42]));
    const noise = { dims: [1, 4, 8, 8], data: torchRandn(42, [1, 4, 8, 8]) };
    const byNoise = await generate(model, await request(['re'], [0], { seeds: { kind: 'Seeds', seeds: [0], noise } }));
    expect(byNoise.images.data).toEqual(bySeed.images.data);
  });

  it('returns the latents after step k, matching the recorded full run', async () => {
    const full = await generate(model, await request(['re'], [5], { steps: 4, record: true }));
    expect(full.records.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    const early = await generate(model, await request(['re'], [5], { steps: 4, latentStep: 1 }));
    // x_2 (after step 1) is the latent step 2 started from
    expect(early.latents.data).toEqual(full.records[2].latent);
    await expect(generate(model, await request(['re'], [5], { steps: 4, latentStep: 4 }))).rejects.toThrow(/steps 0..3/);
  });

  it('defaults the negative to the empty prompt, and skips it for guidance <= 1', async () => {
    const implicit = await generate(model, await request(['re'], [9]));
    const explicit = await generate(model, await request(['re'], [9], { negative: await emptyEmbedding(model) }));
    expect(explicit.images.data).toEqual(implicit.images.data);
    const other = await encodePrompts(model, ['something else']);
    const withNeg = await generate(model, await request(['re'], [9], { negative: other }));
    expect(withNeg.images.data).not.toEqual(implicit.images.data);
    const g1 = await generate(model, await request(['re'], [9], { guidance: 1, negative: other }));
    const g1Default = await generate(model, await request(['re'], [9], { guidance: 1 }));
    expect(g1.conditioning.uncond).toBeUndefined();
    expect(g1.images.data).toEqual(g1Default.images.data);
  });

  it('reports every step and runs each scheduler', async () => {
    for (const scheduler of ['euler', 'lms', 'ddim'] as const) {
      const seen: number[] = [];
      const r = await generate(model, await request(['re'], [1], { scheduler, steps: 5, onStep: (done) => seen.push(done) }));
      expect(seen).toEqual([1, 2, 3, 4, 5]);
      expect(r.images.data.every(Number.isFinite)).toBe(true);
    }
  });

  it("runs SD-Turbo's one-step Euler at timestep 999 with the prompt alone (guidance 0)", async () => {
    const turbo = { ...model, schedulerConfig: { ...model.schedulerConfig, timestep_spacing: 'trailing', steps_offset: 0 } };
    const r = await generate(turbo, await request(['re'], [3], { steps: 1, guidance: 0, record: true }));
    expect(r.records.map((x) => x.timestep)).toEqual([999]);
    expect(r.conditioning.uncond).toBeUndefined();
  });

  it('refuses sizes the model cannot make', async () => {
    await expect(generate(model, await request(['re'], [1], { width: 60 }))).rejects.toThrow(/multiples of 8/);
  });
});

describe('denoising with latents kept on the device', () => {
  let model: DiffusionModel;
  useToyModel((m) => (model = m));

  // the step graph computes in float32 where the JS step accumulates in float64
  const close = (a: Float32Array, b: Float32Array) => {
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4 * (1 + Math.abs(b[i])));
  };

  it('is chosen on WebGPU for float32 UNets with a free batch dim only', async () => {
    const on = (m: Partial<DiffusionModel>, rows = 2) => canDenoiseOnDevice({ ...model, ...m } as DiffusionModel, rows);
    expect(on({})).toBe(false); // wasm: the step in JS is as fast and exact in float64
    expect(on({ backend: { name: 'webgpu' } })).toBe(true);
    expect(on({ backend: { name: 'webgpu' } }, 64)).toBe(false);
    expect(on({ backend: { name: 'webgpu' }, unetBatch: 2 })).toBe(false);
    const half = await writeToyModel({ fp16: true });
    const fp16 = await loadModel(nodeFolderFiles(half.dir, 'folder:half'), { id: 'folder:half', backend: { name: 'wasm' } });
    try {
      expect(canDenoiseOnDevice({ ...fp16, backend: { name: 'webgpu' } } as DiffusionModel, 2)).toBe(false);
    } finally {
      await fp16.dispose();
      await half.remove();
    }
  });

  it.each([
    ['euler', 7.5],
    ['lms', 7.5],
    ['ddim', 7.5],
    ['euler', 1],
  ] as const)('matches the host loop for %s at guidance %d, records included', async (scheduler, guidance) => {
    const req: GenerateRequest = {
      embedding: await encodePrompts(model, ['re', 'two']),
      seeds: { kind: 'Seeds', seeds: [1, 2] },
      steps: 6,
      guidance,
      scheduler,
      width: 64,
      height: 64,
      record: true,
    };
    const host = await generate(model, { ...req, onDevice: false });
    const device = await generate(model, { ...req, onDevice: true });
    close(device.latents.data, host.latents.data);
    close(device.images.data, host.images.data);
    expect(device.records.map((r) => [r.index, r.timestep, r.inputScale])).toEqual(host.records.map((r) => [r.index, r.timestep, r.inputScale]));
    device.records.forEach((r, i) => {
      close(r.latent, host.records[i].latent);
      close(r.modelOutput, host.records[i].modelOutput);
    });
    const early = await generate(model, { ...req, latentStep: 2, onDevice: true });
    close(early.latents.data, host.records[3].latent);
  });
});
