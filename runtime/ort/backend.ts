import type { InferenceSession } from 'onnxruntime-web';

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
  /** webgpu only: the adapter, and whether it is a software one (SwiftShader, llvmpipe) running on the CPU. */
  adapter?: { label: string; software: boolean };
}

/** How errors and the CLI name a backend: "wasm", "webgpu", "native (cuda)". */
export function backendLabel(backend: Backend): string {
  return backend.name === 'native' ? `native (${backend.device ?? 'cpu'})` : backend.name;
}

/** What a session on `backend` asks onnxruntime for: the execution provider, and for native its thread pool. */
export function backendSessionOptions(backend: Backend): Pick<InferenceSession.SessionOptions, 'executionProviders' | 'extra'> {
  if (backend.name !== 'native') return { executionProviders: [backend.name] };
  return {
    executionProviders: [backend.device ?? 'cpu'],
    // Pool threads that spin between runs take the cores our JavaScript needs between UNet
    // calls, and stall each run when another process holds a core (text-to-image on the
    // tiny model ran slower than single-threaded wasm on a busy 2-core machine).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}
