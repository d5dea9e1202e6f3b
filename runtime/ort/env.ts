import * as ort from 'onnxruntime-web';

/** Where onnxruntime-web runs our sessions, and how we tell the user about it. */
export type BackendName = 'webgpu' | 'wasm';
export interface Backend {
  name: BackendName;
  /** Set when we fell back to wasm where WebGPU was wanted: shown to the user. */
  notice?: string;
}

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

/**
 * WebGPU where there is an adapter, otherwise wasm. `prefer` lets tests and the benchmark pin
 * a backend; `gpu` defaults to `navigator.gpu` (absent in Node, where wasm needs no notice).
 */
export async function chooseBackend(prefer?: BackendName, gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu): Promise<Backend> {
  if (prefer === 'wasm' || (isNode && !gpu)) return { name: 'wasm' };
  if (!gpu) return { name: 'wasm', notice: 'WebGPU is not available in this browser: running on the CPU (wasm), which is much slower.' };
  try {
    if (await gpu.requestAdapter()) return { name: 'webgpu' };
    return { name: 'wasm', notice: 'WebGPU found no usable GPU adapter: running on the CPU (wasm), which is much slower.' };
  } catch (error) {
    return { name: 'wasm', notice: `WebGPU failed to start (${String(error)}): running on the CPU (wasm), which is much slower.` };
  }
}
