import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAdapter, chooseBackend } from '../../runtime/ort/env';
import { decideBackend } from '../../runtime/models/service/backend-trial';
import { ModelService, type ModelEvent } from '../../runtime/models/service/model-service';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import type { DiffusionModel } from '../../runtime/models/model';
import type { Backend } from '../../runtime/ort/env';
import { writeToyModel } from './toy-model';

/** A stand-in model: what decideBackend reads (its backend) and whether it was released. */
function fake(backend: Backend): DiffusionModel & { disposed: boolean } {
  const m = { backend, disposed: false, dispose: async () => void (m.disposed = true) };
  return m as unknown as DiffusionModel & { disposed: boolean };
}
const swiftshader = { label: 'SwiftShader Device (Subzero) / google / swiftshader', software: true };

describe('the backend, by measurement', () => {
  it('tells a software adapter from a GPU by isFallbackAdapter and adapter.info', async () => {
    expect(describeAdapter({ isFallbackAdapter: true })).toEqual({ label: 'unnamed adapter', software: true });
    expect(describeAdapter({ info: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)' } })).toEqual(swiftshader);
    expect(describeAdapter({ info: { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.7, 256 bits)' } }).software).toBe(true);
    expect(describeAdapter({ isFallbackAdapter: false, info: { vendor: 'nvidia', architecture: 'ada' } })).toEqual({ label: 'nvidia / ada', software: false });
    const backend = await chooseBackend(undefined, { requestAdapter: async () => ({ isFallbackAdapter: true }) });
    expect(backend).toEqual({ name: 'webgpu', adapter: { label: 'unnamed adapter', software: true } });
  });

  it('on a GPU adapter times one UNet step on each and keeps the faster, saying why with both times', async () => {
    const nvidia = { label: 'nvidia', software: false };
    const gpu = fake({ name: 'webgpu', adapter: nvidia });
    const cpu = fake({ name: 'wasm' });
    const times = new Map<DiffusionModel, number>([[gpu, 4], [cpu, 90]]);
    const d = await decideBackend({ adapter: nvidia, loadGpu: async () => gpu, loadWasm: async () => cpu, trial: () => true, time: async (m) => times.get(m)! });
    expect(d.model).toBe(gpu);
    expect(cpu.disposed).toBe(true);
    expect(d.timings).toEqual({ webgpu: 4, wasm: 90 });
    expect(d.backend).toMatchObject({ name: 'webgpu', reason: 'measured' });
    expect(d.backend?.notice).toBe('One UNet step took 4.0 ms on WebGPU (nvidia) and 90 ms on wasm: WebGPU, 23× faster, runs this model.');

    // a weak GPU loses to the CPU
    const slow = fake({ name: 'webgpu', adapter: nvidia });
    const cpu2 = fake({ name: 'wasm' });
    const w = await decideBackend({ adapter: nvidia, loadGpu: async () => slow, loadWasm: async () => cpu2, trial: () => true, time: async (m) => (m === slow ? 300 : 200) });
    expect(w.model).toBe(cpu2);
    expect(slow.disposed).toBe(true);
    expect(w.backend?.notice).toMatch(/: wasm, 1\.5× faster, runs this model\.$/);
  });

  it('a big model stays on the GPU untimed; one WebGPU refused stays where it fell back', async () => {
    let wasmLoads = 0;
    const loadWasm = async () => (wasmLoads++, fake({ name: 'wasm' }));
    const hard = fake({ name: 'webgpu', adapter: { label: 'amd', software: false } });
    const h = await decideBackend({ adapter: { label: 'amd', software: false }, loadGpu: async () => hard, loadWasm, trial: () => false });
    expect(h.model).toBe(hard);
    expect(h.backend?.reason).toBe('GPU');
    const fellBack = fake({ name: 'wasm', notice: 'WebGPU could not run it' });
    const f = await decideBackend({ adapter: { label: 'amd', software: false }, loadGpu: async () => fellBack, loadWasm, trial: () => true });
    expect(f.model).toBe(fellBack);
    expect(f.backend).toBeUndefined();
    expect(wasmLoads).toBe(0);
  });

  it('on a software adapter runs wasm without loading WebGPU, timed, and says why', async () => {
    let gpuLoads = 0;
    const cpu = fake({ name: 'wasm' });
    const d = await decideBackend({ adapter: swiftshader, loadGpu: async () => (gpuLoads++, fake({ name: 'webgpu' })), loadWasm: async () => cpu, trial: () => true, time: async () => 89 });
    expect(gpuLoads).toBe(0);
    expect(d.model).toBe(cpu);
    expect(d.backend).toMatchObject({ name: 'wasm', reason: 'software GPU' });
    expect(d.backend?.notice).toBe(
      "This browser's WebGPU adapter (SwiftShader Device (Subzero) / google / swiftshader) is a software one that emulates a GPU on the CPU, " +
        'where a UNet step costs seconds and the first one far more: wasm runs this model (one UNet step: 89 ms). Pin WebGPU in this menu to run it there anyway.',
    );
  });
});

describe('a backend pinned per model', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeAll(async () => ({ dir, remove } = await writeToyModel()));
  afterAll(() => remove());

  it('loads the model there, says it was chosen, and "auto" releases it to be chosen again', async () => {
    // a browser with WebGPU (Node's onnxruntime-web has none: auto would try it and fall back)
    const service = new ModelService({ builtin: () => nodeFolderFiles(dir, 'builtin:toy'), gpu: { requestAdapter: async () => ({}) } });
    const events: ModelEvent[] = [];
    service.onEvent((e) => e.type === 'backend' && events.push(e));
    try {
      await service.setBackendChoice('builtin:toy', 'wasm');
      const pinned = await service.load('builtin:toy');
      expect(pinned.backend.name).toBe('wasm');
      expect(events.at(-1)).toMatchObject({ name: 'wasm', source: 'builtin:toy', reason: 'chosen', notice: 'Chosen for builtin:toy in the toolbar.' });
      expect(await service.load('builtin:toy')).toBe(pinned);
      await service.setBackendChoice('builtin:toy', 'auto');
      const again = await service.load('builtin:toy');
      expect(again).not.toBe(pinned);
      // auto tried WebGPU, which this host cannot run, and fell back
      expect(events.at(-1)).toMatchObject({ name: 'wasm', source: 'builtin:toy', notice: expect.stringMatching(/^WebGPU could not run builtin:toy/) });
    } finally {
      await service.dispose();
    }
  });
});
