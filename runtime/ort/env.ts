import * as ort from 'onnxruntime-web';
import { backendLabel, type Backend, type BackendName } from './backend';
import { chooseNative } from './native-choice';

export type { Backend, BackendName, NativeDevice } from './backend';

export const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

export interface OrtEnvOptions {
  /** Browser: the folder (URL, ending in "/") that serves onnxruntime-web's wasm files, the app's ./ort/. */
  wasmPaths?: string;
}

/**
 * Configures onnxruntime-web once per realm. Node gets one wasm thread (tests, CLI: the
 * threaded build needs worker_threads plumbing we do not want in a test run).
 */
export function configureOrt(options: OrtEnvOptions = {}): typeof ort {
  if (isNode) ort.env.wasm.numThreads = 1;
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  ort.env.logLevel = 'error';
  return ort;
}

/** The part of `navigator.gpu` we use. */
export interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|basic render|warp/i;

/**
 * What an adapter is, from `isFallbackAdapter` and `adapter.info`: a software one emulates the
 * GPU on the CPU (Chromium's SwiftShader), where wasm is usually much faster.
 */
export function describeAdapter(adapter: unknown): { label: string; software: boolean } {
  const a = (adapter ?? {}) as AdapterLike;
  const info = a.info ?? {};
  const label = [info.description, info.vendor, info.architecture].filter((s) => typeof s === 'string' && s.length > 0).join(' / ') || 'unnamed adapter';
  return { label, software: a.isFallbackAdapter === true || SOFTWARE.test(label) };
}

/**
 * WebGPU where there is an adapter, otherwise wasm. `prefer` lets tests and the benchmark pin
 * a backend, and Node hosts ask for `native` (runtime/ort/native-choice.ts); `gpu` defaults
 * to `navigator.gpu` (absent in Node, where wasm needs no notice).
 */
export async function chooseBackend(prefer?: BackendName, gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu): Promise<Backend> {
  if (prefer === 'native') return chooseNative();
  if (prefer === 'wasm' || (isNode && !gpu)) return { name: 'wasm' };
  if (!gpu) return { name: 'wasm', notice: 'WebGPU is not available in this browser: running on the CPU (wasm), which is much slower.' };
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter) return { name: 'webgpu', adapter: describeAdapter(adapter) };
    return { name: 'wasm', notice: 'WebGPU found no usable GPU adapter: running on the CPU (wasm), which is much slower.' };
  } catch (error) {
    return { name: 'wasm', notice: `WebGPU failed to start (${String(error)}): running on the CPU (wasm), which is much slower.` };
  }
}

/**
 * Where a model goes when the GPU backend could not load it (an op or dtype it lacks):
 * WebGPU to wasm, CUDA to the native CPU. Undefined when there is nowhere to go.
 */
export function fallbackFor(backend: Backend, source: string, error: unknown): Backend | undefined {
  const text = String(error);
  if (!text.includes(`could not load it on ${backendLabel(backend)}`)) return undefined;
  if (backend.name === 'webgpu') return { name: 'wasm', notice: `WebGPU could not run ${source} (${text}): using the CPU (wasm).` };
  if (backend.name === 'native' && backend.device === 'cuda') {
    return { name: 'native', device: 'cpu', notice: `CUDA could not run ${source} (${text}): using the CPU (native).` };
  }
  return undefined;
}
