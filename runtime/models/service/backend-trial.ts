import type { Backend } from '../../ort/env';
import type { DiffusionModel } from '../model';
import { emptyEmbedding, predictNoise } from '../pipeline/generate';

/** Models up to this size are loaded on both backends to time them; bigger ones go by the adapter. */
export const TRIAL_MAX_BYTES = 300 * 1024 * 1024;

/**
 * Milliseconds of one guided UNet step at the model's native size, after a warm-up call (WebGPU
 * compiles its shaders on the first).
 */
export async function timeUnetStep(model: DiffusionModel): Promise<number> {
  const h = model.nativeSize.height / model.vaeScale;
  const w = model.nativeSize.width / model.vaeScale;
  const size = model.latentChannels * h * w;
  const sample = { dims: [1, model.latentChannels, h, w], data: Float32Array.from({ length: size }, (_, i) => Math.sin(i)) };
  const e = await emptyEmbedding(model);
  const c = { cond: e, uncond: e, guidance: 7.5 };
  await predictNoise(model, sample, 500, c);
  const start = performance.now();
  await predictNoise(model, sample, 500, c);
  return performance.now() - start;
}

export interface BackendDecision {
  model: DiffusionModel;
  /**
   * Where it runs, with the notice and short reason the editor's backend pill shows; absent
   * when the load fell back and `loadGpu` already said so.
   */
  backend?: Backend & { reason: string };
  /** The timed UNet step per backend, when they were timed. */
  timings?: { webgpu: number; wasm: number };
}

const ms = (t: number) => (t < 10 ? `${t.toFixed(1)} ms` : t < 1000 ? `${Math.round(t)} ms` : `${(t / 1000).toFixed(1)} s`);

/**
 * WebGPU or wasm for one model. On a GPU adapter, by measurement: the model is loaded on
 * WebGPU and, while it is small enough (`trial()`, asked after that load), also on wasm, one
 * UNet step is timed on each, the faster stays and the other is released; a big model stays on
 * the GPU. A software adapter is no candidate: SwiftShader emulates the GPU on the CPU, and
 * there the first UNet step of the built-in model took 22 s (shader compilation) and each one
 * after 2.3 s, against 89 ms on wasm; so wasm runs it, timed, and the notice says how to pin
 * WebGPU anyway. `loadGpu` may itself fall back to wasm (a model WebGPU refuses): that stands.
 */
export async function decideBackend(options: {
  adapter: { label: string; software: boolean };
  loadGpu: () => Promise<DiffusionModel>;
  loadWasm: () => Promise<DiffusionModel>;
  trial: () => boolean;
  time?: (model: DiffusionModel) => Promise<number>;
}): Promise<BackendDecision> {
  const { adapter, loadGpu, loadWasm, trial, time = timeUnetStep } = options;
  if (adapter.software) {
    const model = await loadWasm();
    const wasm = trial() ? await time(model) : undefined;
    const step = wasm !== undefined ? ` (one UNet step: ${ms(wasm)})` : '';
    const notice =
      `This browser's WebGPU adapter (${adapter.label}) is a software one that emulates a GPU on the CPU, where a UNet step ` +
      `costs seconds and the first one far more: wasm runs this model${step}. Pin WebGPU in this menu to run it there anyway.`;
    return { model, backend: { ...model.backend, reason: 'software GPU', notice } };
  }
  const gpuModel = await loadGpu();
  if (gpuModel.backend.name !== 'webgpu') return { model: gpuModel };
  if (!trial()) return { model: gpuModel, backend: { ...gpuModel.backend, reason: 'GPU' } };
  const webgpu = await time(gpuModel);
  const wasmModel = await loadWasm();
  const wasm = await time(wasmModel).catch(async (error) => {
    await wasmModel.dispose();
    throw error;
  });
  const timings = { webgpu, wasm };
  const [winner, loser] = wasm < webgpu ? [wasmModel, gpuModel] : [gpuModel, wasmModel];
  await loser.dispose();
  const ratio = Math.max(webgpu, wasm) / Math.max(Math.min(webgpu, wasm), 1e-3);
  const faster = ratio >= 1.95 ? `${Math.round(ratio)}× faster` : `${ratio.toFixed(1)}× faster`;
  const notice = `One UNet step took ${ms(webgpu)} on WebGPU (${adapter.label}) and ${ms(wasm)} on wasm: ${winner.backend.name === 'wasm' ? 'wasm' : 'WebGPU'}, ${faster}, runs this model.`;
  return { model: winner, backend: { ...winner.backend, reason: 'measured', notice }, timings };
}
