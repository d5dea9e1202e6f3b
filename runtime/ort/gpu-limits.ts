// The WebGPU device's real buffer limits. onnxruntime-web creates its own device (JSEP,
// backend-webgpu initialize) and asks the adapter for its own maxStorageBufferBindingSize and
// maxBufferSize in `requiredLimits`, not WebGPU's defaults (128 MiB / 256 MiB); reading them
// back from that device tells the gradient path what one tensor and one allocation may hold.
import * as ort from 'onnxruntime-web';
import { isNode } from './env';

export interface GpuLimits {
  /** the largest buffer one binding (one tensor in a kernel) may hold */
  maxStorageBufferBindingSize: number;
  /** the largest single allocation */
  maxBufferSize: number;
}

/** WebGPU's defaults: what a device requested without limits gets. */
export const DEFAULT_GPU_LIMITS: GpuLimits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };

let known: Promise<GpuLimits | undefined> | undefined;

/**
 * The limits of the device onnxruntime-web runs WebGPU sessions on (created by it on first
 * ask when no session made it yet); undefined where there is no WebGPU (Node, no adapter).
 */
export function webgpuLimits(): Promise<GpuLimits | undefined> {
  if (isNode || !(globalThis.navigator as { gpu?: unknown } | undefined)?.gpu) return Promise.resolve(undefined);
  known ??= (async () => {
    try {
      const device = (await ort.env.webgpu.device) as unknown as { limits?: Partial<GpuLimits> } | undefined;
      const l = device?.limits;
      if (!l?.maxStorageBufferBindingSize || !l.maxBufferSize) return undefined;
      return { maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxBufferSize: l.maxBufferSize };
    } catch {
      known = undefined; // no device now (no adapter): ask again next time
      return undefined;
    }
  })();
  return known;
}
