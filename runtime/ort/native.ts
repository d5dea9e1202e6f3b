// Node hosts only (runtime/models/service/node.ts): the browser bundle must never reach this file.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { nativeOrt, registerNativeOrt, type NativeOrt, type OrtModule } from './registry';

/** Where onnxruntime-node's install script puts the CUDA provider (ONNXRUNTIME_NODE_INSTALL=cuda12). */
const CUDA_PROVIDERS: Partial<Record<string, string>> = {
  'linux/x64': 'libonnxruntime_providers_cuda.so',
  'win32/x64': 'onnxruntime_providers_cuda.dll',
};

/**
 * Makes the `native` backend available: onnxruntime-node, loaded on first use. Its CPU
 * binaries ship inside the npm package; the CUDA provider is a separate download (skipped
 * by this repository's .npmrc), so we look for its library before trying CUDA: without it
 * onnxruntime logs a red error for every attempt.
 */
export function useNativeOrt(): void {
  if (nativeOrt() !== NATIVE) registerNativeOrt(NATIVE);
}

const NATIVE: NativeOrt = {
  load: async () => (await import('onnxruntime-node')) as unknown as OrtModule,
  cudaMissing,
};

function cudaMissing(): string | undefined {
  const platform = `${process.platform}/${process.arch}`;
  const library = CUDA_PROVIDERS[platform];
  if (!library) return `onnxruntime-node has no CUDA provider for ${platform}`;
  const binaries = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  if (!existsSync(join(binaries, library))) {
    return 'the CUDA provider of onnxruntime-node is not installed (ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node)';
  }
  return undefined;
}
