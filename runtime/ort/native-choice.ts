import { GraphBuilder } from '../onnx/index';
import type { Backend } from './backend';
import { nativeOrt, ortFor, type OrtModule } from './registry';

const CPU_TAIL = 'running natively on the CPU';

/**
 * The native backend on CUDA when its execution provider starts (a one-op model is run on
 * it), otherwise on the CPU with a notice that says why. Where onnxruntime-node itself does
 * not load (no Node host, no binary for this platform), wasm with a notice.
 */
export async function chooseNative(): Promise<Backend> {
  const native = nativeOrt();
  let ort: OrtModule;
  try {
    ort = await ortFor({ name: 'native' });
  } catch (error) {
    return { name: 'wasm', notice: `the native backend is not available (${message(error)}): running on the CPU (wasm), which is much slower.` };
  }
  const missing = native?.cudaMissing?.();
  if (missing) return { name: 'native', device: 'cpu', notice: `${missing}: ${CPU_TAIL}.` };
  try {
    await probeCuda(ort);
    return { name: 'native', device: 'cuda' };
  } catch (error) {
    return { name: 'native', device: 'cpu', notice: `CUDA failed to start (${message(error)}): ${CPU_TAIL}.` };
  }
}

async function probeCuda(ort: OrtModule): Promise<void> {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [1]);
  g.output(g.op('Mul', [x, g.constant(new Float32Array([2]), [1])]), 'float32', [1], 'y');
  const session = await ort.InferenceSession.create(g.toBytes(), { executionProviders: ['cuda'], logSeverityLevel: 3 });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1.5]), [1]) });
    if ((out.y.data as Float32Array)[0] !== 3) throw new Error(`a probe multiplication gave ${String(out.y.data[0])}`);
  } finally {
    await session.release();
  }
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
