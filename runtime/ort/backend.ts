/**
 * Where our sessions run. `webgpu` and `wasm` are onnxruntime-web (the browser; wasm also in
 * Node); `native` is onnxruntime-node, registered by Node hosts (runtime/ort/native.ts), on
 * CUDA where its execution provider is installed, otherwise on the CPU with all its cores.
 */
export type BackendName = 'webgpu' | 'wasm' | 'native';
export type NativeDevice = 'cuda' | 'cpu';

export interface Backend {
  name: BackendName;
  /** native only: the execution provider (absent means cpu). */
  device?: NativeDevice;
  /** Set when we fell back from the backend that was wanted: shown to the user. */
  notice?: string;
}

/** How errors and the CLI name a backend: "wasm", "webgpu", "native (cuda)". */
export function backendLabel(backend: Backend): string {
  return backend.name === 'native' ? `native (${backend.device ?? 'cpu'})` : backend.name;
}

/** The execution providers a session on `backend` asks for. */
export function executionProviders(backend: Backend): string[] {
  return [backend.name === 'native' ? (backend.device ?? 'cpu') : backend.name];
}
