// The memory budget of Generate's gradient models (GradientStep's memoryBudget): bytes of live
// activations the UNet and VAE decoder gradients may plan for at the shapes they run at, so
// runtime/autodiff/remat.ts recomputes activations instead of keeping them all.
import type { Backend } from '../ort/backend';
import { webgpuLimits, type GpuLimits } from '../ort/gpu-limits';

/** bytes, or 'auto': what the backend the model runs on can hold. */
export type MemoryBudgetSetting = number | 'auto';

/** What a gradient zone owner hands the vjp of the nodes in its body. */
export interface GradientOptions {
  memoryBudget?: MemoryBudgetSetting;
  /** a line for the zone node's status (how much memory the gradient step plans to use) */
  status?(message: string): void;
}

/** wasm32's address space: every onnxruntime-web wasm session shares one 4 GiB heap. */
const WASM_HEAP = 4 * 2 ** 30;
/** Left for the runtime's own allocations, the text encoder and the arena's rounding. */
const WASM_RESERVE = 512 * 2 ** 20;

export interface ResolvedBudget {
  bytes: number;
  /** why this many bytes ('auto' only) */
  why?: string;
  limits?: GpuLimits;
}

/**
 * Bytes for `setting` on `backend`. 'auto': on WebGPU the device's maxBufferSize (WebGPU tells
 * no memory size; a device that grants one buffer of that size holds at least that much), on
 * wasm the 4 GiB heap less the weights (`weightBytes`) and a reserve, on native none
 * (undefined: onnxruntime-node's arena grows as far as the machine lets it).
 */
export async function resolveBudget(setting: MemoryBudgetSetting | undefined, backend: Backend, weightBytes: number): Promise<ResolvedBudget | undefined> {
  if (setting === undefined || setting === 0) return undefined;
  const limits = backend.name === 'webgpu' ? await webgpuLimits() : undefined;
  if (typeof setting === 'number') return { bytes: setting, limits };
  if (backend.name === 'webgpu' && limits) return { bytes: limits.maxBufferSize, why: 'the GPU\'s maxBufferSize', limits };
  if (backend.name === 'wasm' || backend.name === 'webgpu') {
    return { bytes: Math.max(WASM_RESERVE, WASM_HEAP - weightBytes - WASM_RESERVE), why: 'the 4 GiB wasm heap less the weights' };
  }
  return undefined;
}
